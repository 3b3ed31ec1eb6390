"""`flask content check|sync|watch`: the trainers' and operators' commands for `content/`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from babel.lists import format_list
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from courses import material
from courses.catalog.sync import SyncReport, record_run, sync
from courses.extensions import db

content_cli = AppGroup("content", help="Check and import the Markdown courses.")

PROGRESS_THRESHOLD = 50  # files: below this a progress bar is noise

# The phrases the commands print themselves go through the interface catalogs (Flask-Babel), in
# the language asked for; content errors are worded by courses/material/messages.py (no Flask there).
LANGUAGE_OPTION = click.option(
    "--lang", "language", default="fr", show_default=True, type=click.Choice(["fr", "ar", "en"]),
    help="Language of messages.",
)  # fmt: skip

COURSE_OPTION = click.option(
    "--course", "courses", multiple=True, metavar="SLUG",
    help="Only this course folder (repeatable); links to the other courses are still checked.",
)  # fmt: skip

TALLY_WORDS = {
    "added": lambda n: ngettext("%(num)d added", "%(num)d added", n),
    "changed": lambda n: ngettext("%(num)d changed", "%(num)d changed", n),
    "archived": lambda n: ngettext("%(num)d archived", "%(num)d archived", n),
    "unchanged": lambda n: ngettext("%(num)d unchanged", "%(num)d unchanged", n),
}


def _root(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"]).resolve()


def _only(courses: tuple[str, ...]) -> tuple[str, ...] | None:
    return courses or None


def _print_errors(errors: list[material.ContentError], language: str) -> None:
    cwd = Path.cwd()
    for item in errors:
        click.echo(item.format(language, root=cwd), err=True)
    with force_locale(language):
        click.echo(ngettext("%(num)d error.", "%(num)d errors.", len(errors)), err=True)


def _print_warnings(warnings: list[material.ContentError], language: str, strict: bool) -> None:
    cwd = Path.cwd()
    with force_locale(language):
        for item in warnings:
            click.echo(
                _("%(location)s: warning: %(reason)s", location=item.location(cwd), reason=item.reason(language)),
                err=True,
            )
        if strict:
            message = ngettext(
                "%(num)d warning, counted as an error (--strict).",
                "%(num)d warnings, counted as errors (--strict).",
                len(warnings),
            )
        else:
            message = ngettext("%(num)d warning.", "%(num)d warnings.", len(warnings))
        click.echo(message, err=True)


@content_cli.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@COURSE_OPTION
@click.option("--strict", is_flag=True, help="Count warnings as errors (exit 1), for continuous integration.")
@LANGUAGE_OPTION
def check_command(directory: str | None, courses: tuple[str, ...], strict: bool, language: str) -> None:
    """Validate the content tree; list every error and warning; exit 1 on an error (or a warning with --strict)."""
    review = material.review(_root(directory), _only(courses))
    if review.errors:
        _print_errors(review.errors, language)
    if review.warnings:
        _print_warnings(review.warnings, language, strict)
    if review.errors or (strict and review.warnings):
        raise SystemExit(1)
    modules = sum(len(c.modules) for c in review.courses)
    with force_locale(language):
        counts = [
            ngettext("%(num)d course", "%(num)d courses", len(review.courses)),
            ngettext("%(num)d module", "%(num)d modules", modules),
        ]
        click.echo(_("Content is valid: %(counts)s.", counts=", ".join(counts)))


def run_sync(
    root: Path,
    language: str = "fr",
    show_progress: bool = True,
    command: str = "sync",
    only: tuple[str, ...] | None = None,
) -> SyncReport | None:
    """Sync `root` in one transaction; print errors and return None when the tree is invalid.

    Either way the outcome is then recorded (`content_sync_run`) in a transaction of its own, so
    the errors of a failed import reach the course pages of its trainers.
    """
    total = material.count_files(root, only)
    try:
        if show_progress and total >= PROGRESS_THRESHOLD:
            with force_locale(language):
                label = _("Reading files")
            with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
                report = sync(root, on_file=lambda path: bar.update(1), only=only)
        else:
            report = sync(root, only=only)
        db.session.commit()
    except material.ContentInvalid as exc:
        db.session.rollback()
        _print_errors(exc.errors, language)
        _record(root, command, exc.errors, only)
        return None
    except Exception:
        db.session.rollback()
        raise
    _record(root, command, [], only)
    return report


def _record(root: Path, command: str, errors: list[material.ContentError], only: tuple[str, ...] | None) -> None:
    try:
        record_run(root, command, errors, only)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def _summary(report: SyncReport, language: str) -> str:
    with force_locale(language):
        lines = []
        for title, tally in ((_("Courses"), report.courses), (_("Modules"), report.modules)):
            parts = format_list([TALLY_WORDS[key](count) for key, count in tally.counts().items()], locale=language)
            lines.append(_("%(what)s: %(changes)s", what=title, changes=parts))
        return "\n".join(lines)


@content_cli.command("sync")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@COURSE_OPTION
@LANGUAGE_OPTION
def sync_command(directory: str | None, courses: tuple[str, ...], language: str) -> None:
    """Import the content tree into the database (all or nothing); print what changed."""
    started = time.perf_counter()
    report = run_sync(_root(directory), language, only=_only(courses))
    if report is None:
        raise SystemExit(1)
    click.echo(_summary(report, language))
    click.echo(f"({time.perf_counter() - started:.2f} s)")


def snapshot(root: Path, only: tuple[str, ...] | None = None) -> dict[str, tuple[float, int]]:
    """Modification time and size of every file under `root` (or its `only` folders): cheap change detection."""
    folders = [root] if only is None else [root / slug for slug in only]
    return {
        str(p): (p.stat().st_mtime, p.stat().st_size)
        for folder in folders
        if folder.is_dir()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _no_changes(language: str) -> str:
    with force_locale(language):
        return _("No changes.")


@content_cli.command("watch")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@COURSE_OPTION
@click.option("--interval", default=1.0, show_default=True, help="Seconds between checks.")
@LANGUAGE_OPTION
def watch_command(directory: str | None, courses: tuple[str, ...], interval: float, language: str) -> None:
    """Sync now, then again each time a file changes, until interrupted (Ctrl-C)."""
    root = _root(directory)
    only = _only(courses)
    seen: dict[str, tuple[float, int]] | None = None
    with force_locale(language):
        click.echo(_("Watching %(root)s (Ctrl-C to stop)", root=root))
    try:
        while True:
            current = snapshot(root, only)
            if current != seen:
                seen = current
                click.echo(time.strftime("%H:%M:%S"), nl=False, err=True)
                click.echo(" ", nl=False, err=True)
                report = run_sync(root, language, show_progress=False, command="watch", only=only)
                if report is not None:
                    click.echo(_summary(report, language) if report.has_changes else _no_changes(language))
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
