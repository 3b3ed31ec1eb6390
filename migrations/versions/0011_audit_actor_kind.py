"""audit events say who acted when it was not an account: the command line, the platform, a visitor

Until now an event without an account (actor_id NULL) was "the system or the CLI"; an import
from the command line and a certificate issued on completion could not be told apart. Existing
events without an account become "system", which is what the log page showed for them.

Revision ID: 0011_audit_actor_kind
Revises: 0010_reminder_batch
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_audit_actor_kind'
down_revision = '0010_reminder_batch'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('actor_kind', sa.String(length=20), nullable=False, server_default='account')
        )
    op.execute("UPDATE audit_event SET actor_kind = 'system' WHERE actor_id IS NULL")


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('actor_kind')
