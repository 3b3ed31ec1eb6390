"""one form of email addresses, look-alike keys, names without bidi controls

Revision ID: 0007_text_identity
Revises: 0006_outgoing_mail
Create Date: 2026-12-06 10:00:00.000000

Data, not only schema:

- every stored email is rewritten as `courses.auth.emails.normalise_email` gives it (NFC,
  case-folded); a row whose new form another account already has is left as it is and logged;
- `email_key` (unique) and `email_skeleton` are filled; a row whose key another account already
  has keeps NULL and is logged (the admin's accounts list flags the pair as look-alikes);
- names, organisations and functions of accounts, and names and places of sessions, lose their
  bidi embedding, override and isolate controls (`courses.text.clean_line`).

Certificates are not touched: their snapshots are signed. The PDF removes the controls when drawing.
The data changes are not undone by the downgrade (the old forms cannot be told apart any more).
"""
import logging

import sqlalchemy as sa
from alembic import op

from courses.auth import emails
from courses.text import clean_line

# revision identifiers, used by Alembic.
revision = '0007_text_identity'
down_revision = '0006_outgoing_mail'
branch_labels = None
depends_on = None

# Not under "alembic": env.py's logging configuration would reset it. Warnings reach the console.
logger = logging.getLogger('tadbir.migrations')

users = sa.table(
    'user_account',
    sa.column('id', sa.Integer), sa.column('email', sa.String), sa.column('email_key', sa.String),
    sa.column('email_skeleton', sa.String), sa.column('full_name', sa.String), sa.column('full_name_ar', sa.String),
    sa.column('organisation', sa.String), sa.column('job_title', sa.String),
)
cohorts = sa.table('cohort', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('place', sa.String))


def _normalise_emails(connection) -> list[tuple[int, str]]:
    rows = connection.execute(sa.select(users.c.id, users.c.email).order_by(users.c.id)).all()
    taken = {email for _id, email in rows}
    result = []
    for user_id, email in rows:
        new = emails.normalise_email(email)
        if new != email:
            if new in taken:
                logger.warning('user %s: email %r not normalised: %r belongs to another account', user_id, email, new)
                new = email
            else:
                connection.execute(sa.update(users).where(users.c.id == user_id).values(email=new))
                taken.discard(email)
                taken.add(new)
        result.append((user_id, new))
    return result


def _fill_keys(connection, rows: list[tuple[int, str]]) -> None:
    keys_taken = set()
    values = []
    for user_id, email in rows:
        key = emails.email_key(email)
        if len(key) > emails.KEY_LENGTH or key in keys_taken:
            logger.warning('user %s: email %r reads the same as another account\'s; no key kept', user_id, email)
            key = None
        else:
            keys_taken.add(key)
        values.append({'user_id': user_id, 'key': key, 'skeleton': emails.email_skeleton(email)})
    if values:
        connection.execute(
            sa.update(users).where(users.c.id == sa.bindparam('user_id'))
            .values(email_key=sa.bindparam('key'), email_skeleton=sa.bindparam('skeleton')),
            values,
        )


def _clean(connection, table, columns: tuple[str, ...], nullable: tuple[str, ...] = ()) -> None:
    for row in connection.execute(sa.select(table.c.id, *(table.c[c] for c in columns))).all():
        changes = {}
        for column in columns:
            value = row._mapping[column]
            cleaned = clean_line(value)
            if column in nullable:
                cleaned = cleaned or None
            if cleaned != value:
                changes[column] = cleaned
        if changes:
            connection.execute(sa.update(table).where(table.c.id == row.id).values(**changes))


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_key', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('email_skeleton', sa.String(length=254), nullable=True))

    connection = op.get_bind()
    _fill_keys(connection, _normalise_emails(connection))
    _clean(connection, users, ('full_name', 'full_name_ar', 'organisation', 'job_title'), nullable=('full_name_ar',))
    _clean(connection, cohorts, ('name', 'place'))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('email_skeleton', existing_type=sa.String(length=254), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_email_key'), ['email_key'])
        batch_op.create_index(batch_op.f('ix_user_account_email_skeleton'), ['email_skeleton'], unique=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_account_email_skeleton'))
        batch_op.drop_constraint(batch_op.f('uq_user_account_email_key'), type_='unique')
        batch_op.drop_column('email_skeleton')
        batch_op.drop_column('email_key')
