"""accounts remember the interface language of their last visit (the language to write to them in)

Mail goes out in the person's saved preference, else in the language they last used the site
in, else in the session's language, else French. NULL until the next signed-in visit.

Revision ID: 0016_user_last_language
Revises: 0015_quiz_feedback
Create Date: 2026-11-29 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_user_last_language'
down_revision = '0015_quiz_feedback'
branch_labels = None
depends_on = None


def upgrade():
    # In place, not in batch mode: rebuilding `user_account` on SQLite would trip the foreign keys
    # that point at it.
    op.add_column('user_account', sa.Column('last_language', sa.String(length=5), nullable=True))


def downgrade():
    op.drop_column('user_account', 'last_language')
