"""module deadlines: modules a session's learners are to finish by a date

Revision ID: 0023_module_deadlines
Revises: 0022_reminders
Create Date: 2026-11-30 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_module_deadlines'
down_revision = '0022_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('module_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_module_deadline_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_module_deadline_module_id_module'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_deadline')),
    sa.UniqueConstraint('cohort_id', 'module_id', name=op.f('uq_module_deadline_cohort_id_module_id'))
    )
    with op.batch_alter_table('module_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_deadline_cohort_id'), ['cohort_id'], unique=False)


def downgrade():
    with op.batch_alter_table('module_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_deadline_cohort_id'))
    op.drop_table('module_deadline')
