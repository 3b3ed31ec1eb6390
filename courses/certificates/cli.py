"""`flask certificates revoke|reissue|render|export`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from courses.audit.services import COMMAND_LINE
from courses.catalog.models import Course
from courses.certificates import batch, pdf, services
from courses.extensions import db
from courses.urls import require_public_base_url

certificates_cli = AppGroup("certificates", help="Revoke, re-issue, render and export certificates.")


def _certificate(code: str):
    certificate = services.find(code)
    if certificate is None:
        raise click.ClickException(f"no certificate {code}")
    return certificate


@certificates_cli.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown on the verification page.")
def revoke_command(code: str, reason: str) -> None:
    """Revoke a certificate."""
    certificate = _certificate(code)
    try:
        services.revoke(certificate, COMMAND_LINE, reason)
    except services.CertificateError as error:
        raise click.ClickException(error.code) from error
    db.session.commit()
    click.echo(f"{certificate.code} revoked.")


@certificates_cli.command("reissue")
@click.argument("code")
@click.option("--name", required=True, help="Full name in Latin script.")
@click.option("--name-ar", default=None, help="Full name in Arabic script.")
def reissue_command(code: str, name: str, name_ar: str | None) -> None:
    """Re-issue a certificate with corrected names."""
    certificate = _certificate(code)
    try:
        replacement = services.reissue(certificate, COMMAND_LINE, name, name_ar)
    except services.CertificateError as error:
        raise click.ClickException(error.code) from error
    db.session.commit()
    click.echo(f"{certificate.code} replaced by {replacement.code}.")


@certificates_cli.command("render")
@click.argument("code")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True)
def render_command(code: str, out: str) -> None:
    """Write a certificate's PDF to a file."""
    require_public_base_url()  # the QR code carries it
    certificate = _certificate(code)
    Path(out).write_bytes(pdf.render(certificate.snapshot, certificate.code, services.verify_url(certificate.code)))
    click.echo(f"Wrote {out}.")


@certificates_cli.command("export")
@click.option("--course", "course_slug", required=True)
@click.option("--cohort", "cohort_id", type=int, default=None)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Issued on or after (YYYY-MM-DD)."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--processes", type=int, default=min(2, os.cpu_count() or 1), show_default=True)
def export_command(course_slug: str, cohort_id: int | None, since, out: str, processes: int) -> None:
    """Write a course's certificates (one PDF each, plus a register) to a ZIP file."""
    require_public_base_url()  # every certificate's QR code carries it
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug}")
    selection = batch.CertificateFilter(course, cohort_id, since.date() if since else None)
    total = batch.count_certificates(selection)
    with open(out, "wb") as handle, click.progressbar(length=total, label="certificates", file=sys.stderr) as bar:
        for chunk in batch.certificates_zip(selection, processes=processes, on_certificate=lambda: bar.update(1)):
            handle.write(chunk)
    click.echo(f"{total} certificates written to {out}.")
