"""Fixtures: an app on a fresh database, a client, a CLI runner and a content-tree factory."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from courses import create_app
from courses.config import normalise_database_url
from courses.extensions import db


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    return root


# `make test` runs the suite on SQLite; with TEST_DATABASE_URL set it runs it again on that
# server (PostgreSQL), in a database of its own created here and dropped at the end.
SERVER_URL = os.environ.get("TADBIR_TEST_SERVER_URL")


@contextmanager
def server_database(prefix: str):
    """A fresh database on the test server (PostgreSQL), dropped afterwards; yields its URL."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(normalise_database_url(SERVER_URL))
    name = f"{prefix}_{os.getpid()}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def server_database_url():
    if not SERVER_URL:
        yield None
        return
    with server_database("tadbir_test") as url:
        yield url


@pytest.fixture
def app(request, tmp_path: Path, content_dir: Path, server_database_url):
    """The application on a fresh database; `@pytest.mark.app_config(KEY=value)` adds settings."""
    marker = request.node.get_closest_marker("app_config")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": server_database_url or f"sqlite:///{tmp_path / 'test.sqlite'}",
            "CONTENT_DIR": str(content_dir),
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "EXPORT_FOLDER": str(tmp_path / "exports"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "TASKS_IMMEDIATE": True,
            "PASSWORD_HASH_METHOD": FAST_HASH,
            "PAGE_CACHE_VERSION_SECONDS": 0,  # tests sync and look at once
            **(marker.kwargs if marker else {}),
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        if server_database_url:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context for tests that call services directly.

    Requests made by the test client inside it get their own context (and their own `g`).
    """
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def front_matter(meta: dict, body: str) -> str:
    header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{header}---\n{textwrap.dedent(body).lstrip()}"


# A module with a one-answer and a several-answers question, shared by sync and learning tests.
TWO_QUESTION_QUIZ = """---
title: Quiz
quiz:
  - question: Combien de régions ?
    choices: ["12", "16"]
    answer: 0
  - question: Lesquelles sont des collectivités ?
    choices: [Communes, Ambassades, Régions]
    answer: [0, 2]
---
Texte
"""

COURSE_META = {
    "title": "Gouvernance locale",
    "summary": "Les bases de la décentralisation.",
    "language": "fr",
    "hours": 6,
    "status": "published",
    "tags": ["gouvernance"],
}


@pytest.fixture
def make_course(content_dir: Path) -> Callable[..., Path]:
    """Write a course folder: `make_course("slug", modules={"01-intro": ("Titre", "corps")})`."""

    def make(
        slug: str = "gouvernance",
        meta: dict | None = None,
        modules: dict[str, tuple[str, str] | str] | None = None,
        intro: str = "Introduction du cours.\n",
        assets: dict[str, str | bytes] | None = None,
        root: Path | None = None,
    ) -> Path:
        folder = (root or content_dir) / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "course.md").write_text(front_matter({**COURSE_META, **(meta or {})}, intro), "utf-8")
        if modules is None:
            modules = {"01-introduction": ("Introduction", "## Première partie\n\nDu texte.\n")}
        for name, spec in modules.items():
            text = spec if isinstance(spec, str) else front_matter({"title": spec[0], "minutes": 10}, spec[1])
            (folder / f"{name}.md").write_text(text, "utf-8")
        for name, data in (assets or {}).items():
            path = folder / "assets" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, "utf-8")
        return folder

    return make


PASSWORD = "correct horse battery"
# Accounts made by tests hash their password cheaply (production: scrypt, tests/auth checks it).
FAST_HASH = "pbkdf2:sha256:1000"


@pytest.fixture
def make_user(app) -> Callable[..., object]:
    """Create an account: `make_user("a@b.ma", role="coordinator")` (password: PASSWORD)."""
    from courses.auth import services

    counter = iter(range(1, 10_000))

    def make(email: str | None = None, role: str = "learner", **profile):
        with app.app_context():
            user = services.create_user(
                email or f"user{next(counter)}@example.ma",
                services.Profile(full_name=profile.pop("full_name", "Salma Benali"), **profile),
                PASSWORD,
                role,
            )
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def login(client):
    """Log the test client in as `user` through the real login form."""

    def do(user, password: str = PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return do


@pytest.fixture
def synced(app, content_dir):
    """Sync the content tree written by make_course into the database."""
    from courses.catalog.sync import sync

    def do():
        with app.app_context():
            report = sync(content_dir)
            db.session.commit()
            return report

    return do


def fire_concurrently(app, client, method: str, url: str, times: int = 20, data: dict | None = None) -> list[int]:
    """Send the same request (and form `data`) `times` times at once with the client's session; return the statuses."""
    import threading

    cookie = client.get_cookie("session").value
    barrier = threading.Barrier(times)
    statuses: list[int] = []

    def fire():
        other = app.test_client()
        other.set_cookie("session", cookie)
        barrier.wait()
        statuses.append(other.open(url, method=method, data=data).status_code)

    threads = [threading.Thread(target=fire) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def sent_mail(app) -> list:
    """The messages written to the outbox so far (oldest first), as email.message.EmailMessage."""
    import email
    import email.policy

    folder = Path(app.config["MAIL_OUTBOX"])
    files = sorted(folder.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns) if folder.exists() else []
    return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]


def mail_text(message) -> str:
    """The plain-text part of a message."""
    return message.get_body(("plain",)).get_content()


def mail_link(message, prefix: str = "/password/reset/") -> str:
    """The path of the first link in the message's text that starts with `prefix`."""
    import re

    return re.search(rf"https?://[^/\s]+({re.escape(prefix)}\S+)", mail_text(message)).group(1)


@contextmanager
def counting_queries(app):
    """Collect the SQL statements sent while the block runs (pages must not grow with the data)."""
    from sqlalchemy import event

    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
