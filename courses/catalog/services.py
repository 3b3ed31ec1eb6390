"""Reading the catalog: what the public may see, found with a fixed number of indexed queries."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import defer, selectinload

from courses import hooks, material
from courses.catalog import search
from courses.catalog.models import ContentSyncRun, Course, CourseTag, Module
from courses.extensions import db
from courses.material.normalize import parse_query

if TYPE_CHECKING:
    from courses.auth.models import User


@dataclass(frozen=True)
class CatalogFilters:
    language: str | None = None
    tag: str | None = None
    query: str | None = None
    course: str | None = None  # a search narrowed to one course's passages (its slug)


def _is_public() -> list[ColumnElement[bool]]:
    return [Course.is_public]


def _public() -> Select:
    return select(Course).where(*_is_public())


def _filtered(filters: CatalogFilters) -> list[ColumnElement[bool]]:
    """Public courses in the filters' language and topic (the words are the search's business)."""
    return _is_public() + _narrowing(filters)


def _narrowing(filters: CatalogFilters) -> list[ColumnElement[bool]]:
    """The filters' language and topic, among public courses."""
    conditions = []
    if filters.language:
        conditions.append(Course.language == filters.language)
    if filters.tag:
        conditions.append(Course.tags.any(CourseTag.tag == filters.tag))
    return conditions


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def public_courses(filters: CatalogFilters, first_language: str | None = None) -> list[Course]:
    """Published courses in the filters' language and topic, those in `first_language` (the reader's)
    first, then by title, with their tags loaded."""
    statement = select(Course).options(selectinload(Course.tags)).where(*_filtered(filters))
    return list(
        db.session.scalars(statement.order_by(case((Course.language == first_language, 0), else_=1), Course.title))
    )


def search_courses(filters: CatalogFilters, page: int = 1) -> search.ResultPage:
    """Sections of published courses (in the filters' language and topic) that match the words,
    grouped by course, best course first, a page of courses at a time (none when the words hold no
    letter or digit).

    Every word first. When nothing has them all: with filters, if courses outside them do, the page
    says so (`elsewhere`) and offers them; otherwise the sections with any of the words are found
    (`Query.loosened`: a question typed as a sentence), and the page says that too.
    """
    query, conditions = parse_query(filters.query), _narrowing(filters)
    if filters.course:  # every passage of one course ("N more passages in this course")
        conditions.append(Course.slug == filters.course)
    hits = search.HITS_IN_ONE_COURSE if filters.course else search.HITS_PER_COURSE
    results = search.find_page(query, *conditions, page=page, hits_per_course=hits)
    if results.courses or not query:
        return results
    if conditions and search.count_courses(query):  # the filters leave out what matches
        return dataclasses.replace(results, elsewhere=True)
    if query.can_loosen():
        return search.find_page(query.loosened(), *conditions, page=page, hits_per_course=hits)
    return results


def catalog_facets() -> tuple[list[str], list[str]]:
    """Languages and tags that published courses use, for the filter form."""
    languages = db.session.scalars(_public().with_only_columns(Course.language).distinct()).all()
    tags = db.session.scalars(
        select(CourseTag.tag)
        .join(Course)
        .where(Course.status == "published", Course.archived_at.is_(None))
        .distinct()
        .order_by(CourseTag.tag)
    ).all()
    return sorted(languages), list(tags)


def public_course(slug: str) -> Course | None:
    """A published, live course with its live modules, or None."""
    return db.session.scalar(_public().where(Course.slug == slug))


def previewable_course(slug: str) -> Course | None:
    """Any live course, drafts included (for previews: check `may_preview`), or None."""
    return db.session.scalar(select(Course).where(Course.slug == slug, Course.archived_at.is_(None)))


def may_preview(user: User, course: Course) -> bool:
    """Whether `user` may read `course` although it is not public (a draft, or `status: archived`).

    Admins may; so may whoever a `catalog.may_preview` provider accepts: the coordination feature
    provides its trainer rule (the course's own trainers), so the catalog does not import it.
    With no provider, only admins preview.
    """
    return user.has_role("admin") or any(rule(user, course) for rule in hooks.providers("catalog.may_preview"))


def live_modules(course: Course, with_questions: bool = True) -> list[Module]:
    """The course's modules that are not archived, in order, with their questions (one more query).

    A page about one module passes `with_questions=False`: that module's questions load when read
    (one small query), instead of every module's (a third of the module page's time).
    """
    options = [defer(Module.html), defer(Module.references)]
    if with_questions:
        options.append(selectinload(Module.questions))
    statement = select(Module).options(*options).where(Module.course_id == course.id, Module.archived_at.is_(None))
    return list(db.session.scalars(statement.order_by(Module.position)))


def translations(course: Course) -> list[Course]:
    """Published courses that are the same course in another language (siblings included)."""
    original = course.translation_of or course.slug
    statement = _public().where(Course.id != course.id, or_(Course.slug == original, Course.translation_of == original))
    return list(db.session.scalars(statement.order_by(Course.language)))


def live_module(course: Course, slug: str) -> Module | None:
    """One live module of the course, or None."""
    return db.session.scalar(
        select(Module).where(Module.course_id == course.id, Module.slug == slug, Module.archived_at.is_(None))
    )


def next_module(course: Course, module: Module) -> Module | None:
    """The live module after `module`, or None for the last one."""
    return db.session.scalar(
        select(Module)
        .options(defer(Module.html), defer(Module.references))
        .where(Module.course_id == course.id, Module.archived_at.is_(None), Module.position > module.position)
        .order_by(Module.position)
        .limit(1)
    )


def module_page(course: Course, module: Module, modules: list[Module] | None = None) -> dict:
    """What the module page shows around the module: its place, previous and next."""
    modules = modules if modules is not None else live_modules(course)
    index = next(i for i, m in enumerate(modules) if m.id == module.id)
    return {
        "course": course,
        "module": module,
        "modules": modules,
        "position": index + 1,
        "count": len(modules),
        "previous": modules[index - 1] if index > 0 else None,
        "following": modules[index + 1] if index + 1 < len(modules) else None,
    }


def is_previewer(user: User, course: Course) -> bool:
    """Whether `user` (maybe anonymous) is one of the course's own trainers or an admin: who sees
    drafts, the errors of the last failed import and the quiz with its answers."""
    return user.is_authenticated and may_preview(user, course)


@dataclass(frozen=True)
class FailedImport:
    """The last sync or watch round that covered a course, when it failed."""

    ran_at: datetime
    command: str
    errors: list[material.ContentError]  # the course's own, sorted by file and line
    elsewhere: int  # errors in other courses or the content folder itself, which block the import too


def last_run(slug: str) -> ContentSyncRun | None:
    """The last sync or watch round that covered the course `slug` (the whole tree, or it by name)."""
    return db.session.scalar(
        select(ContentSyncRun)
        .where(or_(ContentSyncRun.scope.is_(None), ContentSyncRun.scope.like(f"%,{_escape_like(slug)},%", escape="\\")))
        .order_by(ContentSyncRun.id.desc())
        .limit(1)
    )


def failed_import(course: Course) -> FailedImport | None:
    """What the course's pages tell its trainers when the last round that covered it failed (one query)."""
    run = last_run(course.slug)
    if run is None or run.ok:
        return None
    own = [_content_error(row) for row in run.errors if row.get("course") == course.slug]
    return FailedImport(run.ran_at, run.command, sorted(own), len(run.errors) - len(own))


def unimported_failures() -> FailedImport | None:
    """The last round's errors in course folders that were never imported (a new course whose first
    import failed): no page of theirs exists yet, so the trainers' home lists them (two queries)."""
    run = db.session.scalar(select(ContentSyncRun).order_by(ContentSyncRun.id.desc()).limit(1))
    if run is None or run.ok:
        return None
    folders = {row.get("course") for row in run.errors if row.get("course")}
    known = set(db.session.scalars(select(Course.slug).where(Course.slug.in_(folders)))) if folders else set()
    new = [_content_error(row) for row in run.errors if row.get("course") in folders - known]
    return FailedImport(run.ran_at, run.command, sorted(new), len(run.errors) - len(new)) if new else None


def _content_error(row: dict) -> material.ContentError:
    params = tuple((str(k), str(v)) for k, v in (row.get("params") or {}).items())
    return material.ContentError(Path(row["path"]), int(row["line"]), str(row["code"]), params)


def last_runs(slugs: list[str]) -> dict[str, ContentSyncRun]:
    """The last sync or watch round that covered each course of `slugs` (one query, whatever their number).

    Rounds since the last whole-tree round are read (at most `ContentSyncRun.KEEP`); each course
    takes the newest that covered it.
    """
    latest_whole = select(func.max(ContentSyncRun.id)).where(ContentSyncRun.scope.is_(None)).scalar_subquery()
    runs = db.session.scalars(
        select(ContentSyncRun)
        .where(or_(latest_whole.is_(None), ContentSyncRun.id >= latest_whole))
        .order_by(ContentSyncRun.id.desc())
    ).all()
    found: dict[str, ContentSyncRun] = {}
    for run in runs:
        for slug in slugs:
            if slug not in found and run.covers(slug):
                found[slug] = run
        if len(found) == len(slugs):
            break
    return found


def own_errors(run: ContentSyncRun, slug: str) -> int:
    """How many of a round's errors are in the course `slug`."""
    return sum(1 for row in run.errors if row.get("course") == slug)
