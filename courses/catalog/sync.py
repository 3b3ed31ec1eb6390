"""Write a content tree into the database: one transaction, hashes compared, nothing deleted.

`sync()` flushes and never commits: the caller (CLI command, watch loop, test) commits once,
or rolls back, so an error anywhere leaves the database exactly as it was. The search index
(`catalog/search.py`) is brought up to date in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from courses import material
from courses.catalog.models import ContentSyncRun, Course, CourseTag, Module, Question
from courses.catalog.search import refresh_index
from courses.database import utcnow
from courses.extensions import db
from courses.material.render import Reference, Rendered, TocEntry


@dataclass
class Tally:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(items) for name, items in asdict(self).items()}


@dataclass
class SyncReport:
    courses: Tally = field(default_factory=Tally)
    modules: Tally = field(default_factory=Tally)

    @property
    def has_changes(self) -> bool:
        return any(t.added or t.changed or t.archived for t in (self.courses, self.modules))


def _stored(html: str, toc: list, references: list) -> Rendered:
    return Rendered(
        html=html,
        toc=tuple(TocEntry(*entry) for entry in toc),
        references=tuple(Reference(**ref) for ref in references),
    )


def _toc_rows(rendered: Rendered) -> list[list]:
    return [[e.level, e.anchor, e.title] for e in rendered.toc]


def _reference_rows(rendered: Rendered) -> list[dict]:
    return [asdict(r) for r in rendered.references]


def known_renderings(courses: list[Course]) -> dict[str, Rendered]:
    """What the database already holds, by content hash, so unchanged files skip rendering."""
    reuse = {}
    for course in courses:
        reuse[course.content_hash] = _stored(course.intro_html, course.intro_toc, course.intro_references)
        for module in course.modules:
            reuse[module.content_hash] = _stored(module.html, module.toc, module.references)
    return reuse


def sync(root: Path, on_file: Callable[[Path], None] | None = None, only: Collection[str] | None = None) -> SyncReport:
    """Import the tree under `root`; raise material.ContentInvalid (changing nothing) on any error.

    With `only`, import just those course folders: the other courses stay as they are (a course
    is archived only by a sync of the whole tree that no longer finds its folder).
    """
    statement = select(Course).options(
        selectinload(Course.modules).selectinload(Module.questions), selectinload(Course.tags)
    )
    if only is not None:
        statement = statement.where(Course.slug.in_(list(only)))
    existing = {course.slug: course for course in db.session.scalars(statement)}
    materials = material.load(root, known_renderings(list(existing.values())), on_file, only)
    now = utcnow()
    report = SyncReport()
    for source in materials:
        course = existing.get(source.slug)
        if course is None:
            course = existing[source.slug] = Course(slug=source.slug, created_at=now)
            db.session.add(course)
            report.courses.added.append(source.slug)
        elif course.content_hash != source.content_hash or course.archived_at is not None:
            report.courses.changed.append(source.slug)
        else:
            report.courses.unchanged.append(source.slug)
        _write_course(course, source, now)
        _sync_modules(course, source, report.modules, now)
    seen = {source.slug for source in materials}
    for slug, course in existing.items():
        if slug not in seen and course.archived_at is None:
            course.archived_at = now
            report.courses.archived.append(slug)
            for module in course.modules:
                if module.archived_at is None:
                    module.archived_at = now
                    report.modules.archived.append(f"{slug}/{module.slug}")
    db.session.flush()
    refresh_index(existing.values(), now)
    return report


def _write_course(course: Course, source: material.CourseMaterial, now: datetime) -> None:
    if course.content_hash == source.content_hash and course.archived_at is None:
        return
    course.title = source.title
    course.summary = source.summary
    course.language = source.language
    course.audience = source.audience
    course.hours = source.hours
    course.level = source.level
    course.trainers = [{"name": t.name, "email": t.email} for t in source.trainers]
    course.status = source.status
    course.is_certifying = source.is_certifying
    course.pass_mark = source.pass_mark
    course.quiz_feedback = source.quiz_feedback
    course.exercise_completion = source.exercise_completion
    course.translation_of = source.translation_of
    course.intro_html = source.intro.html
    course.intro_toc = _toc_rows(source.intro)
    course.intro_references = _reference_rows(source.intro)
    course.content_hash = source.content_hash
    course.updated_at = now
    course.archived_at = None
    if sorted(course.tag_names) != sorted(source.tags):
        course.tags = [CourseTag(tag=tag) for tag in source.tags]


def _sync_modules(course: Course, source: material.CourseMaterial, tally: Tally, now: datetime) -> None:
    existing = {module.slug: module for module in course.modules}
    for item in source.modules:
        name = f"{source.slug}/{item.slug}"
        module = existing.get(item.slug)
        if module is None:
            module = Module(slug=item.slug, created_at=now)
            course.modules.append(module)
            tally.added.append(name)
        elif (module.content_hash, module.position, module.archived_at) == (item.content_hash, item.position, None):
            tally.unchanged.append(name)
            continue
        else:
            tally.changed.append(name)
        module.position = item.position
        module.title = item.title
        module.minutes = item.minutes
        module.objectives = list(item.objectives)
        module.is_required = item.is_required
        module.html = item.rendered.html
        module.toc = _toc_rows(item.rendered)
        module.references = _reference_rows(item.rendered)
        module.exercise = item.exercise.record() if item.exercise else None
        module.content_hash = item.content_hash
        module.updated_at = now
        module.archived_at = None
        _sync_questions(module, item.quiz, now)
    seen = {item.slug for item in source.modules}
    for slug, module in existing.items():
        if slug not in seen and module.archived_at is None:
            module.archived_at = now
            tally.archived.append(f"{source.slug}/{slug}")


def _sync_questions(module: Module, quiz: tuple[material.Question, ...], now: datetime) -> None:
    existing = {question.position: question for question in module.questions}
    for item in quiz:
        question = existing.get(item.position)
        if question is None:
            question = Question(position=item.position)
            module.questions.append(question)
        question.prompt = item.prompt
        question.choices = list(item.choices)
        question.answers = list(item.answers)
        question.is_multiple = item.is_multiple
        question.explanation = item.explanation
        question.archived_at = None
    positions = {item.position for item in quiz}
    for position, question in existing.items():
        if position not in positions and question.archived_at is None:
            question.archived_at = now


def record_run(
    root: Path, command: str, errors: list[material.ContentError], only: Collection[str] | None = None
) -> ContentSyncRun:
    """Add the outcome of a sync or watch round (call it in a transaction of its own) and prune old ones.

    Errors are kept as data (path below `root`, line, code, parameters), so a page words them in
    its reader's language; each names its course (the first folder of its path) or none.
    """
    run = ContentSyncRun(
        ran_at=utcnow(),
        command=command,
        scope=None if only is None else "," + ",".join(sorted(only)) + ",",
        ok=not errors,
        errors=[_error_row(root, item) for item in errors],
    )
    db.session.add(run)
    db.session.flush()
    db.session.execute(delete(ContentSyncRun).where(ContentSyncRun.id <= run.id - ContentSyncRun.KEEP))
    return run


def _error_row(root: Path, item: material.ContentError) -> dict:
    try:
        path = item.path.relative_to(root)  # the loader builds every path from root: no link to follow
    except ValueError:
        path = Path(item.path.name)
    parts = path.parts
    return {
        "course": parts[0] if len(parts) > 1 else None,
        "path": path.as_posix(),
        "line": item.line,
        "code": item.code,
        "params": dict(item.params),
    }
