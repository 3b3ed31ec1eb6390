"""The migrations build exactly the schema the models describe (no forgotten migration)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from courses import create_app
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
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_audit_subjects_become_ids_with_their_readable_label(empty_database_url, content_dir, make_course):
    """0005 keeps what the old varchar(60) subject held as the label and looks the row's id up from it."""
    from datetime import UTC, datetime

    from sqlalchemy import MetaData, Table, select

    from courses.auth import services as accounts
    from courses.catalog.models import Course
    from courses.catalog.sync import sync

    make_course()
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "CONTENT_DIR": str(content_dir)})  # fmt: skip
    with app.app_context():
        upgrade(revision="0004_coordination")
        sync(content_dir)  # the catalog and account tables are the same at 0004 as at head
        user = accounts.create_user("salma@example.ma", accounts.Profile(full_name="Salma"), None)
        db.session.commit()
        ids = {"user": user.id, "course": db.session.scalar(select(Course.id))}
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
        downgrade(revision="0004_coordination")
        with db.engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT subject_type, subject_id FROM audit_event ORDER BY id").all()
        assert [tuple(row) for row in rows] == legacy
        downgrade(revision="base")
        db.engine.dispose()
