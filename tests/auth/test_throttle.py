"""Limits stop guessing, not a classroom behind one address and not an account's owner."""

from __future__ import annotations

import pytest

from courses import create_app
from courses.auth import services
from courses.auth.throttle import DEVICE_COOKIE, require_shared_counts
from courses.extensions import db
from tests.conftest import PASSWORD

limited = pytest.mark.app_config(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
ROOM = {"REMOTE_ADDR": "196.200.1.10"}  # the venue's one address


def _log_in(client, email, password=PASSWORD, address=ROOM):
    return client.post("/login", data={"email": email, "password": password}, environ_base=address)


@limited
def test_forty_invitees_activate_and_log_in_from_one_address(app):
    with app.app_context():
        invitees = []
        for number in range(40):
            user = services.create_user(f"elu{number}@commune.ma", services.Profile(full_name=f"Élu {number}"), None)
            invitees.append((user.email, services.reset_token(user, app.config["SECRET_KEY"], "invitation")))
        db.session.commit()
    client = app.test_client()
    for number, (email, token) in enumerate(invitees):
        activated = client.post(
            f"/password/reset/{token}", data={"password": PASSWORD, "confirm": PASSWORD}, environ_base=ROOM
        )
        assert activated.status_code == 302, number
        client.post("/logout", environ_base=ROOM)
        if number % 4 == 0:  # some mistype their password first
            assert _log_in(client, email, "pas le bon mot de passe").status_code == 200
        assert _log_in(client, email).status_code == 302, number
        client.post("/logout", environ_base=ROOM)


@limited
def test_a_spread_out_attack_on_one_account_is_stopped_and_its_owner_still_gets_in(app, make_user):
    owner = make_user("salma@commune.ma")
    laptop = app.test_client()
    assert _log_in(laptop, owner.email, address={"REMOTE_ADDR": "41.250.0.1"}).status_code == 302
    assert laptop.get_cookie(DEVICE_COOKIE) is not None
    laptop.post("/logout")
    attacker = app.test_client()
    answers = [
        _log_in(attacker, owner.email, f"essai {n}", address={"REMOTE_ADDR": f"10.9.{n}.1"}).status_code
        for n in range(30)
    ]
    assert answers[:10] == [200] * 10 and set(answers[10:]) == {429}
    refused = _log_in(attacker, owner.email, address={"REMOTE_ADDR": "10.9.99.1"})  # even the right password
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Mot de passe oublié" in page and "minutes" in page
    # The owner's known device is spared; a new device proves itself by email.
    assert _log_in(laptop, owner.email, address={"REMOTE_ADDR": "41.250.0.1"}).status_code == 302
    assert app.test_client().post("/password/reset", data={"email": owner.email}).status_code == 302


@limited
def test_rotating_forwarded_for_without_a_trusted_proxy_gains_nothing(app, make_user):
    user = make_user()
    client = app.test_client()
    answers = [
        client.post(
            "/login",
            data={"email": user.email, "password": "faux"},
            headers={"X-Forwarded-For": f"172.16.0.{n}"},
            environ_base=ROOM,
        ).status_code
        for n in range(7)
    ]
    assert answers == [200] * 5 + [429] * 2


@pytest.mark.app_config(
    RATELIMIT_ENABLED=True,
    LOGIN_FAILURES_PER_ADDRESS="3 per minute",
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS="3 per minute",
    LOGIN_FAILURES_PER_ACCOUNT="3 per minute",
    INVALID_LINKS_PER_ADDRESS="3 per hour",
)
def test_successful_logins_and_valid_links_spend_nothing(app, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(6):
        assert _log_in(client, user.email).status_code == 302
    assert [_log_in(client, user.email, "faux").status_code for _ in range(4)] == [200, 200, 200, 429]
    with app.app_context():
        token = services.reset_token(db.session.get(type(user), user.id), app.config["SECRET_KEY"])
    assert all(client.get(f"/password/reset/{token}", environ_base=ROOM).status_code == 200 for _ in range(6))
    bad = [client.get(f"/password/reset/x{n}", environ_base=ROOM).status_code for n in range(4)]
    assert bad == [302, 302, 302, 429]


def test_several_processes_need_a_shared_count(tmp_path):
    settings = {"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app({**settings, "SERVER_PROCESSES": 2})
    create_app({**settings, "SERVER_PROCESSES": 1})
    create_app({**settings, "SERVER_PROCESSES": 2, "RATELIMIT_ENABLED": False})
    app = create_app({**settings, "SERVER_PROCESSES": 2, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
    require_shared_counts(app)


@limited
def test_mistakes_in_the_form_do_not_spend_anyones_mail_budget(app):
    client = app.test_client()
    for path in ("/signup", "/password/reset"):
        for n in range(6):  # an empty address, a typo: the form says so, every time
            response = client.post(path, data={"email": "" if n % 2 else "pas-une-adresse", "full_name": "X"})
            assert response.status_code == 200, (path, n)


@limited
def test_the_password_change_form_is_no_guessing_machine(app, make_user, login):
    client = app.test_client()
    user = make_user()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    answers = [
        client.post(
            "/account/password", data={"current": f"faux {n}", "password": "x" * 12, "confirm": "x" * 12}
        ).status_code
        for n in range(7)
    ]
    assert answers == [200] * 5 + [429, 429]
