"""Courses, modules and quiz questions as imported from `content/`.

Rows are never deleted by a sync: what disappears from the files gets `archived_at`, so the
progress and certificates that hang on it stay intact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    and_,
    event,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.database import UTCDateTime, utcnow
from courses.extensions import db


class Course(db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(5), index=True)
    audience: Mapped[str] = mapped_column(String(500), default="")
    hours: Mapped[float] = mapped_column(Float)
    level: Mapped[str | None] = mapped_column(String(20))
    trainers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    is_certifying: Mapped[bool] = mapped_column(Boolean, default=True)
    pass_mark: Mapped[int] = mapped_column(Integer, default=70)
    quiz_feedback: Mapped[str] = mapped_column(String(20), default="explanations", server_default="explanations")
    # When a written exercise counts as done: "passed" by a trainer, or "submitted" by the learner.
    exercise_completion: Mapped[str] = mapped_column(String(10), default="passed", server_default="passed")
    translation_of: Mapped[str | None] = mapped_column(String(100))
    intro_html: Mapped[str] = mapped_column(Text, default="")
    intro_toc: Mapped[list[Any]] = mapped_column(JSON, default=list)
    intro_references: Mapped[list[Any]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    modules: Mapped[list[Module]] = relationship(
        back_populates="course", order_by="Module.position", cascade="save-update, merge"
    )
    tags: Mapped[list[CourseTag]] = relationship(
        back_populates="course", order_by="CourseTag.tag", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_course_listing", "status", "archived_at", "title"),)

    @hybrid_property
    def is_public(self) -> bool:
        """Published and not archived: shown in the catalog, and held by the search index."""
        return self.status == "published" and self.archived_at is None

    @is_public.inplace.expression
    @classmethod
    def _is_public_expression(cls) -> ColumnElement[bool]:
        return and_(cls.status == "published", cls.archived_at.is_(None))

    @property
    def tag_names(self) -> list[str]:
        return [t.tag for t in self.tags]

    @property
    def total_minutes(self) -> int:
        return sum(m.minutes for m in self.modules if m.archived_at is None)

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseTag(db.Model):
    __tablename__ = "course_tag"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True, index=True)

    course: Mapped[Course] = relationship(back_populates="tags")


class Module(db.Model):
    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    slug: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_required: Mapped[bool] = mapped_column(Boolean, default=True)
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[Any]] = mapped_column(JSON, default=list)
    references: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The written exercise (`material.exercise.Exercise.record()`: rendered instructions, limits, rubric).
    exercise: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course: Mapped[Course] = relationship(back_populates="modules")
    questions: Mapped[list[Question]] = relationship(
        back_populates="module", order_by="Question.position", cascade="save-update, merge"
    )

    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        Index("ix_module_course_position", "course_id", "archived_at", "position"),
        # The content version (catalog.fragments) reads the latest change and archiving of every module on
        # each public page: without these, SQLite walked every row past its HTML.
        Index("ix_module_updated_at", "updated_at"),
        Index("ix_module_archived_at", "archived_at"),
    )

    @property
    def active_questions(self) -> list[Question]:
        return [q for q in self.questions if q.archived_at is None]

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Question(db.Model):
    """A quiz question; identified by its module and position, archived when the quiz shrinks."""

    __tablename__ = "question"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    position: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    answers: Mapped[list[int]] = mapped_column(JSON)
    is_multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    explanation: Mapped[str] = mapped_column(Text, default="")
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    module: Mapped[Module] = relationship(back_populates="questions")

    __table_args__ = (UniqueConstraint("module_id", "position"),)


class SearchEntry(db.Model):
    """One searchable section of a published course: its introduction's or a live module's.

    Written by the sync (`catalog/search.py`), read by the catalog's search. `text` is the plain
    text snippets are cut from; `terms` is the same text normalised (`material.normalize`) and
    `names` the section's heading, or the page's title (and a course's tags) for its top. Matching
    is the database's: PostgreSQL's `vector` (`names` weighted A, `terms` D, 'simple'
    configuration, GIN index); on SQLite, the FTS5 table `search_fts` over `names` and `terms`,
    which triggers keep current (created below and by migration 0008). SQLite's `vector` is unused.

    Ranking reads every match before keeping the best (`search._best`): on PostgreSQL `vector` is
    stored in the row (`STORAGE MAIN`) rather than out of line, where `ts_rank` had to fetch it
    from TOAST for every match (migration 0026).
    """

    __tablename__ = "search_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the section's place in its page
    anchor: Mapped[str | None] = mapped_column(Text)  # the heading's id; None: the top of the page
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    names: Mapped[str] = mapped_column(Text)  # the title, or the heading, normalised
    terms: Mapped[str] = mapped_column(Text)  # the text, normalised
    version: Mapped[int] = mapped_column(SmallInteger)  # search.INDEX_VERSION when written
    vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))

    __table_args__ = (Index("ix_search_entry_vector", "vector", postgresql_using="gin"),)


# SQLite: an FTS5 index of search_entry's names and terms ("external content": the text stays in the table),
# kept current by triggers. The migration creates the same; db.create_all() (the tests) gets it here.
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
for _statement in SQLITE_SEARCH_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(
    SearchEntry.__table__,
    "after_create",
    DDL("ALTER TABLE search_entry ALTER COLUMN vector SET STORAGE MAIN").execute_if(dialect="postgresql"),
)
event.listen(SearchEntry.__table__, "before_drop", DDL("DROP TABLE IF EXISTS search_fts").execute_if(dialect="sqlite"))


class ContentSyncRun(db.Model):
    """One round of `flask content sync` or `watch`: when, whether it imported, and why not.

    Written in a transaction of its own, after the import committed or rolled back, so a failed
    import leaves its errors here for the course pages to show to the course's trainers. `scope`
    is NULL for the whole tree, else the course slugs it covered (`,a,b,`: one LIKE finds a slug).
    Only the last `KEEP` rounds are kept.
    """

    __tablename__ = "content_sync_run"

    KEEP = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    command: Mapped[str] = mapped_column(String(10))  # sync or watch
    scope: Mapped[str | None] = mapped_column(Text)
    ok: Mapped[bool] = mapped_column(Boolean)
    # [{"course": slug or None, "path": path below the content folder, "line", "code", "params": {…}}]
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    def covers(self, slug: str) -> bool:
        return self.scope is None or f",{slug}," in self.scope

    def __repr__(self) -> str:
        return f"<ContentSyncRun {self.id} {'ok' if self.ok else 'failed'}>"
