"""Certificates: issued once on completion, immutable, verifiable, correctable, revocable."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from sqlalchemy import func, select, update

from courses.audit.models import AuditEvent
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.certificates import codes, pdf, services
from courses.certificates.models import Certificate
from courses.extensions import db
from courses.learning.models import Enrollment
from tests.conftest import PASSWORD, fire_concurrently, mail_text, sent_mail

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) missing")
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(data)
    command = [shutil.which("pdftotext"), "-layout", str(path), "-"]
    text = subprocess.run(command, capture_output=True, check=True, text=True).stdout
    return BIDI_CONTROLS.sub("", text)


@pytest.fixture
def one_module_course(make_course, synced):
    make_course(meta={"title": "Décentralisation au Maroc", "hours": 8}, modules={"01-lire": ("Lire", "Texte.")})
    synced()


@pytest.fixture
def completed(app, client, make_user, login, one_module_course):
    """A learner who completed the course through the pages; returns (user, certificate code)."""
    user = make_user("salma@example.ma", full_name="Salma Benali", full_name_ar="سلمى بنعلي")
    login(user)
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/lire/complete")
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    return user, code


def count_certificates(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Certificate))


def test_completion_issues_one_certificate_and_mails_the_learner(app, client, completed):
    user, code = completed
    assert codes.is_well_formed(code)
    client.post("/courses/gouvernance/lire/complete")
    assert count_certificates(app) == 1
    (message,) = sent_mail(app)
    assert message["To"] == user.email
    assert f"/verify/{code}" in mail_text(message)
    assert code in client.get("/me/").get_data(as_text=True)


def test_the_issue_on_completion_is_recorded_once_by_the_platform(app, client, completed):
    _user, code = completed
    client.post("/courses/gouvernance/lire/complete")  # completing again issues nothing more
    with app.app_context():
        issued = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate.issue")).all()
        assert [(e.actor_id, e.actor_kind, e.subject_type, e.subject_label) for e in issued] == [
            (None, "system", "certificate", code)
        ]
        assert issued[0].subject_id == services.find(code).id
        assert issued[0].data["holder"] == {"name": "Salma Benali", "name_ar": "سلمى بنعلي"}
        assert issued[0].data["course_title"] == "Décentralisation au Maroc"


def test_no_certificate_for_a_course_without_one(app, client, make_course, synced, make_user, login):
    make_course(meta={"certificate": False}, modules={"01-lire": ("Lire", "Texte.")})
    synced()
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/lire/complete")
    assert count_certificates(app) == 0


def test_concurrent_completions_issue_one_certificate(app, client, make_user, login, one_module_course):
    login(make_user())
    client.post("/courses/gouvernance/enroll")
    statuses = fire_concurrently(app, client, "POST", "/courses/gouvernance/lire/complete")
    assert statuses == [302] * 20
    assert count_certificates(app) == 1
    with app.app_context():
        issued = select(func.count()).where(AuditEvent.action == "certificate.issue")
        assert db.session.scalar(issued) == 1  # the requests that lost the race recorded nothing


def test_issue_is_idempotent_and_the_database_refuses_a_second_current(app, completed):
    with app.app_context():
        enrollment = db.session.scalar(select(Enrollment))
        first = services.issue(enrollment, SYSTEM)
        assert services.issue(enrollment, SYSTEM).id == first.id
        assert services._create(enrollment, first.snapshot) is None  # the partial unique index
    assert count_certificates(app) == 1


def test_snapshot_never_changes_after_issue(app, client, completed, make_course, synced):
    _user, code = completed
    with app.app_context():
        before = db.session.scalar(select(Certificate.snapshot))
    client.post("/account/", data={"full_name": "Autre Nom", "organisation_type": "", "region": ""})
    make_course(meta={"title": "Titre changé", "hours": 12}, modules={"01-lire": ("Lire", "Texte réécrit.")})
    synced()
    with app.app_context():
        assert db.session.scalar(select(Certificate.snapshot)) == before
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Décentralisation au Maroc" in page and "Salma Benali" in page and "Titre changé" not in page


def test_codes_are_well_formed_unique_and_forgiving():
    generated = {codes.new_code() for _ in range(2000)}
    assert len(generated) == 2000
    assert all(codes.is_well_formed(code) for code in generated)
    assert not any(set(code[4:]) & set("01OILUV") for code in generated)
    code = next(iter(generated))
    bare = code.replace("-", "")
    assert codes.normalise(bare.lower()) == code
    assert codes.normalise(code[4:].replace("-", " ")) == code
    assert codes.normalise("TDB-0000-0000-0000") is None and codes.normalise("x") is None


@needs_pdftotext
def test_pdf_carries_names_course_and_code(app, client, completed, tmp_path):
    _user, code = completed
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = pdf_text(response.data, tmp_path)
    assert "Salma Benali" in text and "Décentralisation au Maroc" in text and code in text
    assert "سلمى بنعلي" in text  # Arabic name extracted in logical order


def test_missing_glyphs_fail_loudly(app):
    snapshot = {
        "holder": {"name": "李小龍", "name_ar": None},
        "course": {"title": "Cours", "hours": 2, "language": "fr"},
        "completed_on": "2026-11-29",
        "institutions": [],
        "signatories": [],
    }
    with pytest.raises(pdf.MissingGlyphs) as raised:
        pdf.render(snapshot, "TDB-2345-6789-ABCD", "http://127.0.0.1:5000/verify/TDB-2345-6789-ABCD")
    assert set(raised.value.characters) == {"李", "小", "龍"}


def test_download_with_unprintable_name_explains_instead_of_printing_holes(app, client, completed):
    _user, code = completed
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        certificate.snapshot = {**certificate.snapshot, "holder": {"name": "李小龍", "name_ar": None}}
        db.session.commit()
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 422 and "李" in response.get_data(as_text=True)


def test_verification_states(app, client, completed, make_user):
    _user, code = completed
    valid = client.get(f"/verify/{code.lower().replace('-', '')}")
    assert valid.status_code == 200 and "Certificat valide" in valid.get_data(as_text=True)
    unknown = client.get("/verify/TDB-2345-6789-ABCD")
    assert unknown.status_code == 404 and "Non valide" in unknown.get_data(as_text=True)
    assert "Non valide" in client.get("/verify/n'importe-quoi").get_data(as_text=True)
    assert client.get("/verify?code=" + code.lower()).headers["Location"].endswith(f"/verify/{code}")

    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        replacement = services.reissue(certificate, SYSTEM, "Salma Benali-Idrissi", "سلمى بنعلي الإدريسي")
        db.session.commit()
        new_code = replacement.code
    replaced = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Certificat remplacé" in replaced and new_code in replaced

    with app.app_context():
        services.revoke(services.find(new_code), SYSTEM, "Inscription frauduleuse")
        db.session.commit()
    revoked = client.get(f"/verify/{new_code}").get_data(as_text=True)
    assert "Certificat révoqué" in revoked and "Inscription frauduleuse" in revoked


def test_tampered_rows_are_reported(app, client, completed):
    _user, code = completed
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        forged = {**certificate.snapshot, "course": {**certificate.snapshot["course"], "hours": 120}}
        db.session.execute(update(Certificate).values(snapshot=forged))
        db.session.commit()
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Non valide" in page and "altéré" in page


def test_signature_checks_with_the_published_key(app, client, completed):
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from courses.certificates.signing import canonical

    key = load_pem_public_key(client.get("/certificates/public-key.pem").data)
    with app.app_context():
        certificate = db.session.scalar(select(Certificate))
        document = {"code": certificate.code, "enrollment": certificate.enrollment_id, "snapshot": certificate.snapshot}
        import base64

        key.verify(base64.b64decode(certificate.signature), canonical(document))  # raises if invalid


def test_download_access_rules(app, client, completed, make_user):
    _user, code = completed
    assert client.get(f"/certificates/{code}.pdf").status_code == 200
    client.post("/logout")
    anonymous = client.get(f"/certificates/{code}.pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    other = make_user("other@example.ma")
    client.post("/login", data={"email": other.email, "password": PASSWORD})
    assert client.get(f"/certificates/{code}.pdf").status_code == 404
    assert client.get("/certificates/TDB-2345-6789-ABCD.pdf").status_code == 404  # same answer: no hint
    assert client.get(f"/certificates/{code}/manage").status_code == 403
    client.post("/logout")
    coordinator = make_user("coord@example.ma", role="coordinator")
    client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    assert client.get(f"/certificates/{code}.pdf").status_code == 200
    assert client.get(f"/certificates/{code}/manage").status_code == 200


def test_coordinator_reissues_and_revokes_in_the_browser_with_audit(app, client, completed, make_user):
    _user, code = completed
    client.post("/logout")
    coordinator = make_user("coord@example.ma", role="coordinator")
    client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    response = client.post(f"/certificates/{code}/reissue", data={"name": "Salma Ben Ali", "name_ar": "سلمى بن علي"})
    new_code = response.headers["Location"].split("/certificates/")[1].split("/")[0]
    assert new_code != code
    assert client.post(f"/certificates/{new_code}/revoke", data={"reason": ""}).status_code == 302
    with app.app_context():
        assert services.find(new_code).revoked_at is None  # no reason, no revocation
    client.post(f"/certificates/{new_code}/revoke", data={"reason": "Doublon"})
    with app.app_context():
        certificates = select(AuditEvent).where(AuditEvent.action.startswith("certificate.")).order_by(AuditEvent.id)
        events = db.session.scalars(certificates).all()
        assert [(e.action, e.subject_id, e.subject_label, e.actor_id) for e in events] == [
            ("certificate.issue", services.find(code).id, code, None),  # by the platform, on completion
            ("certificate.reissue", services.find(code).id, code, coordinator.id),
            ("certificate.revoke", services.find(new_code).id, new_code, coordinator.id),
        ]
        assert events[1].data["new_name"] == {"name": "Salma Ben Ali", "name_ar": "سلمى بن علي"}
        assert services.find(new_code).snapshot["holder"]["name"] == "Salma Ben Ali"


def test_cli_revoke_reissue_render(app, runner, completed, tmp_path):
    _user, code = completed
    result = runner.invoke(args=["certificates", "reissue", code, "--name", "S. Benali"])
    assert result.exit_code == 0, result.output
    new_code = result.output.split("replaced by ")[1].rstrip(".\n")
    out = tmp_path / "c.pdf"
    assert runner.invoke(args=["certificates", "render", new_code, "--out", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert runner.invoke(args=["certificates", "revoke", new_code, "--reason", "Erreur"]).exit_code == 0
    assert runner.invoke(args=["certificates", "revoke", new_code, "--reason", "Encore"]).exit_code == 1
    with app.app_context():
        by_hand = select(AuditEvent.action, AuditEvent.actor_kind).where(AuditEvent.action != "certificate.issue")
        assert db.session.execute(by_hand.order_by(AuditEvent.id)).all() == [
            ("login.success", "account"),
            ("certificate.reissue", "command_line"),
            ("certificate.revoke", "command_line"),
        ]
    assert runner.invoke(args=["certificates", "revoke", "TDB-2345-6789-ABCD", "--reason", "x"]).exit_code == 1


@pytest.mark.app_config(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="5 per minute")
def test_verification_is_rate_limited(client):
    statuses = [client.get(f"/verify/TDB-2345-6789-ABC{n}").status_code for n in range(2, 9)]
    assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
    assert client.get("/verify/TDB-2345-6789-ABCD").status_code == 429  # per client, whatever the code


@pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")), reason="zbar-tools or poppler missing")
def scan_qr(pdf: bytes, folder) -> str:
    (folder / "c.pdf").write_bytes(pdf)
    subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "150", "-singlefile", str(folder / "c.pdf"),
                    str(folder / "page")], check=True)  # fmt: skip
    return subprocess.run([shutil.which("zbarimg"), "-q", "--raw", str(folder / "page.png")],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip


@pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")), reason="zbar-tools or poppler missing")
def test_qr_code_leads_to_the_verification_page_of_the_server_that_made_it(app, make_user, one_module_course, tmp_path):
    base = "http://tadbir.test:5201"  # a server on another host and port, without PUBLIC_BASE_URL
    client = app.test_client()
    user = make_user("salma@example.ma", full_name="Salma Benali")
    client.post(f"{base}/login", data={"email": user.email, "password": PASSWORD})
    client.post(f"{base}/courses/gouvernance/enroll")
    client.post(f"{base}/courses/gouvernance/lire/complete")
    with app.app_context():
        code = db.session.scalar(select(Certificate.code))
    scanned = scan_qr(client.get(f"{base}/certificates/{code}.pdf").data, tmp_path)
    assert scanned == f"{base}/verify/{code}"
    assert "Certificat valide" in client.get(scanned).get_data(as_text=True)
    assert f"{base}/verify/{code}" in mail_text(sent_mail(app)[-1])  # the completion mail too
    app.config["PUBLIC_BASE_URL"] = "https://tadbir.example.ma"  # when set, the public address wins
    again = scan_qr(client.get(f"{base}/certificates/{code}.pdf").data, tmp_path)
    assert again == f"https://tadbir.example.ma/verify/{code}"


RLO, FSI, PDI = "\u202e", "\u2068", "\u2069"
# pdftotext wraps right-to-left runs in RLE … PDF (U+202B, U+202C) itself; any other control came from us.
OUR_CONTROLS = re.compile("[\u202a\u202d\u202e\u2066-\u2069]")


def raw_pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "raw.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [shutil.which("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_a_legacy_name_with_bidi_controls_is_cleaned_in_the_snapshot(app, client, make_user, login, one_module_course):
    user = make_user("rlo@example.ma")
    with app.app_context():  # stored before names were cleaned at input
        saved = db.session.get(User, user.id)
        saved.full_name, saved.full_name_ar = f"Salma {RLO}Benali", f"{FSI}سلمى{PDI}"
        db.session.commit()
    login(user)
    client.post("/courses/gouvernance/enroll")
    client.post("/courses/gouvernance/lire/complete")
    with app.app_context():
        assert db.session.scalar(select(Certificate.snapshot))["holder"] == {"name": "Salma Benali", "name_ar": "سلمى"}


@needs_pdftotext
def test_the_pdf_draws_no_bidi_control_even_from_an_old_snapshot(app, tmp_path):
    snapshot = {
        "holder": {"name": f"Salma {RLO}Benali\u202c Alami", "name_ar": f"سلمى\u200f {FSI}بنعلي{PDI}"},
        "course": {"title": f"Cours {FSI}Titre{PDI} fin", "hours": 2, "language": "fr"},
        "completed_on": "2026-11-29",
        "cohort": {"name": f"{RLO}Rabat", "place": ""},
        "institutions": [],
        "signatories": [],
    }
    data = pdf.render(snapshot, "TDB-2345-6789-ABCD", "http://127.0.0.1:5000/verify/TDB-2345-6789-ABCD")
    text = raw_pdf_text(data, tmp_path)
    assert not OUR_CONTROLS.search(text)
    assert "Salma Benali Alami" in text and "Cours Titre fin" in text and "Rabat" in text


def test_reissue_cleans_the_names_typed(app, client, completed, make_user):
    _user, code = completed
    client.post("/logout")
    coordinator = make_user("coord@example.ma", role="coordinator")
    client.post("/login", data={"email": coordinator.email, "password": PASSWORD})
    client.post(f"/certificates/{code}/reissue", data={"name": f"Salma {RLO}Ben Ali", "name_ar": f"{RLO}سلمى"})
    with app.app_context():
        current = db.session.scalar(select(Certificate).where(Certificate.replaced_at.is_(None)))
        assert current.snapshot["holder"] == {"name": "Salma Ben Ali", "name_ar": "سلمى"}


def test_the_french_verify_page_keeps_the_semicolon_with_the_institution_before_it(app, client, completed):
    _user, code = completed
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "collectivités territoriales</bdi>\u202f; <bdi" in page  # a line never starts with "; "


def test_the_arabic_verify_page_names_the_institutions_in_arabic(app, client, completed):
    _user, code = completed
    client.set_cookie("lang", "ar")
    page = client.get(f"/verify/{code}", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "المديرية العامة للجماعات الترابية" in page and "Direction générale des collectivités" not in page
    # the example code is one unbroken left-to-right piece; the page's two forms have their own buttons
    assert '<bdi class="nowrap" dir="ltr">TDB-7K3Q-9XWM-ABCD</bdi>' in page
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@needs_pdftotext
def test_the_pdf_wording_fits_anyone_and_its_hours_follow_the_plural_rules(app, client, completed, tmp_path):
    _user, code = completed
    text = pdf_text(client.get(f"/certificates/{code}.pdf").data, tmp_path)
    assert "لإتمامه" not in text and "Durée : 8 heures" in text
    assert pdf._hours_fr(1.5) == "1,5 heure" and pdf._hours_ar(2) == "ساعتان" and pdf._hours_ar(5) == "5 ساعات"
