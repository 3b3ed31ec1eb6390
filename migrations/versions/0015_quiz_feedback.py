"""a course says what a failed quiz attempt shows (quiz_feedback in its front matter)

Revision ID: 0015_quiz_feedback
Revises: 0014_export_jobs
Create Date: 2026-11-29 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_quiz_feedback'
down_revision = '0014_export_jobs'
branch_labels = None
depends_on = None


def upgrade():
    # In place, not in batch mode: rebuilding `course` on SQLite would trip its foreign keys.
    op.add_column(
        'course', sa.Column('quiz_feedback', sa.String(length=20), server_default='explanations', nullable=False)
    )


def downgrade():
    op.drop_column('course', 'quiz_feedback')
