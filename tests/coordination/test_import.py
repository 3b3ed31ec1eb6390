"""CSV enrollment: a per-row report first, then all or nothing."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from courses.audit.models import AuditEvent
from courses.auth.models import User
from courses.coordination import csv_import
from courses.coordination.models import CsvImport
from courses.extensions import db
from courses.learning.models import Enrollment
from tests.conftest import mail_link, sent_mail

GOOD = (
    "email;nom complet;nom arabe;organisation;type d'organisation;région;fonction\n"
    "salma@commune-sale.ma;Salma Benali;سلمى بنعلي;Commune de Salé;Commune;Rabat-Salé-Kénitra;Chargée de communication\n"
    "karim@le360.ma;Karim Alami;;Le360;média;casablanca-settat;Journaliste\n"
)


def upload(client, cohort_id: int, content: bytes | str, name: str = "liste.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(
        f"/coordination/cohorts/{cohort_id}/imports",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def confirm_url(page: str) -> str:
    return re.search(r'action="([^"]+/confirm)"', page).group(1)


def counts(app) -> tuple[int, int]:
    with app.app_context():
        users = db.session.scalar(select(func.count()).select_from(User))
        enrollments = db.session.scalar(select(func.count()).select_from(Enrollment))
        return users, enrollments


def test_preview_then_confirm_imports_everyone(app, client, as_role, cohort_id):
    as_role("coordinator")
    before = counts(app)
    response = upload(client, cohort_id, "\ufeff" + GOOD)  # Excel's BOM
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nouveau compte" in page and "Confirmer l'import" in page
    assert counts(app) == before  # the preview wrote nothing
    confirm = confirm_url(page)
    assert client.post(confirm).status_code == 302
    assert counts(app) == (before[0] + 2, before[1] + 2)
    with app.app_context():
        salma = db.session.scalar(select(User).where(User.email == "salma@commune-sale.ma"))
        assert salma.full_name_ar == "سلمى بنعلي" and salma.organisation_type == "commune"
        assert salma.region == "rabat-sale-kenitra" and salma.password_hash is None
        karim = db.session.scalar(select(User).where(User.email == "karim@le360.ma"))
        assert karim.organisation_type == "media" and karim.region == "casablanca-settat"
        sources = db.session.scalars(select(Enrollment.source)).all()
        assert sources == ["import", "import"]
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.import"))
        assert event.data["created"] == 2
    invitations = sent_mail(app)
    assert sorted(m["To"] for m in invitations) == ["karim@le360.ma", "salma@commune-sale.ma"]
    assert "/password/reset/" in mail_link(invitations[0])
    assert client.post(confirm).status_code == 302  # confirming twice imports nothing more
    assert counts(app) == (before[0] + 2, before[1] + 2)


def test_an_invalid_row_blocks_everything(app, client, as_role, cohort_id):
    as_role("coordinator")
    before = counts(app)
    bad = (
        GOOD
        + "pas-une-adresse;Quelqu'un;;;;;\nsalma@commune-sale.ma;Doublon;;;;;\nx@y.ma;X;;;secte;;\nz@y.ma;Z;;;;Atlantide;\n"
    )
    page = upload(client, cohort_id, bad).get_data(as_text=True)
    assert "adresse électronique invalide" in page
    assert "ligne en double" in page
    assert "type d'organisation inconnu" in page.replace("&#39;", "'")
    assert "région inconnue" in page
    assert "Confirmer l'import" not in page
    assert counts(app) == before


def test_a_name_in_arabic_script_alone_is_enough(app, client, as_role, cohort_id):
    """As at sign-up: one name, in either script; with neither, the row says so and nothing is saved."""
    as_role("coordinator")
    arabic_only = "email;nom complet;nom arabe\nhind@commune-oujda.ma;;هند الإدريسي\n"
    page = upload(client, cohort_id, arabic_only).get_data(as_text=True)
    assert "<bdi>هند الإدريسي</bdi>" in page  # the preview shows the name the row has
    assert "Confirmer l'import" in page.replace("&#39;", "'")
    client.post(confirm_url(page))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "hind@commune-oujda.ma"))
        assert (user.full_name, user.full_name_ar) == ("", "هند الإدريسي")
    only_arabic_column = upload(client, cohort_id, "courriel;الاسم بالعربية\nrim@commune-oujda.ma;ريم\n")
    assert "Colonnes obligatoires manquantes" not in only_arabic_column.get_data(as_text=True)
    before = counts(app)
    nameless = upload(client, cohort_id, "email;nom complet;nom arabe\nanon@commune-oujda.ma;;\n")
    assert "nom manquant (en caractères latins ou arabes)" in nameless.get_data(as_text=True)
    assert counts(app) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Nom;Prénom\nA;B\n", "Colonnes obligatoires manquantes"),
        (GOOD.encode("utf-16"), "n'est ni en UTF-8 ni en Windows-1252"),  # Excel's "Unicode text"
        (b"email;nom\nx@y.ma;\x81\x8d\n", "n'est ni en UTF-8 ni en Windows-1252"),  # bytes cp1252 lacks
        (GOOD.encode("cp1252", errors="replace"), "Les noms en arabe sont illisibles"),  # Arabic lost as "?"
        (GOOD.replace("سلمى بنعلي", "ÓáãÜ ÈäÚáí"), "Les noms en arabe sont illisibles"),  # cp1256 read as cp1252
        ("", "Le fichier est vide"),
    ],
)
def test_malformed_files_are_explained(app, client, as_role, cohort_id, content, message):
    as_role("coordinator")
    before = counts(app)
    page = upload(client, cohort_id, content).get_data(as_text=True).replace("&#39;", "'")
    assert message in page
    assert counts(app) == before


def test_comma_files_and_existing_accounts(app, client, as_role, cohort_id, make_user):
    make_user("karim@le360.ma", full_name="Karim Alami")
    as_role("coordinator")
    page = upload(client, cohort_id, "email,full name\nkarim@le360.ma,Karim Alami\nnew@x.ma,Nouveau\n").get_data(
        as_text=True
    )
    assert "Compte existant" in page and "Nouveau compte" in page


def test_ten_thousand_rows_are_checked(app):
    rows = "".join(f"person{n}@example.ma;Person {n}\n" for n in range(10_000))
    preview = csv_import.read("email;full name\n" + rows + "broken;\n")
    assert len(preview.rows) == 10_001
    assert [row.line for row in preview.rows if row.problems] == [10_002]
    assert not preview.is_valid


def test_upload_limit(app, client, as_role, cohort_id):
    as_role("coordinator")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    assert upload(client, cohort_id, GOOD * 50).status_code == 413


def test_formulas_are_stored_as_typed_and_neutralised_on_export(app, client, as_role, cohort_id):
    as_role("coordinator")
    page = upload(client, cohort_id, 'email;full name;organisation\nf@x.ma;=HYPERLINK("http://evil");@SUM(A1)\n')
    client.post(confirm_url(page.get_data(as_text=True)))
    export = client.get("/coordination/courses/gouvernance/report.csv").get_data(as_text=True)
    assert export.startswith("\ufeff")
    assert "'=HYPERLINK" in export and "'@SUM(A1)" in export


def test_learners_cannot_import(client, as_role, cohort_id):
    as_role("learner")
    assert upload(client, cohort_id, GOOD).status_code == 403


def test_cli_import(app, runner, cohort_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(GOOD, "utf-8")
    dry = runner.invoke(args=["cohorts", "import", str(cohort_id), str(path), "--dry-run"])
    assert dry.exit_code == 0 and "2 new" in dry.output
    assert counts(app)[1] == 0
    result = runner.invoke(args=["cohorts", "import", str(cohort_id), str(path)])
    assert result.exit_code == 0, result.output
    assert "2 enrolled, 2 accounts created" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "oops;X\n", "utf-8")
    failed = runner.invoke(args=["cohorts", "import", str(cohort_id), str(bad)])
    assert failed.exit_code == 1 and "bad.csv:4: invalid_email" in failed.output


IMPORT_ACTIONS = ("cohort.import", "enrollment.create", "user.invite")


def import_events(app) -> list[tuple]:
    with app.app_context():
        statement = (
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.actor_kind, AuditEvent.subject_label)
            .where(AuditEvent.action.in_(IMPORT_ACTIONS))
            .order_by(AuditEvent.action, AuditEvent.subject_label)
        )
        return [tuple(row) for row in db.session.execute(statement)]


def test_an_import_is_credited_to_the_coordinator_who_confirms_it(app, client, as_role, cohort_id):
    as_role("coordinator", "uploader@example.ma")
    page = upload(client, cohort_id, GOOD).get_data(as_text=True)
    confirmer = as_role("coordinator", "confirmer@example.ma")
    assert client.post(confirm_url(page)).status_code == 302
    by = (confirmer.id, "account")
    assert import_events(app) == [
        ("cohort.import", *by, "Session de Rabat"),
        ("enrollment.create", *by, "karim@le360.ma · gouvernance"),
        ("enrollment.create", *by, "salma@commune-sale.ma · gouvernance"),
        ("user.invite", *by, "karim@le360.ma"),  # each invitation sent, by whom
        ("user.invite", *by, "salma@commune-sale.ma"),
    ]
    with app.app_context():
        imported = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.import"))
        assert imported.data["course_title"] == "Gouvernance locale" and imported.data["rows"] == 2


def test_a_command_line_import_says_so(app, runner, cohort_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(GOOD, "utf-8")
    assert runner.invoke(args=["cohorts", "import", str(cohort_id), str(path)]).exit_code == 0
    assert {row[:3] for row in import_events(app)} == {(action, None, "command_line") for action in IMPORT_ACTIONS}
    assert len(import_events(app)) == 5
    path.write_text(GOOD.replace("karim@le360.ma", "amal@le360.ma"), "utf-8")
    assert runner.invoke(args=["cohorts", "import", str(cohort_id), str(path), "--no-invite"]).exit_code == 0
    assert [row for row in import_events(app) if row[0] == "user.invite"] == [
        ("user.invite", None, "command_line", "karim@le360.ma"),
        ("user.invite", None, "command_line", "salma@commune-sale.ma"),
    ]  # no invitation sent, none recorded


NFC, NFD = "jos\u00e9@example.ma", "Jose\u0301@Example.MA"


def test_import_and_sign_up_agree_on_the_form_of_an_address(app, client, as_role, cohort_id):
    from tests.auth.test_accounts import SIGNUP

    assert client.post("/signup", data={**SIGNUP, "email": NFD}).status_code == 200
    as_role("coordinator")
    before = counts(app)
    page = upload(client, cohort_id, f"email;full name\n{NFC.upper()};José\n").get_data(as_text=True)
    assert "Compte existant" in page and "Nouveau compte" not in page
    client.post(confirm_url(page))
    assert counts(app) == (before[0], before[1] + 1)  # enrolled the account that signed up, created none


def test_the_same_address_twice_in_a_file_in_two_forms_is_a_duplicate(app):
    preview = csv_import.read(f"email;full name\n{NFC};A\n{NFD};B\n\uff4a@x.ma;C\nJ@X.MA;D\n")
    assert [row.problems for row in preview.rows] == [[], ["duplicate"], [], ["duplicate"]]


def test_a_look_alike_of_an_existing_address_is_refused(app, client, as_role, cohort_id, make_user):
    make_user("john@example.ma")
    as_role("coordinator")
    before = counts(app)
    page = upload(client, cohort_id, "email;full name\n\uff4a\uff4f\uff48\uff4e@example.ma;John\n").get_data(
        as_text=True
    )
    assert "un autre compte a une adresse qui lui ressemble" in page.replace("&#39;", "'")
    assert "Confirmer l'import" not in page.replace("&#39;", "'")
    assert counts(app) == before


def test_cells_lose_their_bidi_controls(app, client, as_role, cohort_id):
    as_role("coordinator")
    page = upload(client, cohort_id, "email;full name;organisation\nrlo@x.ma;Salma \u202eBenali;\u2067Commune\u2069\n")
    client.post(confirm_url(page.get_data(as_text=True)))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "rlo@x.ma"))
        assert (user.full_name, user.organisation) == ("Salma Benali", "Commune")


@pytest.mark.parametrize(
    ("content", "column"),
    [
        (GOOD + "nul@x.ma;Nul\x00Nom;;;;;\n", "nom complet"),  # a known column
        (GOOD + "bell@x.ma;Bell;;Commune\x07;;;\n", "organisation"),
        ("email;nom complet;téléphone\nx@y.ma;X;06\x0012\n", "téléphone"),  # an ignored column: stored all the same
        ("email;nom complet\nx@y.ma;X;\x1b[31m\n", "3"),  # past the header: named by position
        ("email;nom complet\n\x1f; \n", "email"),  # blank to the eye, not to the database
    ],
)
def test_a_control_character_in_a_cell_is_a_row_error_and_nothing_is_saved(
    app, client, as_role, cohort_id, content, column
):
    as_role("coordinator")
    before = counts(app)
    response = upload(client, cohort_id, content)
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 200
    assert f"caractères non autorisés (caractères de contrôle) dans la colonne « {column} »" in page
    assert "Confirmer l'import" not in page
    preview = csv_import.read(content)
    (bad,) = [row for row in preview.rows if row.problems]
    assert bad.problems[0] == "disallowed_characters" and bad.disallowed_in == [column]
    assert bad.line == content.count("\n")  # the last line of each file holds the bad cell
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CsvImport)) == 0
    assert counts(app) == before


def test_a_control_character_in_the_header_is_a_file_error(app, client, as_role, cohort_id):
    as_role("coordinator")
    page = upload(client, cohort_id, "email;nom\x00complet\nx@y.ma;X\n").get_data(as_text=True).replace("&#39;", "'")
    assert "caractères non autorisés (caractères de contrôle) dans sa ligne d'en-tête" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CsvImport)) == 0


def test_tabs_and_newlines_in_quoted_cells_are_data_made_one_line(app):
    preview = csv_import.read('email;nom complet;fonction\nx@y.ma;X;"Chargée\tde\ncom"\n')
    assert preview.is_valid and preview.rows[0].values["job_title"] == "Chargée de com"


def test_the_cli_names_the_column(app, runner, cohort_id, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "nul@x.ma;Nul\x00Nom;;;;;\n", "utf-8")
    failed = runner.invoke(args=["cohorts", "import", str(cohort_id), str(bad)])
    assert failed.exit_code == 1 and "bad.csv:4: disallowed_characters [nom complet] (nul@x.ma)" in failed.output


# -- bad input on the training day: each file gets a message in the interface language, nothing changes ---

WORKBOOK = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4  # an .xlsx renamed .csv
NOT_READABLE = "الملف ليس بترميز UTF-8 ولا Windows-1252"
ARABIC_UNREADABLE = "الأسماء بالعربية غير مقروءة"


def pending_imports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(CsvImport))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (WORKBOOK, NOT_READABLE),  # Windows-1252 read it as a header of control characters
        (GOOD.encode("utf-16"), NOT_READABLE),
        # Arabic names typed in the full-name column, saved by an Arabic Windows.
        ("email;nom complet\nsalma@x.ma;سلمى بنعلي\n".encode("cp1256"), ARABIC_UNREADABLE),
        (b"email;nom complet\n" + b"\x00" * 64 + b"\n", "أحرف غير مسموح بها (أحرف تحكم) في العمود «email»"),
        ("email;nom complet\n" + "".join(f"p{n}@x.ma;P {n}\n" for n in range(20_001)), "يتضمن الملف أكثر من 20"),
    ],
    ids=["workbook", "utf-16", "arabic-windows", "nul-bytes", "20001-rows"],
)
def test_bad_files_are_explained_in_arabic_and_change_nothing(app, client, as_role, cohort_id, content, message):
    as_role("coordinator")
    client.post("/language", data={"language": "ar"})
    before = counts(app)
    response = upload(client, cohort_id, content)
    page = response.get_data(as_text=True).replace("\u00a0", " ").replace("\u202f", " ")
    assert response.status_code == 200 and message in page
    assert "/confirm" not in page
    assert counts(app) == before and pending_imports(app) == 0


def test_a_50_megabyte_file_is_refused_in_words_before_it_is_read(app, client, as_role, cohort_id):
    as_role("coordinator")
    client.post("/language", data={"language": "ar"})
    before = counts(app)
    body = io.BytesIO(b"x")  # the size announced is what the server judges, before reading a byte
    response = client.post(
        f"/coordination/cohorts/{cohort_id}/imports", input_stream=body,
        content_type="multipart/form-data; boundary=x", environ_overrides={"CONTENT_LENGTH": str(50 * 2**20)},
    )  # fmt: skip
    assert response.status_code == 413
    assert "5 ميغابايت" in response.get_data(as_text=True)
    assert counts(app) == before and pending_imports(app) == 0


def test_the_report_address_reached_again_leads_to_the_waiting_file_or_the_session(client, cohort_id, as_role):
    """A language switch after an upload asks for the report's address with GET: no 405."""
    as_role("coordinator")
    url = f"/coordination/cohorts/{cohort_id}/imports"
    assert client.get(url).headers["Location"] == f"/coordination/cohorts/{cohort_id}"
    content = "email;nom complet\nsalma@example.ma;Salma Benali\n"
    page = client.post(
        url, data={"file": (io.BytesIO(content.encode()), "liste.csv")}, content_type="multipart/form-data"
    )
    assert page.status_code == 200
    again = client.get(url)
    assert again.status_code == 302 and again.headers["Location"].endswith("/check")
    assert "Confirmer l'import" in client.get(again.headers["Location"]).get_data(as_text=True)
    bad = "email;nom complet\npas-une-adresse;Salma\n"
    refused = client.post(
        url, data={"file": (io.BytesIO(bad.encode()), "liste.csv")}, content_type="multipart/form-data"
    )
    assert "Envoyer le fichier corrigé" in refused.get_data(as_text=True)  # a new upload from the report itself
