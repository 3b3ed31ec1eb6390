"""search ranking reads vectors kept in the row (PostgreSQL)

Ranking reads every match of a frequent word (thousands) before keeping the best 200. Most
vectors were stored out of line (TOAST) beside the sections' text, and ts_rank fetched each:
`STORAGE MAIN` keeps them in the row, and the existing rows are rewritten so that it applies to
them too. Nothing to do on SQLite.

Revision ID: 0026_search_ranking_storage
Revises: 0025_module_change_indexes
Create Date: 2026-11-30 10:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0026_search_ranking_storage'
down_revision = '0025_module_change_indexes'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entry ALTER COLUMN vector SET STORAGE MAIN")
        # A new value (not the same TOAST pointer) is stored by the new rule.
        op.execute("UPDATE search_entry SET vector = vector || ''::tsvector WHERE vector IS NOT NULL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE search_entry ALTER COLUMN vector SET STORAGE EXTENDED")
