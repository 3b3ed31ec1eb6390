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

# The few phrases the commands print themselves; content errors are in courses/material/messages.py.
TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "valid": "Contenu valide: {courses} cours, {modules} modules.",
        "error": "{count} erreur.",
        "errors": "{count} erreurs.",
        "reading": "Lecture des fichiers",
        "watching": "Surveillance de {root} (Ctrl-C pour arrêter)",
        "courses": "cours",
        "modules": "modules",
        "count": "{count} {label}",
        "separator": ", ",
        "added": "ajoutés",
        "changed": "modifiés",
        "archived": "archivés",
        "unchanged": "inchangés",
    },
    "en": {
        "valid": "Content is valid: {courses} courses, {modules} modules.",
        "error": "{count} error.",
        "errors": "{count} errors.",
        "reading": "Reading files",
        "watching": "Watching {root}",
        "courses": "courses",
        "modules": "modules",
        "count": "{count} {label}",
        "separator": ", ",
        "added": "added",
        "changed": "changed",
        "archived": "archived",
        "unchanged": "unchanged",
    },
    "ar": {
        "valid": "المحتوى صالح: عدد الدورات {courses}، عدد الوحدات {modules}.",
        "error": "عدد الأخطاء: {count}.",
        "errors": "عدد الأخطاء: {count}.",
        "reading": "قراءة الملفات",
        "watching": "مراقبة {root} (اضغط Ctrl-C للإيقاف)",
        "courses": "الدورات",
        "modules": "الوحدات",
        "count": "{label} {count}",
        "separator": "، ",
        "added": "مضافة",
        "changed": "معدّلة",
        "archived": "مؤرشفة",
        "unchanged": "دون تغيير",
    },
}
LANGUAGE_OPTION = click.option(
    "--lang", "language", default="fr", show_default=True, type=click.Choice(list(TEXTS)),
    help="Language of error messages.",
)  # fmt: skip


def _root(directory: str | None) -> Path:
    return Path(directory or current_app.config["CONTENT_DIR"]).resolve()


def _print_errors(errors: list[material.ContentError], language: str) -> None:
    cwd = Path.cwd()
    for item in errors:
        click.echo(item.format(language, root=cwd), err=True)
    text = TEXTS[language]["errors" if len(errors) > 1 else "error"]
    click.echo(text.format(count=len(errors)), err=True)


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
    click.echo(TEXTS[language]["valid"].format(courses=len(courses), modules=modules))


def run_sync(root: Path, language: str = "fr", show_progress: bool = True) -> SyncReport | None:
    """Sync `root` in one transaction; print errors and return None when the tree is invalid."""
    total = material.count_files(root)
    try:
        if show_progress and total >= PROGRESS_THRESHOLD:
            with click.progressbar(length=total, label=TEXTS[language]["reading"], file=sys.stderr) as bar:
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
    text = TEXTS[language]
    lines = []
    for title, tally in (("courses", report.courses), ("modules", report.modules)):
        parts = text["separator"].join(
            text["count"].format(count=count, label=text[key]) for key, count in tally.counts().items()
        )
        lines.append(f"{text[title]}: {parts}")
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
    click.echo(TEXTS[language]["watching"].format(root=root))
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
