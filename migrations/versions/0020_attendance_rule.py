"""a session may require a share of its days attended for the certificate (cohort.min_attendance)

Revision ID: 0020_attendance_rule
Revises: 0019_written_exercises
Create Date: 2026-11-30 06:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_attendance_rule'
down_revision = '0019_written_exercises'
branch_labels = None
depends_on = None


def upgrade():
    # In place, not in batch mode: rebuilding `cohort` on SQLite would trip the foreign keys that point at it.
    op.add_column('cohort', sa.Column('min_attendance', sa.Integer(), nullable=True))


def downgrade():
    op.drop_column('cohort', 'min_attendance')
