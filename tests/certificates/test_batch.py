"""Certificates in bulk: the streamed ZIP with its register, the print PDF, `flask certificates export`."""

from __future__ import annotations

import csv
import gc
import io
import re
import zipfile
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.certificates import batch, services
from courses.certificates.cli import certificates_cli
from courses.certificates.models import Certificate
from courses.coordination import services as coordination
from courses.extensions import db
from courses.learning import services as learning


@pytest.fixture
def issued(app, make_course, synced, make_user):
    """Certificates of one course; returns the id of its session (cohort).

    - Amal Tazi (session): re-issued as "Amal Tazi-Idrissi"   - "=Badr Alaoui" (session): current
    - Chama Fassi (no session): issued in 2020                 - Driss (session): revoked
    - Ehsan (session): enrolled only, no certificate
    """
    make_course(modules={"01-lire": ("Lire", "Texte.")})
    synced()
    people = [
        ("amal@example.ma", "Amal Tazi", "أمل التازي", True, True),
        ("badr@example.ma", "=Badr Alaoui", None, True, True),
        ("chama@example.ma", "Chama Fassi", None, False, True),
        ("driss@example.ma", "Driss Berrada", None, True, True),
        ("ehsan@example.ma", "Ehsan Naciri", None, True, False),
    ]
    with app.app_context():
        course = db.session.scalar(select(Course))
        module = db.session.scalar(select(Module).where(Module.course_id == course.id))
        cohort = coordination.create_cohort(
            coordination.CohortFields(course, "Session de Rabat", date(2026, 12, 1), date(2026, 12, 15)), SYSTEM
        )
        db.session.commit()  # make_user writes from a session of its own
        for email, name, name_ar, in_cohort, completes in people:
            user = db.session.get(User, make_user(email, full_name=name, full_name_ar=name_ar).id)
            if in_cohort:
                coordination.enroll_in_cohort(cohort, user, SYSTEM)
            enrollment = learning.enroll(user, course)
            if completes:
                learning.complete_module(enrollment, module)
            db.session.commit()
        certificates = {c.snapshot["holder"]["name"]: c for c in db.session.scalars(select(Certificate))}
        services.reissue(certificates["Amal Tazi"], SYSTEM, "Amal Tazi-Idrissi", "أمل التازي")
        services.revoke(certificates["Driss Berrada"], SYSTEM, "Erreur de saisie")
        certificates["Chama Fassi"].issued_at = datetime(2020, 1, 2, tzinfo=UTC)
        db.session.commit()
        return cohort.id


def selection(cohort_id: int | None = None, since: date | None = None) -> batch.CertificateFilter:
    return batch.CertificateFilter(db.session.scalar(select(Course)), cohort_id, since)


def pdf_names(archive: zipfile.ZipFile) -> list[str]:
    return sorted(name for name in archive.namelist() if name.endswith(".pdf"))


def test_zip_holds_a_pdf_per_current_certificate_and_a_register(app, issued):
    with app.app_context():
        ticks = []
        data = b"".join(batch.certificates_zip(selection(), on_certificate=lambda: ticks.append(1)))
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = pdf_names(archive)
    assert len(names) == 3 == len(ticks)  # neither the replaced nor the revoked certificate
    assert [name.rsplit("_", 1)[0] for name in names] == [
        "Amal-Tazi-Idrissi_gouvernance",
        "Badr-Alaoui_gouvernance",
        "Chama-Fassi_gouvernance",
    ]
    assert all(archive.read(name).startswith(b"%PDF") for name in names)
    register = archive.read("registre.csv").decode("utf-8")
    assert register.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(register.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert rows[0] == batch.REGISTER_HEADER and len(rows) == 1 + 3
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Amal Tazi-Idrissi", "'=Badr Alaoui", "Chama Fassi"}  # a name is never a formula
    assert by_name["Amal Tazi-Idrissi"][2] == "أمل التازي"
    assert sorted(row[-1] for row in rows[1:]) == names
    assert {row[7] for row in rows[1:]} == {"valid"}


def undated(document: bytes) -> bytes:
    """A PDF without what changes with the second it was made (its creation date and the file id from it)."""
    return re.sub(rb"/CreationDate \(D:\d+Z\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", document)


def test_a_pool_of_processes_draws_the_same_certificates(app, issued):
    with app.app_context():
        alone = zipfile.ZipFile(io.BytesIO(b"".join(batch.certificates_zip(selection()))))
        pooled = zipfile.ZipFile(io.BytesIO(b"".join(batch.certificates_zip(selection(), processes=2))))
    assert pdf_names(pooled) == pdf_names(alone) and len(pdf_names(alone)) == 3
    for name in pdf_names(alone):
        assert undated(pooled.read(name)) == undated(alone.read(name)), name
    assert pooled.read("registre.csv") == alone.read("registre.csv")
    assert gc.get_freeze_count() == 0  # frozen for the workers only


def test_selection_by_session_and_date(app, issued):
    with app.app_context():
        assert batch.count_certificates(selection()) == 3
        assert batch.count_certificates(selection(cohort_id=issued)) == 2
        assert batch.count_certificates(selection(since=date(2021, 1, 1))) == 2
        assert batch.count_certificates(selection(since=date(2099, 1, 1))) == 0
        session_zip = zipfile.ZipFile(io.BytesIO(b"".join(batch.certificates_zip(selection(cohort_id=issued)))))
        empty = zipfile.ZipFile(io.BytesIO(b"".join(batch.certificates_zip(selection(since=date(2099, 1, 1))))))
    assert [name.split("_")[0] for name in pdf_names(session_zip)] == ["Amal-Tazi-Idrissi", "Badr-Alaoui"]
    assert empty.namelist() == ["registre.csv"]


def test_print_pdf_has_a_page_per_certificate(app, issued):
    with app.app_context():
        document = batch.certificates_pdf(selection(cohort_id=issued))
    assert document.startswith(b"%PDF")
    assert document.count(b"/Type /Page\n") + document.count(b"/Type /Page>") == 2


def test_cli_certificates_export(app, runner, issued, tmp_path):
    assert "export" in certificates_cli.commands  # a command of the certificates group itself
    out = tmp_path / "certificats.zip"
    result = runner.invoke(
        args=["certificates", "export", "--course", "gouvernance", "--out", str(out), "--processes", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "3 certificates written" in result.output
    assert len(pdf_names(zipfile.ZipFile(out))) == 3
    args = ["certificates", "export", "--course", "gouvernance", "--cohort", str(issued), "--since", "2021-01-01"]
    result = runner.invoke(args=[*args, "--out", str(out), "--processes", "1"])
    assert result.exit_code == 0, result.output
    assert len(pdf_names(zipfile.ZipFile(out))) == 2
    assert runner.invoke(args=["certificates", "export", "--course", "absent", "--out", str(out)]).exit_code == 1
