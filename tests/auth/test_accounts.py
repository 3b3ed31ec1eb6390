"""Sign-up, login, profile and password flows through the browser's eyes (the test client)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from courses.audit.models import AuditEvent
from courses.auth import services
from courses.auth.models import User
from courses.config import Defaults
from courses.extensions import db
from tests.conftest import PASSWORD, mail_link, mail_text, sent_mail

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


def test_signup_emails_an_activation_link_that_sets_the_password_and_logs_in(app, client):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 200 and "Consultez votre messagerie" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "salma.benali@commune.ma" and user.role == "learner"
        assert user.full_name_ar == "سلمى بنعلي"
        assert (user.organisation, user.region) == ("", None)  # sign-up asks only what starting needs
        assert user.password_hash is None and user.preferred_language == "fr"
    assert client.post("/login", data={"email": SIGNUP["email"], "password": PASSWORD}).status_code == 200
    (message,) = sent_mail(app)
    assert message["To"] == "salma.benali@commune.ma" and "activez votre compte" in message["Subject"]
    link = mail_link(message)
    page = client.get(link).get_data(as_text=True).replace("&#39;", "'")
    assert "Activez votre compte" in page and 'value="Activer mon compte"' in page
    assert "Confirmer le mot de passe" in page and "nouveau" not in page.lower()  # no password yet: none is "new"
    assert client.post(link, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    assert client.get("/me/").status_code == 200
    with app.app_context():
        assert services.authenticate(SIGNUP["email"], PASSWORD) is not None
        activated = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.activated")).all()
        assert [event.actor_id for event in activated] == [user.id]  # the log shows who activated, and when


def test_activating_from_the_link_records_the_login(app, client):
    """The link logs the person in: coordinators' rosters show when an account was activated."""
    client.post("/signup", data=SIGNUP)
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at)) is None
    client.post(mail_link(sent_mail(app)[0]), data={"password": PASSWORD, "confirm": PASSWORD})
    with app.app_context():
        assert db.session.scalar(select(User.last_login_at)) is not None


def test_signup_with_a_known_address_looks_the_same_and_tells_the_owner(app, client, make_user):
    owner = make_user("salma.benali@commune.ma")
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 200 and "Consultez votre messagerie" in response.get_data(as_text=True)
    fresh = app.test_client().post("/signup", data={**SIGNUP, "email": "autre@commune.ma"})

    def shown(page, email):  # the page without the address typed and the session's CSRF token
        return re.sub(r'name="csrf_token" value="[^"]+"', "", page.get_data(as_text=True).replace(email, "X"))

    assert shown(fresh, "autre@commune.ma") == shown(response, SIGNUP["email"])
    first = sent_mail(app)[0]
    assert first["To"] == owner.email and "vous avez déjà un compte" in first["Subject"]
    with app.app_context():
        assert db.session.get(User, owner.id).full_name == owner.full_name  # nothing changed


def test_signup_cannot_preset_the_password_of_someone_elses_address(app, client):
    """The password is chosen from the mailbox: whoever signs up with another's address gains nothing."""
    client.post("/signup", data={**SIGNUP, "password": PASSWORD})
    page = client.post("/login", data={"email": SIGNUP["email"], "password": PASSWORD}).get_data(as_text=True)
    assert "Adresse ou mot de passe incorrect." in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "pas-une-adresse"}, "Invalid email address."),
        ({"full_name": "", "full_name_ar": ""}, "Give your name in Latin or Arabic script, or both."),
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
    page = client.post("/signup", data={**SIGNUP, "email": ""}).get_data(as_text=True)
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


def _remember_login(client, user):
    client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    return client.get_cookie("remember_token"), client.get_cookie("session")


def test_logout_deletes_the_remember_cookie(client, make_user):
    _remember_login(client, make_user())
    response = client.post("/logout")
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert deleted and "Expires=Thu, 01 Jan 1970" in deleted[0]
    assert client.get_cookie("remember_token") is None


def test_cookies_copied_before_logout_stop_working(app, client, make_user):
    user = make_user()
    remember, session_cookie = _remember_login(client, user)
    client.post("/logout")
    for name, cookie in (("remember_token", remember), ("session", session_cookie)):
        thief = app.test_client()
        thief.set_cookie(name, cookie.value)
        assert thief.get("/me/").status_code == 302, name


def test_logout_ends_the_sessions_of_other_devices_too(app, make_user):
    user = make_user()
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        device.post("/login", data={"email": user.email, "password": PASSWORD})
    phone.post("/logout")
    assert laptop.get("/me/").status_code == 302


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
    (message,) = sent_mail(app)
    link = mail_link(message)
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
    }
    client.post("/signup", data=data)
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.full_name, user.full_name_ar) == ("Salma Benali", "سلمى بنعلي")
    link = mail_link(sent_mail(app)[-1])
    page = client.post(link, data={"password": PASSWORD, "confirm": PASSWORD}, follow_redirects=True)
    assert f"Bienvenue, {FSI}Salma Benali{PDI}." in page.get_data(as_text=True)  # the flash isolates the name
    profile = {**SIGNUP, "full_name": f"Salma Benali{RLO}", "organisation": f"Commune{RLO} de Salé"}
    assert client.post("/account/", data=profile).status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.full_name, user.organisation) == ("Salma Benali", "Commune de Salé")


def test_a_name_made_only_of_controls_is_no_name(app, client):
    response = client.post("/signup", data={**SIGNUP, "full_name": f"{RLO}\u202c", "full_name_ar": "\u2067"})
    assert response.status_code == 200 and "Indiquez votre nom" in response.get_data(as_text=True)


def test_mail_isolates_the_name_it_greets(app, client, make_user, outbox):
    user = make_user(full_name="Salma Benali")
    client.post("/password/reset", data={"email": user.email})
    (message,) = sent_mail(app)
    assert f"Bonjour {FSI}Salma Benali{PDI}," in mail_text(message)


def test_a_deactivated_owner_is_told_why_a_stranger_is_not(app, client, make_user):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).is_active = False
        db.session.commit()
    owner = client.post("/login", data={"email": user.email, "password": PASSWORD}).get_data(as_text=True)
    stranger = client.post("/login", data={"email": user.email, "password": "pas le bon"}).get_data(as_text=True)
    assert "Ce compte est désactivé" in owner and "Ce compte est désactivé" not in stranger
    assert "Adresse ou mot de passe incorrect." in stranger


def test_signing_up_again_before_activating_sends_a_new_activation_link(app, client):
    client.post("/signup", data=SIGNUP)
    client.post("/signup", data=SIGNUP)
    first, second = sent_mail(app)
    assert "activez votre compte" in first["Subject"] and "activez votre compte" in second["Subject"]
    assert client.post(mail_link(second), data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302


def test_a_changed_password_is_announced_to_the_owner(app, client, make_user, login):
    user = make_user()
    login(user)
    new = "un tout nouveau mot de passe"
    client.post("/account/password", data={"current": PASSWORD, "password": new, "confirm": new})
    (message,) = sent_mail(app)
    assert message["To"] == user.email and "mot de passe a été modifié" in message["Subject"]
    assert "/password/reset" in mail_text(message)
    assert message["Date"] and message["Message-ID"]


def test_arabic_mail_greets_by_the_arabic_name(app, client, make_user):
    user = make_user(full_name="Salma Benali", full_name_ar="سلمى بنعلي", preferred_language="ar")
    client.post("/password/reset", data={"email": user.email})
    (message,) = sent_mail(app)
    assert "سلمى بنعلي" in mail_text(message) and "Salma Benali" not in mail_text(message)


def test_signup_takes_a_name_in_arabic_script_alone_and_lists_errors_at_the_top(app, client):
    empty = client.post("/signup", data={"email": "", "full_name": "", "full_name_ar": ""}).get_data(as_text=True)
    summary = empty.split('id="error-summary"')[1].split("</div>")[0]
    assert 'href="#email"' in summary and 'href="#full_name"' in summary and "Indiquez votre nom" in summary
    assert 'name="organisation"' not in empty and 'name="region"' not in empty
    client.post("/signup", data={"email": "salma@example.ma", "full_name_ar": "سلمى بنعلي"})
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.full_name, user.name_in("fr"), user.name_in("ar")) == ("", "سلمى بنعلي", "سلمى بنعلي")


def test_the_dashboard_asks_for_the_organisation_fields_until_they_are_given(client, make_user, login):
    login(make_user())
    assert "Complétez votre profil" in client.get("/me/").get_data(as_text=True)
    profile = {"full_name": "Salma", "organisation": "Commune de Salé", "organisation_type": "commune",
               "region": "rabat-sale-kenitra"}  # fmt: skip
    assert client.post("/account/", data=profile).status_code == 302
    assert "Complétez votre profil" not in client.get("/me/").get_data(as_text=True)


def test_an_emailed_link_opens_in_its_recipients_language_unless_the_visitor_chose(app, client):
    """An Arabic-speaking invitee on an English browser: the activation page and its welcome in Arabic."""
    client.set_cookie("lang", "ar")
    client.post("/signup", data=SIGNUP)  # the account's language: Arabic
    client.delete_cookie("lang")
    (message,) = sent_mail(app)
    link = mail_link(message)
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    page = client.get(link, headers=english_browser).get_data(as_text=True)
    assert 'lang="ar"' in page and "تفعيل" in page
    client.set_cookie("lang", "fr")  # a visitor's own choice wins
    assert 'lang="fr"' in client.get(link).get_data(as_text=True)
    client.delete_cookie("lang")
    client.post(link, data={"password": PASSWORD, "confirm": PASSWORD}, headers=english_browser)
    welcome = client.get("/me/", headers=english_browser).get_data(as_text=True)
    assert "مرحبا" in welcome, welcome[welcome.find("flash") : welcome.find("flash") + 300]


@pytest.mark.app_config(PASSWORD_HASH_METHOD=Defaults.PASSWORD_HASH_METHOD)
def test_passwords_are_hashed_with_scrypt_unless_the_tests_say_otherwise(ctx, make_user):
    """The suite hashes its accounts cheaply (tests/conftest.py); the application's default is scrypt."""
    user = make_user("salma@example.ma")
    assert Defaults.PASSWORD_HASH_METHOD == "scrypt"
    assert db.session.get(User, user.id).password_hash.startswith("scrypt:")
