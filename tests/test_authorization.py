"""Every route × every kind of visitor, generated from the URL map so no route can be forgotten."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from courses.agenda import reminders
from courses.agenda import services as agenda
from courses.audit.services import SYSTEM
from courses.auth.models import User
from courses.catalog.models import Course, Module
from courses.certificates.models import Certificate
from courses.coordination import services as coordination
from courses.coordination.models import CsvImport, ExportJob
from courses.extensions import db
from courses.learning import services as learning
from courses.learning.models import QuizAttempt
from courses.practice import services as practice
from courses.practice.models import Submission
from tests.conftest import PASSWORD

ROLES = ("anonymous", "learner", "other", "trainer", "coordinator", "admin")
ALL = set(ROLES)
SIGNED_IN = ALL - {"anonymous"}
COORDINATORS = {"coordinator", "admin"}

# endpoint -> who gets past authorization; everyone else: login page (anonymous), 403 or 404.
POLICY: dict[str, set[str]] = {
    "static": ALL, "catalog.index": ALL, "catalog.course": ALL, "catalog.module": ALL, "catalog.asset": ALL,
    "certificates.verify": ALL, "certificates.verify_form": ALL, "certificates.public_key": ALL,
    "certificates.verify_credential": ALL, "certificates.badge_image": ALL, "certificates.did_document": ALL,
    "certificates.status_list": ALL,
    "health.healthz": ALL, "i18n.switch": ALL, "i18n.choose": ALL, "auth.login": ALL, "auth.signup": ALL, "auth.reset_request": ALL,
    "auth.reset": ALL, "auth.logout": ALL,
    "auth.profile": SIGNED_IN, "auth.change_password": SIGNED_IN, "learning.dashboard": SIGNED_IN,
    "learning.enroll": SIGNED_IN, "learning.completed": SIGNED_IN,
    "learning.complete": {"learner"}, "learning.quiz": {"learner"}, "learning.attempt": {"learner"},
    "certificates.download": {"learner"} | COORDINATORS, "certificates.credential_json": {"learner"} | COORDINATORS,
    "certificates.credential_jwt": {"learner"} | COORDINATORS, "certificates.baked_badge": {"learner"} | COORDINATORS,
    "certificates.baked_badge_png": {"learner"} | COORDINATORS,
    "certificates.manage": COORDINATORS, "certificates.reissue": COORDINATORS, "certificates.revoke": COORDINATORS,
    "coordination.index": {"trainer"} | COORDINATORS, "coordination.cohort": {"trainer"} | COORDINATORS,
    "coordination.report": {"trainer"} | COORDINATORS,
    "coordination.new_cohort": COORDINATORS, "coordination.edit_cohort": COORDINATORS,
    "coordination.close_cohort": COORDINATORS, "coordination.add_learner": COORDINATORS,
    "coordination.upload": COORDINATORS, "coordination.latest_import": COORDINATORS, "coordination.confirm_import": COORDINATORS,
    "coordination.check_import": COORDINATORS, "coordination.import_status": COORDINATORS,
    "coordination.import_template": COORDINATORS, "coordination.request_certificates_zip": COORDINATORS,
    "coordination.export_status": COORDINATORS, "coordination.export_download": COORDINATORS,
    "coordination.report_csv": COORDINATORS, "coordination.report_xlsx": COORDINATORS,
    "coordination.certificates_zip": COORDINATORS, "coordination.certificates_pdf": COORDINATORS,
    "coordination.resend_invitation": COORDINATORS, "coordination.reminder_preview": COORDINATORS,
    "coordination.send_reminders": COORDINATORS, "coordination.confirm_close": COORDINATORS,
    "coordination.confirm_reopen": COORDINATORS, "coordination.reopen_cohort": COORDINATORS,
    "teaching.home": {"trainer", "admin"},
    "agenda.schedule": COORDINATORS, "agenda.deadlines": COORDINATORS, "agenda.calendar_file": {"trainer"} | COORDINATORS,
    "agenda.attendance": {"trainer"} | COORDINATORS, "agenda.sign_in_sheet": {"trainer"} | COORDINATORS,
    "agenda.calendar_feed": ALL, "agenda.renew_calendar_feed": SIGNED_IN, "agenda.stop_nudges": ALL,
    "agenda.reminder_preference": SIGNED_IN, "agenda.coordination_calendar": {"trainer"} | COORDINATORS,
    "agenda.coordination_calendar_file": COORDINATORS,
    "practice.write": {"learner"}, "practice.queue": {"trainer", "admin"}, "practice.review": {"trainer", "admin"},
    "practice.archive": {"trainer", "admin"},
    "admin.users": {"admin"}, "admin.audit": {"admin"}, "admin.audit_csv": {"admin"},
    "admin.change_role": {"admin"}, "admin.set_active": {"admin"}, "admin.reset_link": {"admin"},
}  # fmt: skip

# Routes whose refusal is a 404 (nothing to tell about someone else's record) rather than 403.
HIDDEN = {
    "learning.attempt", "certificates.download", "certificates.credential_json", "certificates.credential_jwt",
    "certificates.baked_badge", "certificates.baked_badge_png", "agenda.calendar_file",
}  # fmt: skip
# Routes that only make sense for someone enrolled: other signed-in users get 403.
ENROLLED_ONLY = {"learning.complete", "learning.quiz", "practice.write"}


@pytest.fixture
def world(app, make_course, synced, make_user):
    """A course with a quiz, a learner who completed it (attempt, certificate), a cohort, an import."""
    quiz = ("---\ntitle: Quiz\nquiz:\n  - question: Q ?\n    choices: [Oui, Non]\n    answer: 0\n"
            "exercise:\n  instructions: Écrivez.\n---\nTexte\n")  # fmt: skip
    make_course(modules={"01-quiz": quiz}, assets={"carte.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"},
                meta={"exercise_completion": "submitted"})  # fmt: skip
    synced()
    users = {role: make_user(f"{role}@example.ma", role=role if role in ("trainer", "coordinator", "admin") else "learner")
             for role in ROLES if role != "anonymous"}  # fmt: skip
    target = make_user("target@example.ma")
    with app.app_context():
        course = db.session.scalar(select(Course))
        module = db.session.scalar(select(Module))
        learner = db.session.get(User, users["learner"].id)
        enrollment = learning.enroll(learner, course)
        practice.submit(enrollment, module, "Mon texte.")
        learning.submit_quiz(enrollment, module, {q.id: [0] for q in module.active_questions})
        fields = coordination.CohortFields(
            course, "S", date(2026, 1, 1), date(2026, 1, 2), trainers=(db.session.get(User, users["trainer"].id),)
        )
        cohort = coordination.create_cohort(fields, SYSTEM)
        db.session.flush()
        agenda.save_schedule(cohort, [agenda.DayFields(date(2026, 1, 1), time(9), time(12))], SYSTEM)
        pending = CsvImport(cohort_id=cohort.id, filename="x.csv", content="email;full name\nx@y.ma;X\n")
        job = ExportJob(kind="certificates_zip", requested_by_id=users["coordinator"].id, course_id=course.id,
                        download_name="x.zip")  # fmt: skip
        db.session.add_all([pending, job])
        feed = agenda.renew_feed(learner)
        stop = reminders.stop_token(learner)
        db.session.commit()
        return {
            "slug": course.slug, "module_slug": module.slug, "filename": "carte.svg",
            "code": db.session.scalar(select(Certificate.code)), "attempt_id": db.session.scalar(select(QuizAttempt.id)),
            "cohort_id": cohort.id, "import_id": pending.id, "user_id": target.id, "token": "not-a-token",
            "kind": "not_activated",
            "job_id": job.id, "number": 0, "day_id": agenda.days_of(cohort)[0].id,
            "submission_id": db.session.scalar(select(Submission.id)),
            "feed": feed, "stop": stop,
        }, users  # fmt: skip


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_a_policy(app):
    assert {rule.endpoint for rule, _ in routes(app)} == set(POLICY)


@pytest.mark.parametrize("role", ROLES)
def test_authorization_matrix(app, client, world, role):
    values, users = world
    if role != "anonymous":
        assert client.post("/login", data={"email": users[role].email, "password": PASSWORD}).status_code == 302
    failures = []
    # Enrolling and logging out change who the visitor is: they go last.
    last = ("learning.enroll", "auth.logout")
    for rule, method in sorted(
        routes(app), key=lambda item: last.index(item[0].endpoint) + 1 if item[0].endpoint in last else 0
    ):
        arguments = {name: (values["filename"] if name == "filename" and rule.endpoint == "catalog.asset" else
                            "site.css" if name == "filename" else values[name]) for name in rule.arguments}  # fmt: skip
        url = rule.build(arguments, append_unknown=False)[1]
        response = client.open(url, method=method)
        response.close()
        status, location = response.status_code, response.headers.get("Location", "")
        allowed = role in POLICY[rule.endpoint]
        to_login = status == 302 and "/login" in location
        if allowed:
            ok = status < 500 and status not in (401, 403, 404) and not to_login
        elif role == "anonymous":
            ok = to_login
        elif rule.endpoint in HIDDEN:
            ok = status == 404
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{method} {url} as {role}: {status} {location}")
        if rule.endpoint == "auth.logout":
            break
    assert failures == []


# A course that is not public (a draft, or `status: archived` in its front matter) is read by its
# own trainers (listed in `trainers:` or training one of its cohorts) and admins; everyone else,
# anonymous visitors included, gets 404, as for a course that does not exist.
VISITORS = ("anonymous", "learner", "listed_trainer", "cohort_trainer", "other_trainer", "coordinator", "admin")
PREVIEWERS = {"listed_trainer", "cohort_trainer", "admin"}


@pytest.fixture(params=["draft", "archived"])
def unpublished(request, app, make_course, synced, make_user):
    """A published course trained by `other_trainer`, and an unpublished one with its own trainers."""
    carte = {"carte.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"}
    make_course("publie", meta={"trainers": [{"name": "O", "email": "other_trainer@example.ma"}]}, assets=carte)
    meta = {
        "status": request.param,
        "title": "Secret",
        "trainers": [{"name": "L", "email": "Listed_Trainer@example.ma"}],
    }
    make_course("brouillon", meta=meta, intro="Introduction confidentielle.\n", assets=carte)
    synced()
    roles = {"listed_trainer": "trainer", "cohort_trainer": "trainer", "other_trainer": "trainer"}
    users = {kind: make_user(f"{kind}@example.ma", role=roles.get(kind, kind))
             for kind in VISITORS if kind != "anonymous"}  # fmt: skip
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == "brouillon"))
        trainer = db.session.get(User, users["cohort_trainer"].id)
        coordination.create_cohort(
            coordination.CohortFields(course, "S", date(2026, 1, 1), date(2026, 1, 2), trainers=(trainer,)), SYSTEM
        )
        db.session.commit()
    return {"slug": "brouillon", "module_slug": "introduction", "filename": "carte.svg"}, users


@pytest.mark.parametrize("visitor", VISITORS)
def test_unpublished_course_pages_and_assets_matrix(app, client, unpublished, visitor):
    values, users = unpublished
    if visitor != "anonymous":
        assert client.post("/login", data={"email": users[visitor].email, "password": PASSWORD}).status_code == 302
    pages = [rule for rule, method in routes(app) if rule.endpoint.startswith("catalog.") and "slug" in rule.arguments]
    assert {rule.endpoint for rule in pages} == {"catalog.course", "catalog.module", "catalog.asset"}
    failures = []
    for rule in pages:
        url = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        response = client.get(url)
        response.close()
        cache = response.headers.get("Cache-Control", "")
        if visitor not in PREVIEWERS:
            ok = response.status_code == 404 and b"Secret" not in response.data
        elif rule.endpoint == "catalog.asset":
            ok = response.status_code == 200 and "private" in cache and "public" not in cache
        else:
            ok = response.status_code == 200 and "visible de ses seuls formateurs" in response.get_data(as_text=True)
        if not ok:
            failures.append(f"{url} as {visitor}: {response.status_code} {cache}")
    assert failures == []


# Public files keep their caching; every other file a route sends is personal data.
PUBLIC_FILES = {
    "static", "catalog.asset", "certificates.public_key", "certificates.badge_image", "certificates.did_document",
    "certificates.status_list",
}  # fmt: skip


@pytest.mark.parametrize("role", ["learner", "admin"])
def test_every_download_is_sent_with_no_store(app, client, world, role):
    """Every GET route, as the learner (their own certificate) and as an admin (every export)."""
    values, users = world
    assert client.post("/login", data={"email": users[role].email, "password": PASSWORD}).status_code == 302
    downloads, failures = set(), []
    for rule, method in routes(app):
        if method != "GET" or rule.endpoint == "auth.logout":
            continue
        arguments = {name: (values["filename"] if name == "filename" and rule.endpoint == "catalog.asset" else
                            "site.css" if name == "filename" else values[name]) for name in rule.arguments}  # fmt: skip
        response = client.get(rule.build(arguments, append_unknown=False)[1])
        response.close()
        cache = response.headers.get("Cache-Control", "")
        no_store = "no-store" in {directive.strip() for directive in cache.split(",")}
        if rule.endpoint in PUBLIC_FILES:
            if no_store or response.status_code != 200:
                failures.append(f"{rule.endpoint} as {role} lost its caching: {response.status_code} {cache}")
        elif response.status_code == 200 and response.mimetype != "text/html" and rule.endpoint != "health.healthz":
            downloads.add(rule.endpoint)
            if not no_store or not response.headers.get("Content-Disposition", "").startswith("attachment"):
                failures.append(f"{rule.endpoint} as {role}: Cache-Control {cache!r}")
    assert failures == []
    expected = {"certificates.download", "certificates.credential_json", "certificates.credential_jwt",
                "certificates.baked_badge", "certificates.baked_badge_png", "agenda.calendar_feed"}  # fmt: skip
    if role == "admin":
        expected |= {"coordination.report_csv", "coordination.report_xlsx", "coordination.certificates_zip",
                     "coordination.certificates_pdf", "coordination.import_template", "admin.audit_csv",
                     "agenda.calendar_file", "practice.archive", "agenda.sign_in_sheet",
                     "agenda.coordination_calendar_file"}  # fmt: skip
    assert downloads == expected  # the loop above did meet every download
