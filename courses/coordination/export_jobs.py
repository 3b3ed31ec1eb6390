"""Certificate ZIPs too large for a request, prepared by a worker for the one who asked.

A ZIP of a whole course draws one PDF per certificate: a thousand take longer than a worker's
request timeout. Up to ZIP_IN_REQUEST certificates the ZIP still streams in the request; beyond,
the coordinator asks for it (a POST), a task writes it to the export folder — under a temporary
name, renamed once complete, so a half-written file is never offered — and the export's page
shows how far it is, then a download link. Only the person who asked, or an admin, sees the page
and downloads the file; it is removed a day after it is ready (`expired`).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from huey import crontab
from sqlalchemy import select, update

from courses.auth.models import User
from courses.catalog.models import Course
from courses.certificates import batch
from courses.coordination.models import DONE, FAILED, RUNNING, WAITING, ExportJob
from courses.database import utcnow
from courses.extensions import db
from courses.tasks import clear_progress, enqueue_after_commit, periodic, progress, set_progress, task
from courses.urls import links_from

ZIP_IN_REQUEST = 100  # certificates drawn within a request; more are left to a worker
KEEP = timedelta(days=1)  # a prepared file is removed this long after it is ready
EXPIRED = "expired"
CHUNK = 1 << 20


def export_folder() -> Path:
    return Path(current_app.config.get("EXPORT_FOLDER") or Path(current_app.instance_path) / "exports")


def file_of(job: ExportJob) -> Path:
    return export_folder() / f"export-{job.id}.zip"


def progress_key(job_id: int) -> str:
    return f"export:{job_id}"


def request_zip(
    user: User, course: Course, cohort_id: int | None, since: date | None, download_name: str, base_url: str | None
) -> ExportJob:
    """Ask a worker for the certificates ZIP; the task is enqueued once the caller commits."""
    job = ExportJob(
        kind="certificates_zip", requested_by_id=user.id, course_id=course.id, cohort_id=cohort_id, since=since,
        download_name=download_name, status=WAITING, total=0, base_url=base_url,
    )  # fmt: skip
    db.session.add(job)
    db.session.flush()
    enqueue_after_commit(db.session, build_zip, job.id)
    return job


def may_see(user: User, job: ExportJob) -> bool:
    """The person who asked for the export, or an admin."""
    return user.id == job.requested_by_id or user.role == "admin"


@task()
def build_zip(job_id: int) -> None:
    """Write the certificates ZIP of an export job to the export folder."""
    started = db.session.execute(
        update(ExportJob).where(ExportJob.id == job_id, ExportJob.status == WAITING).values(status=RUNNING)
    ).rowcount
    db.session.commit()
    if not started:
        return
    job = db.session.get(ExportJob, job_id)
    target = file_of(job)
    partial = target.with_name(target.name + ".part")
    key = progress_key(job_id)
    try:
        selection = batch.CertificateFilter(job.course, job.cohort_id, job.since)
        total = batch.count_certificates(selection)
        job.total = total
        db.session.commit()
        done = 0

        def tick() -> None:
            nonlocal done
            done += 1
            if done % 20 == 0 or done == total:
                set_progress(key, [done, total])

        partial.parent.mkdir(parents=True, exist_ok=True)
        with links_from(job.base_url), open(partial, "wb") as output:
            for chunk in batch.certificates_zip(selection, on_certificate=tick):
                output.write(chunk)
        partial.replace(target)
        job.status, job.finished_at = DONE, utcnow()
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("export %s failed", job_id)
        partial.unlink(missing_ok=True)
        db.session.execute(
            update(ExportJob).where(ExportJob.id == job_id).values(status=FAILED, failure="error", finished_at=utcnow())
        )
        db.session.commit()
    finally:
        clear_progress(key)


@periodic(crontab(minute="17"))
def remove_expired() -> None:
    """Remove the files of exports ready for more than a day (hourly)."""
    jobs = db.session.scalars(
        select(ExportJob).where(ExportJob.status == DONE, ExportJob.finished_at < utcnow() - KEEP)
    ).all()
    for job in jobs:
        file_of(job).unlink(missing_ok=True)
        job.status = EXPIRED
    db.session.commit()


def status_of(job: ExportJob) -> dict:
    """What the export's page shows: the status, and for a running export the certificates drawn of all."""
    shown = {"status": job.status, "done": 0, "total": job.total}
    if job.status == DONE and not file_of(job).exists():
        shown["status"] = EXPIRED  # removed by hand, or by another machine's clean-up
    if job.status == RUNNING:
        try:
            reported = progress(progress_key(job.id))
        except Exception:  # the queue's storage is unreachable: the page still says "running"
            current_app.logger.warning("progress of export %s unavailable", job.id, exc_info=True)
            reported = None
        if reported:
            shown["done"], shown["total"] = reported
    return shown


def read_file(job: ExportJob):
    """The prepared file, in chunks."""
    with open(file_of(job), "rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk
