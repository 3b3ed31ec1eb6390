"""`flask cohorts import`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from courses.auth.territory import ORGANISATION_TYPES, REGIONS
from courses.coordination import csv_import, import_jobs, services
from courses.coordination.models import Cohort, CsvImport
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
    plan = csv_import.plan(cohort, text)
    _report(file, plan)
    if not plan.is_valid:
        raise click.ClickException(f"the file has errors; nothing was imported ({plan.refusal()})")
    if dry_run:
        return
    # The same path as a confirmation in the browser: a pending import, claimed, imported in one transaction.
    pending = CsvImport(
        cohort_id=cohort.id, filename=csv_import.stored_filename(Path(file).name), content=text,
        checked_rows=plan.stored(), summary={**plan.counts(), "digest": plan.digest()}, total_rows=len(plan.rows),
    )  # fmt: skip
    db.session.add(pending)
    db.session.flush()
    with click.progressbar(length=len(plan.rows), label="import", file=sys.stderr) as bar:
        try:
            result = import_jobs.run_now(
                pending, None, plan.digest(), None, invite=not no_invite,
                on_progress=lambda done, _total: bar.update(done - bar.pos),
            )  # fmt: skip
        except services.CoordinationError as error:
            db.session.rollback()
            raise click.ClickException(f"{error.code}; nothing was imported") from error
    db.session.commit()  # the invitations are then queued by a worker (`flask tasks worker`)
    click.echo(f"{result.enrolled} enrolled, {result.created} accounts created, {result.unchanged} unchanged.")


def _report(file: str, plan: csv_import.Plan) -> None:
    for problem in plan.file_problems:
        detail = f" ({', '.join(plan.missing_columns)})" if problem == "missing_columns" else ""
        if problem == "full":
            detail = f" ({plan.in_session} in the session + {plan.incoming} > capacity {plan.capacity})"
        click.echo(f"{file}: {problem}{detail}", err=True)
    unknown = set()
    for row in plan.rows:
        if row.problems:
            columns = f" [{', '.join(row.disallowed_in)}]" if row.disallowed_in else ""
            values = "".join(f" {column}={value!r}" for column, value in row.unknown.items())
            unknown.update(row.unknown)
            click.echo(f"{file}:{row.line}: {', '.join(row.problems)}{columns}{values} ({row.email or '-'})", err=True)
    for column, codes in (("organisation_type", ORGANISATION_TYPES), ("region", REGIONS)):
        if column in unknown:
            click.echo(f"allowed {column} values (codes, or their labels in fr/ar/en): {', '.join(codes)}", err=True)
    click.echo(", ".join(f"{count} {status}" for status, count in plan.counts().items()))
