"""invitations resent and reminders sent to a session's learners, one row per form submitted

Revision ID: 0010_reminder_batch
Revises: 0009_search
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa

import courses.database


# revision identifiers, used by Alembic.
revision = '0010_reminder_batch'
down_revision = '0009_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('request_key', sa.String(length=120), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', courses.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', courses.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('recipient_ids', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('invitation', 'not_activated', 'not_started')", name=op.f('ck_reminder_batch_kind')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_reminder_batch_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['user_account.id'], name=op.f('fk_reminder_batch_sent_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_batch')),
    sa.UniqueConstraint('request_key', name=op.f('uq_reminder_batch_request_key'))
    )
    with op.batch_alter_table('reminder_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_batch_cohort_id'), ['cohort_id'], unique=False)


def downgrade():
    with op.batch_alter_table('reminder_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_batch_cohort_id'))

    op.drop_table('reminder_batch')
