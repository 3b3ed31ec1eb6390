"""Coordination rules as plain functions: who sees and manages a session, claiming an import."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courses.auth.models import User
from courses.coordination import services
from courses.coordination.models import Cohort, CsvImport
from courses.extensions import db
from tests.conftest import fire_concurrently
from tests.coordination.test_import import GOOD, confirm_url, counts, upload


@pytest.fixture
def pending(ctx, cohort_id, make_user) -> CsvImport:
    uploader = make_user("coordinator@example.ma", role="coordinator")
    row = CsvImport(cohort_id=cohort_id, uploaded_by_id=uploader.id, filename="liste.csv", content=GOOD, summary={})
    db.session.add(row)
    db.session.commit()
    return row


def test_an_import_is_claimed_once(pending):
    assert services.claim_import(pending) is True
    assert db.session.scalar(select(CsvImport.confirmed_at)) is not None
    assert services.claim_import(pending) is False  # the second confirmation loses
    db.session.commit()
    assert services.claim_import(db.session.get(CsvImport, pending.id)) is False


def test_a_claim_made_by_another_request_wins_over_a_stale_copy(app, pending):
    stale = db.session.get(CsvImport, pending.id)
    assert stale.confirmed_at is None
    with app.app_context():  # another request, with a session of its own
        assert services.claim_import(db.session.get(CsvImport, pending.id)) is True
        db.session.commit()
    assert stale.confirmed_at is None  # this session has not seen it: the database decides
    assert services.claim_import(stale) is False


def test_a_rolled_back_claim_leaves_the_import_to_claim(pending):
    assert services.claim_import(pending) is True
    db.session.rollback()  # the import failed: nothing was imported, the file can be confirmed again
    assert db.session.get(CsvImport, pending.id).confirmed_at is None
    assert services.claim_import(pending) is True


def test_twenty_confirmations_at_once_import_once(app, client, as_role, cohort_id):
    as_role("coordinator")
    before = counts(app)
    url = confirm_url(upload(client, cohort_id, GOOD).get_data(as_text=True))
    statuses = fire_concurrently(app, client, "POST", url)
    assert statuses == [302] * 20
    assert counts(app) == (before[0] + 2, before[1] + 2)


@pytest.mark.parametrize(
    ("role", "own_session", "may_view", "may_manage"),
    [
        ("learner", False, False, False),
        ("trainer", False, False, False),
        ("trainer", True, True, False),
        ("coordinator", False, True, True),
        ("admin", False, True, True),
    ],
)
def test_who_sees_and_manages_a_session(ctx, cohort_id, make_user, role, own_session, may_view, may_manage):
    user = db.session.get(User, make_user(f"{role}@example.ma", role=role).id)
    cohort = db.session.get(Cohort, cohort_id)
    if own_session:
        cohort.trainers = [user]
        db.session.flush()
    assert services.may_view_cohort(user, cohort) is may_view
    assert services.may_manage_cohort(user) is may_manage
