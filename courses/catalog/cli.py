"""`flask content check|sync|watch`: the trainers' and operators' commands for `content/`."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from courses import material
from courses.catalog.sync import SyncReport, sync
from courses.extensions import db

content_cli = AppGroup("content", help="Check and import the Markdown courses.")

PROGRESS_THRESHOLD = 50  # files: below this a progress bar is noise
LANGUAGE_OPTION = click.option(
    "--lang", "language", default="fr", show_default=True, type=click.Choice(["fr", "en"]),
    help="Language of error messages.",
)  # fmt: skip


def _root(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"]).resolve()


def _print_errors(errors: list[material.ContentError], language: str) -> None:
    cwd = Path.cwd()
    for item in errors:
        click.echo(item.format(language, root=cwd), err=True)
    noun = "erreur" if language == "fr" else "error"
    click.echo(f"{len(errors)} {noun}{'s' if len(errors) > 1 else ''}.", err=True)


@content_cli.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@LANGUAGE_OPTION
def check_command(directory: str | None, language: str) -> None:
    """Validate the content tree; list every error; exit 1 if there is any."""
    root = _root(directory)
    errors = material.check(root)
    if errors:
        _print_errors(errors, language)
        raise SystemExit(1)
    courses = material.load(root)
    modules = sum(len(c.modules) for c in courses)
    message = "Contenu valide" if language == "fr" else "Content is valid"
    click.echo(f"{message}: {len(courses)} cours, {modules} modules.")


def run_sync(root: Path, language: str = "fr", show_progress: bool = True) -> SyncReport | None:
    """Sync `root` in one transaction; print errors and return None when the tree is invalid."""
    total = material.count_files(root)
    try:
        if show_progress and total >= PROGRESS_THRESHOLD:
            with click.progressbar(
                length=total, label="Lecture des fichiers" if language == "fr" else "Reading files", file=sys.stderr
            ) as bar:
                report = sync(root, on_file=lambda path: bar.update(1))
        else:
            report = sync(root)
        db.session.commit()
    except material.ContentInvalid as exc:
        db.session.rollback()
        _print_errors(exc.errors, language)
        return None
    except Exception:
        db.session.rollback()
        raise
    return report


def _summary(report: SyncReport, language: str) -> str:
    labels = (
        ("ajoutés", "modifiés", "archivés", "inchangés")
        if language == "fr"
        else ("added", "changed", "archived", "unchanged")
    )
    lines = []
    for title, tally in (("cours" if language == "fr" else "courses", report.courses), ("modules", report.modules)):
        counts = tally.counts()
        parts = ", ".join(f"{counts[key]} {label}" for key, label in zip(counts, labels, strict=True))
        lines.append(f"{title}: {parts}")
    return "\n".join(lines)


@content_cli.command("sync")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@LANGUAGE_OPTION
def sync_command(directory: str | None, language: str) -> None:
    """Import the content tree into the database (all or nothing); print what changed."""
    started = time.perf_counter()
    report = run_sync(_root(directory), language)
    if report is None:
        raise SystemExit(1)
    click.echo(_summary(report, language))
    click.echo(f"({time.perf_counter() - started:.2f} s)")


def snapshot(root: Path) -> dict[str, tuple[float, int]]:
    """Modification time and size of every file under `root`: cheap change detection."""
    if not root.is_dir():
        return {}
    return {str(p): (p.stat().st_mtime, p.stat().st_size) for p in root.rglob("*") if p.is_file()}


@content_cli.command("watch")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option("--interval", default=1.0, show_default=True, help="Seconds between checks.")
@LANGUAGE_OPTION
def watch_command(directory: str | None, interval: float, language: str) -> None:
    """Sync now, then again each time a file changes, until interrupted (Ctrl-C)."""
    root = _root(directory)
    seen: dict[str, tuple[float, int]] | None = None
    click.echo(f"Surveillance de {root} (Ctrl-C pour arrêter)" if language == "fr" else f"Watching {root}")
    try:
        while True:
            current = snapshot(root)
            if current != seen:
                seen = current
                report = run_sync(root, language, show_progress=False)
                if report is not None and report.has_changes:
                    click.echo(f"{time.strftime('%H:%M:%S')} {_summary(report, language)}")
            time.sleep(interval)
    except KeyboardInterrupt:
        pass
