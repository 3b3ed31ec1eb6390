"""Declarative base, naming conventions and column types shared by every feature's models."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sqlalchemy import Date, DateTime, Float, MetaData, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.functions import FunctionElement, ReturnTypeFromArgs
from sqlalchemy.types import TypeDecorator

# Named constraints let Alembic alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Tables in the database that no model describes, so model comparisons (Alembic's `include_object`)
# leave them out: the task queue's own (huey_*, migration 0006, on PostgreSQL) and SQLite's
# full-text index of search_entry (search_fts and the shadow tables FTS5 makes, migration 0008).
UNMODELLED_TABLE_PREFIXES = ("huey_", "search_fts")


def include_in_schema(object, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: everything but the tables of UNMODELLED_TABLE_PREFIXES."""
    return not (type_ == "table" and name.startswith(UNMODELLED_TABLE_PREFIXES))


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite drops the offset; PostgreSQL keeps it. Both come back as aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use courses.database.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, let readers work during writes, wait instead of failing on locks."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL never corrupts the database; it only defers the fsync to checkpoints,
        # which makes each write (a learner opening a module) several times cheaper.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        # 16 MiB of page cache per connection (SQLite's default is 2 MiB): search ranks thousands
        # of index entries and module pages are tens of KB, which the default cache re-reads from
        # the file on every request.
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.close()


def _insert_ignoring_conflicts(session, target):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql_insert(target).on_conflict_do_nothing()
    if dialect == "sqlite":
        return sqlite_insert(target).on_conflict_do_nothing()
    raise RuntimeError(f"unsupported database: {dialect}")  # pragma: no cover - only SQLite and PostgreSQL


def insert_ignoring_conflicts(session, model, values: dict) -> bool:
    """INSERT a row unless it would break a unique constraint; True if a row was inserted.

    The database settles races (two tabs, a double click, concurrent workers): no
    read-then-write window, on SQLite and PostgreSQL alike.
    """
    statement = _insert_ignoring_conflicts(session, model).values(**values)
    # RETURNING tells reliably whether a row went in (drivers disagree on rowcount here).
    primary_key = model.__table__.primary_key.columns
    return session.execute(statement.returning(*primary_key)).first() is not None


class greatest(ReturnTypeFromArgs):  # lower case, as SQL functions read (`func.max`)
    """The largest of its arguments that are not NULL (NULL when all are), typed like the first one.

    PostgreSQL's GREATEST ignores NULLs; SQLite's several-argument max() returns NULL as soon
    as one argument is NULL, so there it compares each argument coalesced with the others (a
    NULL argument then stands for another one, never for a larger value).
    """

    inherit_cache = True


@compiles(greatest)
def _greatest(element, compiler, **kw) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element, compiler, **kw) -> str:
    values = [compiler.process(value, **kw) for value in element.clauses]
    if len(values) == 1:
        return values[0]
    rotations = (", ".join(values[start:] + values[:start]) for start in range(len(values)))
    return "max(" + ", ".join(f"coalesce({rotation})" for rotation in rotations) + ")"


class seconds_between(FunctionElement):
    """`later - earlier` in seconds (a float), for averages of durations in SQL on both databases."""

    type = Float()
    inherit_cache = True


@compiles(seconds_between)
def _seconds_between(element, compiler, **kw) -> str:
    later, earlier = (compiler.process(value, **kw) for value in element.clauses)
    return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element, compiler, **kw) -> str:
    later, earlier = (compiler.process(value, **kw) for value in element.clauses)
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


class utc_day(FunctionElement):
    """The UTC calendar day of a timestamp (a date), for counts by day or week in SQL on both databases."""

    type = Date()
    inherit_cache = True


@compiles(utc_day)
def _utc_day(element, compiler, **kw) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC' AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"  # stored as UTC text


BULK_ROWS = 500  # rows per statement: SQLite allows 32,766 parameters, and the widest table has ~15 columns


def insert_many_ignoring_conflicts(session, table, rows: list[dict], returning: tuple = ()) -> list[tuple]:
    """INSERT many rows, skipping those that would break a unique constraint; the `returning`
    columns of the rows that went in (in no particular order).

    One statement per BULK_ROWS rows (SQLAlchemy's "insertmanyvalues"), no ORM objects: the way to
    write thousands of rows in a request. Every row must have the same keys.
    """
    statement = _insert_ignoring_conflicts(session, table)
    if returning:
        statement = statement.returning(*returning)
    inserted: list[tuple] = []
    for start in range(0, len(rows), BULK_ROWS):
        result = session.execute(statement, rows[start : start + BULK_ROWS])
        if returning:
            inserted.extend(tuple(row) for row in result)
    return inserted
