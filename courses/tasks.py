"""Long work off the request: one huey queue for the whole application.

Storage follows the deployment, so the embedded default needs no extra service:
- `TASK_QUEUE_URL` unset and SQLite: a SQLite file in `instance/` (`tasks.sqlite`);
- `TASK_QUEUE_URL` unset and PostgreSQL: huey's PostgreSQL storage in the application's database
  (tables `huey_*`, created by a migration; workers are woken by LISTEN/NOTIFY), so several
  servers share one queue;
- `TASK_QUEUE_URL=redis://…`: Redis; `sqlite:///path`: that SQLite file;
- `TASKS_IMMEDIATE=True` (the tests): each task runs at once, in the caller's thread.

Workers run `flask tasks worker` (`make run` starts one beside the server). Every task runs in an
application context of its own, hence with a database session of its own: a task enqueued from a
request (or from an `after_commit` hook, when it runs at once) never shares the request's session.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup
from huey import Huey
from huey.storage import MemoryStorage, PostgresStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

# Configured by init_app(); until then (and in a process that never creates the app) it keeps
# tasks in memory, so importing a module that declares tasks never touches a database.
huey = Huey("tadbir", results=False, utc=True, storage_class=MemoryStorage)
_worker_app: Flask | None = None

tasks_cli = AppGroup("tasks", help="Background work: run a worker.")


def init_app(app: Flask) -> None:
    global _worker_app
    _worker_app = app
    app.cli.add_command(tasks_cli)
    huey.immediate = bool(app.config.get("TASKS_IMMEDIATE"))
    if not huey.immediate:
        huey.storage_class, huey.storage_kwargs = storage_for(app)
        huey.storage = huey.create_storage()


def storage_for(app: Flask) -> tuple[type, dict]:
    """The huey storage class and its arguments for this deployment."""
    queue_url = app.config.get("TASK_QUEUE_URL")
    if queue_url == "memory://":  # kept until a consumer in this process runs them (tests)
        return MemoryStorage, {}
    if queue_url and queue_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": queue_url}
    database = make_url(queue_url or app.config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() == "postgresql":
        dsn = database.set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresStorage, {"dsn": dsn, "create_tables": False}  # tables: a migration
    filename = database.database if queue_url else str(Path(app.instance_path) / "tasks.sqlite")
    return SqliteStorage, {"filename": filename}


def task(**options):
    """Declare a task: `@task()` on a function of plain (serialisable) arguments.

    The function runs in a fresh application context: the current app's when it runs at once,
    the worker's app otherwise.
    """

    def decorator(function):
        @functools.wraps(function)
        def in_app_context(*args, **kwargs):
            app = current_app._get_current_object() if has_app_context() else _worker_app
            if app is None:
                raise RuntimeError("tasks need the application: run them with `flask tasks worker`")
            with app.app_context():
                return function(*args, **kwargs)

        return huey.task(**options)(in_app_context)

    return decorator


def periodic(schedule, **options):
    """Declare a periodic task (run by the worker on `schedule`, a huey crontab)."""

    def decorator(function):
        @functools.wraps(function)
        def in_app_context():
            with (_worker_app or current_app._get_current_object()).app_context():
                return function()

        return huey.periodic_task(schedule, **options)(in_app_context)

    return decorator


_AFTER_COMMIT = "tadbir.tasks_after_commit"


def enqueue_after_commit(session: Session, queued_task, *args) -> None:
    """Enqueue `queued_task(*args)` once `session`'s transaction commits; never if it rolls back.

    For work that must see what the transaction wrote (a worker reads the committed rows).
    Should the process stop between the commit and the enqueue, the rows say what is left to do:
    the feature's periodic task picks it up (see `coordination.import_jobs.resume`).
    """
    session.info.setdefault(_AFTER_COMMIT, []).append((queued_task, args))


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    for queued_task, args in session.info.pop(_AFTER_COMMIT, []):
        queued_task(*args)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_AFTER_COMMIT, None)


def set_progress(key: str, value) -> None:
    """Publish how far a running task is, where every process sees it at once (the queue's storage).

    A task's database writes are invisible until it commits; its progress is not.
    """
    huey.put(f"tadbir:progress:{key}", value)


def progress(key: str):
    """What `set_progress` last published under `key`, or None."""
    return huey.get(f"tadbir:progress:{key}", peek=True)


def clear_progress(key: str) -> None:
    huey.delete(f"tadbir:progress:{key}")


@tasks_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Threads running tasks.")
def worker(workers: int) -> None:
    """Run tasks as they are queued (and the periodic ones), until interrupted."""
    logging.getLogger("huey").setLevel(logging.INFO)
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
