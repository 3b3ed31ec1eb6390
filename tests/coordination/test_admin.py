"""Admins manage accounts and read the audit log; nobody else can."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

from sqlalchemy import select

from courses.audit.models import AuditEvent
from courses.audit.services import COMMAND_LINE, SYSTEM, VISITOR, record
from courses.auth.models import User
from courses.extensions import db
from tests.conftest import sent_mail


def test_admin_changes_roles_deactivates_and_sends_links(app, client, as_role, make_user):
    admin = as_role("admin")
    target = make_user("target@example.ma", full_name="Cible")
    assert "target@example.ma" in client.get("/admin/users?q=cible").get_data(as_text=True)
    client.post(f"/admin/users/{target.id}/role", data={"role": "coordinator"})
    client.post(f"/admin/users/{target.id}/reset-link")
    client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    refused = client.post(f"/admin/users/{target.id}/reset-link", follow_redirects=True).get_data(as_text=True)
    assert "réactivez-le avant d'envoyer un lien" in refused.replace("&#39;", "'")  # its link would not work
    client.post(f"/admin/users/{admin.id}/role", data={"role": "learner"})  # refused: own role
    with app.app_context():
        user = db.session.get(User, target.id)
        assert user.role == "coordinator" and not user.is_active
        assert db.session.get(User, admin.id).role == "admin"
        accounts = select(AuditEvent.action, AuditEvent.actor_id).where(AuditEvent.action.startswith("user."))
        assert db.session.execute(accounts.order_by(AuditEvent.id)).all() == [
            ("user.role", admin.id), ("user.reset_link", admin.id), ("user.deactivate", admin.id),
        ]  # fmt: skip
    assert [m["To"] for m in sent_mail(app)] == ["target@example.ma"]
    page = client.get("/admin/audit?family=accounts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<bdi>Cible</bdi>" not in page  # the subject reads as it was recorded: its address
    assert "changed the role of <bdi>target@example.ma</bdi> from <bdi>Learner</bdi> to <bdi>Coordinator</bdi>" in page
    assert "deactivated the account <bdi>target@example.ma</bdi>" in page
    assert "sent <bdi>target@example.ma</bdi> a link to set a new password" in page


def log(app, *events):
    """Record events directly: (actor, action, subject_label, data, at)."""
    with app.app_context():
        for actor, action, label, data, at in events:
            if not isinstance(actor, str):
                actor = db.session.get(User, actor.id)
            record(actor, action, "user", None, label, **data).at = at
        db.session.commit()


def rows_of(page: str) -> list[str]:
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [row for row in body.split("<tr>")[1:]]


JUNE = datetime(2026, 6, 10, 12, tzinfo=UTC)


def test_the_log_reads_as_sentences_in_the_interface_language(app, client, as_role, make_user):
    admin = as_role("admin")
    karim = make_user("karim@example.ma", role="admin", full_name="Karim Alami")
    log(app, (karim, "user.role", "salma@example.ma", {"old": "learner", "new": "coordinator"}, JUNE))
    page = client.get("/admin/audit?family=accounts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    (row,) = rows_of(page)
    assert (
        "<bdi>Karim Alami</bdi> changed the role of <bdi>salma@example.ma</bdi> from <bdi>Learner</bdi> "
        "to <bdi>Coordinator</bdi>"
    ) in row
    assert '<time datetime="2026-06-10T12:00:00+00:00">Jun 10, 2026, 1:00:00\u202fPM</time>' in row  # Casablanca
    assert "<bdi>karim@example.ma</bdi>" in row and "{" not in row
    french = client.get("/admin/audit?family=accounts", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert (
        "a fait passer <bdi>salma@example.ma</bdi> du rôle <bdi>Apprenant</bdi> au rôle <bdi>Coordinateur</bdi>"
        in french
    )
    assert "10 juin 2026, 13:00:00" in french
    assert admin  # logged in through the form: its login is in the log, filtered out below


def test_logins_are_hidden_unless_asked_for_and_families_filter(app, client, as_role, make_user):
    as_role("admin")  # one login.success
    nadia = make_user("nadia@example.ma", role="coordinator", full_name="Nadia Tazi")
    log(
        app,
        (VISITOR, "login.failure", "nadia@example.ma", {"address": "10.0.0.1"}, JUNE),
        (nadia, "cohort.close", "Session de Fès", {"course_title": "Gouvernance locale"}, JUNE),
        (nadia, "enrollment.create", "a@example.ma · gouvernance", {}, JUNE),
        (SYSTEM, "certificate.issue", "TDB-AAAA-BBBB-CCCC", {}, JUNE),
        (nadia, "export.report_csv", "gouvernance", {"course_title": "Gouvernance locale"}, JUNE),
        (COMMAND_LINE, "cohort.archive", "Session de Fès", {"note": "demande"}, JUNE),  # a family by its prefix
    )

    def shown(query: str = "") -> int:
        page = client.get(f"/admin/audit{query}", headers={"Accept-Language": "en"}).get_data(as_text=True)
        return len(rows_of(page))

    assert shown() == 5  # no login, failed or not
    assert "Failed login" not in client.get("/admin/audit").get_data(as_text=True)
    assert shown("?family=logins") == 2
    assert shown("?family=all") == 7
    assert shown("?family=sessions") == 2
    for family in ("enrollments", "certificates", "exports"):
        assert shown(f"?family={family}") == 1, family
    assert shown("?family=nonsense") == 5  # as by default
    page = client.get("/admin/audit?family=logins", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Failed login as <bdi>nadia@example.ma</bdi> from <bdi>10.0.0.1</bdi>" in page
    assert '<option value="logins" selected>' in page
    reopened = client.get("/admin/audit?family=sessions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<bdi>An operator (command line)</bdi> performed “<bdi>cohort.archive</bdi>”" in reopened


def test_filter_by_actor_name_or_email_and_by_days_of_the_site(app, client, as_role, make_user):
    as_role("admin")
    nadia = make_user("nadia@example.ma", role="coordinator", full_name="Nadia Tazi")
    karim = make_user("karim@example.ma", role="coordinator", full_name="Karim Alami")
    late = datetime(2026, 6, 10, 23, 30, tzinfo=UTC)  # 11 June, 00:30 in Casablanca
    log(app, (nadia, "cohort.close", "A", {}, JUNE), (karim, "cohort.close", "B", {}, late))

    def labels(query: str) -> list[str]:
        page = client.get(f"/admin/audit?family=sessions&{query}").get_data(as_text=True)
        return [label for label in ("“<bdi>A</bdi>”", "« <bdi>A</bdi> »", "« <bdi>B</bdi> »") if label in page]

    assert labels("actor=nadia") == ["« <bdi>A</bdi> »"]
    assert labels("actor=ALAMI") == ["« <bdi>B</bdi> »"]
    assert labels("actor=karim@example") == ["« <bdi>B</bdi> »"]
    assert labels("since=2026-06-11") == ["« <bdi>B</bdi> »"]  # its day where the site is
    assert labels("until=2026-06-10") == ["« <bdi>A</bdi> »"]


def test_csv_keeps_the_machine_columns_and_adds_the_sentence(app, client, as_role, make_user):
    admin = as_role("admin")
    log(app, (admin, "user.role", "salma@example.ma", {"old": "learner", "new": "trainer"}, JUNE))
    log(app, (VISITOR, "login.failure", "x@example.ma", {"address": "10.0.0.1"}, JUNE))
    export = client.get("/admin/audit.csv?family=accounts", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert export.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))
    assert header == [
        "at", "actor", "action", "subject_type", "subject_id", "subject", "data", "actor_kind", "description",
    ]  # fmt: skip
    (row,) = rows
    assert row[:8] == [
        "2026-06-10T12:00:00+00:00", "admin@example.ma", "user.role", "user", "", "salma@example.ma",
        '{"old": "learner", "new": "trainer"}', "account",
    ]  # fmt: skip
    description = row[8].replace("\u2068", "").replace("\u2069", "")
    assert (
        description == "Salma Benali a fait passer salma@example.ma du rôle Apprenant au rôle Formateur ou formatrice"
    )
    english = client.get("/admin/audit.csv?family=logins", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Failed login as \u2068x@example.ma\u2069 from \u206810.0.0.1\u2069" in english
    assert ";visitor;" in english


def test_coordinators_cannot_administer(client, as_role, make_user):
    as_role("coordinator")
    target = make_user("target@example.ma")
    assert client.get("/admin/users").status_code == 403
    assert client.post(f"/admin/users/{target.id}/role", data={"role": "admin"}).status_code == 403
    assert client.get("/admin/audit").status_code == 403


def test_the_accounts_page_tells_invited_from_active_and_repeats_no_id(app, client, as_role, make_user):
    as_role("admin")
    with app.app_context():
        from courses.auth import services as accounts

        accounts.create_user("invite@example.ma", accounts.Profile(full_name="Invité"), None)
        db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Invité — compte non activé" in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
