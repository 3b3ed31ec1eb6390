"""outgoing mail queued in transactions; the task queue's tables on PostgreSQL

Revision ID: 0006_outgoing_mail
Revises: 0005_session_epoch
Create Date: 2026-11-29 18:10:00

"""
from alembic import op
import sqlalchemy as sa

import courses.database


# revision identifiers, used by Alembic.
revision = '0006_outgoing_mail'
down_revision = '0005_session_epoch'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outgoing_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=True),
    sa.Column('created_at', courses.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', courses.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', courses.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail'))
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_mail_pending', ['sent_at', 'created_at'], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        # huey's PostgreSQL storage (courses/tasks.py) shares the application's database.
        from huey.storage import PostgresStorage

        for statement in PostgresStorage(create_tables=False).ddl:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in ("huey_kv", "huey_schedule", "huey_task", "huey_counter"):
            op.execute(f"DROP TABLE IF EXISTS {table}")
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outgoing_mail_pending')

    op.drop_table('outgoing_mail')
