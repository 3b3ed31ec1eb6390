"""The migrations build exactly the schema the models describe (no forgotten migration)."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from courses import create_app
from courses.extensions import db
from tests.conftest import SERVER_URL


@pytest.fixture
def empty_database_url(tmp_path):
    if not SERVER_URL:
        yield f"sqlite:///{tmp_path / 'migrated.sqlite'}"
        return
    import psycopg
    from sqlalchemy.engine import make_url

    from courses.config import normalise_database_url

    url = make_url(normalise_database_url(SERVER_URL))
    name = f"tadbir_migrations_{os.getpid()}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
