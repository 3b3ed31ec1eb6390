"""quiz answers indexed by question with their correctness: the report's item analysis reads the index alone

The report counts, for each question of a course, its answers and the wrong ones. With an index
on the question alone, each of the course's answers (tens of thousands) was fetched from the
table to read `is_correct`; an index on both answers the count from the index. It replaces the
index on `question_id`, which it serves as well (same leading column).

Revision ID: 0027_quiz_answer_covering_index
Revises: 0026_search_ranking_storage
Create Date: 2026-11-30 13:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0027_quiz_answer_covering_index'
down_revision = '0026_search_ranking_storage'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_answer_question_correct', ['question_id', 'is_correct'], unique=False)
        batch_op.drop_index('ix_quiz_answer_question_id')


def downgrade():
    with op.batch_alter_table('quiz_answer', schema=None) as batch_op:
        batch_op.create_index('ix_quiz_answer_question_id', ['question_id'], unique=False)
        batch_op.drop_index('ix_quiz_answer_question_correct')
