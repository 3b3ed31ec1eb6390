"""A real worker (`flask tasks worker`) runs what the application queued: SQLite and PostgreSQL storage."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from courses import create_app
from courses.extensions import db
from courses.mail import queue_mail
from courses.tasks import huey, storage_for
from tests.conftest import SERVER_URL, server_database

BIN = Path(sys.executable).parent
PROJECT = Path(__file__).resolve().parent.parent


@contextmanager
def sqlite_queue(tmp_path):
    yield f"sqlite:///{tmp_path / 'app.sqlite'}", {"TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.sqlite'}"}


@contextmanager
def postgresql_queue(tmp_path):
    if not SERVER_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    with server_database("tadbir_tasks") as url:
        yield url, {}  # the queue lives in the application's database (tables made by a migration)


@pytest.mark.parametrize("queue", [sqlite_queue, postgresql_queue])
def test_the_worker_delivers_mail_queued_by_the_application(tmp_path, queue):
    outbox = tmp_path / "outbox"
    with queue(tmp_path) as (database_url, settings):
        env = {
            **os.environ, "FLASK_APP": "wsgi", "DATABASE_URL": database_url, "SECRET_KEY": "worker-test",
            "TADBIR_MAIL_OUTBOX": str(outbox), **settings,
        }  # fmt: skip
        subprocess.run([str(BIN / "flask"), "db", "upgrade"], env=env, cwd=PROJECT, check=True, capture_output=True)
        app = create_app(
            {
                "SECRET_KEY": "worker-test",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "MAIL_OUTBOX": str(outbox),
                **settings,
            }
        )
        try:
            assert huey.storage.__class__ is storage_for(app)[0]
            with app.app_context():
                queue_mail("salma@example.ma", "Bienvenue", "Texte")
                db.session.commit()
                db.engine.dispose()
            assert not outbox.exists()  # queued, not sent: no worker yet
            worker = subprocess.Popen(
                [str(BIN / "flask"), "tasks", "worker"], env=env, cwd=PROJECT,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            try:
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not list(outbox.glob("*.eml")):
                    time.sleep(0.2)
            finally:
                worker.terminate()
                errors = worker.communicate(timeout=30)[1].decode()
            assert len(list(outbox.glob("*.eml"))) == 1, errors
        finally:
            huey.storage.close()
            huey.immediate = True  # back to the tests' default for the apps created next
