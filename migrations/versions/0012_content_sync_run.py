"""the outcome of each content sync or watch round, errors included, for the trainers' pages

Revision ID: 0012_content_sync_run
Revises: 0011_audit_actor_kind
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import courses.database


# revision identifiers, used by Alembic.
revision = '0012_content_sync_run'
down_revision = '0011_audit_actor_kind'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_sync_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ran_at', courses.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('command', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.Text(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_sync_run'))
    )


def downgrade():
    op.drop_table('content_sync_run')
