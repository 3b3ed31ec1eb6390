"""A confirmed CSV import's life: claimed, run in the request or by a worker, then its invitations.

Small files (IN_REQUEST_ROWS rows or fewer) are imported in the confirming request. Larger ones
are claimed by the request (`waiting`), which commits and enqueues `run_import`; the coordinator
watches a progress page while a worker imports (`running`, with n/N published through the task
queue's storage, since the import's own writes are invisible until it commits) and records the
outcome on the row: `done` with its counts, or `failed` with the reason — then nothing was
imported, and the claim is given back, so the file can be checked and confirmed again.

Invitations are not composed in the import's transaction (composing 20,000 mails takes longer
than the import itself). The import records the accounts it created (`invite_ids`) in its
transaction; once it commits, `send_invitations` queues their mails in batches, each batch in a
transaction that also advances `invited`, so a mail is queued once even if two workers run it.
If a process stops between a commit and the enqueue that follows it, the rows still say what is
left: `resume` (periodic) enqueues it again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from huey import crontab
from sqlalchemy import select, update

from courses.audit.services import COMMAND_LINE
from courses.auth.models import User
from courses.coordination import csv_import, notifications, services
from courses.coordination.models import DONE, FAILED, RUNNING, WAITING, Cohort, CsvImport
from courses.database import utcnow
from courses.extensions import db
from courses.tasks import clear_progress, enqueue_after_commit, periodic, progress, set_progress, task
from courses.urls import links_from

IN_REQUEST_ROWS = 500  # larger files are imported by a worker
INVITE_BATCH = 200  # invitations queued per transaction
STALLED = timedelta(minutes=10)  # queued this long ago and still waiting: the enqueue was lost
INTERRUPTED = timedelta(hours=1)  # running this long: the worker stopped (an import takes seconds)


def progress_key(import_id: int) -> str:
    return f"import:{import_id}"


def run_now(
    pending: CsvImport,
    actor: User | None,
    expected: str | None,
    base_url: str | None,
    invite: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> csv_import.ImportResult | None:
    """Claim and import `pending` in the caller's transaction (which commits); None when another
    confirmation took it. Raises CoordinationError (then roll back: the claim goes with it)."""
    if not services.claim_import(pending, status=RUNNING, actor=actor):
        return None
    return _import(pending, actor, expected, base_url, invite, on_progress)


def queue(pending: CsvImport, actor: User | None, expected: str, base_url: str | None) -> bool:
    """Claim `pending` for a worker; the caller commits, then `run_import` is enqueued. False when
    another confirmation took it."""
    if not services.claim_import(pending, status=WAITING, actor=actor):
        return False
    db.session.execute(
        update(CsvImport)
        .where(CsvImport.id == pending.id)
        .values(summary={**(pending.summary or {}), "digest": expected, "base_url": base_url})
    )
    enqueue_after_commit(db.session, run_import, pending.id)
    return True


def _import(
    pending: CsvImport,
    actor: User | None,
    expected: str | None,
    base_url: str | None,
    invite: bool = True,
    on_progress: Callable[[int, int], None] | None = None,
) -> csv_import.ImportResult:
    # Who confirmed is credited with the import; a command (no account) is the command line.
    confirmer = actor if actor is not None else COMMAND_LINE
    result = csv_import.apply(pending.cohort, checked_rows(pending), confirmer, expected, on_progress)
    told = result.joined_ids if invite else []  # invited (new or never activated) or told they were added
    outcome = {
        "status": DONE, "finished_at": utcnow(), "created_count": result.created, "enrolled_count": result.enrolled,
        "unchanged_count": result.unchanged, "invite_ids": told, "invited": 0, "to_invite": len(told),
        "summary": {**(pending.summary or {}), "base_url": base_url},
    }  # fmt: skip
    db.session.execute(update(CsvImport).where(CsvImport.id == pending.id).values(**outcome))
    if told:
        enqueue_after_commit(db.session, send_invitations, pending.id)
    return result


def checked_rows(pending: CsvImport) -> csv_import.Plan:
    """The file's rows as the upload checked them (read again from the file for imports stored before)."""
    if pending.checked_rows is not None:
        return csv_import.Plan.from_stored(pending.checked_rows)
    return csv_import.read(pending.content)


@task()
def run_import(import_id: int) -> None:
    """Import a file a coordinator confirmed (`waiting`): all of it, or nothing and the reason."""
    started = db.session.execute(
        update(CsvImport)
        .where(CsvImport.id == import_id, CsvImport.status == WAITING)
        .values(status=RUNNING, started_at=utcnow())
    ).rowcount
    db.session.commit()  # `running` shows at once; the import itself commits all at the end
    if not started:
        return  # run already, or by another worker
    key = progress_key(import_id)
    try:
        # The transaction's first statement writes: on SQLite it takes the write lock before the plan reads.
        db.session.execute(update(CsvImport).where(CsvImport.id == import_id).values(failure=None))
        pending = db.session.get(CsvImport, import_id)
        actor = db.session.get(User, pending.confirmed_by_id) if pending.confirmed_by_id else None
        summary = pending.summary or {}
        with links_from(summary.get("base_url")):
            _import(pending, actor, summary.get("digest"), summary.get("base_url"),
                    on_progress=lambda done, total: set_progress(key, [done, total]))  # fmt: skip
            db.session.commit()
    except services.CoordinationError as error:
        db.session.rollback()
        _fail(import_id, error.code)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("CSV import %s failed", import_id)
        _fail(import_id, "error")
    finally:
        clear_progress(key)


def _fail(import_id: int, reason: str) -> None:
    """Record why the import failed, and give the claim back (nothing was imported)."""
    db.session.execute(
        update(CsvImport)
        .where(CsvImport.id == import_id)
        .values(status=FAILED, failure=reason, finished_at=utcnow(), confirmed_at=None)
    )
    db.session.commit()


@task()
def send_invitations(import_id: int) -> None:
    """Tell everyone an import put in its session (the invitation, or "you have been added"),
    INVITE_BATCH per transaction, in each person's language (coordination/notifications.py)."""
    for _batch in range(10_000):  # bounded: a file has at most 20,000 rows
        done, to_invite, ids, summary, cohort_id, confirmer_id = db.session.execute(
            select(
                CsvImport.invited, CsvImport.to_invite, CsvImport.invite_ids, CsvImport.summary,
                CsvImport.cohort_id, CsvImport.confirmed_by_id,
            ).where(CsvImport.id == import_id)
        ).one()  # fmt: skip
        if done >= to_invite:
            return
        batch = ids[done : done + INVITE_BATCH]
        # Claim the batch before composing it: of two workers, the second finds `invited` moved and stops.
        claimed = db.session.execute(
            update(CsvImport)
            .where(CsvImport.id == import_id, CsvImport.invited == done)
            .values(invited=done + len(batch))
        ).rowcount
        if not claimed:
            db.session.rollback()
            return
        cohort = db.session.get(Cohort, cohort_id)
        coordinator = db.session.get(User, confirmer_id) if confirmer_id else None
        with links_from((summary or {}).get("base_url")):
            for user in db.session.scalars(select(User).where(User.id.in_(batch)).order_by(User.id)):
                notifications.welcome(user, cohort, coordinator, coordinator or COMMAND_LINE)
        db.session.commit()


@periodic(crontab(minute="*/5"))
def resume() -> None:
    """Enqueue again what a stopped process left: imports still waiting, invitations not all queued;
    and record imports whose worker stopped mid-way as failed (their transaction rolled back)."""
    now = utcnow()
    waiting = db.session.scalars(
        select(CsvImport.id).where(CsvImport.status == WAITING, CsvImport.confirmed_at < now - STALLED)
    ).all()
    uninvited = db.session.scalars(
        select(CsvImport.id).where(
            CsvImport.status == DONE, CsvImport.invited < CsvImport.to_invite, CsvImport.finished_at < now - STALLED
        )
    ).all()
    stopped = db.session.scalars(
        select(CsvImport.id).where(CsvImport.status == RUNNING, CsvImport.started_at < now - INTERRUPTED)
    ).all()
    db.session.rollback()
    for import_id in stopped:
        _fail(import_id, "interrupted")
    for import_id in waiting:
        run_import(import_id)
    for import_id in uninvited:
        send_invitations(import_id)


def status_of(pending: CsvImport) -> dict:
    """What the progress page shows: the status, and for a running import the rows done of all."""
    shown = {"status": pending.status, "done": 0, "total": pending.total_rows}
    if pending.status == RUNNING:
        reported = None
        try:
            reported = progress(progress_key(pending.id))
        except Exception:  # the queue's storage is unreachable: the page still shows "running"
            current_app.logger.warning("progress of import %s unavailable", pending.id, exc_info=True)
        if reported:
            shown["done"], shown["total"] = reported
    return shown
