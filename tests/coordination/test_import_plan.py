"""The import's plan: the preview shows exactly what the confirmation does, or why it cannot."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from courses.audit.models import AuditEvent
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.coordination import csv_import, import_jobs, services
from courses.coordination.models import Cohort, CsvImport
from courses.extensions import db
from courses.learning import services as learning
from courses.learning.models import Enrollment
from courses.tasks import set_progress
from tests.conftest import sent_mail
from tests.coordination.test_import import GOOD, confirm_url, counts, upload

CONFIRM = "Confirmer l'import"


def rows(count: int, start: int = 0) -> str:
    return "email;nom complet\n" + "".join(f"p{n}@example.ma;Personne {n}\n" for n in range(start, start + count))


def page_of(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("\u202f", " ").replace("\xa0", " ")


def set_capacity(app, cohort_id: int, capacity: int | None) -> None:
    with app.app_context():
        db.session.get(Cohort, cohort_id).capacity = capacity
        db.session.commit()


def enroll_in_session(app, cohort_id: int, emails: list[str]) -> None:
    """Accounts already in the session (enrolled by a coordinator)."""
    from courses.auth import services as accounts

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        for email in emails:
            user = accounts.create_user(email, accounts.Profile(full_name=email), None)
            services.enroll_in_cohort(cohort, user, SYSTEM)
        db.session.commit()


# -- capacity: the preview refuses what the confirmation would refuse ------------------------------------


def test_a_file_larger_than_the_free_places_gets_no_confirm_button_and_says_why(app, client, as_role, cohort_id):
    set_capacity(app, cohort_id, 25)
    as_role("coordinator")
    before = counts(app)
    page = page_of(upload(client, cohort_id, rows(30)))
    assert CONFIRM not in page
    assert "La session compte 25 places : 0 apprenants y sont déjà et ce fichier en ajoute 30, soit 5 de trop" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CsvImport)) == 0  # nothing to confirm
    assert counts(app) == before


def test_places_count_the_learners_in_the_session_and_not_the_rows_already_in_it(app, client, as_role, cohort_id):
    set_capacity(app, cohort_id, 25)
    enroll_in_session(app, cohort_id, [f"p{n}@example.ma" for n in range(20)])  # 20 of 25 places taken
    as_role("coordinator")
    page = page_of(upload(client, cohort_id, rows(25)))  # 20 already in the session, 5 new: it fits
    assert CONFIRM in page and "Déjà inscrit : <strong>20</strong>" in page
    assert client.post(confirm_url(page)).status_code == 302
    with app.app_context():
        assert services.enrolled_count(db.session.get(Cohort, cohort_id)) == 25

    page = page_of(upload(client, cohort_id, rows(1, start=100)))  # the 26th learner
    assert CONFIRM not in page and "soit 1 de trop" in page


@pytest.mark.parametrize("rule", ["closed", "unpublished", "full", "other_cohort", "already", "attach"])
def test_the_preview_offers_confirm_exactly_when_the_confirmation_imports(app, client, as_role, cohort_id, rule):
    """Each rule of the confirmation, checked from both sides: Confirm shown ⇔ the confirmation succeeds."""
    as_role("coordinator")
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        other = services.create_cohort(
            services.CohortFields(cohort.course, "Autre", cohort.starts_on, cohort.ends_on), SYSTEM
        )
        db.session.commit()
    if rule in ("other_cohort", "already"):
        enroll_in_session(app, other.id if rule == "other_cohort" else cohort_id, ["karim@le360.ma"])
    if rule == "attach":
        from courses.auth import services as accounts

        with app.app_context():
            user = accounts.create_user("karim@le360.ma", accounts.Profile(full_name="Karim"), None)
            learning.enroll(user, db.session.get(Cohort, cohort_id).course)
            db.session.commit()
    if rule == "full":
        set_capacity(app, cohort_id, 1)
    page = page_of(upload(client, cohort_id, GOOD))
    # Now change the session behind the preview's back where the rule is about the session.
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        if rule == "closed":
            services.close_cohort(cohort, SYSTEM)
        if rule == "unpublished":
            cohort.course.status = "draft"
        db.session.commit()
    offered = CONFIRM in page
    assert offered == (rule not in ("full",))
    if not offered:
        return
    before = counts(app)
    response = client.post(confirm_url(page))
    imported = counts(app) != before
    assert imported == (rule not in ("closed", "unpublished"))
    if not imported:  # the refusal names the reason and shows the new plan, which refuses too
        assert "check" in response.headers["Location"]
        again = page_of(client.get(response.headers["Location"]))
        assert CONFIRM not in again
        assert (
            "Cette session est close" if rule == "closed" else "Le cours de cette session n'est pas publié"
        ) in again


def test_a_plan_that_changed_after_the_preview_is_refused_and_shown_anew(app, client, as_role, cohort_id, make_user):
    as_role("coordinator")
    page = page_of(upload(client, cohort_id, GOOD))
    assert "Nouveau compte : <strong>2</strong>" in page
    make_user("karim@le360.ma", full_name="Karim Alami")  # signed up meanwhile
    before = counts(app)
    response = client.post(confirm_url(page))
    assert counts(app) == before  # nothing imported: the coordinator did not see this plan
    again = page_of(client.get(response.headers["Location"]))
    assert "Des comptes ou des inscriptions ont changé" in again
    assert "Compte existant : <strong>1</strong>" in again and "Nouveau compte : <strong>1</strong>" in again
    plan = re.search(r'name="plan" value="(\w+)"', again)[1]
    assert client.post(confirm_url(again), data={"plan": plan}).status_code == 302
    assert counts(app) == (before[0] + 1, before[1] + 2)


def test_an_account_created_between_the_plan_and_the_insert_is_noticed(app, ctx, cohort_id, make_user, monkeypatch):
    """A race the plan cannot see (the account appears after it was read): ON CONFLICT tells, nothing is kept."""
    make_user("karim@le360.ma")
    real = csv_import._give_status

    def unseen(row, cohort, user_id, key_taken, enrollments):  # plan as if the account did not exist yet
        real(row, cohort, None if row.email == "karim@le360.ma" else user_id, False, enrollments)

    monkeypatch.setattr(csv_import, "_give_status", unseen)
    before = counts(app)
    cohort = db.session.get(Cohort, cohort_id)
    with pytest.raises(services.CoordinationError) as refused:
        csv_import.apply(cohort, csv_import.read(GOOD), SYSTEM)
    assert refused.value.code == "changed"
    db.session.rollback()
    assert counts(app) == before


# -- organisation types and regions: codes, and labels in three languages ------------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Province ou préfecture", "province"),  # the sign-up form's own label, in French
        ("PROVINCE OU PREFECTURE", "province"),
        ("Province or prefecture", "province"),
        ("عمالة أو إقليم", "province"),
        ("عمالة او اقليم", "province"),  # without hamza
        ("École ou université", "school"),
        ("ecole ou universite", "school"),
        ("مؤسسة إعلامية", "media"),
        ("Ministère", "ministry"),
        ("province", "province"),
    ],
)
def test_organisation_types_by_code_or_label_in_any_language(ctx, typed, code):
    plan = csv_import.read(f"email;nom complet;type d'organisation\nx@y.ma;X;{typed}\n")
    assert plan.is_valid, plan.rows[0].problems
    assert plan.rows[0].values["organisation_type"] == code


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Fès-Meknès", "fes-meknes"),
        ("fes meknes", "fes-meknes"),
        ("FES-MEKNES", "fes-meknes"),
        ("جهة فاس مكناس", "fes-meknes"),
        ("فاس مكناس", "fes-meknes"),
        ("Région Souss-Massa", "souss-massa"),
        ("L'Oriental", "oriental"),
        ("L’Oriental", "oriental"),
        ("Oriental", "oriental"),
        ("جهة الشرق", "oriental"),
        ("laayoune-sakia-el-hamra", "laayoune-sakia-el-hamra"),
        ("Laâyoune-Sakia El Hamra", "laayoune-sakia-el-hamra"),
    ],
)
def test_regions_by_code_or_label_in_any_language(ctx, typed, code):
    plan = csv_import.read(f"email;nom complet;région\nx@y.ma;X;{typed}\n")
    assert plan.is_valid, plan.rows[0].problems
    assert plan.rows[0].values["region"] == code


def test_an_unknown_value_is_named_with_the_allowed_ones_in_the_interface_language(app, client, as_role, cohort_id):
    as_role("coordinator")
    content = "email;nom complet;type d'organisation;région\nx@y.ma;X;Secte;Atlantide\n"
    page = page_of(upload(client, cohort_id, content))
    assert (
        "type d'organisation inconnu « <bdi>Secte</bdi> » (valeurs possibles : Commune, Province ou préfecture," in page
    )
    assert (
        "région inconnue « <bdi>Atlantide</bdi> » (valeurs possibles : Tanger-Tétouan-Al Hoceïma, L'Oriental," in page
    )
    client.post("/language", data={"language": "ar"})
    page = page_of(upload(client, cohort_id, content))
    assert "(القيم المسموح بها: جماعة، عمالة أو إقليم،" in page
    client.post("/language", data={"language": "en"})
    page = page_of(upload(client, cohort_id, content))
    assert "unknown organisation type “<bdi>Secte</bdi>” (allowed: Commune, Province or prefecture," in page


def test_the_cli_lists_the_allowed_codes(app, runner, cohort_id, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("email;nom complet;région\nx@y.ma;X;Atlantide\n", "utf-8")
    failed = runner.invoke(args=["cohorts", "import", str(cohort_id), str(bad)])
    assert failed.exit_code == 1
    assert "bad.csv:2: unknown_region region='Atlantide' (x@y.ma)" in failed.output
    assert (
        "allowed region values (codes, or their labels in fr/ar/en): tanger-tetouan-al-hoceima, oriental"
        in failed.output
    )


# -- the template, encodings, sizes ----------------------------------------------------------------------


def test_the_template_downloads_and_imports_as_it_is(app, client, as_role, cohort_id):
    as_role("coordinator")
    cohort_page = page_of(client.get(f"/coordination/cohorts/{cohort_id}"))
    link = re.search(r'href="([^"]+template\.csv)"', cohort_page)[1]
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # UTF-8 with BOM, for Excel
    header, _example = data.decode("utf-8-sig").splitlines()
    assert header == "Courriel;Nom complet;Nom en arabe;Organisme;Type d'organisation;Région;Fonction;Langue"
    page = page_of(upload(client, cohort_id, data, name="tadbir-modele-import.csv"))
    assert CONFIRM in page and "Nouveau compte : <strong>1</strong>" in page
    client.post(confirm_url(page))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "salma.benali@exemple.ma"))
        assert (user.full_name_ar, user.organisation_type, user.region) == (
            "سلمى بنعلي",
            "commune",
            "rabat-sale-kenitra",
        )


def test_a_windows_1252_file_is_read(app, client, as_role, cohort_id):
    as_role("coordinator")
    content = "email;nom complet;organisme;région\nrachid@x.ma;Rachid Éloufi;Conseil préfectoral;Fès-Meknès\n"
    page = page_of(upload(client, cohort_id, content.encode("cp1252")))
    assert CONFIRM in page and "Rachid Éloufi" in page
    client.post(confirm_url(page))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "rachid@x.ma"))
        assert (user.full_name, user.organisation, user.region) == (
            "Rachid Éloufi",
            "Conseil préfectoral",
            "fes-meknes",
        )


def test_twenty_thousand_rows_are_allowed_and_one_more_is_not(ctx):
    assert csv_import.read(rows(20_000)).is_valid
    refused = csv_import.read(rows(20_001))
    assert refused.file_problems == ["too_many_rows"] and not refused.is_valid


def test_too_many_rows_are_refused_in_words(app, client, as_role, cohort_id, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_ROWS", 3)
    as_role("coordinator")
    page = page_of(upload(client, cohort_id, rows(4)))
    assert "Le fichier comporte plus de 3 lignes : répartissez-les dans plusieurs fichiers." in page
    assert CONFIRM not in page


def test_the_form_states_the_limits_and_a_larger_file_gets_them_in_words(app, client, as_role, cohort_id):
    as_role("coordinator")
    assert "20 000 lignes et 5 mégaoctets au maximum." in page_of(client.get(f"/coordination/cohorts/{cohort_id}"))
    app.config["MAX_CONTENT_LENGTH"] = 100 * 2**10  # small enough for the test client to keep the body in memory
    response = client.post(
        f"/coordination/cohorts/{cohort_id}/imports",
        data={"file": (io.BytesIO(b"x" * 200 * 2**10), "grand.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "Le fichier envoyé dépasse la taille autorisée : 100 kilooctets au maximum." in page_of(response)
    app.config["MAX_CONTENT_LENGTH"] = 5 * 2**20
    client.post("/language", data={"language": "en"})
    assert "At most 20,000 rows and 5 megabytes." in page_of(client.get(f"/coordination/cohorts/{cohort_id}"))


# -- large files: a worker imports them, a page shows how far it is --------------------------------------


@pytest.fixture
def small_in_request(monkeypatch):
    monkeypatch.setattr(import_jobs, "IN_REQUEST_ROWS", 2)  # GOOD plus a row is "large"


def test_a_large_import_runs_as_a_task_with_a_progress_page(app, client, as_role, cohort_id, small_in_request):
    coordinator = as_role("coordinator")
    before = counts(app)
    page = page_of(upload(client, cohort_id, GOOD + "nadia@x.ma;Nadia Tazi;;;;;\n"))
    assert "il sera importé en arrière-plan" in page
    response = client.post(confirm_url(page))
    status_url = response.headers["Location"]
    assert re.search(r"/imports/\d+$", status_url)
    status = page_of(client.get(status_url))  # tasks run at once in the tests: already done
    assert "Terminé. Apprenants inscrits : 3 ; comptes créés : 3 ; lignes sans changement : 0." in status
    assert "progress.js" not in status and "data-progress>" not in status
    assert "Invitations mises en file d'attente : 3 sur 3" in status
    assert counts(app) == (before[0] + 3, before[1] + 3)
    assert sorted(m["To"] for m in sent_mail(app)) == ["karim@le360.ma", "nadia@x.ma", "salma@commune-sale.ma"]
    with app.app_context():
        pending = db.session.scalar(select(CsvImport))
        assert (pending.status, pending.created_count, pending.enrolled_count) == ("done", 3, 3)
        assert pending.confirmed_by_id == coordinator.id and pending.invited == pending.to_invite == 3
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "cohort.import"))
        assert event.actor_id == coordinator.id and event.data["created"] == 3
        assert db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "enrollment.create")
        ) == 3  # fmt: skip
    assert client.post(confirm_url(page)).status_code == 302  # confirming again imports nothing more
    assert counts(app) == (before[0] + 3, before[1] + 3)


def test_the_progress_page_updates_itself_while_waiting_and_running(app, client, as_role, cohort_id):
    as_role("coordinator")
    page = page_of(upload(client, cohort_id, GOOD))
    import_id = int(re.search(r"/imports/(\d+)/confirm", page)[1])
    url = f"/coordination/cohorts/{cohort_id}/imports/{import_id}"
    assert "n'a pas encore été confirmé" in page_of(client.get(url))
    with app.app_context():
        db.session.get(CsvImport, import_id).status = "waiting"
        db.session.commit()
    waiting = page_of(client.get(url))
    assert "En attente du début de l'import (2 lignes)" in waiting
    # Updated in place by a script, not reloaded by a timed <meta> refresh (WCAG 2.2.1); a link without script.
    assert "progress.js" in waiting and "data-progress>" in waiting and 'http-equiv="refresh"' not in waiting
    assert "Actualiser la page pour voir l'avancement" in waiting
    with app.app_context():
        db.session.get(CsvImport, import_id).status = "running"
        db.session.commit()
        set_progress(import_jobs.progress_key(import_id), [1, 2])
    running = page_of(client.get(url))
    assert "data-progress>" in running and "Import en cours : 1 sur 2 lignes." in running


def test_a_failed_task_saves_nothing_and_says_why(app, client, as_role, cohort_id, small_in_request, monkeypatch):
    as_role("coordinator")
    monkeypatch.setattr(csv_import, "WRITE_CHUNK", 1)  # fail after the first row was written
    real, calls = csv_import._enroll, []

    def failing(*arguments):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(*arguments)

    monkeypatch.setattr(csv_import, "_enroll", failing)
    before = counts(app)
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    page = page_of(upload(client, cohort_id, GOOD + "nadia@x.ma;Nadia Tazi;;;;;\n"))
    status = page_of(client.get(client.post(confirm_url(page)).headers["Location"]))
    assert "L'import a échoué : rien n'a été importé." in status and "Vérifier de nouveau le fichier" in status
    assert counts(app) == before
    assert sent_mail(app) == []
    with app.app_context():
        pending = db.session.scalar(select(CsvImport))
        assert (pending.status, pending.failure, pending.confirmed_at) == ("failed", "error", None)
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events  # no event either
    monkeypatch.setattr(csv_import, "_enroll", real)  # the disk has room again: check and confirm once more
    again = page_of(client.get(re.search(r'href="([^"]+/check)"', status)[1]))
    done = page_of(client.get(client.post(confirm_url(again)).headers["Location"]))
    assert "Apprenants inscrits : 3" in done
    assert counts(app) == (before[0] + 3, before[1] + 3)


def test_a_large_import_refused_by_the_session_fails_with_the_reason(app, client, as_role, cohort_id, small_in_request):
    as_role("coordinator")
    page = page_of(upload(client, cohort_id, GOOD + "nadia@x.ma;Nadia Tazi;;;;;\n"))
    set_capacity(app, cohort_id, 2)  # lowered after the preview
    before = counts(app)
    status = page_of(client.get(client.post(confirm_url(page)).headers["Location"]))
    assert "La session dépasserait sa capacité : rien n'a été importé." in status
    assert counts(app) == before


def test_the_cli_imports_through_a_pending_import(app, runner, cohort_id, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text(GOOD, "utf-8")
    result = runner.invoke(args=["cohorts", "import", str(cohort_id), str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        pending = db.session.scalar(select(CsvImport))
        assert (pending.status, pending.enrolled_count, pending.filename) == ("done", 2, "liste.csv")
        assert db.session.scalar(select(func.count()).select_from(Enrollment)) == 2
    assert len(sent_mail(app)) == 2


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_template_in_each_language_reads_back_whole(client, cohort_id, as_role, language):
    as_role("coordinator")
    client.set_cookie("lang", language)
    template = client.get("/coordination/imports/template.csv")
    assert template.status_code == 200
    page = page_of(upload(client, cohort_id, template.data.decode("utf-8-sig")))
    assert "ignor" not in page.lower() and "تجاهل" not in page  # every column of the template is read
    assert 'name="plan"' in page  # confirmable as it is


def test_the_arabic_headers_the_form_names_and_the_exports_headers_are_read(app, client, cohort_id, as_role):
    as_role("coordinator")
    arabic = "البريد الإلكتروني;الاسم الكامل;الاسم بالعربية;الهيئة;نوع الهيئة;الجهة;الوظيفة\n"
    arabic += "salma@example.ma;Salma Benali;سلمى بنعلي;جماعة سلا;جماعة;الرباط سلا القنيطرة;مكلفة بالتواصل\n"
    assert 'name="plan"' in page_of(upload(client, cohort_id, arabic))
    exported = "Nom complet;Nom complet en caractères arabes;Adresse électronique;Organisme;Type d'organisme;Région\n"
    exported += "Salma Benali;سلمى بنعلي;salma@example.ma;Commune de Salé;Commune;Rabat-Salé-Kénitra\n"
    page = page_of(upload(client, cohort_id, exported))
    assert 'name="plan"' in page and "Colonnes ignorées" not in page
    twice = "email;nom;nom complet\nsalma@example.ma;Salma;Salma Benali\n"
    refused = page_of(upload(client, cohort_id, twice))
    assert "Colonnes qui disent la même chose : <bdi>nom</bdi>, <bdi>nom complet</bdi>" in refused
