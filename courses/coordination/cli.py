"""`flask cohorts import` and `flask certificates export`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from courses.auth.views import send_reset_link
from courses.catalog.models import Course
from courses.coordination import csv_import, exports, services
from courses.coordination.models import Cohort
from courses.extensions import db

cohorts_cli = AppGroup("cohorts", help="Training sessions.")


@cohorts_cli.command("import")
@click.argument("cohort_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file and print the report.")
@click.option("--no-invite", is_flag=True, help="Do not email invitations to new accounts.")
def import_command(cohort_id: int, file: str, dry_run: bool, no_invite: bool) -> None:
    """Enroll the people listed in a CSV file in a session: every row, or none."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise click.ClickException(f"no session {cohort_id}")
    text = csv_import.decode(Path(file).read_bytes())
    preview = csv_import.preview(cohort, text)
    for problem in preview.file_problems:
        detail = f" ({', '.join(preview.missing_columns)})" if problem == "missing_columns" else ""
        click.echo(f"{file}: {problem}{detail}", err=True)
    for row in preview.rows:
        if row.problems:
            columns = f" [{', '.join(row.disallowed_in)}]" if row.disallowed_in else ""
            click.echo(f"{file}:{row.line}: {', '.join(row.problems)}{columns} ({row.email or '-'})", err=True)
    click.echo(", ".join(f"{count} {status}" for status, count in preview.counts().items()))
    if not preview.is_valid:
        raise click.ClickException("the file has errors; nothing was imported")
    if dry_run:
        return
    with click.progressbar(length=len(preview.rows), label="import", file=sys.stderr) as bar:
        try:
            result = csv_import.apply(cohort, text, None, on_row=lambda: bar.update(1))
        except services.CoordinationError as error:
            db.session.rollback()
            raise click.ClickException(f"{error.code}; nothing was imported") from error
    db.session.commit()
    if not no_invite:
        for user in result.created:
            send_reset_link(user, invitation=True)
    click.echo(f"{result.enrolled} enrolled, {len(result.created)} accounts created, {result.unchanged} unchanged.")


@click.command("export")
@with_appcontext
@click.option("--course", "course_slug", required=True)
@click.option("--cohort", "cohort_id", type=int, default=None)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Issued on or after (YYYY-MM-DD)."
)
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True))
@click.option("--processes", type=int, default=min(2, os.cpu_count() or 1), show_default=True)
def certificates_export_command(course_slug: str, cohort_id: int | None, since, out: str, processes: int) -> None:
    """Write a course's certificates (one PDF each, plus a register) to a ZIP file."""
    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug}")
    selection = exports.CertificateFilter(course, cohort_id, since.date() if since else None)
    total = exports.count_certificates(selection)
    with open(out, "wb") as handle, click.progressbar(length=total, label="certificates", file=sys.stderr) as bar:
        for chunk in exports.certificates_zip(selection, processes=processes, on_certificate=lambda: bar.update(1)):
            handle.write(chunk)
    click.echo(f"{total} certificates written to {out}.")
