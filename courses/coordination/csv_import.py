"""Bulk enrollment from a CSV file: read, check every row, plan, preview, then import all or nothing.

Files come from Excel as often as not: UTF-8 with or without BOM, or Windows-1252 (Excel's plain
"CSV" on a French Windows), comma or semicolon, headers in French, English or Arabic. Every problem
is reported with its line; nothing is written until the coordinator confirms.

`plan()` is the one place that decides what a file does to a session: who gets an account, who
is enrolled, who stays as they are, which rows are refused, and whether the session can take them
(closed session, unpublished course, capacity). The preview shows the plan; the confirmation
computes it again inside its transaction and imports only that plan — the one the coordinator
saw (its digest travels with the confirmation) — so the two cannot disagree.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import current_app, has_app_context
from sqlalchemy import or_, select, update

from courses.audit.services import Actor, record, record_many
from courses.auth import emails
from courses.auth.labels import spellings
from courses.auth.models import User
from courses.auth.territory import ORGANISATION_TYPES, REGIONS
from courses.coordination import services
from courses.coordination.models import Cohort, CsvImport
from courses.database import insert_many_ignoring_conflicts, utcnow
from courses.edge import has_disallowed
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.text import clean_line

MAX_ROWS = 20_000
MAX_CELL = 200  # characters; no more than the account columns the cells go to (a test compares)

# Column -> accepted header spellings (compared without accents, case or spaces): ours in every
# language, the exports' own headers (so an export reads back), and the usual variants.
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "courriel", "adresse electronique", "mail", "البريد الالكتروني"),
    "full_name": (
        "full name",
        "nom complet",
        "nom",
        "name",
        "nom et prenom",
        "الاسم الكامل",
        "الاسم",
        "الاسم الكامل بالحروف اللاتينية",
    ),
    "first_name": ("first name", "given name", "prenom", "الاسم الشخصي"),
    "full_name_ar": (
        "arabic name",
        "nom arabe",
        "nom en arabe",
        "الاسم بالعربية",
        "الاسم الكامل بالعربية",
        "full name in arabic script",
        "nom complet en caracteres arabes",
        "الاسم الكامل بالحروف العربية",
    ),
    "organisation": ("organisation", "organization", "organisme", "institution", "الهيئة", "المؤسسة"),
    "organisation_type": (
        "organisation type",
        "organization type",
        "type d'organisation",
        "type",
        "نوع الهيئة",
        "type of organisation",
        "type d'organisme",
        "نوع المؤسسة",
    ),
    "region": ("region", "الجهة", "جهة"),
    "job_title": ("function", "fonction", "poste", "job title", "الوظيفة"),
    "language": ("language", "langue", "lang", "preferred language", "langue preferee", "اللغة", "لغة"),
}
NAMES = ("full_name", "full_name_ar")  # a name in Latin or in Arabic script: either will do, as at sign-up
REQUIRED = (("email",), NAMES)  # each group needs one of its columns; a missing group is named by its first

# Values people write for organisation types and regions, mapped to our codes.
ORGANISATION_ALIASES = {
    "commune": "commune", "communes": "commune", "جماعة": "commune",
    "province": "province", "prefecture": "province", "province prefecture": "province",
    "province/prefecture": "province", "prefecture/province": "province", "عمالة": "province", "إقليم": "province",
    "region": "region", "conseil regional": "region", "جهة": "region",
    "ministere": "ministry", "ministry": "ministry", "وزارة": "ministry",
    "media": "media", "medias": "media", "presse": "media", "journal": "media", "إعلام": "media",
    "ecole": "school", "school": "school", "universite": "school", "university": "school", "مدرسة": "school",
    "autre": "other", "other": "other", "أخرى": "other",
}  # fmt: skip


@functools.lru_cache(maxsize=4096)  # a file repeats its organisation types and regions
def _key(text: str) -> str:
    """How a header or a value compares: no case, accents, hamza, dashes or extra spaces."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("\u2019", "'").replace("\u02bc", "'").replace("\u0640", "")  # ’ and ʼ, tatweel
    return " ".join(plain.replace("_", " ").replace("-", " ").split())


# "Région Souss-Massa", "جهة سوس ماسة" and "Souss-Massa" name one region.
_REGION_PREFIXES = ("region de l'", "region de ", "region du ", "region ", "جهة ", "l'")


def _region_key(text: str) -> str:
    key = _key(text)
    for prefix in _REGION_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :].strip()
    return key


@dataclass(frozen=True)
class Vocabulary:
    """What a file may write for an organisation type or a region: the code, the label of the
    sign-up form in each interface language, and the usual aliases — compared by `_key`."""

    organisation_types: dict[str, str]
    regions: dict[str, str]

    @classmethod
    def build(cls, languages: Iterable[str]) -> Vocabulary:
        languages = tuple(languages)
        types = {_key(alias): code for alias, code in ORGANISATION_ALIASES.items()}
        types.update({_key(text): code for text, code in spellings(ORGANISATION_TYPES, languages)})
        types.update({_key(code): code for code in ORGANISATION_TYPES})
        regions = {_region_key(text): code for text, code in spellings(REGIONS, languages)}
        regions.update({_region_key(code): code for code in REGIONS})
        return cls(types, regions)


def vocabulary() -> Vocabulary:
    """The vocabulary of the current application's languages (English msgids alone outside one)."""
    return Vocabulary.build(current_app.config["LANGUAGES"] if has_app_context() else ("en",))


_HEADERS = {_key(alias): column for column, aliases in COLUMNS.items() for alias in aliases}

# Row statuses: what will happen to each row.
NEW, EXISTING, ATTACH, ALREADY, OTHER_COHORT, INVALID = (
    "new",
    "existing",
    "attach",
    "already",
    "other_cohort",
    "invalid",
)


@dataclass
class Row:
    line: int
    values: dict[str, str]
    status: str = NEW
    problems: list[str] = field(default_factory=list)  # codes; the view words them
    disallowed_in: list[str] = field(default_factory=list)  # columns whose cell holds a control character
    unknown: dict[str, str] = field(default_factory=dict)  # column -> the value as typed, when not recognised
    key: str = ""  # emails.email_key of the address
    user_id: int | None = None  # the existing account (EXISTING, ATTACH, ALREADY, OTHER_COHORT)
    enrollment_id: int | None = None  # its enrollment in the course (ATTACH)

    @property
    def email(self) -> str:
        return self.values.get("email", "")


# Plan problems that refuse the whole file, and the CoordinationError code each one gives a confirmation.
REFUSALS = {"cohort_closed": "closed", "course_closed": "course_closed", "full": "full"}


@dataclass
class Plan:
    """What importing a file into a session does, row by row, and whether it can be done."""

    rows: list[Row] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)  # codes: encoding, missing columns, full session…
    missing_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # headers we do not know, shown to the user
    duplicate_columns: list[str] = field(default_factory=list)  # headers that mean the same column
    capacity: int | None = None  # the session's
    in_session: int = 0  # learners already in the session

    @property
    def is_valid(self) -> bool:
        """The confirmation will import this plan: no problem with the file, the session or any row."""
        return not self.file_problems and all(row.status != INVALID for row in self.rows)

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in (NEW, EXISTING, ATTACH, ALREADY, OTHER_COHORT, INVALID)}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def incoming(self) -> int:
        """Learners the import adds to the session (new accounts, enrollments, attachments)."""
        return sum(1 for row in self.rows if row.status in (NEW, EXISTING, ATTACH))

    @property
    def over_capacity(self) -> int:
        return 0 if self.capacity is None else max(0, self.in_session + self.incoming - self.capacity)

    def refusal(self) -> str:
        """The CoordinationError code a confirmation of this plan gets (it is not valid)."""
        return next((REFUSALS[p] for p in self.file_problems if p in REFUSALS), "invalid_file")

    def digest(self) -> str:
        """A fingerprint of the plan (every row's fate, every problem): equal digests, same import."""
        text = "|".join([*self.file_problems, *(f"{row.line}:{row.status}" for row in self.rows)])
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def stored(self) -> list[list]:
        """The checked rows of a valid file, kept with the pending import: its confirmation plans them
        again against the database without reading and checking the file a second time."""
        return [[row.line, row.key, row.values] for row in self.rows]

    @classmethod
    def from_stored(cls, rows: list[list]) -> Plan:
        return cls(rows=[Row(line=line, values=dict(values), key=key) for line, key, values in rows])

    def shown_rows(self, limit: int = 500) -> list[Row]:
        """The rows a page lists: every row with a problem first, then the others, `limit` in all."""
        refused = [row for row in self.rows if row.problems]
        return (refused + [row for row in self.rows if not row.problems])[:limit]


WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a ZIP) and .xls (OLE2)


def decode(raw: bytes) -> str | None:
    """The file's text: UTF-8 (with or without a BOM), else Windows-1252 (Excel's plain "CSV" on a
    French Windows); None for anything else (UTF-16 "Unicode text", bytes Windows-1252 does not define,
    an Excel workbook renamed .csv, which Windows-1252 would read as a header of control characters)."""
    if raw.startswith(WORKBOOK_SIGNATURES):
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return None


def stored_filename(name: str | None) -> str:
    """The uploaded file's name as kept with the pending import: its last part, cut to fit the column.

    Browsers send whatever name the file has; a long one keeps its start and its extension.
    """
    limit = CsvImport.__table__.c.filename.type.length
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "import.csv"
    if len(name) <= limit:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return name[:limit]
    return f"{stem[: limit - len(extension) - 1]}.{extension}"


def _dialect(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def read(text: str, words: Vocabulary | None = None) -> Plan:
    """Parse and check the file's shape and every row's values (no database needed)."""
    words = words or vocabulary()
    preview = Plan()
    if not text.strip():
        preview.file_problems.append("empty")
        return preview
    reader = csv.reader(io.StringIO(text), delimiter=_dialect(text))
    try:
        header = next(reader)
    except csv.Error:
        preview.file_problems.append("unreadable")
        return preview
    if any(has_disallowed(name) for name in header):
        preview.file_problems.append("disallowed_characters")
        return preview
    columns = [_HEADERS.get(_key(name)) for name in header]
    preview.ignored_columns = [name for name, column in zip(header, columns, strict=True) if column is None and name]
    known = [c for c in columns if c]
    if len(known) != len(set(known)):  # two headers for one column: which value would win is a guess
        twice = {c for c in known if known.count(c) > 1}
        preview.duplicate_columns = [name for name, column in zip(header, columns, strict=True) if column in twice]
        preview.file_problems.append("duplicate_columns")
        return preview
    preview.missing_columns = [group[0] for group in REQUIRED if not any(c in columns for c in group)]
    if preview.missing_columns:
        preview.file_problems.append("missing_columns")
        return preview
    seen: dict[str, int] = {}
    try:
        for cells in reader:
            disallowed_in = _disallowed_columns(header, cells)
            if not disallowed_in and not any(cell.strip() for cell in cells):
                continue
            if len(preview.rows) >= MAX_ROWS:
                preview.file_problems.append("too_many_rows")
                return preview
            # Cells are cleaned like every form field (no bidi controls, NFC, one line).
            values = {column: clean_line(cell) for column, cell in zip(columns, cells, strict=False) if column}
            row = Row(line=reader.line_num, values=values, disallowed_in=disallowed_in)
            if disallowed_in:  # every cell counts, known column or not: the file is stored as sent
                row.problems.append("disallowed_characters")
            _check_values(row, words)
            if row.key:  # josé in NFC and NFD, or ｊｏｈｎ and john: one person
                if row.key in seen:
                    row.problems.append("duplicate")
                seen.setdefault(row.key, row.line)
            if row.problems:
                row.status = INVALID
            preview.rows.append(row)
    except csv.Error:
        preview.file_problems.append("unreadable")
    if not preview.rows and not preview.file_problems:
        preview.file_problems.append("empty")
    # Arabic names may be in the Arabic-name column or, typed by an Arabic speaker, in the full name.
    if any(
        _unreadable_arabic(row.values.get(key, "")) for row in preview.rows for key in ("full_name_ar", "full_name")
    ):
        preview.file_problems.append("arabic_unreadable")
    return preview


# Windows-1256 (Arabic Windows) bytes read as Windows-1252 give Latin-1 letters only: "ÓáãÜ ÈäÚáí".
_LATIN1_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100)) - {"×", "÷"}


def _unreadable_arabic(name: str) -> bool:
    """An "Arabic name" that an encoding ruined: accented Latin letters only (Windows-1256 read as
    Windows-1252), or question marks and no letter (Excel wrote "?" for what Windows-1252 lacks)."""
    letters = [c for c in name if c.isalpha()]
    if not letters:
        return "?" in name
    return all(c in _LATIN1_LETTERS for c in letters)


def _disallowed_columns(header: list[str], cells: list[str]) -> list[str]:
    """The columns (header text, or position when it has none) whose cell holds a control character."""
    return [
        (header[index].strip() if index < len(header) else "") or str(index + 1)
        for index, cell in enumerate(cells)
        if has_disallowed(cell)
    ]


def _check_values(row: Row, words: Vocabulary) -> None:
    values = row.values
    first_name = values.pop("first_name", "")
    if first_name and values.get("full_name"):  # "Prénom" and "Nom" columns, as French lists often have
        values["full_name"] = f"{first_name} {values['full_name']}"
    try:  # the same form as sign-up and login
        values["email"] = emails.canonical_email(values.get("email", ""))
    except emails.InvalidEmail:
        row.problems.append("invalid_email")
    if not any(values.get(name) for name in NAMES):
        row.problems.append("missing_name")
    for column in values:
        if len(values[column]) > MAX_CELL:
            row.problems.append("too_long")
            break
    for column, index, key in (
        ("organisation_type", words.organisation_types, _key),
        ("region", words.regions, _region_key),
    ):
        if values.get(column):
            code = index.get(key(values[column]))
            if code is None:
                row.problems.append(f"unknown_{column}")
                row.unknown[column] = values[column]
            else:
                values[column] = code
    if values.get("language"):
        code = language_code(values["language"])
        if code is None:
            row.problems.append("unknown_language")
        else:
            values["language"] = code
    if values.get("email") and "invalid_email" not in row.problems:
        row.key = emails.email_key(values["email"])


# Values people write for a language (after _key: no accents or hamza, case-folded), mapped to our codes.
LANGUAGE_ALIASES = {
    "fr": "fr", "fra": "fr", "fre": "fr", "francais": "fr", "french": "fr", "الفرنسية": "fr", "فرنسية": "fr",
    "ar": "ar", "ara": "ar", "arabe": "ar", "arabic": "ar", "العربية": "ar", "عربية": "ar", "عربي": "ar",
    "en": "en", "eng": "en", "anglais": "en", "english": "en", "الانجليزية": "en", "انجليزية": "en",
    "الانكليزية": "en", "انجليزي": "en",
}  # fmt: skip


def language_code(text: str) -> str | None:
    """fr, ar or en for what a file says ("Français", "arabe", "العربية", "fr-MA"…); None if unknown."""
    languages = {_key(alias): code for alias, code in LANGUAGE_ALIASES.items()}
    key = _key(text)
    return languages.get(key) or languages.get(key.split(" ")[0])  # "fr-MA", "ar_MA"


LOOKUP_CHUNK = 400  # addresses per lookup: two IN lists stay within SQLite's 999 variables of old versions


def plan(cohort: Cohort, text: str | None, words: Vocabulary | None = None) -> Plan:
    """What importing `text` into `cohort` does, row by row, and whether it can (reads, writes nothing).

    The file's own rules (`read`), then the session's and the database's (`settle`). The preview
    shows it; `apply()` settles the file's checked rows again in its transaction and imports exactly that.
    """
    if text is None:
        return Plan(file_problems=["encoding"])
    return settle(cohort, read(text, words))


def settle(cohort: Cohort, checked: Plan) -> Plan:
    """Add to a read file what the session and the database decide: closed session, unpublished
    course, existing accounts and enrollments, look-alike addresses, capacity."""
    if not cohort.is_open:
        checked.file_problems.append("cohort_closed")
    if not cohort.course.is_public:
        checked.file_problems.append("course_closed")
    _match_accounts(cohort, [row for row in checked.rows if row.status != INVALID])
    checked.capacity, checked.in_session = cohort.capacity, services.enrolled_count(cohort)
    if checked.over_capacity:
        checked.file_problems.append("full")
    return checked


def _match_accounts(cohort: Cohort, rows: list[Row]) -> None:
    """Give each row its status from the accounts and enrollments that exist (two queries per chunk)."""
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start : start + LOOKUP_CHUNK]
        by_email: dict[str, int] = {}
        by_key: dict[str, int] = {}
        accounts = select(User.id, User.email, User.email_key).where(
            or_(User.email.in_([row.email for row in chunk]), User.email_key.in_([row.key for row in chunk]))
        )
        for user_id, email, key in db.session.execute(accounts):
            by_email[email] = user_id
            if key is not None:
                by_key[key] = user_id
        enrollments = {
            user_id: (enrollment_id, cohort_id)
            for enrollment_id, user_id, cohort_id in db.session.execute(
                select(Enrollment.id, Enrollment.user_id, Enrollment.cohort_id).where(
                    Enrollment.course_id == cohort.course_id, Enrollment.user_id.in_(list(by_email.values()))
                )
            )
        }
        for row in chunk:
            _give_status(row, cohort, by_email.get(row.email), row.key in by_key, enrollments)


def _give_status(row: Row, cohort: Cohort, user_id: int | None, key_taken: bool, enrollments: dict) -> None:
    if user_id is None and key_taken:
        row.problems.append("lookalike")  # another account has this address in compatibility form
        row.status = INVALID
        return
    row.user_id = user_id
    if user_id is None:
        row.status = NEW
    elif user_id in enrollments:
        row.enrollment_id, in_cohort = enrollments[user_id]
        row.status = ALREADY if in_cohort == cohort.id else ATTACH if in_cohort is None else OTHER_COHORT
    else:
        row.status = EXISTING


@dataclass
class ImportResult:
    created_ids: list[int] = field(default_factory=list)  # accounts created by the import
    joined_ids: list[int] = field(default_factory=list)  # everyone it put in the session: told once it commits
    enrolled: int = 0  # new enrollments and enrollments attached to the session
    unchanged: int = 0

    @property
    def created(self) -> int:
        return len(self.created_ids)


WRITE_CHUNK = 2_000  # rows written between two progress reports


def apply(
    cohort: Cohort,
    checked: Plan,
    actor: Actor,
    expected: str | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import the plan of a file's `checked` rows (`read()`, or `Plan.from_stored`) in the caller's
    transaction, or raise CoordinationError and write nothing.

    The plan is settled again here, with the session locked: its refusal (`closed`,
    `course_closed`, `full`, `invalid_file`) is the preview's; `changed` when it is no longer the
    plan whose digest is `expected` (someone enrolled, an account was created since the preview).
    Rows are written in bulk — accounts, enrollments, audit events — with INSERT … ON CONFLICT DO
    NOTHING, so a row that appeared meanwhile is noticed (`changed`) instead of failing half-way.
    Accounts get no password (they activate from their invitation). `on_progress(done, total)`
    is called after each chunk of rows.
    """
    services.lock_cohort(cohort)
    current = settle(cohort, checked)
    if not current.is_valid:
        raise services.CoordinationError(current.refusal())
    if expected is not None and current.digest() != expected:
        raise services.CoordinationError("changed")
    result = ImportResult(unchanged=sum(1 for row in current.rows if row.status in (ALREADY, OTHER_COHORT)))
    now = utcnow()
    for start in range(0, len(current.rows), WRITE_CHUNK):
        chunk = current.rows[start : start + WRITE_CHUNK]
        result.created_ids += _create_accounts([row for row in chunk if row.status == NEW], now)
        joining = [row for row in chunk if row.status in (NEW, EXISTING, ATTACH)]
        result.enrolled += _enroll(cohort, [row for row in joining if row.status != ATTACH], now, actor)
        result.enrolled += _attach(cohort, [row for row in joining if row.status == ATTACH], actor)
        result.joined_ids += [row.user_id for row in joining]
        if on_progress:
            on_progress(start + len(chunk), len(current.rows))
    record(
        actor, "cohort.import", "cohort", cohort.id, cohort.name, course_title=cohort.course.title,
        rows=len(current.rows), created=result.created, enrolled=result.enrolled, unchanged=result.unchanged,
    )  # fmt: skip
    return result


def _account_values(row: Row, now) -> dict:
    """The columns `accounts.create_user` would write for this row (cells are cleaned already).

    No password hash: an invited account has none until its owner activates it from the invitation.
    """
    values = row.values
    return {
        "email": row.email, "email_key": row.key, "email_skeleton": emails.email_skeleton(row.email),
        "full_name": values.get("full_name", ""), "full_name_ar": values.get("full_name_ar") or None,
        "organisation": values.get("organisation", ""), "organisation_type": values.get("organisation_type") or None,
        "region": values.get("region") or None, "job_title": values.get("job_title", ""),
        "preferred_language": values.get("language") or None,  # the file's column, for new accounts only
        "role": "learner", "is_active": True,
        "created_at": now, "session_epoch": 0,
    }  # fmt: skip


def _create_accounts(rows: list[Row], now) -> list[int]:
    table = User.__table__
    inserted = insert_many_ignoring_conflicts(
        db.session, table, [_account_values(row, now) for row in rows], returning=(table.c.id, table.c.email)
    )
    ids = dict((email, user_id) for user_id, email in inserted)
    if len(ids) != len(rows):  # an account with one of these addresses was created since the plan
        raise services.CoordinationError("changed")
    for row in rows:
        row.user_id = ids[row.email]
    return [row.user_id for row in rows]


def _enrollment_events(cohort: Cohort, rows: list[Row], ids: dict[int, int], **extra) -> list[tuple[int, str, dict]]:
    course = {"course": cohort.course.slug, "course_title": cohort.course.title}
    return [
        (ids[row.user_id], f"{row.email} · {cohort.course.slug}",
         {"cohort": cohort.id, "cohort_name": cohort.name, "user": row.email, **course, **extra})
        for row in rows
    ]  # fmt: skip


def _enroll(cohort: Cohort, rows: list[Row], now, actor: Actor) -> int:
    table = Enrollment.__table__
    values = [
        {"user_id": row.user_id, "course_id": cohort.course_id, "source": "import", "enrolled_at": now,
         "cohort_id": cohort.id}
        for row in rows
    ]  # fmt: skip
    inserted = insert_many_ignoring_conflicts(db.session, table, values, returning=(table.c.id, table.c.user_id))
    if len(inserted) != len(rows):  # one of them enrolled in the course since the plan
        raise services.CoordinationError("changed")
    ids = dict((user_id, enrollment_id) for enrollment_id, user_id in inserted)
    record_many(actor, "enrollment.create", "enrollment", _enrollment_events(cohort, rows, ids, source="import"))
    return len(rows)


def _attach(cohort: Cohort, rows: list[Row], actor: Actor) -> int:
    """Put enrollments that have no session into this one (learners who enrolled on their own)."""
    attached = 0
    for start in range(0, len(rows), LOOKUP_CHUNK):
        ids = [row.enrollment_id for row in rows[start : start + LOOKUP_CHUNK]]
        attached += db.session.execute(
            update(Enrollment)
            .where(Enrollment.id.in_(ids), Enrollment.cohort_id.is_(None))
            .values(cohort_id=cohort.id)
            .execution_options(synchronize_session=False)
        ).rowcount
    if attached != len(rows):  # one of them joined another session since the plan
        raise services.CoordinationError("changed")
    ids = {row.user_id: row.enrollment_id for row in rows}
    record_many(actor, "enrollment.attach", "enrollment", _enrollment_events(cohort, rows, ids))
    return len(rows)
