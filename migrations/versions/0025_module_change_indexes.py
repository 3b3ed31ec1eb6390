"""module change indexes: the content version of public pages reads max(updated_at) and max(archived_at)

Revision ID: 0025_module_change_indexes
Revises: 0024_session_region
Create Date: 2026-11-30 11:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025_module_change_indexes'
down_revision = '0024_session_region'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.create_index('ix_module_updated_at', ['updated_at'], unique=False)
        batch_op.create_index('ix_module_archived_at', ['archived_at'], unique=False)


def downgrade():
    with op.batch_alter_table('module', schema=None) as batch_op:
        batch_op.drop_index('ix_module_archived_at')
        batch_op.drop_index('ix_module_updated_at')
