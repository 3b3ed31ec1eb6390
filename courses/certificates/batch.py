"""Certificates in bulk: a streamed ZIP (one PDF, VC-JWT and baked badge each, plus a register) or one PDF.

Everything streams: certificates are read from the database in batches, PDFs are rendered one at
a time (or by a pool of processes for the CLI), and the ZIP is produced in chunks, so memory
stays flat whatever the number of certificates.
"""

from __future__ import annotations

import contextlib
import gc
import io
import multiprocessing
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from courses.catalog.models import Course
from courses.certificates import credentials, pdf
from courses.certificates.models import Certificate
from courses.certificates.services import verify_url
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.tabular import CsvWriter

BATCH = 500


@dataclass(frozen=True)
class CertificateFilter:
    course: Course
    cohort_id: int | None = None
    since: date | None = None


def certificates(selection: CertificateFilter, statement_only: bool = False):
    """Current certificates of a course (optionally a cohort, or issued since a date), in batches."""
    statement = (
        select(Certificate)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(
            Certificate.course_id == selection.course.id,
            Certificate.replaced_at.is_(None),
            Certificate.revoked_at.is_(None),  # exports are for handing out: never a revoked one
        )
        .order_by(Certificate.issued_at, Certificate.id)
        .execution_options(yield_per=BATCH)
    )
    if selection.cohort_id is not None:
        statement = statement.where(Enrollment.cohort_id == selection.cohort_id)
    if selection.since is not None:
        statement = statement.where(Certificate.issued_at >= datetime.combine(selection.since, time.min, tzinfo=UTC))
    if statement_only:
        return statement
    return iter(db.session.scalars(statement))


def count_certificates(selection: CertificateFilter) -> int:
    """How many certificates `certificates(selection)` yields (one COUNT query)."""
    statement = certificates(selection, statement_only=True)
    return db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))


def _slug(text: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in text.strip())
    return "-".join(part for part in kept.split("-") if part)[:60] or "certificat"


def pdf_name(certificate: Certificate) -> str:
    """A readable file name: holder, course, code."""
    snapshot = certificate.snapshot
    return f"{_slug(snapshot['holder']['name'])}_{_slug(snapshot['course']['slug'])}_{certificate.code}.pdf"


REGISTER_HEADER = [
    "code",
    "full_name",
    "full_name_ar",
    "course",
    "hours",
    "completed_on",
    "issued_on",
    "status",
    "file",
]


def _register_row(certificate: Certificate) -> list:
    snapshot = certificate.snapshot
    return [
        certificate.code, snapshot["holder"]["name"], snapshot["holder"].get("name_ar") or "",
        snapshot["course"]["title"], snapshot["course"]["hours"], snapshot["completed_on"],
        certificate.issued_at.date().isoformat(), certificate.status, pdf_name(certificate),
    ]  # fmt: skip


class _Sink(io.RawIOBase):
    """A write-only stream that hands out what was written since the last read (for streaming ZIPs)."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _render_job(job: tuple[dict, str, str]) -> bytes:
    snapshot, code, url = job
    return pdf.render(snapshot, code, url)


def _rendered(jobs: list[tuple[dict, str, str]], pool) -> Iterator[bytes]:
    if pool is None:
        for job in jobs:
            yield _render_job(job)
        return
    yield from pool.imap(_render_job, jobs, chunksize=8)


def _pool(processes: int):
    """One pool of worker processes for a whole export.

    Workers are forked on Linux: they start at once with the application imported and the main font
    prepared here first, where a spawned worker spent 2.4 s importing the application and cutting
    the font down before its first certificate. The objects they inherit are frozen out of their
    garbage collector's scans. They only draw PDFs: the database connections they inherit are never
    used in them, and multiprocessing ends them with `os._exit`, which closes none.
    """
    if processes <= 1:
        return contextlib.nullcontext(None)
    if not sys.platform.startswith("linux"):  # macOS lists fork, but it is unsafe there
        return multiprocessing.get_context("spawn").Pool(processes)
    pdf.main_font()  # prepared once, here, for every worker
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(processes)
    finally:
        gc.unfreeze()  # here; the workers keep what they inherited frozen


def _write_credential(archive: zipfile.ZipFile, certificate: Certificate) -> None:
    """The certificate's Open Badges credential next to its PDF: the VC-JWT and the badge carrying it."""
    stem = pdf_name(certificate).removesuffix(".pdf")
    token = credentials.signed(certificate)
    archive.writestr(f"{stem}.jwt", token)
    archive.writestr(f"{stem}.svg", credentials.badge.draw(certificate.snapshot, token))


def certificates_zip(
    selection: CertificateFilter, processes: int = 1, on_certificate: Callable[[], None] | None = None
) -> Iterator[bytes]:
    """A ZIP, in chunks, of one PDF per certificate plus a register (CSV) of them all."""
    sink = _Sink()
    register = CsvWriter(REGISTER_HEADER)
    batch: list[Certificate] = []

    def flush(archive: zipfile.ZipFile, pool) -> Iterator[bytes]:
        # A list, not a generator: the pool feeds jobs from its own thread, outside the app context.
        jobs = [(c.snapshot, c.code, verify_url(c.code)) for c in batch]
        for certificate, document in zip(batch, _rendered(jobs, pool), strict=True):
            archive.writestr(pdf_name(certificate), document, compress_type=zipfile.ZIP_STORED)
            _write_credential(archive, certificate)
            register.writerow(_register_row(certificate))
            if on_certificate:
                on_certificate()
            yield sink.take()
        batch.clear()

    with _pool(processes) as pool, zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates(selection):
            batch.append(certificate)
            if len(batch) >= 64:
                yield from flush(archive, pool)
        yield from flush(archive, pool)
        archive.writestr("registre.csv", register.take().encode())
    yield sink.take()


def certificates_pdf(selection: CertificateFilter) -> bytes:
    """Every selected certificate in one PDF, a page each, for printing."""
    items = [(c.snapshot, c.code, verify_url(c.code)) for c in certificates(selection)]
    return pdf.render_many(items)
