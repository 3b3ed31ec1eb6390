"""Full-text search over what learners read: the index the sync keeps, the query, the snippets.

Every published course is indexed as sections (`SearchEntry`): its introduction (title, summary,
audience, tags and the text before its first heading, then one entry per heading) and each live
module (title, objectives and lead text, then one entry per heading), never quiz answers. Text is
normalised once, in Python (`material.normalize`), and handed to the database's own engine:
SQLite FTS5 (`search_fts`, BM25) or PostgreSQL full-text search (`tsvector`, 'simple'
configuration, GIN index, `ts_rank`). The sync calls `refresh_index` in its transaction, so the
index commits or rolls back with the content. A search is two queries whatever the number of
courses (the best sections, then what the page shows of its own); snippets are cut from plain text
here and escaped, with the matching words in `<mark>`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from itertools import islice
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG

from courses.catalog.models import Course, Module, SearchEntry
from courses.extensions import db
from courses.material.normalize import Query, normalize, singular_forms, word_list, word_terms, words
from courses.material.sections import Section, plain_text, split_sections

# Bump when normalize() or split_sections() changes what is indexed: the next sync re-indexes
# every course whose entries carry another version.
INDEX_VERSION = 2  # 2: image descriptions, written exercises, a course's audience in its snippet

MAX_HITS = 200  # best sections read per search, all courses together
HITS_PER_COURSE = 3  # shown under each course, in reading order (a phone scrolls 10 courses, not 50 passages)
HITS_IN_ONE_COURSE = 50  # shown when the search is narrowed to one course ("N more passages in this course")
RESULTS_PER_PAGE = 10  # courses per results page: a phone on a slow link gets a page it can load
SNIPPET_WORDS = 30
WORDS_BEFORE_MATCH = 8

NAME_WEIGHT = 5.0  # SQLite: a word in a title or heading counts five times one in the text

_FTS = table("search_fts", column("rowid"))  # SQLite's FTS5 index of search_entry (see models.py)
_SIMPLE = cast(literal("simple"), REGCONFIG)  # PostgreSQL's text search configuration without stemming


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _weighted(terms: ColumnElement[str], weight: str) -> ColumnElement:
    """PostgreSQL: the terms as a tsvector whose lexemes carry `weight` (A: names, D: text)."""
    return func.setweight(func.to_tsvector(_SIMPLE, terms), literal_column(f"'{weight}'"))


# -- Writing the index -----------------------------------------------------------------------


def _entry(course: Course, module: Module | None, position: int, section: Section, names: str, terms: str) -> dict:
    return {
        "course_id": course.id, "module_id": module.id if module else None, "position": position,
        "anchor": section.anchor, "heading": section.heading, "text": section.text, "names": names,
        "terms": terms, "version": INDEX_VERSION,
    }  # fmt: skip


def _page_entries(course: Course, module: Module | None, html: str, names: list[str], opening: list[str]) -> list[dict]:
    """A page's entries: its top (named by `names`: `opening` text, then the text before the first
    heading), then one per heading (named by the heading)."""
    sections = split_sections(html)
    lead = sections.pop(0) if sections and sections[0].anchor is None else Section(None, "", "")
    top = Section(None, "", " ".join(part for part in (*opening, lead.text) if part))
    entries = [_entry(course, module, 0, top, normalize(*names), normalize(top.text))]
    for position, section in enumerate(sections, start=1):
        entries.append(_entry(course, module, position, section, normalize(section.heading), normalize(section.text)))
    return entries


def course_entries(course: Course) -> list[dict]:
    """The index rows of a course's own page: title and tags, summary, audience, introduction."""
    opening = [course.summary, course.audience or ""]  # both shown on the course page
    return _page_entries(course, None, course.intro_html, [course.title, *course.tag_names], opening)


EXERCISE_ANCHOR = "exercise"  # the id of the exercise panel on the module page (practice/_exercise.html)


def module_entries(course: Course, module: Module) -> list[dict]:
    """The index rows of a module: title, objectives and lead text, then its text heading by heading,
    then its written exercise (instructions and rubric, as the exercise panel shows them; never the
    model answer, which a learner sees only once the exercise is passed), anchored at the panel."""
    entries = _page_entries(course, module, module.html, [module.title], list(module.objectives))
    if module.exercise:
        text = exercise_text(module.exercise)
        section = Section(EXERCISE_ANCHOR, "", text)
        entries.append(_entry(course, module, len(entries), section, "", normalize(text)))
    return entries


def exercise_text(stored: dict) -> str:
    """What the exercise panel shows of an exercise as the database keeps it, as plain text."""
    rubric = [
        part
        for criterion in stored.get("rubric", [])
        for part in (criterion["name"], *(f"{lv['label']} {lv.get('description', '')}" for lv in criterion["levels"]))
    ]
    return " ".join(
        " ".join(part.split()) for part in (plain_text(stored.get("instructions") or ""), *rubric) if part.strip()
    )


def refresh_index(courses: Iterable[Course], written: datetime) -> None:
    """Bring the index in line with `courses` just after a sync wrote them, in its transaction.

    `written` is the sync's timestamp: a course or module whose `updated_at` (or `archived_at`)
    is `written` was added, changed, restored or archived by this sync. A course that is not public
    (a draft, `status: archived`, removed from the tree) leaves the index; a public course whose
    entries are missing or of another INDEX_VERSION (just published, or indexed by older code) is
    indexed whole; otherwise only what this sync wrote is re-indexed.
    """
    indexed = dict(
        db.session.execute(
            select(SearchEntry.course_id, func.min(SearchEntry.version)).group_by(SearchEntry.course_id)
        ).all()
    )
    whole: set[int] = set()  # courses whose entries all go
    pages: set[int] = set()  # courses whose own page's entries go
    modules: set[int] = set()  # modules whose entries go
    rows: list[dict] = []
    for course in courses:
        if not course.is_public:
            if course.id in indexed:
                whole.add(course.id)
        elif indexed.get(course.id) != INDEX_VERSION:
            whole.add(course.id)
            rows += course_entries(course)
            for module in course.modules:
                if module.archived_at is None:
                    rows += module_entries(course, module)
        else:
            if course.updated_at == written:
                pages.add(course.id)
                rows += course_entries(course)
            for module in course.modules:
                if written in (module.updated_at, module.archived_at):
                    modules.add(module.id)
                    if module.archived_at is None:
                        rows += module_entries(course, module)
    if whole:
        db.session.execute(delete(SearchEntry).where(SearchEntry.course_id.in_(whole)))
    if pages:
        db.session.execute(delete(SearchEntry).where(SearchEntry.course_id.in_(pages), SearchEntry.module_id.is_(None)))
    if modules:
        db.session.execute(delete(SearchEntry).where(SearchEntry.module_id.in_(modules)))
    if rows:
        db.session.execute(insert(SearchEntry), rows)
        if _dialect() == "postgresql":
            touched = {row["course_id"] for row in rows}
            db.session.execute(
                SearchEntry.__table__.update()
                .where(SearchEntry.vector.is_(None), SearchEntry.course_id.in_(touched))
                .values(vector=_weighted(SearchEntry.names, "A").op("||")(_weighted(SearchEntry.terms, "D")))
            )


# -- Searching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Syntax:
    """How an engine's query text writes quoted terms, prefixes and the operators used here."""

    quote: Callable[[str], str]
    prefix: str  # after a quoted term: match its beginning
    both: str  # every part required
    either: str  # any part enough; also between a term's forms
    follows: str  # between the terms of a phrase


_FTS5 = _Syntax(lambda term: '"' + term.replace('"', '""') + '"', "*", " AND ", " OR ", " + ")
_TSQUERY = _Syntax(lambda term: "'" + term.replace("\\", "\\\\").replace("'", "''") + "'", ":*", " & ", " | ", " <-> ")


def _engine_query(query: Query, syntax: _Syntax) -> str:
    """The engine's query text: every term quoted (operators and syntax are words), with what it may
    be the plural of as alternatives; the prefix marked (what it may be the plural of, exactly); a
    phrase as its terms that follow each other, its last one a prefix when it is the word being
    typed. Every part is required; with `query.any_word`, the phrases still are and any one of the
    other words is enough."""

    def quote(term: str, prefix: bool = False) -> str:
        return syntax.quote(term) + (syntax.prefix if prefix else "")

    def forms(term: str) -> str:
        typed = quote(term, term == query.prefix)
        quoted = [typed, *(quote(form) for form in singular_forms(term))]
        return quoted[0] if len(quoted) == 1 else "(" + syntax.either.join(quoted) + ")"

    phrases = [
        "(" + syntax.follows.join(quote(term, term == query.prefix and term == phrase[-1]) for term in phrase) + ")"
        for phrase in query.phrases
    ]
    if query.any_word:
        return syntax.both.join([*phrases, "(" + syntax.either.join(forms(t) for t in query.free_words()) + ")"])
    words = [*query.terms, *([query.prefix] if query.prefix else [])]
    return syntax.both.join([*(forms(term) for term in words), *phrases])


def fts5_query(query: Query) -> str:
    """FTS5 MATCH text (`_engine_query`): `"budget"*`, `AND`, `OR`, `"31" + "13"`."""
    return _engine_query(query, _FTS5)


def tsquery_text(query: Query) -> str:
    """`to_tsquery` text (`_engine_query`): `'budget':*`, `&`, `|`, `'31' <-> '13'`."""
    return _engine_query(query, _TSQUERY)


_MATCH = bindparam("match", type_=Text())  # the engine's query text: `fts5_query` or `tsquery_text`


def _best(dialect: str, courses: Select | None) -> Select:
    """The ids and scores (higher is better) of the MAX_HITS best entries matching `_MATCH`, best
    first, for `dialect`: among `courses` (a select of course ids), or among every course the
    index holds when None (the sync keeps only public courses in it).

    Narrow on purpose: ranking reads every match (thousands for a frequent word), so it reads no
    section text and no module row, and without `courses` not even the entry's row on SQLite (its
    rows are wide: they carry the sections' text). PostgreSQL scans the GIN index once (with
    `courses`, in a materialised CTE: joined to the courses, the planner would scan it once per
    course) and ranks with `ts_rank` over vectors kept in the row (migration 0026), divided by
    1 + ln(the number of distinct words): a long section does not win by length alone.
    (`ts_rank`'s own normalisation by length counts every word of the vector again, for each
    match: half the ranking's time for a word being typed.)
    """
    if dialect == "postgresql":
        # Parsed once per search (an InitPlan): in the plan PostgreSQL keeps for a prepared statement,
        # a function of the parameter would be parsed again for every match it ranks.
        tsquery = select(func.to_tsquery(_SIMPLE, _MATCH)).scalar_subquery()
        length = func.greatest(func.length(SearchEntry.vector), 1)
        score = func.ts_rank(SearchEntry.vector, tsquery, type_=Float) / (1 + func.ln(length, type_=Float))
        matches = select(SearchEntry.id, SearchEntry.course_id, score.label("score")).where(
            SearchEntry.vector.op("@@")(tsquery)
        )
        if courses is None:  # one scan and a top-200 sort, nothing to join
            return (
                matches.with_only_columns(SearchEntry.id, score.label("score"))
                .order_by(score.desc(), SearchEntry.id)
                .limit(MAX_HITS)
            )
        kept = matches.cte("matches").prefix_with("MATERIALIZED")
        statement = select(kept.c.id, kept.c.score).where(kept.c.course_id.in_(courses))
        return statement.order_by(kept.c.score.desc(), kept.c.id).limit(MAX_HITS)
    fts = literal_column("search_fts")
    score = -func.bm25(fts, NAME_WEIGHT, 1.0)  # BM25 is lower for better matches
    statement = select(_FTS.c.rowid.label("id"), score.label("score")).where(fts.op("MATCH")(_MATCH))
    if courses is not None:
        statement = statement.join(SearchEntry, SearchEntry.id == _FTS.c.rowid)
        statement = statement.where(SearchEntry.course_id.in_(courses))
    return statement.order_by(score.desc(), _FTS.c.rowid).limit(MAX_HITS)


_RANKED_COLUMNS = (
    SearchEntry.id,
    SearchEntry.course_id,
    SearchEntry.position,
    Module.position.label("module_position"),
)  # what grouping and reading order need; the rest is read for the sections a page shows (`_shown`)
_LIVE_MODULE = SearchEntry.module_id.is_(None) | Module.archived_at.is_(None)  # the course's page, or a live module
_SHOWN_COLUMNS = (
    SearchEntry.id, SearchEntry.anchor, SearchEntry.heading, SearchEntry.text, Course.slug, Course.title,
    Course.language, Module.slug.label("module_slug"), Module.title.label("module_title"),
)  # fmt: skip


@dataclass(frozen=True)
class Hit:
    module_slug: str | None  # None: the course's own page
    module_title: Markup | None
    anchor: str | None  # None: the top of the page
    heading: Markup
    snippet: Markup


@dataclass(frozen=True)
class CourseHits:
    slug: str
    title: Markup
    language: str
    hits: tuple[Hit, ...]
    more: int  # further matching sections in this course, not shown


@dataclass(frozen=True)
class ResultPage:
    courses: list[CourseHits]  # this page's courses, best first
    total: int  # courses on all pages
    page: int
    pages: int
    first: int  # the number of this page's first course in the whole list
    any_word: bool = False  # no section had every word: these have some of them
    elsewhere: bool = False  # none with the filters, but some without them (`services.search_courses`)


def count_courses(query: Query, *conditions: ColumnElement[bool]) -> int:
    """How many public courses meeting `conditions` have sections matching `query` (no snippet cut)."""
    return len(_matching_groups(query, conditions)) if query else 0


def find(query: Query, *conditions: ColumnElement[bool]) -> list[CourseHits]:
    """Every public course with sections matching `query`, best first; `conditions` narrow the courses."""
    return find_page(query, *conditions, per_page=None).courses


def find_page(
    query: Query,
    *conditions: ColumnElement[bool],
    page: int = 1,
    per_page: int | None = RESULTS_PER_PAGE,
    hits_per_course: int = HITS_PER_COURSE,
) -> ResultPage:
    """Page `page` of the courses with sections matching `query`, best first (`per_page` None: all),
    each with its best `hits_per_course` sections in reading order.

    Two queries: entries of live modules (or of the course's own page) of public courses meeting
    `conditions`, best MAX_HITS sections, with only what grouping and ordering need; then the
    headings, text and names of the sections shown, which only the page's courses get cut into
    snippets (a frequent word's 200 sections carry a quarter of a megabyte of text, of which a
    page shows thirty). With `query.any_word` (`Query.loosened`: no section had every word),
    BM25 and `ts_rank` put the sections with more of the words, and rarer ones, first; the page
    says so (`ResultPage.any_word`).
    """
    groups = list(_matching_groups(query, conditions).values()) if query else []
    per_page = per_page or max(1, len(groups))
    pages = max(1, -(-len(groups) // per_page))
    page = min(max(1, page), pages)
    matching = Matching(query)
    on_page = groups[(page - 1) * per_page : page * per_page]
    shown = _shown([row.id for rows in on_page for row in rows[:hits_per_course]])
    courses = [_course_hits(rows[:hits_per_course], len(rows), query, matching, shown) for rows in on_page]
    courses = [course for course in courses if course is not None]
    return ResultPage(courses, len(groups), page, pages, (page - 1) * per_page + 1, query.any_word)


def _shown(ids: list[int]) -> dict[int, Any]:
    """What a page shows of the sections `ids` (heading, text, course and module names), by id; a
    section whose course or module a sync made private since the first query is left out."""
    if not ids:
        return {}
    statement = (
        select(*_SHOWN_COLUMNS)
        .join(Course, Course.id == SearchEntry.course_id)
        .outerjoin(Module, Module.id == SearchEntry.module_id)
        .where(SearchEntry.id.in_(ids), Course.is_public, _LIVE_MODULE)
    )
    return {row.id: row for row in db.session.execute(statement)}


def _matching_groups(query: Query, conditions: tuple[ColumnElement[bool], ...]) -> dict[int, list]:
    """The best MAX_HITS matching sections of public courses meeting `conditions`, by course id,
    courses in the order of their best section.

    One statement in two steps: the best ids, ranked narrow (`_best`), then the places of those
    few in their course (what is shown of them is read for the page's courses only: `_shown`).
    The index holds public courses only: without `conditions`, ranking reads the index alone, and
    the few rows read after are checked (a course or module made private since loses its hits
    rather than shows them).
    """
    dialect = _dialect()
    statement = _statement(dialect, conditions) if conditions else _unfiltered_statement(dialect)
    match = tsquery_text(query) if dialect == "postgresql" else fts5_query(query)
    groups: dict[int, list] = {}
    for row in db.session.execute(statement, {"match": match}):
        groups.setdefault(row.course_id, []).append(row)
    return groups


@cache
def _unfiltered_statement(dialect: str) -> Select:
    """The search statement without filters, built once per process (the query text is a parameter)."""
    return _statement(dialect, ())


def _statement(dialect: str, conditions: tuple[ColumnElement[bool], ...]) -> Select:
    courses = select(Course.id).where(Course.is_public, *conditions) if conditions else None
    best = _best(dialect, courses).subquery("best")
    return (
        select(*_RANKED_COLUMNS)
        .select_from(best)
        .join(SearchEntry, SearchEntry.id == best.c.id)
        .join(Course, Course.id == SearchEntry.course_id)
        .outerjoin(Module, Module.id == SearchEntry.module_id)
        .where(Course.is_public, *conditions, _LIVE_MODULE)
        .order_by(best.c.score.desc(), best.c.id)
    )


def _course_hits(rows: list, found: int, query: Query, matching: Matching, shown: dict[int, Any]) -> CourseHits | None:
    """A course's hits in reading order; None if a sync removed them between the two queries."""
    in_order = sorted(rows, key=lambda r: (r.module_position or 0, r.position))
    ordered = [shown[row.id] for row in in_order if row.id in shown]
    if not ordered:
        return None
    hits = tuple(
        Hit(
            section.module_slug,
            None if section.module_title is None else highlight(section.module_title, query, matching),
            section.anchor,
            highlight(section.heading, query, matching),
            snippet(section.text, query, matching=matching),
        )
        for section in ordered
    )
    course = ordered[0]
    return CourseHits(course.slug, highlight(course.title, query, matching), course.language, hits, found - len(hits))


# -- Snippets ---------------------------------------------------------------------------------


class Matching(dict):
    """Word of text -> whether it matches the query, worked out once per distinct word: a results
    page asks it of the same words tens of thousands of times (every word of every section shown)."""

    def __init__(self, query: Query):
        super().__init__()
        self.query = query

    def __missing__(self, word: str) -> bool:
        found = self[word] = any(self.query.matches(term) for term in word_terms(word))
        return found


def _marked(text: str, spans: list, start: int, end: int, matching: Matching, to_the_end: bool) -> Markup:
    """The text of words `start` to `end` escaped, matching words in <mark>; from the text's first
    character when `start` is its first word, to its last when `to_the_end`.

    Matches joined by one or two of _JOINERS ("31.13", "31-13", "1/2", "09:30") share one
    <mark>: a law's number reads as one highlighted number, in Arabic lines too.
    """
    runs: list[list[int]] = []  # [start, end] of each highlight, in the text
    for match in spans[start:end]:
        if not matching[match.group()]:
            continue
        if runs and _joins(text[runs[-1][1] : match.start()]):
            runs[-1][1] = match.end()
        else:
            runs.append([match.start(), match.end()])
    pieces: list[str] = []  # escaped text and the <mark> tags, made Markup once at the end
    position = _chunk_start(text, spans[start].start()) if start > 0 else 0
    for run_start, run_end in runs:  # the text between highlights is escaped in one piece
        pieces += (escape(text[position:run_start]), "<mark>", escape(text[run_start:run_end]), "</mark>")
        position = run_end
    pieces.append(escape(text[position : len(text) if to_the_end else _chunk_end(text, spans[end - 1].end())]))
    return Markup("".join(pieces))  # noqa: S704  # nosec B704 (escaped text and our own <mark> tags)


_JOINERS = frozenset(".,-/:'’‐–")  # what joins the parts of a number, a date, a compound
CHUNK_WORDS = 8  # at most this many words added at each edge of a snippet, to finish a number or a URL
CHUNK_CHARACTERS = 12  # at most this many characters ("n°", "»,") added at each edge


def _chunk_start(text: str, position: int) -> int:
    """Back to where the run of characters without a space around `position` begins ("n°", "«")."""
    floor = max(0, position - CHUNK_CHARACTERS)
    while position > floor and not text[position - 1].isspace():
        position -= 1
    return position


def _chunk_end(text: str, position: int) -> int:
    """On to where the run of characters without a space around `position` ends ("112-14", "n°")."""
    ceiling = min(len(text), position + CHUNK_CHARACTERS)
    while position < ceiling and not text[position].isspace():
        position += 1
    return position


def _joins(gap: str) -> bool:
    return 0 < len(gap) <= 2 and all(character in _JOINERS for character in gap)


def highlight(text: str, query: Query, matching: Matching | None = None) -> Markup:
    """`text` escaped, with the words that match `query` in <mark>."""
    spans = list(words(text))
    if not spans:
        return escape(text)
    return _marked(text, spans, 0, len(spans), matching if matching is not None else Matching(query), True)


def snippet(text: str, query: Query, size: int = SNIPPET_WORDS, matching: Matching | None = None) -> Markup:
    """About `size` words of `text` around its best run of matches, escaped, matches in <mark>.

    Built from plain text, never from stored HTML: only the <mark> elements added here are markup.
    The words are read as strings to find the best window (one C call for the whole text); their
    places only up to the window's end, where the snippet is cut.
    """
    tokens = word_list(text)
    if not tokens:
        return Markup("")
    matching = matching if matching is not None else Matching(query)
    matches = [i for i, token in enumerate(tokens) if matching[token]]

    def variety(start: int) -> int:  # distinct matched words in the window starting at `start`
        inside = matches[bisect_left(matches, start) : bisect_left(matches, start + size)]
        return len({tokens[i].casefold() for i in inside})

    # A number typed "31-13" is looked for where it stands whole, not where a 31 and a 13 meet.
    anchors = _phrase_starts(tokens, query) or matches
    starts = [max(0, i - WORDS_BEFORE_MATCH) for i in anchors] or [0]
    start = max(starts, key=lambda s: (variety(s), -s))
    start = max(0, min(start, len(tokens) - size))
    end = min(len(tokens), start + size)
    spans = list(islice(words(text), end + CHUNK_WORDS))
    # Never cut inside what is written without a space ("112-14", "1-18-15", "d'accès"): a number
    # copied from a snippet must be the whole number (a URL is cut after a few more words).
    floor = max(0, start - CHUNK_WORDS)
    while start > floor and not _spaced(text, spans[start - 1], spans[start]):
        start -= 1
    while end < len(spans) and not _spaced(text, spans[end - 1], spans[end]):
        end += 1
    body = _marked(text, spans, start, end, matching, end == len(tokens))
    return (Markup("… ") if start > 0 else Markup("")) + body + (Markup(" …") if end < len(tokens) else Markup(""))


def _spaced(text: str, before, after) -> bool:
    """Whether a space stands between two word matches of `text`."""
    return any(character.isspace() for character in text[before.end() : after.start()])


def _phrase_starts(tokens: list[str], query: Query) -> list[int]:
    """Where the query's phrases (words typed joined, "31-13") stand in `tokens`, in order."""
    if not query.phrases:
        return []
    terms = [word_terms(token) for token in tokens]

    def at(i: int, phrase: tuple[str, ...]) -> bool:
        for j, wanted in enumerate(phrase):
            found = terms[i + j]
            last = j == len(phrase) - 1 and wanted == query.prefix  # the word being typed
            if len(found) != 1 or not (found[0] == wanted or (last and found[0].startswith(wanted))):
                return False
        return True

    return sorted(i for phrase in query.phrases for i in range(len(tokens) - len(phrase) + 1) if at(i, phrase))
