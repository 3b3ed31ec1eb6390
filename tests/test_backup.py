"""`flask backup`: a verified copy of a SQLite database; pg_dump advice on PostgreSQL."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from courses import backup
from courses.auth import services
from courses.extensions import db


@pytest.fixture
def cli(app, runner):
    """Invoke `flask backup ARGS` on the test app, registering the command if needed."""
    if "backup" not in app.cli.commands:
        backup.init_app(app)
    return lambda *args: runner.invoke(args=["backup", *args])


@pytest.fixture
def backend(app) -> str:
    with app.app_context():
        return db.engine.url.get_backend_name()


@pytest.fixture
def sqlite_only(backend):
    if backend != "sqlite":
        pytest.skip("SQLite backups; the PostgreSQL case is test_postgresql_gets_pg_dump_advice")


def add_user(app, email: str = "nadia@example.ma") -> None:
    with app.app_context():
        services.create_user(email, services.Profile(full_name="X"), "0123456789ab")
        db.session.commit()


def emails_in(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as connection:
        return [row[0] for row in connection.execute("SELECT email FROM user_account ORDER BY email")]


def test_backup_copies_the_data_to_the_default_place(app, cli, sqlite_only, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))  # not the real instance/
    add_user(app)
    result = cli()
    assert result.exit_code == 0, result.output
    [written] = (Path(app.instance_path) / "backups").glob("tadbir-*.sqlite")
    assert re.fullmatch(r"tadbir-\d{8}-\d{6}\.sqlite", written.name)
    assert str(written) in result.output and f"{written.stat().st_size:,} bytes" in result.output
    assert emails_in(written) == ["nadia@example.ma"]


def test_backup_out_writes_a_sound_self_contained_private_file(app, cli, sqlite_only, tmp_path):
    add_user(app)
    out = tmp_path / "saved" / "copy.sqlite"
    result = cli("--out", str(out))
    assert result.exit_code == 0, result.output
    assert emails_in(out) == ["nadia@example.ma"]
    assert backup.integrity_check(out) == ["ok"]
    with closing(sqlite3.connect(out)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert out.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.sqlite"]


def test_backup_runs_while_another_connection_is_writing(app, cli, sqlite_only, tmp_path):
    add_user(app, "committed@example.ma")
    with app.app_context():
        source = db.engine.url.database
    with closing(sqlite3.connect(source, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE user_account SET email = 'uncommitted@example.ma'")
        result = cli("--out", str(tmp_path / "copy.sqlite"))
        writer.execute("ROLLBACK")
    assert result.exit_code == 0, result.output
    assert emails_in(tmp_path / "copy.sqlite") == ["committed@example.ma"]


def test_backup_never_overwrites(app, cli, sqlite_only, tmp_path):
    out = tmp_path / "copy.sqlite"
    out.write_bytes(b"keep me")
    result = cli("--out", str(out))
    assert result.exit_code == 1 and "already exists" in result.output
    assert out.read_bytes() == b"keep me"
    with app.app_context():
        live = db.engine.url.database
    assert cli("--out", live).exit_code == 1


def test_failed_integrity_check_exits_1_and_leaves_no_file(app, cli, sqlite_only, tmp_path, monkeypatch):
    monkeypatch.setattr(backup, "integrity_check", lambda path: ["*** in database main ***", "page 3 is never used"])
    result = cli("--out", str(tmp_path / "copy.sqlite"))
    assert result.exit_code == 1
    assert "integrity check failed" in result.output and "page 3 is never used" in result.output
    assert list(tmp_path.glob("copy.sqlite*")) == []


def test_postgresql_gets_pg_dump_advice(app, cli, backend, tmp_path, monkeypatch):
    if backend != "postgresql":
        pytest.skip("needs TADBIR_TEST_SERVER_URL (PostgreSQL)")
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    with app.app_context():
        url = db.engine.url
    result = cli()
    assert result.exit_code == 1
    assert "pg_dump -Fc" in result.output and f"-d {url.database}" in result.output
    assert not (tmp_path / "instance").exists()


def test_pg_dump_command_leaves_the_password_out():
    command = backup.pg_dump_command(make_url("postgresql+psycopg://tadbir:s3cret@db.internal:5433/tadbir"))
    assert command.startswith("pg_dump -Fc -h db.internal -p 5433 -U tadbir -d tadbir -f tadbir-")
    assert command.endswith(".dump") and "s3cret" not in command
