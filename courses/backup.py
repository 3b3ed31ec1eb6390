"""`flask backup [--out PATH]`: a consistent copy of the SQLite database, taken while the app runs."""

from __future__ import annotations

import os
import shlex
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from courses.extensions import db

# Wait this long (ms) for a writer's lock rather than failing at once, like the app does.
BUSY_TIMEOUT_MS = 10_000


def default_path() -> Path:
    """`instance/backups/tadbir-YYYYMMDD-HHMMSS.sqlite`."""
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "backups" / f"tadbir-{stamp}.sqlite"


def pg_dump_command(url: URL) -> str:
    """The pg_dump command line for `url`, without its password."""
    parts = ["pg_dump", "-Fc"]
    for flag, value in (("-h", url.host), ("-p", url.port), ("-U", url.username), ("-d", url.database)):
        if value is not None:
            parts += [flag, str(value)]
    parts += ["-f", f"tadbir-{datetime.now().astimezone():%Y%m%d-%H%M%S}.dump"]
    return shlex.join(parts)


def sqlite_source(url: URL) -> Path:
    """The database file named by a SQLite `url`; ClickException if there is none."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise click.ClickException(f"cannot back up this SQLite database: {url.database or ':memory:'}")
    source = Path(url.database).resolve()
    if not source.is_file():
        raise click.ClickException(f"no database file at {source}")
    return source


def create_private_file(path: Path) -> None:
    """Create an empty file only the owner can read: backups hold password hashes."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def copy_database(source: Path, target: Path) -> None:
    """Copy `source` into the (empty) file `target` with SQLite's online backup API."""
    # mode=rw: a vanished source must be an error, not a new empty database.
    with (
        closing(sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # One step (pages=-1) is one read transaction: in WAL mode writers carry on meanwhile,
        # and the copy is a single snapshot instead of restarting each time a writer commits.
        src.backup(dst, pages=-1)
        # The copy inherits WAL mode; a backup should be one self-contained file.
        dst.execute("PRAGMA journal_mode=DELETE")


def integrity_check(path: Path) -> list[str]:
    """The rows of `PRAGMA integrity_check` on `path` (["ok"] when sound)."""
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as connection:
        return [row[0] for row in connection.execute("PRAGMA integrity_check")]


def backup_sqlite(source: Path, out: Path) -> None:
    """Copy, check, then move into place, so `out` only ever names a verified backup."""
    partial = out.with_name(out.name + ".partial")
    create_private_file(partial)
    try:
        copy_database(source, partial)
        problems = integrity_check(partial)
        if problems != ["ok"]:
            raise click.ClickException(
                f"integrity check failed on the copy of {source} (no backup written):\n" + "\n".join(problems[:20])
            )
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)


@click.command("backup")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the copy [default: instance/backups/tadbir-YYYYMMDD-HHMMSS.sqlite].",
)
@with_appcontext
def backup_command(out: Path | None) -> None:
    """Copy the SQLite database safely while the app runs (PostgreSQL: use pg_dump)."""
    url = db.engine.url
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise click.ClickException(
            "the database is PostgreSQL: back it up with pg_dump instead (password from PGPASSWORD or ~/.pgpass):\n"
            f"  {pg_dump_command(url)}"
        )
    if backend != "sqlite":
        raise click.ClickException(f"cannot back up a {backend} database")
    source = sqlite_source(url)
    out = (out or default_path()).resolve()
    # Never overwrite: an old backup, or worse the live database, could be lost.
    if out.exists():
        raise click.ClickException(f"{out} already exists")
    backup_sqlite(source, out)
    click.echo(f"Backed up {source} to {out} ({out.stat().st_size:,} bytes).")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
