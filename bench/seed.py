"""Bench databases: create, migrate to head and fill with reproducible synthetic data by bulk inserts."""

from __future__ import annotations

import base64
import contextlib
import io
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import Connection, make_url
from werkzeug.security import generate_password_hash

from bench import corpus
from courses.auth.emails import email_key, email_skeleton
from courses.auth.models import User
from courses.auth.territory import ORGANISATION_TYPES, REGIONS
from courses.catalog.models import Course, CourseTag, Module, Question
from courses.certificates.codes import new_code
from courses.certificates.models import Certificate
from courses.config import Defaults, normalise_database_url
from courses.coordination.models import Cohort
from courses.learning.models import Enrollment, ModuleProgress, QuizAnswer, QuizAttempt
from courses.material import render_document
from courses.material.tree import content_hash

PASSWORD = "bench-password-2024"  # noqa: S105 - every seeded account shares it (hashed once)
COORDINATOR = "coordination@bench.tadbir.ma"
LEARNER = "apprenant@bench.tadbir.ma"
BATCH = 5_000
RENDERED_POOL = 20  # distinct module renderings, reused: rendering all 500 would make the seed slow
JOBS = (
    "Journaliste", "Rédacteur en chef", "Chargé de communication", "Élu", "Directeur des services", "Technicien",
    "Secrétaire général", "Chef de division", "Correspondant régional", "Chargée d'études",
)  # fmt: skip
SEASONS = ("hiver", "printemps", "été", "automne")


@dataclass(frozen=True)
class Sizes:
    """How much data: course 0 enrolls every learner, course 1 holds the certificate export."""

    learners: int = 10_000
    courses: int = 50
    modules: int = 10  # per course, each with a 3-question quiz
    cohorts: int = 100  # spread over the courses
    largest_completed: int = 4_000  # completions in course 0
    export_enrollments: int = 2_000  # course 1
    export_completed: int = 1_000  # course 1: exactly the 1,000 certificates of the export benchmarks
    other_enrollments: int = 1_000  # each of the other courses
    other_completed: int = 15_000  # spread over the other courses
    max_started: int = 5  # modules opened by an unfinished enrollment: 0..max_started, uniformly
    attempt_share: float = 0.1  # completed modules whose passing attempt is kept in the seed


LARGE = Sizes()
SMALL = Sizes(
    learners=20, courses=2, modules=3, cohorts=2, largest_completed=8, export_enrollments=10, export_completed=5,
    other_enrollments=0, other_completed=0, max_started=2, attempt_share=0.5,
)  # fmt: skip


# Enough accounts for the CSV import's existing share (20% of 20,000 rows), little else (`python -m bench.bulk
# csv-import` seeds it to measure the import alone).
IMPORT = Sizes(
    learners=10_000, courses=3, modules=3, cohorts=3, largest_completed=100, export_enrollments=100,
    export_completed=10, other_enrollments=1_000, other_completed=100, max_started=1, attempt_share=0.1,
)  # fmt: skip


# -- databases ------------------------------------------------------------------------------------------


def create_database(name: str, folder: Path, server_url: str | None) -> str:
    """A fresh, empty database: a SQLite file in `folder`, or `name` on the PostgreSQL server."""
    if not server_url:
        path = folder / f"{name}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    _server_command(server_url, name, create=True)
    url = make_url(normalise_database_url(server_url)).set(database=name)
    return url.render_as_string(hide_password=False)


def drop_database(name: str, server_url: str | None) -> None:
    if server_url:
        _server_command(server_url, name, create=False)


def _server_command(server_url: str, name: str, create: bool) -> None:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"bad database name: {name}")
    admin = make_url(normalise_database_url(server_url)).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            connection.execute(f'CREATE DATABASE "{name}"')


def app_config(url: str, content_dir: Path) -> dict:
    """Settings for an in-process app on a bench database (the served app gets the same through env)."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench-secret-key",
        "CONTENT_DIR": str(content_dir),
        "RATELIMIT_ENABLED": False,
        "PUBLIC_BASE_URL": "https://bench.tadbir.ma",  # certificates and QR codes need the public address
    }


def migrate(url: str, content_dir: Path) -> None:
    """Create the schema exactly as `flask db upgrade` does."""
    import flask_migrate

    from courses import create_app
    from courses.extensions import db

    app = create_app(app_config(url, content_dir))
    log = io.StringIO()
    # Alembic logs every revision to stderr (its logging config is reloaded on each upgrade): keep it quiet.
    with app.app_context(), contextlib.redirect_stderr(log):
        try:
            flask_migrate.upgrade()
        except BaseException:
            sys.stderr.write(log.getvalue())
            raise
        finally:
            db.engine.dispose()


def database_version(url: str) -> str:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                return "SQLite " + connection.execute(text("select sqlite_version()")).scalar_one()
            return "PostgreSQL " + connection.execute(text("show server_version")).scalar_one()
    finally:
        engine.dispose()


# -- data -----------------------------------------------------------------------------------------------


def _batches(rows: Iterable[dict], size: int = BATCH) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(connection: Connection, table, rows: Iterable[dict]) -> int:
    count = 0
    for batch in _batches(rows):
        connection.execute(insert(table), batch)  # executemany: one statement, many parameter sets
        count += len(batch)
    return count


class Seeder:
    """Generates rows course by course and inserts them in batches, keeping memory flat."""

    def __init__(self, connection: Connection, sizes: Sizes, seed: int):
        self.connection = connection
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 - reproducible sample data, not secrets
        self.seed = seed
        # Midnight today: the data keep the same shape relative to "now" (reports show recent weeks).
        self.now = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        self.counts: dict[str, int] = {}
        self.ids = {"enrollment": 0, "progress": 0, "attempt": 0, "answer": 0, "certificate": 0}
        self.codes: set[str] = set()

    def add(self, name: str, table, rows: Iterable[dict]) -> None:
        self.counts[name] = self.counts.get(name, 0) + _insert(self.connection, table, rows)

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def ago(self, low_days: float, high_days: float) -> datetime:
        return self.now - timedelta(seconds=self.rng.uniform(low_days * 86400, high_days * 86400))

    # users, courses, cohorts

    def users(self) -> None:
        password_hash = generate_password_hash(PASSWORD)  # once: hashing is deliberately slow
        rng = self.rng
        types, regions = list(ORGANISATION_TYPES), list(REGIONS)
        self.people: dict[int, tuple[str, str]] = {}

        def person(user_id: int, email: str, role: str) -> dict:
            first, last = rng.choice(corpus.FIRST_NAMES), rng.choice(corpus.LAST_NAMES)
            kind = rng.choice(types)
            self.people[user_id] = (f"{first[0]} {last[0]}", f"{first[1]} {last[1]}")
            return {
                "id": user_id, "email": email, "email_key": email_key(email), "email_skeleton": email_skeleton(email),
                "full_name": self.people[user_id][0],
                "full_name_ar": self.people[user_id][1] if rng.random() < 0.8 else None,
                "password_hash": password_hash, "role": role,
                "organisation": f"{kind.capitalize()} de {rng.choice(corpus.CITIES)}", "organisation_type": kind,
                "region": rng.choice(regions), "job_title": rng.choice(JOBS),
                "preferred_language": None, "is_active": True, "created_at": self.ago(300, 400),
                "last_login_at": self.ago(0, 30),
            }  # fmt: skip

        fixed = [person(1, COORDINATOR, "coordinator"), person(2, LEARNER, "learner")]
        learners = (person(3 + n, f"learner{n:05d}@bench.tadbir.ma", "learner") for n in range(self.sizes.learners))
        self.add("user_account", User.__table__, [*fixed, *learners])
        self.learner_ids = list(range(3, 3 + self.sizes.learners))

    def courses(self) -> None:
        sizes = self.sizes
        self.texts = corpus.courses(self.seed, sizes.courses, sizes.modules)
        pool = [render_document(m.body, "module") for m in [m for c in self.texts for m in c.modules][:RENDERED_POOL]]
        course_rows, tag_rows, module_rows, question_rows = [], [], [], []
        self.course_info: list[dict] = []
        for index, course in enumerate(self.texts):
            course_id = index + 1
            intro = render_document(course.intro, "course")
            created = self.ago(380, 400)
            digest = content_hash(course.markdown().encode(), "course")
            course_rows.append({
                "id": course_id, "slug": course.slug, "title": course.title, "summary": course.summary,
                "language": course.language, "audience": "Journalistes, élus et personnels des collectivités",
                "hours": course.hours, "level": course.level,
                "trainers": [{"name": t, "email": None} for t in course.trainers],
                "status": "published", "is_certifying": True, "pass_mark": 70, "translation_of": course.translation_of,
                "intro_html": intro.html, "intro_toc": [[e.level, e.anchor, e.title] for e in intro.toc],
                "intro_references": [asdict(r) for r in intro.references],
                "content_hash": digest,
                "created_at": created, "updated_at": created, "archived_at": None,
            })  # fmt: skip
            tag_rows += [{"course_id": course_id, "tag": tag} for tag in course.tags]
            modules = []
            for module in course.modules:
                module_id = index * sizes.modules + module.position
                rendered = pool[(module_id - 1) % len(pool)]
                module_rows.append({
                    "id": module_id, "course_id": course_id, "slug": module.slug, "position": module.position,
                    "title": module.title, "minutes": module.minutes, "objectives": list(module.objectives),
                    "is_required": True, "html": rendered.html,
                    "toc": [[e.level, e.anchor, e.title] for e in rendered.toc],
                    "references": [asdict(r) for r in rendered.references],
                    "content_hash": content_hash(module.markdown().encode(), "module"),
                    "created_at": created, "updated_at": created, "archived_at": None,
                })  # fmt: skip
                questions = []
                for position, item in enumerate(module.quiz, start=1):
                    answers = item.answer if isinstance(item.answer, list) else [item.answer]
                    question_id = (module_id - 1) * len(module.quiz) + position
                    question_rows.append({
                        "id": question_id, "module_id": module_id, "position": position, "prompt": item.prompt,
                        "choices": list(item.choices), "answers": answers, "is_multiple": isinstance(item.answer, list),
                        "explanation": item.explanation, "archived_at": None,
                    })  # fmt: skip
                    questions.append((question_id, answers, len(item.choices)))
                modules.append((module_id, questions))
            self.course_info.append({
                "id": course_id, "slug": course.slug, "title": course.title, "language": course.language,
                "hours": course.hours, "version": digest[:12], "modules": modules, "cohorts": [],
            })  # fmt: skip
        self.add("course", Course.__table__, course_rows)
        self.add("course_tag", CourseTag.__table__, tag_rows)
        self.add("module", Module.__table__, module_rows)
        self.add("question", Question.__table__, question_rows)

    def cohorts(self) -> None:
        rows = []
        for number in range(self.sizes.cohorts):
            info = self.course_info[number % len(self.course_info)]
            city = self.rng.choice(corpus.CITIES)
            place = "" if self.rng.random() < 0.25 else city  # a quarter are online
            starts = (self.now - timedelta(days=self.rng.randint(30, 330))).date()
            name = f"Session {city} — {self.rng.choice(SEASONS)} {starts.year}"
            rows.append({
                "id": number + 1, "course_id": info["id"], "name": name, "starts_on": starts,
                "ends_on": starts + timedelta(days=self.rng.choice((2, 3, 5))), "place": place, "capacity": None,
                "created_at": self.ago(340, 360), "closed_at": None,
            })  # fmt: skip
            info["cohorts"].append((number + 1, name, place))
        self.add("cohort", Cohort.__table__, rows)

    # enrollments and everything hanging on them

    def plans(self, course_index: int) -> list[tuple[int, int, int]]:
        """(user id, modules opened, modules completed) for every enrollment of a course."""
        sizes, rng = self.sizes, self.rng
        n_other = max(1, sizes.courses - 2)
        if course_index == 0:  # every learner but one: with the bench learner, exactly `learners` enrollments
            users, completed = self.learner_ids[: len(self.learner_ids) - 1], sizes.largest_completed
        elif course_index == 1:  # the bench learner's completion below makes it exactly `export_completed`
            users = rng.sample(self.learner_ids, sizes.export_enrollments - 1)
            completed = sizes.export_completed - 1
        else:
            users = rng.sample(self.learner_ids, min(sizes.other_enrollments, len(self.learner_ids)))
            completed = sizes.other_completed // n_other + (course_index - 2 < sizes.other_completed % n_other)
        rng.shuffle(users)
        started_cap = min(sizes.max_started, sizes.modules - 1)  # never all modules: that would be a completion
        plans = []
        for position, user_id in enumerate(users):
            if position < completed:
                plans.append((user_id, sizes.modules, sizes.modules))
            else:
                opened = rng.randint(0, started_cap)
                plans.append((user_id, opened, opened if rng.random() < 0.6 else max(0, opened - 1)))
        # The bench learner (opened, done): course 0 in progress (3 done, a 4th open), course 1 completed,
        # one module opened in the next three.
        bench = {0: (min(4, sizes.modules), min(3, sizes.modules - 1)), 1: (sizes.modules, sizes.modules)}
        if course_index < min(5, sizes.courses):
            plans.append((2, *bench.get(course_index, (1, 0))))
        return plans

    def enrollments(self) -> None:
        for index, info in enumerate(self.course_info):
            self.course_rows(index, info, self.plans(index))

    def course_rows(self, index: int, info: dict, plans: list[tuple[int, int, int]]) -> None:
        rng, modules = self.rng, info["modules"]
        enrollments, progress, attempts, answers, certificates = [], [], [], [], []
        for user_id, opened, done in plans:
            enrollment_id = self.next_id("enrollment")
            cohort = rng.choice(info["cohorts"]) if info["cohorts"] and rng.random() < 0.7 else None
            is_complete = done == len(modules)
            enrolled_at = self.ago(20, 360)
            span = (self.now - enrolled_at).total_seconds()
            moments = sorted(enrolled_at + timedelta(seconds=rng.uniform(0, span * 0.9)) for _ in range(max(opened, 1)))
            completed_at = moments[-1] if is_complete else None
            enrollments.append({
                "id": enrollment_id, "user_id": user_id, "course_id": info["id"],
                "source": ("coordinator", "import")[rng.random() < 0.5] if cohort else "self",
                "enrolled_at": enrolled_at, "completed_at": completed_at,
                "last_module_id": modules[opened - 1][0] if opened else None,
                "cohort_id": cohort[0] if cohort else None,
            })  # fmt: skip
            for position in range(opened):
                module_id, questions = modules[position]
                finished = position < done
                failed = not finished and rng.random() < 0.4  # an attempt below the pass mark
                score = 100 if finished else (rng.choice((0, 33, 67)) if failed else None)
                progress.append({
                    "id": self.next_id("progress"), "enrollment_id": enrollment_id, "module_id": module_id,
                    "first_viewed_at": moments[position], "last_viewed_at": moments[position],
                    "completed_at": moments[position] if finished else None, "best_score": score,
                })  # fmt: skip
                if failed or (finished and rng.random() < self.sizes.attempt_share):
                    attempt_id = self.next_id("attempt")
                    attempts.append({
                        "id": attempt_id, "enrollment_id": enrollment_id, "module_id": module_id,
                        "submitted_at": moments[position], "score": score, "pass_mark": 70, "is_passed": finished,
                    })  # fmt: skip
                    right = round(score * len(questions) / 100)
                    for number, (question_id, correct, choices) in enumerate(questions):
                        is_correct = number < right
                        chosen = correct if is_correct else [next(i for i in range(choices) if i not in correct)]
                        answers.append({
                            "id": self.next_id("answer"), "attempt_id": attempt_id, "question_id": question_id,
                            "chosen": chosen, "is_correct": is_correct,
                        })  # fmt: skip
            if is_complete:
                certificates.append(self.certificate(enrollment_id, user_id, info, completed_at, cohort))
        self.add("enrollment", Enrollment.__table__, enrollments)
        self.add("module_progress", ModuleProgress.__table__, progress)
        self.add("quiz_attempt", QuizAttempt.__table__, attempts)
        self.add("quiz_answer", QuizAnswer.__table__, answers)
        self.add("certificate", Certificate.__table__, certificates)

    def certificate(self, enrollment_id: int, user_id: int, info: dict, completed_at: datetime, cohort) -> dict:
        for _attempt in range(10):  # 58 bits: a repeat is astronomically rare, but the column is unique
            code = new_code()
            if code not in self.codes:
                break
        else:
            raise RuntimeError("no unused certificate code after 10 tries")
        self.codes.add(code)
        name, name_ar = self.people[user_id]
        snapshot = {
            "version": 1,
            "holder": {"name": name, "name_ar": name_ar},
            "course": {
                "slug": info["slug"], "title": info["title"], "language": info["language"],
                "hours": info["hours"], "content_version": info["version"],
            },
            "completed_on": completed_at.date().isoformat(),
            "cohort": {"name": cohort[1], "place": cohort[2]} if cohort else None,
            "institutions": list(Defaults.CERTIFICATE_INSTITUTIONS),
            "signatories": list(Defaults.CERTIFICATE_SIGNATORIES),
        }  # fmt: skip
        return {
            "id": self.next_id("certificate"), "code": code, "enrollment_id": enrollment_id, "user_id": user_id,
            "course_id": info["id"], "issued_at": completed_at, "snapshot": snapshot,
            # Not a valid signature: pages and exports never verify it, and signing 20,000 would slow the seed.
            "signature": base64.b64encode(self.rng.randbytes(64)).decode(),
        }  # fmt: skip


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL: explicit ids leave the sequences at 1; move them past the seeded rows."""
    tables = ("user_account", "course", "module", "question", "cohort", "enrollment", "module_progress",
              "quiz_attempt", "quiz_answer", "certificate")  # fmt: skip
    for table in tables:
        connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")  # noqa: S608 - fixed names
        )


def settle(engine) -> None:
    """What follows a bulk load, as autovacuum does soon after on PostgreSQL: statistics for the
    planner, and (PostgreSQL) the visibility map without which no index-only scan skips the table."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def autovacuum(url: str) -> None:
    """PostgreSQL: what autovacuum does within a minute of a large change (`settle`), so that a
    benchmark that starts right after one does not race it; nothing on SQLite, which keeps no
    statistics unless asked (the application never asks)."""
    engine = create_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            settle(engine)
    finally:
        engine.dispose()


def seed(url: str, sizes: Sizes = LARGE, seed_value: int = 2024) -> dict:
    """Fill a migrated, empty database; return what the benchmarks need to know about it."""
    started = time.perf_counter()
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "sqlite":
                # Durability is irrelevant for a throw-away bench database; the seed is faster without fsync.
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
            seeder = Seeder(connection, sizes, seed_value)
            seeder.users()
            seeder.courses()
            seeder.cohorts()
            seeder.enrollments()
            if engine.dialect.name == "postgresql":
                _reset_sequences(connection)
        settle(engine)
        with engine.begin() as connection:
            largest = connection.execute(
                select(Course.slug).join(Enrollment, Enrollment.course_id == Course.id)
                .group_by(Course.id).order_by(func.count(Enrollment.id).desc(), Course.id).limit(1)
            ).scalar_one()  # fmt: skip
    finally:
        engine.dispose()
    info = seeder.course_info
    return {
        "url": url,
        "seconds": round(time.perf_counter() - started, 2),
        "rows": seeder.counts,
        "password": PASSWORD,
        "coordinator": COORDINATOR,
        "learner": LEARNER,
        "largest_course": largest,
        "module_course": info[0]["slug"],
        "module": seeder.texts[0].modules[1].slug,  # the second module: it has a previous and a next one
        "export_course": info[1]["slug"] if len(info) > 1 else info[0]["slug"],
        "import_cohort": info[2]["cohorts"][0][0] if len(info) > 2 and info[2]["cohorts"] else 1,
        "today": date.today().isoformat(),
    }
