"""full-text search: search_entry, with FTS5 on SQLite and a tsvector on PostgreSQL; course.search_text goes

Revision ID: 0009_search
Revises: 0008_audit_subject_ids
Create Date: 2026-12-08 10:00:00.000000

The index is filled by the next `flask content sync`: a published course without entries is
indexed whole. The SQLite statements are the ones `courses/catalog/models.py` runs after
`create_all` (a test compares the two).
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0009_search'
down_revision = '0008_audit_subject_ids'
branch_labels = None
depends_on = None

SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(names, terms, content='search_entry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_entry_fts_insert AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, names, terms) VALUES (new.id, new.names, new.terms); END",
    "CREATE TRIGGER search_entry_fts_delete AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, names, terms) VALUES ('delete', old.id, old.names, old.terms); END",
    "CREATE TRIGGER search_entry_fts_update AFTER UPDATE OF names, terms ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, names, terms) VALUES ('delete', old.id, old.names, old.terms); "
    "INSERT INTO search_fts(rowid, names, terms) VALUES (new.id, new.names, new.terms); END",
)


def upgrade():
    op.create_table('search_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('anchor', sa.Text(), nullable=True),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('names', sa.Text(), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('version', sa.SmallInteger(), nullable=False),
    sa.Column('vector', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_search_entry_course_id_course'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['module.id'], name=op.f('fk_search_entry_module_id_module'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entry'))
    )
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entry_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entry_module_id'), ['module_id'], unique=False)
        batch_op.create_index('ix_search_entry_vector', ['vector'], unique=False, postgresql_using='gin')
    if op.get_bind().dialect.name == 'sqlite':
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)
    # Matching moved to the index. SQLite >= 3.35 drops a column in place (batch mode would copy
    # the table, and the copy's DROP TABLE would cascade to course_tag).
    op.drop_column('course', 'search_text')


def downgrade():
    op.add_column('course', sa.Column('search_text', sa.Text(), nullable=False, server_default=''))
    _fill_search_text()
    if op.get_bind().dialect.name == 'sqlite':
        op.execute("DROP TABLE IF EXISTS search_fts")  # its triggers go with search_entry
    with op.batch_alter_table('search_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_search_entry_vector', postgresql_using='gin')
        batch_op.drop_index(batch_op.f('ix_search_entry_module_id'))
        batch_op.drop_index(batch_op.f('ix_search_entry_course_id'))
    op.drop_table('search_entry')


def _fill_search_text():
    """What 0001 to 0007 kept: title, summary, audience and tags, case-folded, without accents."""
    import unicodedata

    connection = op.get_bind()
    courses = sa.table('course', sa.column('id', sa.Integer), sa.column('title', sa.String),
                       sa.column('summary', sa.String), sa.column('audience', sa.String),
                       sa.column('search_text', sa.Text))
    tags = sa.table('course_tag', sa.column('course_id', sa.Integer), sa.column('tag', sa.String))
    tags_of = {}
    for course_id, tag in connection.execute(sa.select(tags.c.course_id, tags.c.tag).order_by(tags.c.tag)):
        tags_of.setdefault(course_id, []).append(tag)
    rows = connection.execute(sa.select(courses.c.id, courses.c.title, courses.c.summary, courses.c.audience)).all()
    for row in rows:
        text = " ".join([row.title, row.summary, row.audience, *tags_of.get(row.id, [])]).casefold()
        folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        connection.execute(sa.update(courses).where(courses.c.id == row.id).values(search_text=folded))
