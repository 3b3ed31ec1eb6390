"""Invitations that name the session, messages to accounts added to it, resending, reminders."""

from __future__ import annotations

import re
import threading
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from courses.audit.models import AuditEvent
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.coordination import csv_import, notifications, outreach, services
from courses.coordination.models import Cohort, ReminderBatch
from courses.extensions import db
from courses.learning import services as learning
from courses.learning.models import Enrollment
from tests.conftest import PASSWORD, fire_concurrently, mail_link, mail_text, sent_mail
from tests.coordination.test_import import confirm_url, upload

LIST = (
    "email;nom complet;langue\n"
    "salma@commune-sale.ma;Salma Benali;arabe\n"
    "karim@le360.ma;Karim Alami;English\n"
    "amal@commune-fes.ma;Amal Idrissi;\n"
)


@pytest.fixture
def trainer_in_session(app, cohort_id, make_user):
    """The session gets a trainer; returns nothing (the name is Youssef El Idrissi)."""
    trainer = make_user("formateur@example.ma", role="trainer", full_name="Youssef El Idrissi")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.trainers = [db.session.get(User, trainer.id)]
        db.session.commit()


@pytest.fixture
def coordinator(as_role):
    """The client logged in as a coordinator named Nadia Tazi."""
    user = as_role("coordinator", "nadia.tazi@example.ma")
    with_name(user.id, "Nadia Tazi")
    return user


def with_name(user_id: int, name: str) -> None:
    db.session.get(User, user_id).full_name = name
    db.session.commit()


@pytest.fixture(autouse=True)
def _context(ctx):
    """Every test here runs in an application context (the client's requests get their own)."""


def import_list(client, cohort_id: int, text: str) -> None:
    page = upload(client, cohort_id, text).get_data(as_text=True)
    assert client.post(confirm_url(page)).status_code == 302


def mail_to(app, address: str) -> list:
    return [message for message in sent_mail(app) if message["To"] == address]


def form_key(page: str) -> str:
    return re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1)


def test_the_invitation_names_the_session_and_is_written_in_the_files_language(
    app, client, cohort_id, coordinator, trainer_in_session
):
    import_list(client, cohort_id, LIST)
    salma, karim, amal = (
        mail_to(app, a)[0] for a in ("salma@commune-sale.ma", "karim@le360.ma", "amal@commune-fes.ma")
    )
    # Arabic from the column (« arabe »), English from « English », French from the course (no value).
    assert salma["Subject"] == "تدبير: دعوة إلى دورة تكوينية"
    assert "أنتم مدعوون لمتابعة الدورة" in mail_text(salma)
    assert karim["Subject"] == "Tadbir: you are invited to a training session"
    assert amal["Subject"] == "Tadbir : invitation à une session de formation"
    text = mail_text(amal)
    for expected in (
        "Gouvernance locale",  # the course
        "Session de Rabat",  # the session
        "du 1 décembre 2026 au 15 décembre 2026",  # its dates, in the recipient's language
        "Lieu : \u2068Rabat\u2069",  # its place
        "Formation animée par : \u2068Youssef El Idrissi\u2069",  # its trainer
        "\u2068Nadia Tazi\u2069, qui coordonne la session : nadia.tazi@example.ma",  # whom to ask
    ):
        assert expected in text, expected
    assert "Dates: from December 1, 2026 to December 15, 2026" in mail_text(karim)
    assert "nadia.tazi@example.ma" in mail_text(salma) and "المكان: \u2068Rabat\u2069" in mail_text(salma)
    # The new accounts keep the file's language as their preference (none when the column was empty).
    languages = dict(db.session.execute(select(User.email, User.preferred_language)).all())
    assert languages["salma@commune-sale.ma"] == "ar" and languages["karim@le360.ma"] == "en"
    assert languages["amal@commune-fes.ma"] is None
    # The link opens the existing activation page, and activates the account.
    link = mail_link(amal)
    client.post("/logout")
    assert "Activez votre compte" in client.get(link).get_data(as_text=True)
    assert client.post(link, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    assert db.session.scalar(select(User.password_hash).where(User.email == "amal@commune-fes.ma")) is not None


def test_the_html_invitation_has_the_same_facts_and_the_activation_button(app, client, cohort_id, coordinator):
    import_list(client, cohort_id, "email;full name;language\nsalma@x.ma;Salma;fr\n")
    html = mail_to(app, "salma@x.ma")[0].get_body(("html",)).get_content()
    assert '<html lang="fr" dir="ltr">' in html
    assert "<bdi>Session de Rabat</bdi>" in html and "Lieu : <bdi>Rabat</bdi>" in html
    assert re.search(r'<a href="https?://[^"]+/password/reset/[^"]+">Activer mon compte</a>', html)
    assert "<bdi>Nadia Tazi</bdi>" in html


def test_without_the_column_the_course_language_then_french(app, client, cohort_id, coordinator):
    db.session.scalar(select(Course)).language = "ar"
    db.session.commit()
    import_list(client, cohort_id, "email;full name\nsalma@x.ma;Salma\n")
    assert mail_to(app, "salma@x.ma")[0]["Subject"] == "تدبير: دعوة إلى دورة تكوينية"
    cohort = db.session.get(Cohort, cohort_id)
    user = db.session.scalar(select(User).where(User.email == "salma@x.ma"))
    assert user.preferred_language is None and notifications.session_language(user, cohort) == "ar"
    cohort.course.language = "es"  # a language the site does not speak: French
    assert notifications.session_language(user, cohort) == "fr"
    user.preferred_language = "en"  # a saved preference wins over the course
    assert notifications.session_language(user, cohort) == "en"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("fr", "fr"), ("Français", "fr"), ("FRANCAIS", "fr"), ("french", "fr"), ("fr-MA", "fr"), ("الفرنسية", "fr"),
        ("ar", "ar"), ("Arabe", "ar"), ("arabic", "ar"), ("العربية", "ar"), ("ar_MA", "ar"), ("عربية", "ar"),
        ("en", "en"), ("Anglais", "en"), ("English", "en"), ("الإنجليزية", "en"), ("الانجليزية", "en"),
        ("klingon", None), ("", None),
    ],
)  # fmt: skip
def test_language_values_people_write(value, code):
    assert csv_import.language_code(value) == code


def test_an_unknown_language_is_a_row_error(app, client, cohort_id, coordinator):
    page = upload(client, cohort_id, "email;nom;langue\nsalma@x.ma;Salma;klingon\n").get_data(as_text=True)
    assert "langue inconnue (fr, ar ou en)" in page and "Confirmer l" not in page
    header = csv_import.read("email;full name;Langue préférée\na@b.ma;A;ar\n")
    assert header.rows[0].values["language"] == "ar" and not header.ignored_columns


def test_an_existing_account_is_told_it_was_added_in_its_language(app, client, cohort_id, coordinator, make_user):
    make_user("karim@le360.ma", full_name="Karim Alami", preferred_language="en")
    never_activated = make_user("idle@x.ma", full_name="Idle")
    db.session.get(User, never_activated.id).password_hash = None  # created earlier, link never used
    db.session.commit()
    import_list(client, cohort_id, "email;full name;langue\nkarim@le360.ma;Karim Alami;arabe\nidle@x.ma;Idle;\n")
    message = mail_to(app, "karim@le360.ma")[0]
    assert message["Subject"] == "Tadbir: you have been added to a training session"
    text = mail_text(message)
    assert "You have been added to the training session “\u2068Session de Rabat\u2069”" in text
    assert "/courses/gouvernance/" in text and "/password/reset/" not in text
    assert "Nadia Tazi" in text
    # The file's language does not change the language an existing account chose.
    assert db.session.scalar(select(User.preferred_language).where(User.email == "karim@le360.ma")) == "en"
    # An account that exists but was never activated gets the invitation with its activation link.
    idle = mail_to(app, "idle@x.ma")[0]
    assert idle["Subject"] == "Tadbir : invitation à une session de formation"
    assert "/password/reset/" in mail_link(idle)


def test_adding_one_account_by_hand_tells_its_owner(app, client, cohort_id, coordinator, make_user):
    learner = make_user("leila@x.ma", full_name="Leila Tazi")
    client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id})
    (message,) = mail_to(app, "leila@x.ma")
    assert message["Subject"] == "Tadbir : vous avez été ajouté(e) à une session de formation"
    assert "Connectez-vous avec votre adresse" in mail_text(message)
    client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id})  # already in
    assert len(mail_to(app, "leila@x.ma")) == 1


def test_the_command_line_import_invites_without_a_coordinator(app, runner, cohort_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("email;full name;language\nsalma@x.ma;Salma;en\n", "utf-8")
    assert runner.invoke(args=["cohorts", "import", str(cohort_id), str(path)]).exit_code == 0
    text = mail_text(mail_to(app, "salma@x.ma")[0])
    assert "Session de Rabat" in text and "For any question" not in text


# Resending one invitation


def test_resend_gives_a_new_working_link_when_the_first_one_expired(app, client, cohort_id, coordinator, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 15 * 24 * 3600)
    import_list(client, cohort_id, "email;full name\nsalma@x.ma;Salma Benali\n")
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    expired = mail_link(mail_to(app, "salma@x.ma")[0])
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Invitations et relances" in page and "Renvoyer l'invitation" in page
    salma = db.session.scalar(select(User).where(User.email == "salma@x.ma"))
    response = client.post(
        f"/coordination/cohorts/{cohort_id}/invitations/resend", data={"user_id": salma.id, "key": form_key(page)}
    )
    assert response.status_code == 302
    assert "Invitation renvoyée" in client.get(response.headers["Location"]).get_data(as_text=True)
    first, again = mail_to(app, "salma@x.ma")
    fresh = mail_link(again)
    assert fresh != expired and again["Subject"] == first["Subject"]
    client.post("/logout")
    assert client.get(expired).status_code == 302  # 15 days old: sent to "ask for a new link"
    assert "Activez votre compte" in client.get(fresh).get_data(as_text=True)
    assert client.post(fresh, data={"password": PASSWORD, "confirm": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, salma.id).password_hash is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.resend_invitation"))
    assert event.actor_id == coordinator.id and str(event.subject_id) == str(cohort_id)
    assert event.data["user"] == "salma@x.ma" and event.data["recipients"] == 1


def test_resend_twice_from_one_page_sends_once_and_never_to_an_activated_account(
    app, client, cohort_id, coordinator, make_user
):
    import_list(client, cohort_id, "email;full name\nsalma@x.ma;Salma Benali\n")
    salma_id = db.session.scalar(select(User.id).where(User.email == "salma@x.ma"))
    url = f"/coordination/cohorts/{cohort_id}/invitations/resend"
    key = form_key(client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True))
    for _ in range(2):  # a double click
        assert client.post(url, data={"user_id": salma_id, "key": key}).status_code == 302
    assert len(mail_to(app, "salma@x.ma")) == 2  # the invitation, then one resend
    db.session.get(User, salma_id).password_hash = "activated"
    db.session.commit()
    new_key = "another-page-drawn-later"
    response = client.post(url, data={"user_id": salma_id, "key": new_key}, follow_redirects=True)
    assert "a déjà activé son compte" in response.get_data(as_text=True)
    assert len(mail_to(app, "salma@x.ma")) == 2
    stranger = make_user("stranger@x.ma")  # not in the session
    assert client.post(url, data={"user_id": stranger.id, "key": new_key}).status_code == 404
    assert client.post(url, data={"user_id": salma_id}).status_code == 400  # no key: not a form of ours


# Reminders


@pytest.fixture
def session_states(app, client, cohort_id, coordinator, make_user):
    """In the session: two accounts never activated, one activated but not started (English), one started,
    one deactivated; returns their addresses by state."""
    import_list(client, cohort_id, "email;full name\nwaiting@x.ma;Warda Alaoui\nlate@x.ma;Lina Bennani\n")
    idle = make_user("idle@x.ma", full_name="Ilyas Chraibi", preferred_language="en")
    busy = make_user("busy@x.ma", full_name="Badr Fassi")
    gone = make_user("gone@x.ma", full_name="Ghita Naciri")
    cohort = db.session.get(Cohort, cohort_id)
    for user in (idle, busy, gone):
        assert services.enroll_in_cohort(cohort, db.session.get(User, user.id), SYSTEM) == "enrolled"
    module = db.session.scalar(select(Module).order_by(Module.position))
    learning.record_view(db.session.scalar(select(Enrollment).where(Enrollment.user_id == busy.id)), module)
    db.session.get(User, gone.id).is_active = False
    db.session.commit()
    return {"not_activated": ["late@x.ma", "waiting@x.ma"], "not_started": ["idle@x.ma"], "started": ["busy@x.ma"]}


def test_reminder_previews_list_the_right_people(app, client, cohort_id, session_states):
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert re.search(r"Compte non activé : <strong>2</strong>", page)
    assert re.search(r"Activé, cours non commencé : <strong>1</strong>", page)
    preview = client.get(f"/coordination/cohorts/{cohort_id}/reminders/not_activated").get_data(as_text=True)
    assert "2 destinataires" in preview
    assert "Lina Bennani" in preview and "Warda Alaoui" in preview
    assert "Ilyas Chraibi" not in preview and "Badr Fassi" not in preview and "Ghita Naciri" not in preview
    assert "Pour rappel, vous êtes invité(e) à la session de formation" in preview  # the message, in French
    assert "/password/reset/…" in preview  # a placeholder: nobody's working link is shown
    assert "Envoyer la relance à 2 apprenants" in preview
    started = client.get(f"/coordination/cohorts/{cohort_id}/reminders/not_started").get_data(as_text=True)
    assert "1 destinataire" in started and "Ilyas Chraibi" in started and "English" in started
    assert "Warda Alaoui" not in started and "Badr Fassi" not in started
    assert "vous n&#39;avez pas encore ouvert le cours" in started
    assert client.get(f"/coordination/cohorts/{cohort_id}/reminders/everyone").status_code == 404


def test_reminders_go_once_in_each_language_with_an_audit_event(app, client, cohort_id, session_states):
    url = f"/coordination/cohorts/{cohort_id}/reminders/not_started"
    key = form_key(client.get(url).get_data(as_text=True))
    response = client.post(url, data={"key": key})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Une relance est en cours d&#39;envoi à 1 apprenant." in page
    assert client.post(url, data={"key": key}).status_code == 302  # the same form again
    (message,) = [m for m in sent_mail(app) if m["Subject"].startswith("Tadbir: reminder")]
    assert message["To"] == "idle@x.ma" and message["Subject"] == "Tadbir: reminder, your course is waiting for you"
    assert "you have not opened the course yet" in mail_text(message)
    assert "/courses/gouvernance/" in mail_text(message)
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "cohort.remind")).all()
    assert str(event.subject_id) == str(cohort_id) and event.data["kind"] == "not_started"
    assert event.data["recipients"] == 1


def test_twenty_reminder_submissions_at_once_send_once(app, client, cohort_id, session_states):
    url = f"/coordination/cohorts/{cohort_id}/reminders/not_activated"
    key = form_key(client.get(url).get_data(as_text=True))
    before = len(sent_mail(app))
    cookie = client.get_cookie("session").value
    barrier, statuses = threading.Barrier(20), []

    def submit():
        other = app.test_client()
        other.set_cookie("session", cookie)
        barrier.wait()
        statuses.append(other.post(url, data={"key": key}).status_code)

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 20
    reminders = sent_mail(app)[before:]
    assert sorted(m["To"] for m in reminders) == ["late@x.ma", "waiting@x.ma"]
    assert all("/password/reset/" in mail_link(m) for m in reminders)  # a new activation link each
    assert db.session.scalar(select(func.count()).select_from(ReminderBatch)) == 1
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "cohort.remind")) == 1


def test_a_batch_is_sent_once_and_skips_who_activated_meanwhile(app, client, cohort_id, session_states):
    cohort = db.session.get(Cohort, cohort_id)
    coordinator = db.session.scalar(select(User).where(User.role == "coordinator"))
    batch = outreach.start_reminders(cohort, "not_activated", coordinator, "k" * 16)
    assert outreach.start_reminders(cohort, "not_activated", coordinator, "k" * 16) is None
    db.session.scalar(select(User).where(User.email == "late@x.ma")).password_hash = "activated"
    db.session.commit()
    before = len(sent_mail(app))
    assert outreach.send_reminders.call_local(batch.id) == 1
    assert outreach.send_reminders.call_local(batch.id) == 0  # a second run finds the batch claimed
    assert [m["To"] for m in sent_mail(app)[before:]] == ["waiting@x.ma"]


def test_only_coordinators_see_and_use_the_reminders(app, client, cohort_id, session_states, as_role):
    url = f"/coordination/cohorts/{cohort_id}/reminders/not_activated"
    key = form_key(client.get(url).get_data(as_text=True))
    trainer = as_role("trainer", "trainer@x.ma")
    cohort = db.session.get(Cohort, cohort_id)
    cohort.trainers = [db.session.get(User, trainer.id)]
    db.session.commit()
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Invitations et relances" not in page
    assert client.get(url).status_code == 403 and client.post(url, data={"key": key}).status_code == 403


# Closing and reopening


def test_closing_asks_first_says_what_it_does_and_can_be_undone(app, client, cohort_id, coordinator, make_user):
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert f'href="/coordination/cohorts/{cohort_id}/close"' in page
    confirm = client.get(f"/coordination/cohorts/{cohort_id}/close").get_data(as_text=True)
    assert "Clôturer la session « <bdi>Session de Rabat</bdi> » ?" in confirm
    assert "ses apprenants gardent leur accès au cours et leur progression" in confirm
    assert "reçoit toujours son certificat" in confirm
    assert '<button type="submit" class="danger">Clôturer la session</button>' in confirm
    assert db.session.get(Cohort, cohort_id).is_open  # the page changed nothing
    client.post(f"/coordination/cohorts/{cohort_id}/close")
    client.post(f"/coordination/cohorts/{cohort_id}/close")  # a second click
    db.session.expire_all()
    assert not db.session.get(Cohort, cohort_id).is_open
    learner = make_user("leila@x.ma")
    client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id})
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id)) is None
    page = client.get(f"/coordination/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Rouvrir la session…" in page and "Invitations et relances" in page
    assert "Rouvrir la session « <bdi>Session de Rabat</bdi> » ?" in client.get(
        f"/coordination/cohorts/{cohort_id}/reopen"
    ).get_data(as_text=True)
    assert client.post(f"/coordination/cohorts/{cohort_id}/reopen").status_code == 302
    client.post(f"/coordination/cohorts/{cohort_id}/reopen")
    db.session.expire_all()
    assert db.session.get(Cohort, cohort_id).is_open
    client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": learner.id})
    assert db.session.scalar(select(Enrollment).where(Enrollment.user_id == learner.id)) is not None
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id)
        .where(AuditEvent.action.in_(["cohort.close", "cohort.reopen"]))
        .order_by(AuditEvent.id)
    ).all()
    assert events == [("cohort.close", coordinator.id), ("cohort.reopen", coordinator.id)]


def test_twenty_closings_at_once_close_once(app, client, cohort_id, coordinator):
    statuses = fire_concurrently(app, client, "POST", f"/coordination/cohorts/{cohort_id}/close")
    assert statuses == [302] * 20
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "cohort.close")) == 1
