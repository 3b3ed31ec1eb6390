"""audit events name their subject by id, with a readable label of any length

The subject used to be a varchar(60) holding an email, a certificate code, a course slug or an
id: deactivating an account whose email was longer failed on PostgreSQL. The label keeps what
the column held; the id is looked up from it.

Revision ID: 0008_audit_subject_ids
Revises: 0007_text_identity
Create Date: 2026-11-29 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_audit_subject_ids'
down_revision = '0007_text_identity'
branch_labels = None
depends_on = None

# subject_type -> how the old text column named the row
LOOKUPS = {
    'user': "SELECT id FROM user_account WHERE user_account.email = audit_event.subject_label",
    'certificate': "SELECT id FROM certificate WHERE certificate.code = audit_event.subject_label",
    'course': "SELECT id FROM course WHERE course.slug = audit_event.subject_label",
}


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_label', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('subject_row_id', sa.Integer(), nullable=True))

    op.execute("UPDATE audit_event SET subject_label = subject_id")
    for subject_type, lookup in LOOKUPS.items():
        op.execute(f"UPDATE audit_event SET subject_row_id = ({lookup}) WHERE subject_type = '{subject_type}'")
    op.execute(
        "UPDATE audit_event SET subject_row_id = CAST(subject_id AS INTEGER) "
        "WHERE subject_type IN ('cohort', 'enrollment')"
    )

    op.drop_index('ix_audit_event_subject', table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('subject_id')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('subject_row_id', new_column_name='subject_id', existing_type=sa.Integer())
        batch_op.alter_column('subject_label', server_default=None, existing_type=sa.Text(), existing_nullable=False)
    op.create_index('ix_audit_event_subject', 'audit_event', ['subject_type', 'subject_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_text', sa.String(length=60), nullable=False, server_default=''))

    # The old column held ids for sessions and enrollments, and the label (cut to fit) otherwise.
    op.execute(
        "UPDATE audit_event SET subject_text = CASE "
        "WHEN subject_type IN ('cohort', 'enrollment') AND subject_id IS NOT NULL THEN CAST(subject_id AS VARCHAR(60)) "
        "ELSE SUBSTR(subject_label, 1, 60) END"
    )

    op.drop_index('ix_audit_event_subject', table_name='audit_event')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('subject_id')
        batch_op.drop_column('subject_label')

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column(
            'subject_text', new_column_name='subject_id', server_default=None,
            existing_type=sa.String(length=60), existing_nullable=False,
        )
    op.create_index('ix_audit_event_subject', 'audit_event', ['subject_type', 'subject_id'], unique=False)
