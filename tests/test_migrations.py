"""The migrations build exactly the schema the models describe (no forgotten migration)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from courses import create_app
from courses.catalog.sync import sync
from courses.database import include_in_schema
from courses.extensions import db
from tests.conftest import SERVER_URL, server_database


@pytest.fixture
def empty_database_url(tmp_path):
    if not SERVER_URL:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    with server_database("tadbir_migrations") as url:
        yield url


def test_upgrade_to_head_matches_the_models(empty_database_url, content_dir):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            options = {"compare_type": True, "include_object": include_in_schema}
            context = MigrationContext.configure(connection, opts=options)
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_text_identity_migration_normalises_emails_and_cleans_names(empty_database_url, content_dir):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    records = _Records()
    logging.getLogger("tadbir.migrations").addHandler(records)
    users = sa.table(
        "user_account", *(sa.column(c) for c in ("id", "email", "full_name", "full_name_ar", "role", "organisation",
                                                  "job_title", "is_active", "created_at")),
    )  # fmt: skip
    emails = {
        1: "Jose\u0301@Example.MA",  # NFD, capitals: becomes josé@example.ma
        2: "JOS\u00c9@example.ma",  # the same address once normalised: left as it is, logged
        3: "john@example.ma",
        4: "\uff4a\uff4f\uff48\uff4e@example.ma",  # full-width john: keeps no key, logged
        5: "garbage-without-at",  # not an address: normalised for lookups all the same
    }
    try:
        with app.app_context():
            upgrade(revision="0004_coordination")
            with db.engine.begin() as connection:
                # The course a session needs, as the schema of 0004 has it (today's sync writes today's).
                connection.execute(sa.text(
                    "INSERT INTO course (id, slug, title, summary, language, audience, hours, trainers, status, "
                    "is_certifying, pass_mark, intro_html, intro_toc, intro_references, search_text, content_hash, "
                    "created_at, updated_at) VALUES (1, 'gouvernance', 'Gouvernance', '', 'fr', '', 6, '[]', "
                    "'published', true, 70, '', '[]', '[]', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
                ))  # fmt: skip
                connection.execute(sa.insert(users), [
                    {"id": i, "email": e, "full_name": "Salma \u202eBenali" if i == 1 else "X",
                     "full_name_ar": "\u2067سلمى\u2069" if i == 1 else None, "role": "learner",
                     "organisation": "\u202dCommune" if i == 1 else "", "job_title": "", "is_active": True,
                     "created_at": datetime(2026, 1, 1, tzinfo=UTC)}
                    for i, e in emails.items()
                ])  # fmt: skip
                connection.execute(sa.text(
                    "INSERT INTO cohort (id, course_id, name, starts_on, ends_on, place, created_at) "
                    "VALUES (1, 1, :name, '2026-12-01', '2026-12-02', :place, '2026-01-01 00:00:00')"
                ), {"name": "Session \u202eRabat", "place": "\u2066Rabat\u2069"})  # fmt: skip
            upgrade()
            with db.engine.connect() as connection:
                rows = {r.id: r for r in connection.execute(sa.text("SELECT * FROM user_account ORDER BY id"))}
                cohort = connection.execute(sa.text("SELECT name, place FROM cohort")).one()
            db.session.remove()
            db.engine.dispose()
    finally:
        logging.getLogger("tadbir.migrations").removeHandler(records)
    assert [rows[i].email for i in emails] == [
        "jos\u00e9@example.ma",
        "JOS\u00c9@example.ma",
        "john@example.ma",
        emails[4],
        "garbage-without-at",
    ]
    assert [rows[i].email_key for i in emails] == [
        "jos\u00e9@example.ma",
        None,
        "john@example.ma",
        None,
        "garbage-without-at",
    ]
    assert rows[3].email_skeleton == rows[4].email_skeleton == "john@example.ma"
    assert (rows[1].full_name, rows[1].full_name_ar, rows[1].organisation) == ("Salma Benali", "سلمى", "Commune")
    assert tuple(cohort) == ("Session Rabat", "Rabat")
    assert len(records.messages) == 3  # user 2's email, user 2's key, user 4's key
    assert all("user 2" in m or "user 4" in m for m in records.messages)


def _account_as_then(email: str, name: str) -> int:
    """Insert an account with the columns the schema has at this revision (today's model has more); its id."""
    from sqlalchemy import MetaData, Table

    from courses.auth import emails

    with db.engine.begin() as connection:
        table = Table("user_account", MetaData(), autoload_with=connection)
        email = emails.normalise_email(email)
        values = {
            "email": email, "email_key": emails.email_key(email), "email_skeleton": emails.email_skeleton(email),
            "full_name": name, "role": "learner", "organisation": "", "job_title": "", "is_active": True,
            "created_at": datetime.now(UTC), "session_epoch": 0,
        }  # fmt: skip
        statement = table.insert().values({key: value for key, value in values.items() if key in table.c})
        return connection.execute(statement).inserted_primary_key[0]


def test_audit_subjects_become_ids_with_their_readable_label(empty_database_url, content_dir, make_course):
    """0005 keeps what the old varchar(60) subject held as the label and looks the row's id up from it."""
    from datetime import UTC, datetime

    from sqlalchemy import MetaData, Table

    make_course()
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    with app.app_context():
        upgrade(revision="0007_text_identity")
        with db.engine.begin() as connection:  # a course as the schema of 0007 has it (today's sync writes today's)
            connection.execute(sa.text(
                "INSERT INTO course (id, slug, title, summary, language, audience, hours, trainers, status, "
                "is_certifying, pass_mark, intro_html, intro_toc, intro_references, search_text, content_hash, "
                "created_at, updated_at) VALUES (1, 'gouvernance', 'Gouvernance', '', 'fr', '', 6, '[]', "
                "'published', true, 70, '', '[]', '[]', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            ))  # fmt: skip
        user_id = _account_as_then("salma@example.ma", "Salma")
        ids = {"user": user_id, "course": 1}
        db.session.remove()  # no transaction left open to block the migrations' DDL
        legacy = [
            ("user", "salma@example.ma"), ("course", "gouvernance"), ("cohort", "7"), ("enrollment", "12"),
            ("user", "gone@example.ma"),  # an account that no longer exists
        ]  # fmt: skip
        with db.engine.begin() as connection:
            table = Table("audit_event", MetaData(), autoload_with=connection)
            now = datetime.now(UTC)
            connection.execute(
                table.insert(),
                [{"action": "x", "subject_type": t, "subject_id": s, "at": now, "data": {}} for t, s in legacy],
            )
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT subject_type, subject_id, subject_label FROM audit_event ORDER BY id"
            ).all()
        assert [tuple(row) for row in rows] == [
            ("user", ids["user"], "salma@example.ma"), ("course", ids["course"], "gouvernance"),
            ("cohort", 7, "7"), ("enrollment", 12, "12"), ("user", None, "gone@example.ma"),
        ]  # fmt: skip
        downgrade(revision="0007_text_identity")
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT subject_type, subject_id FROM audit_event ORDER BY id").all()
        assert [tuple(row) for row in rows] == legacy
        downgrade(revision="base")
        db.engine.dispose()


def _search_schema(connection) -> list[tuple[str, str]]:
    rows = connection.execute(sa.text(
        "SELECT name, sql FROM sqlite_master WHERE name LIKE 'search%' AND type IN ('table', 'trigger') ORDER BY name"
    ))  # fmt: skip
    return [(name, sql) for name, sql in rows]


def test_search_index_works_on_a_migrated_database(empty_database_url, content_dir, make_course, tmp_path):
    from courses.catalog import search
    from courses.material.normalize import parse_query

    make_course(modules={"01-budget": ("Budget", "## Le vote\n\nLe conseil vote le budget.\n")})
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    with app.app_context():
        upgrade()
        sync(content_dir)
        db.session.commit()
        [course] = search.find(parse_query("budget"))
        assert [hit.anchor for hit in course.hits] == [None, "le-vote"]
        if db.engine.dialect.name == "postgresql":  # 0026: vectors kept in the row, as create_all makes them
            from tests.catalog.test_search import VECTOR_STORAGE

            assert db.session.execute(VECTOR_STORAGE).scalar() == "m"
        db.session.remove()  # its transaction would hold locks the downgrade waits for
        if db.engine.dialect.name == "sqlite":  # the migration makes what create_all makes
            with db.engine.connect() as connection:
                migrated = _search_schema(connection)
            fresh = create_app({"TESTING": True, "SECRET_KEY": "x", "CONTENT_DIR": str(content_dir),
                                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})  # fmt: skip
            with fresh.app_context():
                db.create_all()
                with db.engine.connect() as connection:
                    assert _search_schema(connection) == migrated
                db.engine.dispose()
        downgrade(revision="0008_audit_subject_ids")  # the old search column comes back, filled
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("SELECT search_text FROM course")).scalar() == (
                "gouvernance locale les bases de la decentralisation.  gouvernance"
            )
        db.session.remove()
        db.engine.dispose()


def test_audit_events_without_an_account_become_the_system_s(empty_database_url, content_dir):
    """0011: an event with no account was "the system or the CLI"; it reads as the system's, as before."""
    from sqlalchemy import MetaData, Table

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    with app.app_context():
        upgrade(revision="0010_reminder_batch")
        user_id = _account_as_then("nadia@example.ma", "Nadia")
        with db.engine.begin() as connection:
            table = Table("audit_event", MetaData(), autoload_with=connection)
            now = datetime.now(UTC)
            connection.execute(
                table.insert(),
                [
                    {"actor_id": actor, "action": "x", "subject_type": "user", "subject_label": "", "at": now,
                     "data": {}}
                    for actor in (user_id, None)
                ],
            )  # fmt: skip
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT actor_id, actor_kind FROM audit_event ORDER BY id").all()
        assert [tuple(row) for row in rows] == [(user_id, "account"), (None, "system")]
        downgrade(revision="0010_reminder_batch")
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM audit_event")  # older downgrades rebuild user_account
        downgrade(revision="base")
        db.engine.dispose()
