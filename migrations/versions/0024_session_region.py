"""session region: where a session happens, for the coordinators' calendar filter

Revision ID: 0024_session_region
Revises: 0023_module_deadlines
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_session_region'
down_revision = '0023_module_deadlines'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('cohort', sa.Column('region', sa.String(length=40), nullable=True))


def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('region')
