"""One form of email addresses on every path; look-alike addresses refused or flagged."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses.auth import emails, services
from courses.auth.models import User
from courses.extensions import db
from tests.auth.test_accounts import SIGNUP
from tests.conftest import PASSWORD, mail_link, sent_mail

NFC = "jos\u00e9@example.ma"
NFD = "Jose\u0301@Example.MA"
FULL_WIDTH = "\uff4a\uff4f\uff48\uff4e@example.ma"  # ｊｏｈｎ
CYRILLIC_O = "j\u043ehn@example.ma"  # a Cyrillic о among Latin letters


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (NFD, NFC),
        ("  Salma.Benali@COMMUNE.ma ", "salma.benali@commune.ma"),
        ("a@xn--exmple-cua.ma", "a@ex\u00e4mple.ma"),  # the domain in Unicode, however typed
        ("Stra\u00dfe@x.ma", "strasse@x.ma"),  # case folding, not just lower()
    ],
)
def test_normalised_form(typed, stored):
    assert emails.normalise_email(typed) == stored == emails.canonical_email(typed)
    assert emails.normalise_email(stored) == stored


@pytest.mark.parametrize("garbage", ["", "   ", "not an address", "a@b@c", "x" * 500, "\u202e@\x00", "a@localhost"])
def test_text_that_is_no_address_still_normalises_for_lookups(garbage):
    assert emails.normalise_email(garbage) == emails.fold(garbage)
    with pytest.raises(emails.InvalidEmail):
        emails.canonical_email(garbage)


def test_nfc_and_nfd_give_one_account(app, client):
    assert client.post("/signup", data={**SIGNUP, "email": NFC}).status_code == 200
    activation = mail_link(sent_mail(app)[-1])
    client.post(activation, data={"password": PASSWORD, "confirm": PASSWORD})
    client.post("/logout")
    again = client.post("/signup", data={**SIGNUP, "email": NFD})
    assert again.status_code == 200 and "Consultez votre messagerie" in again.get_data(as_text=True)
    assert count_users(app) == 1
    assert "vous avez déjà un compte" in sent_mail(app)[-1]["Subject"]  # the owner is told, nothing created
    assert client.post("/login", data={"email": NFD, "password": PASSWORD}).status_code == 302
    with app.app_context():
        assert services.find_user(NFD).email == NFC


@pytest.mark.parametrize("garbage", ["not an address", "a@b@c", "\u202e@", "\uff41@", "a@localhost", "@"])
def test_login_with_garbage_gets_the_normal_answer(client, make_user, garbage):
    make_user()
    response = client.post("/login", data={"email": garbage, "password": PASSWORD})
    assert response.status_code == 200
    assert "Adresse ou mot de passe incorrect." in response.get_data(as_text=True)


def test_reset_request_finds_the_account_in_any_form(app, client, make_user):
    make_user(NFC)
    client.post("/password/reset", data={"email": NFD})
    from pathlib import Path

    assert len(list(Path(app.config["MAIL_OUTBOX"]).glob("*.eml"))) == 1


def test_full_width_look_alike_of_an_account_is_refused(app, client, make_user):
    make_user("john@example.ma")
    response = client.post("/signup", data={**SIGNUP, "email": FULL_WIDTH})
    assert response.status_code == 200  # the same page as for any address (no enumeration)…
    assert count_users(app) == 1 and sent_mail(app) == []  # …but no account and no mail
    with app.app_context(), pytest.raises(services.AccountError) as refused:
        services.create_user(FULL_WIDTH, services.Profile(full_name="X"), None)
    assert refused.value.code == "email_lookalike"


def test_the_database_keeps_compatibility_keys_unique(app, make_user):
    from sqlalchemy.exc import IntegrityError

    make_user(FULL_WIDTH)
    with app.app_context():
        db.session.add(User(email="john@example.ma", full_name="John"))  # skipping the service's check
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_suspicious_email(app, make_user):
    make_user("john@example.ma")
    with app.app_context():
        assert services.suspicious_email("john@example.ma") == []
        assert services.suspicious_email(CYRILLIC_O) == [emails.MIXED_SCRIPTS, emails.LOOKALIKE]
        assert services.suspicious_email("\u0430dmin@example.ma") == [emails.MIXED_SCRIPTS]  # no "admin" account
        assert services.suspicious_email("jane@\uff45xample.ma") == []  # the domain is IDNA-mapped to ASCII
        assert services.suspicious_email("\uff4aane@example.ma") == [emails.COMPATIBILITY]
        # entirely Cyrillic local part (no mix), imitating an existing address: its skeleton gives it away
        assert services.suspicious_email("\u0441\u043e\u0445@example.ma") == []
        make_user("cox@example.ma")
        assert services.suspicious_email("\u0441\u043e\u0445@example.ma") == [emails.LOOKALIKE]
        # writing systems used together, and one script alone, are not suspicious
        assert emails.script_warnings("山田たろう@example.jp") == []
        assert emails.script_warnings("\u0645\u062d\u0645\u062f@\u0645\u062b\u0627\u0644.ma") == []


def test_admin_accounts_list_warns_about_look_alikes(app, client, make_user, login):
    admin = make_user("admin@example.ma", role="admin")
    make_user("john@example.ma", full_name="John Real")
    make_user(CYRILLIC_O, full_name="John Fake")
    make_user("\uff4aane@example.ma", full_name="Jane Wide")
    make_user("plain@example.ma", full_name="Plain Person")
    login(admin)
    page = client.get("/admin/users", headers={"Accept-Language": "en"}).get_data(as_text=True)
    rows = {
        name: row
        for row in page.split("<tr>")[2:]
        for name in ["John Real", "John Fake", "Jane Wide", "Plain"]
        if name in row
    }
    assert "mixes alphabets" in rows["John Fake"] and "looks like the address of another account" in rows["John Fake"]
    assert "looks like the address of another account" in rows["John Real"]  # each of the pair is flagged
    assert "full-width" in rows["Jane Wide"]
    assert "email-warning" not in rows["Plain"]
    french = client.get("/admin/users").get_data(as_text=True)
    assert "mélange des alphabets" in french


def test_admin_search_finds_an_address_typed_in_another_form(app, client, make_user, login):
    admin = make_user("admin@example.ma", role="admin")
    make_user(NFC, full_name="José")
    login(admin)
    page = client.get("/admin/users", query_string={"q": "JOSE\u0301@"}).get_data(as_text=True)
    assert NFC in page


def test_cli_uses_the_same_form(app, runner):
    created = runner.invoke(args=["users", "create", NFD, "--name", "José", "--password-stdin"], input=PASSWORD + "\n")
    assert created.exit_code == 0, created.output
    assert runner.invoke(args=["users", "set-role", NFC.upper(), "trainer"]).exit_code == 0
    twin = runner.invoke(args=["users", "create", NFC, "--name", "José", "--password-stdin"], input=PASSWORD + "\n")
    assert twin.exit_code == 1 and "already exists" in twin.output
    invalid = runner.invoke(
        args=["users", "create", "nobody", "--name", "X", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert invalid.exit_code == 1 and "not a valid email address" in invalid.output
    with app.app_context():
        assert services.find_user(NFC).role == "trainer"


def test_demo_accounts_are_stored_normalised(app, runner):
    runner.invoke(args=["users", "demo"])
    with app.app_context():
        stored = db.session.scalars(select(User.email)).all()
        assert stored and all(email == emails.normalise_email(email) for email in stored)


def test_course_trainers_are_recognised_whatever_the_form_of_their_address(app, make_course, synced, make_user):
    from courses.catalog.models import Course
    from courses.coordination import services as coordination

    make_course(meta={"trainers": [{"name": "José", "email": NFD}]})
    synced()
    trainer = make_user(NFC, role="trainer")
    with app.app_context():
        course = db.session.scalar(select(Course))
        assert coordination.trains(db.session.get(User, trainer.id), course)
