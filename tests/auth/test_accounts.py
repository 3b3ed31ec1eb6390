"""Sign-up, login, profile and password flows through the browser's eyes (the test client)."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from courses.auth import services
from courses.auth.models import User
from courses.extensions import db
from tests.conftest import PASSWORD

SIGNUP = {
    "email": "Salma.Benali@Commune.ma",
    "full_name": "Salma Benali",
    "full_name_ar": "سلمى بنعلي",
    "organisation": "Commune de Salé",
    "organisation_type": "commune",
    "region": "rabat-sale-kenitra",
    "job_title": "Chargée de communication",
    "preferred_language": "",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


def test_signup_creates_a_learner_and_logs_in(app, client):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "salma.benali@commune.ma" and user.role == "learner"
        assert user.full_name_ar == "سلمى بنعلي" and user.region == "rabat-sale-kenitra"
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert client.get("/me/").status_code == 200


def test_signup_refuses_an_email_taken_in_another_case(client, make_user):
    make_user("salma.benali@commune.ma")
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "court", "confirm": "court"}, "At least 10 characters."),
        ({"confirm": "autre chose du tout"}, "The passwords differ."),
        ({"email": "pas-une-adresse"}, "Invalid email address."),
        ({"organisation_type": "secte"}, "Not a valid choice."),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_signup_errors_are_shown_and_nothing_is_created(app, client, change, message):
    response = client.post("/signup", data={**SIGNUP, **change}, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page or message in page.replace("&#39;", "'")
    with app.app_context():
        assert db.session.scalar(select(User)) is None


def test_signup_messages_are_french_by_default(client):
    page = client.post("/signup", data={**SIGNUP, "full_name": ""}).get_data(as_text=True)
    assert "Ce champ est requis." in page


def test_login_and_logout(client, make_user, login):
    user = make_user()
    login(user)
    assert client.get("/me/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/me/").status_code == 302


def test_login_failures_say_the_same_thing(client, make_user):
    user = make_user()
    unknown = client.post("/login", data={"email": "nobody@example.ma", "password": PASSWORD}).get_data(as_text=True)
    wrong = client.post("/login", data={"email": user.email, "password": "wrong password!"}).get_data(as_text=True)
    assert "Adresse ou mot de passe incorrect." in unknown and "Adresse ou mot de passe incorrect." in wrong


def test_login_is_case_insensitive_on_email(client, make_user):
    user = make_user("Karim@Example.ma")
    response = client.post("/login", data={"email": "KARIM@example.MA", "password": PASSWORD})
    assert response.status_code == 302 and user.email == "karim@example.ma"


def test_deactivated_user_cannot_log_in(app, client, make_user):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200


def test_login_follows_safe_next_only(client, make_user):
    user = make_user()
    ok = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/courses/x/"})
    assert ok.headers["Location"] == "/courses/x/"
    client.post("/logout")
    evil = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "https://evil.example/"})
    assert evil.headers["Location"] == "/me/"


def test_remember_me_sets_a_long_cookie(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_renews_the_session(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session


def test_profile_edit(app, client, make_user, login):
    user = make_user()
    login(user)
    data = {**SIGNUP, "full_name": "Salma Benali-Idrissi", "preferred_language": "ar"}
    assert client.post("/account/", data=data).status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved.full_name == "Salma Benali-Idrissi" and saved.preferred_language == "ar"
    assert '<html lang="ar" dir="rtl">' in client.get("/").get_data(as_text=True)


def test_password_change_needs_the_current_password(app, client, make_user, login):
    user = make_user()
    login(user)
    new = "une phrase nouvelle et longue"
    wrong = client.post("/account/password", data={"current": "nope nope nope", "password": new, "confirm": new})
    assert "Le mot de passe actuel est incorrect." in wrong.get_data(as_text=True)
    assert (
        client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new}).status_code == 302
    )
    with app.app_context():
        assert services.authenticate(user.email, new) is not None


@pytest.fixture
def outbox(app):
    return Path(app.config["MAIL_OUTBOX"])


def test_password_reset_by_email(app, client, make_user, outbox):
    user = make_user()
    response = client.post("/password/reset", data={"email": user.email})
    assert response.status_code == 302
    (mail,) = outbox.glob("*.eml")
    text = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default).get_content()
    link = re.search(r"https?://[^/]+(/password/reset/\S+)", text).group(1)
    new = "mon nouveau mot de passe"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    with app.app_context():
        assert services.authenticate(user.email, new) is not None
    client.post("/logout")
    reused = client.post(link, data={"password": "encore un autre mdp", "confirm": "encore un autre mdp"})
    assert reused.status_code == 302 and reused.headers["Location"] == "/password/reset"


def test_password_reset_for_unknown_email_looks_the_same(client, outbox):
    response = client.post("/password/reset", data={"email": "inconnu@example.ma"}, follow_redirects=True)
    assert "Si un compte existe pour cette adresse" in response.get_data(as_text=True)
    assert not outbox.exists() or not list(outbox.glob("*.eml"))


def test_reset_token_expires(app, make_user):
    user = make_user()
    with app.app_context():
        saved = db.session.get(User, user.id)
        token = services.reset_token(saved, "secret")
        assert services.user_for_reset_token(token, "secret") == saved
        assert services.user_for_reset_token(token, "secret", max_age=-1) is None
        assert services.user_for_reset_token(token + "x", "secret") is None
        assert services.user_for_reset_token(token, "another secret") is None


def test_cli_create_and_set_role(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Coord@Example.ma",
            "--name",
            "Nadia Tazi",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        input="un mot de passe solide\n",
    )
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["users", "set-role", "coord@example.ma", "admin"]).exit_code == 0
    with app.app_context():
        assert services.find_user("coord@example.ma").role == "admin"
    short = runner.invoke(args=["users", "create", "x@example.ma", "--name", "X", "--password-stdin"], input="court\n")
    assert short.exit_code == 1 and "10 characters" in short.output
    assert runner.invoke(args=["users", "set-role", "absent@example.ma", "admin"]).exit_code == 1


def test_cli_demo_accounts_only_on_empty_database(app, runner):
    first = runner.invoke(args=["users", "demo"])
    assert first.exit_code == 0
    lines = [line.split() for line in first.output.splitlines()[1:]]
    assert [line[0] for line in lines] == ["learner", "trainer", "coordinator", "admin"]
    with app.app_context():
        for role, email, password in lines:
            assert services.authenticate(email, password).role == role
    assert "already exist" in runner.invoke(args=["users", "demo"]).output


RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"


def test_names_are_stored_without_bidi_controls_at_sign_up_and_in_the_profile(app, client, login):
    data = {
        **SIGNUP,
        "full_name": f"Salma {RLO}Benali",
        "full_name_ar": f"\u2067سلمى بنعلي{PDI}",
        "job_title": f"{RLO}x",
    }
    page = client.post("/signup", data=data, follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.full_name, user.full_name_ar, user.job_title) == ("Salma Benali", "سلمى بنعلي", "x")
    assert f"Bienvenue, {FSI}Salma Benali{PDI}." in page  # the flash isolates the name it prints
    profile = {**SIGNUP, "full_name": f"Salma Benali{RLO}", "organisation": f"Commune{RLO} de Salé"}
    assert client.post("/account/", data=profile).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.full_name, user.organisation) == ("Salma Benali", "Commune de Salé")


def test_a_name_made_only_of_controls_is_no_name(app, client):
    response = client.post("/signup", data={**SIGNUP, "full_name": f"{RLO}\u202c"})
    assert response.status_code == 200 and "Ce champ est requis." in response.get_data(as_text=True)


def test_mail_isolates_the_name_it_greets(app, client, make_user, outbox):
    user = make_user(full_name="Salma Benali")
    client.post("/password/reset", data={"email": user.email})
    (mail,) = outbox.glob("*.eml")
    text = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default).get_content()
    assert f"Bonjour {FSI}Salma Benali{PDI}," in text
