"""Bulk enrollment from a CSV file: read, check every row, preview, then import all or nothing.

Files come from Excel as often as not: UTF-8 with or without BOM, comma or semicolon, headers in
French or English. Every problem is reported with its line; nothing is written until the
coordinator confirms a file whose every row is valid.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from courses.audit.services import Actor, record
from courses.auth import emails
from courses.auth import services as accounts
from courses.auth.models import User
from courses.auth.territory import ORGANISATION_TYPES, REGIONS
from courses.coordination import services
from courses.coordination.models import Cohort, CsvImport
from courses.edge import has_disallowed
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.text import clean_line

MAX_ROWS = 20_000
MAX_CELL = 200  # characters; no more than the account columns the cells go to (a test compares)

# Column -> accepted header spellings (compared without accents, case or spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "courriel", "adresse electronique", "mail", "البريد الالكتروني"),
    "full_name": ("full name", "nom complet", "nom", "name", "nom et prenom", "الاسم الكامل بالحروف اللاتينية"),
    "first_name": ("first name", "given name", "prenom", "الاسم الشخصي"),
    "full_name_ar": ("arabic name", "nom arabe", "nom en arabe", "الاسم الكامل", "الاسم بالعربية", "الاسم"),
    "organisation": ("organisation", "organization", "organisme", "institution", "الهيئة", "المؤسسة"),
    "organisation_type": ("organisation type", "organization type", "type d'organisation", "type", "نوع الهيئة"),
    "region": ("region", "الجهة"),
    "job_title": ("function", "fonction", "poste", "job title", "الوظيفة"),
    "language": ("language", "langue", "lang", "preferred language", "langue preferee", "اللغة", "لغة"),
}
REQUIRED = ("email", "full_name")

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


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("_", " ").replace("-", " ").split())


def _index(aliases: dict[str, str]) -> dict[str, str]:
    return {_key(alias): code for alias, code in aliases.items()}


# Values people write for a language (after _key: no accents or hamza, case-folded), mapped to our codes.
LANGUAGE_ALIASES = {
    "fr": "fr", "fra": "fr", "fre": "fr", "francais": "fr", "french": "fr", "الفرنسية": "fr", "فرنسية": "fr",
    "ar": "ar", "ara": "ar", "arabe": "ar", "arabic": "ar", "العربية": "ar", "عربية": "ar", "عربي": "ar",
    "en": "en", "eng": "en", "anglais": "en", "english": "en", "الانجليزية": "en", "انجليزية": "en",
    "الانكليزية": "en", "انجليزي": "en",
}  # fmt: skip

_ORGANISATIONS = _index({**ORGANISATION_ALIASES, **{code: code for code in ORGANISATION_TYPES}})
_REGIONS = _index({**{code: code for code in REGIONS}, **{str(label): code for code, label in REGIONS.items()}})
_LANGUAGES = _index(LANGUAGE_ALIASES)
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

    @property
    def email(self) -> str:
        return self.values.get("email", "")


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)  # codes: encoding, missing columns, …
    missing_columns: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # headers we do not know, shown to the user

    @property
    def is_valid(self) -> bool:
        return not self.file_problems and all(row.status != INVALID for row in self.rows)

    def counts(self) -> dict[str, int]:
        counts = {status: 0 for status in (NEW, EXISTING, ATTACH, ALREADY, OTHER_COHORT, INVALID)}
        for row in self.rows:
            counts[row.status] += 1
        return counts


def decode(raw: bytes) -> str | None:
    """UTF-8 text, with or without a BOM; None when the bytes are not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
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


def read(text: str) -> Preview:
    """Parse and check the file's shape and every row's values (no database needed)."""
    preview = Preview()
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
        preview.file_problems.append("duplicate_columns")
        return preview
    preview.missing_columns = [c for c in REQUIRED if c not in columns]
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
            _check_values(row)
            if row.email:
                key = emails.email_key(row.email)  # josé in NFC and NFD, or ｊｏｈｎ and john: one person
                if key in seen:
                    row.problems.append("duplicate")
                seen.setdefault(key, row.line)
            if row.problems:
                row.status = INVALID
            preview.rows.append(row)
    except csv.Error:
        preview.file_problems.append("unreadable")
    if not preview.rows and not preview.file_problems:
        preview.file_problems.append("empty")
    return preview


def _disallowed_columns(header: list[str], cells: list[str]) -> list[str]:
    """The columns (header text, or position when it has none) whose cell holds a control character."""
    return [
        (header[index].strip() if index < len(header) else "") or str(index + 1)
        for index, cell in enumerate(cells)
        if has_disallowed(cell)
    ]


def _check_values(row: Row) -> None:
    values = row.values
    first_name = values.pop("first_name", "")
    if first_name and values.get("full_name"):  # "Prénom" and "Nom" columns, as French lists often have
        values["full_name"] = f"{first_name} {values['full_name']}"
    try:  # the same form as sign-up and login
        values["email"] = emails.canonical_email(values.get("email", ""))
    except emails.InvalidEmail:
        row.problems.append("invalid_email")
    if not values.get("full_name"):
        row.problems.append("missing_name")
    for column in values:
        if len(values[column]) > MAX_CELL:
            row.problems.append("too_long")
            break
    if values.get("organisation_type"):
        code = _ORGANISATIONS.get(_key(values["organisation_type"]))
        if code is None:
            row.problems.append("unknown_organisation_type")
        else:
            values["organisation_type"] = code
    if values.get("region"):
        code = _REGIONS.get(_key(values["region"]))
        if code is None:
            row.problems.append("unknown_region")
        else:
            values["region"] = code
    if values.get("language"):
        code = language_code(values["language"])
        if code is None:
            row.problems.append("unknown_language")
        else:
            values["language"] = code


def language_code(text: str) -> str | None:
    """fr, ar or en for what a file says ("Français", "arabe", "العربية", "fr-MA"…); None if unknown."""
    key = _key(text)
    return _LANGUAGES.get(key) or _LANGUAGES.get(key.split(" ")[0])  # "fr-MA", "ar_MA"


def preview(cohort: Cohort, text: str | None) -> Preview:
    """What importing `text` into `cohort` would do, row by row (reads the database, writes nothing)."""
    if text is None:
        return Preview(file_problems=["encoding"])
    result = read(text)
    if not cohort.is_open:
        result.file_problems.append("cohort_closed")
    if not cohort.course.is_public:
        result.file_problems.append("course_closed")
    valid = [row for row in result.rows if row.status != INVALID]
    users, users_by_key = _existing_accounts(valid)
    enrolled = {
        user_id: cohort_id
        for user_id, cohort_id in db.session.execute(
            select(Enrollment.user_id, Enrollment.cohort_id).where(Enrollment.course_id == cohort.course_id)
        )
    }
    for row in valid:
        user = users.get(row.email)
        if user is None and emails.email_key(row.email) in users_by_key:
            row.problems.append("lookalike")  # another account has this address in compatibility form
            row.status = INVALID
        elif user is None:
            row.status = NEW
        elif user.id in enrolled:
            cohort_of_user = enrolled[user.id]
            row.status = ALREADY if cohort_of_user == cohort.id else ATTACH if cohort_of_user is None else OTHER_COHORT
        else:
            row.status = EXISTING
    return result


def _existing_accounts(rows: list[Row]) -> tuple[dict[str, User], dict[str, User]]:
    """The accounts the rows name, by email; and by key, to find look-alikes of their addresses."""
    by_email: dict[str, User] = {}
    by_key: dict[str, User] = {}
    for start in range(0, len(rows), 500):  # bounded IN lists
        addresses = [row.email for row in rows[start : start + 500]]
        keys = [emails.email_key(address) for address in addresses]
        for user in db.session.scalars(select(User).where(or_(User.email.in_(addresses), User.email_key.in_(keys)))):
            by_email[user.email] = user
            if user.email_key is not None:
                by_key[user.email_key] = user
    return by_email, by_key


@dataclass
class ImportResult:
    created: list[User] = field(default_factory=list)  # accounts made by this import
    joined: list[User] = field(default_factory=list)  # everyone it put in the session (new accounts too)
    enrolled: int = 0
    unchanged: int = 0


def apply(cohort: Cohort, text: str | None, actor: Actor, on_row: Callable[[], None] | None = None) -> ImportResult:
    """Import every row, or raise CoordinationError('invalid_file') and write nothing.

    `actor` is who confirmed the import (a coordinator, or COMMAND_LINE): the import and each
    enrollment it makes are recorded in their name.
    """
    checked = preview(cohort, text)
    if not checked.is_valid:
        raise services.CoordinationError("invalid_file")
    if cohort.capacity is not None:
        incoming = sum(1 for row in checked.rows if row.status in (NEW, EXISTING, ATTACH))
        if services.enrolled_count(cohort) + incoming > cohort.capacity:
            raise services.CoordinationError("full")
    result = ImportResult()
    for row in checked.rows:
        user = accounts.find_user(row.email)
        if user is None:
            profile = accounts.Profile(
                full_name=row.values["full_name"],
                full_name_ar=row.values.get("full_name_ar"),
                organisation=row.values.get("organisation", ""),
                organisation_type=row.values.get("organisation_type"),
                region=row.values.get("region"),
                job_title=row.values.get("job_title", ""),
                preferred_language=row.values.get("language"),  # the file's column, for new accounts only
            )
            user = accounts.create_user(row.email, profile, password=None)
            result.created.append(user)
        outcome = services.enroll_in_cohort(cohort, user, actor, source="import")
        if outcome in ("enrolled", "attached"):
            result.enrolled += 1
            result.joined.append(user)
        else:
            result.unchanged += 1
        if on_row:
            on_row()
    record(
        actor, "cohort.import", "cohort", cohort.id, cohort.name, course_title=cohort.course.title,
        rows=len(checked.rows), created=len(result.created), enrolled=result.enrolled, unchanged=result.unchanged,
    )  # fmt: skip
    return result
