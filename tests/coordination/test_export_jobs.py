"""A certificate ZIP too large for a request is prepared by a worker, for the one who asked only."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from courses.coordination import export_jobs
from courses.coordination.models import ExportJob
from courses.database import utcnow
from courses.extensions import db
from courses.tasks import set_progress
from tests.coordination.test_reports import population  # noqa: F401 - the fixture: 3 certificates

ZIP = "/coordination/courses/gouvernance/certificates.zip"
pytestmark = pytest.mark.usefixtures("population")


@pytest.fixture
def small_in_request(monkeypatch):
    monkeypatch.setattr(export_jobs, "ZIP_IN_REQUEST", 2)  # the course's 3 certificates are "many"


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'").replace("\u202f", " ")


def ask(client) -> str:
    """Ask for the ZIP as the page does; the export's page URL."""
    page = text(client.get(ZIP))
    assert "il est préparé en arrière-plan" in page
    action = re.search(r'<form method="post" action="([^"]+)"', page)[1]
    response = client.post(action.replace("&amp;", "&"))
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_large_zip_is_prepared_by_a_worker_and_downloaded_from_its_page(app, client, as_role, small_in_request):
    as_role("coordinator")
    status_url = ask(client)
    page = text(client.get(status_url))  # tasks run at once in the tests: ready
    assert "Le ZIP est prêt : 3 certificats." in page and "data-progress>" not in page
    download = client.get(re.search(r'href="([^"]+/download)"', page)[1])
    assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in download.headers["Cache-Control"]
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert "registre.csv" in names and len([n for n in names if n.endswith(".pdf")]) == 3
    with app.app_context():
        job = db.session.scalar(select(ExportJob))
        assert (job.status, job.total) == ("done", 3)
        assert export_jobs.file_of(job).exists() and not list(export_jobs.export_folder().glob("*.part"))


def test_a_small_zip_still_streams_in_the_request(client, as_role):
    as_role("coordinator")
    response = client.get(ZIP)
    assert response.mimetype == "application/zip"


def test_only_the_one_who_asked_and_admins_see_the_export(app, client, as_role, small_in_request):
    as_role("coordinator")
    status_url = ask(client)
    as_role("coordinator", "other-coordinator@example.ma")
    assert client.get(status_url).status_code == 404
    assert client.get(status_url + "/download").status_code == 404
    as_role("admin")
    assert client.get(status_url).status_code == 200
    assert client.get(status_url + "/download").status_code == 200


def test_the_file_is_removed_after_a_day(app, client, as_role, small_in_request):
    as_role("coordinator")
    status_url = ask(client)
    with app.app_context():
        job = db.session.scalar(select(ExportJob))
        export_jobs.remove_expired.call_local()  # ready just now: kept
        assert export_jobs.file_of(job).exists()
        job.finished_at = utcnow() - timedelta(days=1, minutes=1)
        db.session.commit()
        export_jobs.remove_expired.call_local()  # a periodic task: in a session of its own
        db.session.expire_all()
        assert job.status == "expired" and not export_jobs.file_of(job).exists()
    assert "Ce fichier a été supprimé un jour après avoir été prêt." in text(client.get(status_url))
    assert client.get(status_url + "/download").status_code == 302  # back to the page that says so


def test_the_page_updates_itself_while_the_zip_is_prepared(app, client, as_role, small_in_request):
    user = as_role("coordinator")
    with app.app_context():
        job = ExportJob(kind="certificates_zip", requested_by_id=user.id, course_id=1, download_name="x.zip",
                        status="running", total=3)  # fmt: skip
        db.session.add(job)
        db.session.commit()
        set_progress(export_jobs.progress_key(job.id), [1, 3])
        job_id = job.id
    page = text(client.get(f"/coordination/exports/{job_id}"))
    assert "data-progress>" in page and "progress.js" in page and 'http-equiv="refresh"' not in page
    assert "Préparation en cours : 1 sur 3 certificats." in page


def test_a_failed_export_leaves_no_file_and_says_so(app, client, as_role, small_in_request, monkeypatch):
    def broken(selection, on_certificate=None):
        yield b"PK"
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs.batch, "certificates_zip", broken)
    as_role("coordinator")
    page = text(client.get(ask(client)))
    assert "L'export a échoué." in page
    with app.app_context():
        assert db.session.scalar(select(ExportJob.status)) == "failed"
        assert list(export_jobs.export_folder().iterdir()) == []
