"""Recording: who acted is always said, an account or one of the actors without one."""

from __future__ import annotations

import pytest

from courses.audit.models import ActorKind
from courses.audit.services import COMMAND_LINE, SYSTEM, VISITOR, record
from courses.auth.models import User
from courses.extensions import db


def test_the_actor_is_an_account_or_a_named_kind_never_none(app, make_user):
    user_id = make_user("nadia@example.ma").id
    with app.app_context():
        nadia = db.session.get(User, user_id)
        kinds = [record(actor, "x.y", "user", None, "") for actor in (nadia, COMMAND_LINE, SYSTEM, VISITOR)]
        assert [(e.actor_id, e.actor_kind) for e in kinds] == [
            (user_id, "account"), (None, "command_line"), (None, "system"), (None, "visitor"),
        ]  # fmt: skip
        for wrong in (None, ActorKind.ACCOUNT, "system"):
            with pytest.raises(TypeError):
                record(wrong, "x.y", "user", None, "")
        db.session.rollback()
