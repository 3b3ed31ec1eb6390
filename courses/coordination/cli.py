"""`flask cohorts import`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from courses.audit.services import COMMAND_LINE
from courses.coordination import csv_import, notifications, services
from courses.coordination.models import Cohort
from courses.extensions import db
from courses.urls import require_public_base_url

cohorts_cli = AppGroup("cohorts", help="Training sessions.")


@cohorts_cli.command("import")
@click.argument("cohort_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Only check the file and print the report.")
@click.option("--no-invite", is_flag=True, help="Email nobody (no invitation, no 'you have been added').")
def import_command(cohort_id: int, file: str, dry_run: bool, no_invite: bool) -> None:
    """Enroll the people listed in a CSV file in a session: every row, or none."""
    if not (dry_run or no_invite):
        require_public_base_url()  # the invitations carry links
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
            result = csv_import.apply(cohort, text, COMMAND_LINE, on_row=lambda: bar.update(1))
            for user in result.joined if not no_invite else ():
                notifications.welcome(user, cohort, None, COMMAND_LINE)
        except services.CoordinationError as error:
            db.session.rollback()
            raise click.ClickException(f"{error.code}; nothing was imported") from error
    db.session.commit()
    click.echo(f"{result.enrolled} enrolled, {len(result.created)} accounts created, {result.unchanged} unchanged.")
