"""The migrations build exactly the schema the models describe (no forgotten migration)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from courses import create_app
from courses.extensions import db
from courses.tasks import include_in_schema
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
