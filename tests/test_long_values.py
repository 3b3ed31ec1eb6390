"""The longest value every form accepts is stored, on SQLite and PostgreSQL, and fits its column.

SQLite ignores varchar sizes; PostgreSQL does not. An audit subject of varchar(60) made the
deactivation of an account with a long email fail there, and an upload file name longer than
255 characters broke the CSV import. These tests submit each form with every length-limited
field at its maximum, so a form limit larger than its column shows as a 500 on PostgreSQL, and
compare form limits with column sizes directly.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from email_validator import validate_email
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import courses
from courses.audit.models import AuditEvent
from courses.auth import forms as auth_forms
from courses.auth import services as accounts
from courses.auth.models import User
from courses.certificates import forms as certificate_forms
from courses.certificates.models import Certificate
from courses.coordination import csv_import
from courses.coordination.forms import CohortForm, SendOnceForm
from courses.coordination.models import Cohort, CsvImport, ReminderBatch
from courses.extensions import db
from courses.learning.models import Enrollment
from courses.practice.forms import ExerciseForm, ReviewFormBase
from courses.practice.models import Review, Submission
from tests.conftest import PASSWORD


def longest_email(length: int) -> str:
    """A valid address of exactly `length` characters (local part 64, labels of at most 63)."""
    local = "l" * 64
    domain_length = length - len(local) - 1 - len(".ma")
    labels = []
    while domain_length > 0:
        label = min(63, domain_length)
        if domain_length - label == 1:  # a lone dot cannot end a label
            label -= 1
        labels.append(chr(ord("a") + len(labels)) * label)
        domain_length -= label + 1
    address = f"{local}@{'.'.join(labels)}.ma"
    assert len(address) == length
    return validate_email(address, check_deliverability=False).normalized


# --- forms and their length-limited fields, found generically ---------------------------------


def _import_form_modules() -> None:
    for module in pkgutil.walk_packages(courses.__path__, "courses."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def _validators(unbound: UnboundField) -> list:
    if "validators" in unbound.kwargs:
        return list(unbound.kwargs["validators"] or [])
    return list(unbound.args[1]) if len(unbound.args) > 1 else []


def limited_fields(form_class: type) -> dict[str, tuple[type, int]]:
    """Field name -> (field class, largest length its Length validator accepts)."""
    fields = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name)
        if isinstance(unbound, UnboundField):
            limits = [v.max for v in _validators(unbound) if isinstance(v, Length) and v.max >= 0]
            if limits:
                fields[name] = (unbound.field_class, min(limits))
    return fields


def forms_with_limits() -> list[type]:
    """Every concrete form of the application (built-in quiz forms have no length limit)."""
    _import_form_modules()
    classes = {c for c in _subclasses(FlaskForm) if c.__module__.startswith("courses.")}
    concrete = [c for c in classes if not any(other is not c and issubclass(other, c) for other in classes)]
    return sorted((c for c in concrete if limited_fields(c)), key=lambda c: c.__qualname__)


def longest_values(form_class: type) -> dict[str, str]:
    """The longest value each length-limited field accepts (accented letters: characters, not bytes)."""
    values = {}
    for name, (field_class, limit) in limited_fields(form_class).items():
        if issubclass(field_class, EmailField):
            values[name] = longest_email(limit)
        elif issubclass(field_class, PasswordField):
            values[name] = "p" * limit
        elif name.endswith("_ar"):
            values[name] = "س" * limit
        else:
            values[name] = "é" * limit
    return values


# --- form limits never exceed the columns they fill -------------------------------------------

PROFILE_COLUMNS = {
    "full_name": User.full_name, "full_name_ar": User.full_name_ar, "organisation": User.organisation,
    "job_title": User.job_title,
}  # fmt: skip
NOT_STORED = None  # compared or hashed, never stored as typed

STORED_IN = {
    auth_forms.SignupForm: {"full_name": User.full_name, "full_name_ar": User.full_name_ar, "email": User.email},
    auth_forms.ProfileForm: PROFILE_COLUMNS,
    auth_forms.LoginForm: {"email": NOT_STORED, "password": NOT_STORED},
    auth_forms.PasswordChangeForm: {"current": NOT_STORED, "password": NOT_STORED},
    auth_forms.ResetRequestForm: {"email": NOT_STORED},
    auth_forms.ResetForm: {"password": NOT_STORED},
    CohortForm: {"name": Cohort.name, "place": Cohort.place},
    SendOnceForm: {"key": ReminderBatch.request_key},
    certificate_forms.VerifyForm: {"code": NOT_STORED},
    certificate_forms.CredentialForm: {"credential": NOT_STORED},  # checked, never kept
    certificate_forms.ReissueForm: {"name": User.full_name, "name_ar": User.full_name_ar},  # and the snapshot (JSON)
    certificate_forms.RevokeForm: {"reason": Certificate.revoke_reason},
    ExerciseForm: {"text": Submission.text},
    ReviewFormBase: {"comment": Review.comment},
}


def test_every_form_limit_fits_its_column():
    for form_class in forms_with_limits():
        assert form_class in STORED_IN, f"{form_class.__qualname__}: say where its fields are stored"
        for name, (_field_class, limit) in limited_fields(form_class).items():
            assert name in STORED_IN[form_class], f"{form_class.__qualname__}.{name}: say where it is stored"
            column = STORED_IN[form_class][name]
            if column is not NOT_STORED:
                size = column.property.columns[0].type.length  # None: Text
                assert size is None or limit <= size, f"{form_class.__qualname__}.{name}: {limit} > {size}"


def test_csv_cells_fit_the_account_columns():
    for column in ("email", "full_name", "full_name_ar", "organisation", "job_title"):
        size = User.__table__.c[column].type.length
        assert size >= csv_import.MAX_CELL, column


def test_the_stored_file_name_fits_and_keeps_its_extension():
    limit = CsvImport.__table__.c.filename.type.length
    assert csv_import.stored_filename("é" * 300 + ".csv") == "é" * (limit - 4) + ".csv"
    assert csv_import.stored_filename("C:\\Users\\salma\\liste.csv") == "liste.csv"
    assert csv_import.stored_filename("") == "import.csv"
    assert len(csv_import.stored_filename("x" * 1000)) == limit


# --- every form submitted with its longest values ---------------------------------------------


@dataclass
class World:
    app: object
    client: object
    course: str = "gouvernance"
    accounts: dict = field(default_factory=dict)

    def user(self, email: str, password: str = PASSWORD, role: str = "learner") -> User:
        with self.app.app_context():
            user = accounts.create_user(email, accounts.Profile(full_name="Salma Benali"), password, role)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    def login(self, email: str, password: str = PASSWORD) -> None:
        self.client.post("/logout")
        response = self.client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)

    def staff(self, role: str = "coordinator") -> None:
        email = f"{role}@example.ma"
        if email not in self.accounts:
            self.accounts[email] = self.user(email, role=role)
        self.login(email)

    def certificate_code(self) -> str:
        self.user("laureate@example.ma")
        self.login("laureate@example.ma")
        self.client.post(f"/courses/{self.course}/enroll")
        self.client.post(f"/courses/{self.course}/lire/complete")
        with self.app.app_context():
            return db.session.scalar(select(Certificate.code).where(Certificate.replaced_at.is_(None)))


@pytest.fixture
def world(app, client, make_course, synced):
    exercise = "---\ntitle: Écrire\nrequired: false\nexercise:\n  instructions: Écrivez.\n---\nTexte.\n"
    make_course(
        meta={"trainers": [{"name": "T", "email": "trainer@example.ma"}]},
        modules={"01-lire": ("Lire", "Texte."), "02-ecrire": exercise},
    )
    synced()
    return World(app, client)


def stored(app, query):
    with app.app_context():
        return db.session.scalar(query)


def submit_signup(world: World, values: dict):
    data = {**values, "organisation_type": "", "region": ""}
    response = world.client.post("/signup", data=data)
    assert stored(world.app, select(User.full_name).where(User.email == values["email"])) == values["full_name"]
    return response


def submit_profile(world: World, values: dict):
    world.user("salma@example.ma")
    world.login("salma@example.ma")
    response = world.client.post("/account/", data={**values, "organisation_type": "", "region": ""})
    assert stored(world.app, select(User.job_title).where(User.email == "salma@example.ma")) == values["job_title"]
    return response


def submit_login(world: World, values: dict):
    world.user(values["email"], values["password"])
    return world.client.post("/login", data=values)


def submit_password_change(world: World, values: dict):
    world.user("salma@example.ma", values["current"])
    world.login("salma@example.ma", values["current"])
    return world.client.post("/account/password", data={**values, "confirm": values["password"]})


def submit_reset_request(world: World, values: dict):
    world.user(values["email"])
    return world.client.post("/password/reset", data=values)


def submit_reset(world: World, values: dict):
    user = world.user("salma@example.ma")
    with world.app.app_context():
        token = accounts.reset_token(db.session.get(User, user.id), world.app.config["SECRET_KEY"])
    return world.client.post(f"/password/reset/{token}", data={**values, "confirm": values["password"]})


def submit_cohort(world: World, values: dict):
    world.staff()
    data = {**values, "course": world.course, "starts_on": "2026-12-01", "ends_on": "2026-12-05"}
    response = world.client.post("/coordination/cohorts/new", data=data)
    assert response.status_code == 302
    cohort_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    response = world.client.post(f"/coordination/cohorts/{cohort_id}/edit", data=data)  # the update audit too
    assert stored(world.app, select(Cohort.place)) == values["place"]
    return response


def submit_send_once(world: World, values: dict):
    world.staff()
    cohort = world.client.post(
        "/coordination/cohorts/new",
        data={"name": "S", "place": "Fès", "course": world.course, "starts_on": "2026-12-01", "ends_on": "2026-12-05"},
    )
    cohort_id = int(cohort.headers["Location"].rstrip("/").split("/")[-1])
    with world.app.app_context():  # someone who has not activated yet, to remind
        pending = accounts.create_user("pending@example.ma", accounts.Profile(full_name="En attente"), None)
        db.session.commit()
        pending_id = pending.id
    world.client.post(f"/coordination/cohorts/{cohort_id}/learners", data={"user_id": pending_id})
    response = world.client.post(f"/coordination/cohorts/{cohort_id}/reminders/not_activated", data=values)
    assert stored(world.app, select(ReminderBatch.request_key)).endswith(values["key"])  # "kind:key"
    return response


def submit_catalog_filter(world: World, values: dict):
    return world.client.get("/", query_string=values)


def submit_verify(world: World, values: dict):
    return world.client.get("/verify", query_string=values)


def submit_credential(world: World, values: dict):
    response = world.client.post("/verify/credential", data=values)
    page = response.get_data(as_text=True)
    verdict = page[page.find('id="check-title"') :]
    assert "Ce n'est pas un justificatif" in verdict and "bien plus long" not in verdict  # read, then answered
    return response


def submit_reissue(world: World, values: dict):
    code = world.certificate_code()
    world.staff()
    response = world.client.post(f"/certificates/{code}/reissue", data=values)
    snapshot = stored(world.app, select(Certificate.snapshot).where(Certificate.replaced_at.is_(None)))
    assert snapshot["holder"] == {"name": values["name"], "name_ar": values["name_ar"]}
    return response


def submit_revoke(world: World, values: dict):
    code = world.certificate_code()
    world.staff()
    response = world.client.post(f"/certificates/{code}/revoke", data=values)
    assert stored(world.app, select(Certificate.revoke_reason)) == values["reason"]
    return response


def submit_exercise(world: World, values: dict):
    world.user("writer@example.ma")
    world.login("writer@example.ma")
    world.client.post(f"/courses/{world.course}/enroll")
    response = world.client.post(f"/courses/{world.course}/ecrire/exercise", data={**values, "hand_in": "1"})
    assert stored(world.app, select(Submission.text)) == values["text"]
    return response


def submit_review(world: World, values: dict):
    submit_exercise(world, {"text": "Un texte."})
    world.staff("trainer")
    submission_id = stored(world.app, select(Submission.id))
    response = world.client.post(f"/teaching/exercises/{submission_id}", data={**values, "decision": "revise"})
    assert stored(world.app, select(Review.comment)) == values["comment"]
    return response


# form -> (submit it with these values, the status that says it was accepted)
SUBMISSIONS: dict[type, tuple[Callable, int]] = {
    auth_forms.SignupForm: (submit_signup, 200),  # "check your mailbox"
    auth_forms.ProfileForm: (submit_profile, 302),
    auth_forms.LoginForm: (submit_login, 302),
    auth_forms.PasswordChangeForm: (submit_password_change, 302),
    auth_forms.ResetRequestForm: (submit_reset_request, 302),
    auth_forms.ResetForm: (submit_reset, 302),
    CohortForm: (submit_cohort, 302),
    SendOnceForm: (submit_send_once, 302),
    certificate_forms.VerifyForm: (submit_verify, 200),
    certificate_forms.CredentialForm: (submit_credential, 200),  # "not a credential" is an answer
    certificate_forms.ReissueForm: (submit_reissue, 302),
    certificate_forms.RevokeForm: (submit_revoke, 302),
    ExerciseForm: (submit_exercise, 302),
    ReviewFormBase: (submit_review, 302),
}


def test_every_form_with_limits_has_a_submission():
    assert set(forms_with_limits()) == set(SUBMISSIONS)


@pytest.mark.parametrize("form_class", forms_with_limits(), ids=lambda c: c.__qualname__)
def test_the_longest_accepted_values_are_stored(world, form_class):
    submit, accepted = SUBMISSIONS[form_class]
    response = submit(world, longest_values(form_class))
    assert response.status_code == accepted, response.get_data(as_text=True)[:2000]


def test_admin_actions_on_an_account_with_the_longest_email(app, client, world):
    email = longest_email(254)
    target = world.user(email)
    world.staff("admin")
    for url, data in [
        (f"/admin/users/{target.id}/role", {"role": "trainer"}),
        (f"/admin/users/{target.id}/active", {"active": "0"}),  # deactivate: the pentest's 500
        (f"/admin/users/{target.id}/active", {"active": "1"}),
        (f"/admin/users/{target.id}/reset-link", {}),
    ]:
        assert client.post(url, data=data).status_code == 302, url
    with app.app_context():
        accounts = select(AuditEvent).where(AuditEvent.action.startswith("user.")).order_by(AuditEvent.id)
        events = db.session.scalars(accounts).all()
        assert [(e.action, e.subject_type, e.subject_id, e.subject_label) for e in events] == [
            ("user.role", "user", target.id, email),
            ("user.deactivate", "user", target.id, email),
            ("user.activate", "user", target.id, email),
            ("user.reset_link", "user", target.id, email),
        ]
    assert email in client.get("/admin/audit").get_data(as_text=True)
    assert f"user;{target.id};{email}" in client.get("/admin/audit.csv").get_data(as_text=True)


def test_enrolling_an_account_with_the_longest_email_in_a_session(app, client, world):
    email = longest_email(254)
    target = world.user(email)
    world.staff()
    response = client.post(
        "/coordination/cohorts/new",
        data={"course": world.course, "name": "Session", "starts_on": "2026-12-01", "ends_on": "2026-12-05"},
    )
    cohort_url = response.headers["Location"]
    assert client.post(f"{cohort_url.rstrip('/')}/learners", data={"user_id": target.id}).status_code == 302
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "enrollment.create"))
        assert event.subject_label == f"{email} · {world.course}"


def test_csv_import_with_a_long_file_name_and_the_longest_cells(app, client, world):
    world.staff()
    response = client.post(
        "/coordination/cohorts/new",
        data={"course": world.course, "name": "Session", "starts_on": "2026-12-01", "ends_on": "2026-12-05"},
    )
    cohort_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    limit = csv_import.MAX_CELL
    row = {
        "email": longest_email(limit),
        "nom complet": "L" + "é" * (limit - 1),  # accented letters alone read as a ruined Arabic name
        "nom arabe": "س" * limit,
        "organisation": "o" * limit,
        "fonction": "f" * limit,
    }
    content = ";".join(row) + "\n" + ";".join(row.values()) + "\n"
    name = "liste-des-participants-" + "é" * 277 + ".csv"  # 304 characters, as in the pentest
    assert len(name) == 304
    page = client.post(
        f"/coordination/cohorts/{cohort_id}/imports",
        data={"file": (io.BytesIO(content.encode()), name)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    confirm = re.search(r'action="([^"]+/confirm)"', page)
    assert confirm, page
    assert client.post(confirm.group(1)).status_code == 302
    with app.app_context():
        stored_name = db.session.scalar(select(CsvImport.filename))
        assert stored_name == name[: CsvImport.__table__.c.filename.type.length - 4] + ".csv"
        user = db.session.scalar(select(User).where(User.email == row["email"]))
        assert (user.full_name, user.full_name_ar, user.organisation, user.job_title) == (
            row["nom complet"], row["nom arabe"], row["organisation"], row["fonction"],
        )  # fmt: skip
        assert db.session.scalar(select(Enrollment.source)) == "import"
