"""Accounts: create, authenticate, change and reset passwords, roles. No request objects here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from courses.auth import emails
from courses.auth.models import ROLES, User
from courses.database import utcnow
from courses.extensions import db
from courses.service_errors import ServiceError
from courses.text import clean_line

MIN_PASSWORD_LENGTH = 10
RESET_MAX_AGE = 3600  # seconds a reset link stays valid
INVITATION_MAX_AGE = 14 * 24 * 3600  # an imported learner may open the invitation days later
ACTIVATION_MAX_AGE = 3 * 24 * 3600  # a sign-up's activation link
TOKEN_MAX_AGES = {"reset": RESET_MAX_AGE, "invitation": INVITATION_MAX_AGE, "activation": ACTIVATION_MAX_AGE}
# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


class AccountError(ServiceError):
    """A rule about accounts was broken; `code` says which (the view words it)."""


@dataclass(frozen=True)
class Profile:
    full_name: str
    full_name_ar: str | None = None
    organisation: str = ""
    organisation_type: str | None = None
    region: str | None = None
    job_title: str = ""
    preferred_language: str | None = None


# The one form of an address, for every path that stores or finds an account (see emails.py).
normalise_email = emails.normalise_email


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def lookalike_of(email: str) -> User | None:
    """Another account whose address reads the same once compatibility forms are folded
    (`ｊｏｈｎ@…` for `john@…`); None if there is none."""
    email = normalise_email(email)
    return db.session.scalar(
        select(User).where(User.email_key == emails.email_key(email), User.email != email).limit(1)
    )


def create_user(email: str, profile: Profile, password: str | None, role: str = "learner") -> User:
    """A new account; raises AccountError with code invalid_email, email_taken, email_lookalike
    (another account has the same address in compatibility form), weak_password or bad_role."""
    if role not in ROLES:
        raise AccountError("bad_role")
    try:
        email = emails.canonical_email(email)
    except emails.InvalidEmail as error:
        raise AccountError("invalid_email") from error
    if find_user(email) is not None:
        raise AccountError("email_taken")
    if lookalike_of(email) is not None:
        raise AccountError("email_lookalike")
    user = User(email=email, role=role)
    apply_profile(user, profile)
    if password is not None:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def apply_profile(user: User, profile: Profile) -> None:
    # Forms and the CSV import clean text already; the CLI and other callers get the same here.
    user.full_name = clean_line(profile.full_name)
    user.full_name_ar = clean_line(profile.full_name_ar or "") or None
    user.organisation = clean_line(profile.organisation)
    user.organisation_type = profile.organisation_type or None
    user.region = profile.region or None
    user.job_title = clean_line(profile.job_title)
    user.preferred_language = profile.preferred_language or None


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("weak_password")
    user.password_hash = generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every wrong pair).

    The right password of a deactivated account raises AccountError('inactive'): whoever knows it
    is the owner, who should learn why they cannot get in (and whom to ask).
    """
    user = find_user(email)
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if not user.is_active:
        raise AccountError("inactive")
    record_login(user)
    return user


def record_login(user: User) -> None:
    """Remember when the user last logged in: with the form, or by setting a password from a link.

    Activating an invited account is such a login, so an activated learner who has done nothing
    else yet shows when they activated (coordination's rosters read it as their last activity).
    """
    user.last_login_at = utcnow()


def change_password(user: User, current: str, new: str) -> None:
    if user.password_hash is None or not check_password_hash(user.password_hash, current):
        raise AccountError("wrong_password")
    set_password(user, new)


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of `user` (logout): advance the session epoch.

    The increment happens in the database, so two logouts at once both count.
    """
    db.session.execute(update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1))
    db.session.refresh(user, ["session_epoch"])


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError("bad_role")
    user.role = role


def suspicious_email(email: str) -> list[str]:
    """Why an address may imitate another one (empty if it does not): emails.MIXED_SCRIPTS,
    emails.COMPATIBILITY, or emails.LOOKALIKE when another account's address has its skeleton."""
    email = normalise_email(email)
    reasons = emails.script_warnings(email)
    twin = select(User.id).where(User.email_skeleton == emails.email_skeleton(email), User.email != email)
    if db.session.scalar(twin.limit(1)) is not None:
        reasons.append(emails.LOOKALIKE)
    return reasons


def email_warnings(users: list[User]) -> dict[int, list[str]]:
    """`suspicious_email` for a page of accounts, in one query: user id -> reasons (if any)."""
    skeletons = {user.email_skeleton for user in users}
    shared = set(
        db.session.scalars(
            select(User.email_skeleton)
            .where(User.email_skeleton.in_(skeletons))
            .group_by(User.email_skeleton)
            .having(func.count() > 1)
        )
    ) if skeletons else set()  # fmt: skip
    warnings = {}
    for user in users:
        reasons = emails.script_warnings(user.email)
        if user.email_skeleton in shared:
            reasons.append(emails.LOOKALIKE)
        if reasons:
            warnings[user.id] = reasons
    return warnings


def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # Part of the token: once the password changes, every earlier link stops working (single use).
    return (user.password_hash or "unset")[-16:]


def reset_token(user: User, secret_key: str, kind: str = "reset") -> str:
    """A signed, expiring token that lets the holder set this user's password once."""
    return _reset_serializer(secret_key).dumps([user.id, _password_fingerprint(user), kind])


def user_for_reset_token(token: str, secret_key: str, max_age: int | None = None) -> User | None:
    """The user a valid, unused, unexpired token was made for; None otherwise."""
    serializer = _reset_serializer(secret_key)
    try:
        user_id, fingerprint, kind = serializer.loads(token)  # signature first, then age by kind
        serializer.loads(token, max_age=max_age if max_age is not None else TOKEN_MAX_AGES[kind])
    except (BadSignature, SignatureExpired, ValueError, TypeError, KeyError):
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not secrets.compare_digest(_password_fingerprint(user), fingerprint):
        return None
    return user


DEMO_ACCOUNTS = (
    ("learner", "apprenant@demo.tadbir.ma", "Salma Benali", "سلمى بنعلي"),
    ("trainer", "formateur@demo.tadbir.ma", "Youssef El Idrissi", "يوسف الإدريسي"),
    ("coordinator", "coordination@demo.tadbir.ma", "Nadia Tazi", "نادية التازي"),
    ("admin", "admin@demo.tadbir.ma", "Karim Alami", "كريم العلمي"),
)


def create_demo_accounts() -> list[tuple[User, str]]:
    """One account per role with a random password, only on a database without users."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return []
    created = []
    for role, email, name, name_ar in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(9)
        profile = Profile(full_name=name, full_name_ar=name_ar, organisation="Démonstration", organisation_type="other")
        created.append((create_user(email, profile, password, role), password))
    return created
