"""Limits that stop guessing, not a classroom and not an account's owner.

A training room, a ministry proxy or a mobile carrier's NAT puts dozens of honest people behind
one address, so:

- only **failed** logins count (`deduct_when`): thirty people logging in from one room spend
  nothing; a guesser spends one try per wrong password;
- failures are counted per account and address (slows one guesser down fast), per address (a
  budget sized for a shared address) and per account from any address (stops a spread-out
  attack on one account);
- the per-account count does not apply on a **known device**: a browser where the account
  logged in successfully before carries a signed cookie naming it, so its owner still gets in
  while strangers are refused; on a new device the owner proves themselves by email
  ("Forgot your password?"), which the refusal says;
- a valid invitation or reset link is never refused (it is unguessable); only invalid links
  count;
- every refusal says how long to wait (errors.py, from the limit's reset time).

The numbers are settings (`courses/config.py`); the counts live in the limiter's storage, which
must be shared by every worker (gunicorn.conf.py refuses per-process counts with several workers).
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from courses.auth.emails import normalise_email

DEVICE_COOKIE = "tadbir_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
DEVICE_ACCOUNTS = 5  # accounts one browser remembers (a shared family or office computer)


def _typed_email() -> str:
    return normalise_email(request.form.get("email", ""))[:254]


def _account_tag(email: str) -> str:
    """What the device cookie keeps of an account: a keyed hash, not the address itself."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(email.encode(), key=secret[:64], digest_size=12).hexdigest()


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _known_accounts() -> list[str]:
    try:
        tags = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return tags if isinstance(tags, list) else []


# Key functions (one bucket each).
def address_key() -> str:
    return "login-address:" + (request.remote_addr or "")


def account_address_key() -> str:
    return f"login-account-address:{_typed_email()}:{request.remote_addr or ''}"


def signed_in_key() -> str:
    from flask_login import current_user

    return f"password-change:{current_user.get_id()}"


def account_key() -> str:
    return "login-account:" + _typed_email()


def email_key() -> str:
    return "mail-to:" + _typed_email()


# Conditions.
def login_failed(response) -> bool:
    """Successful logins redirect; a failed one shows the form again."""
    return response.status_code == 200


def on_known_device() -> bool:
    email = _typed_email()
    return bool(email) and _account_tag(email) in _known_accounts()


def remember_device(response, email: str):
    """After a successful login: this browser is now a known device for the account."""
    tag = _account_tag(normalise_email(email))
    tags = [tag] + [t for t in _known_accounts() if t != tag]
    response.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps(tags[:DEVICE_ACCOUNTS]),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def note_mail_requested() -> None:
    """A valid sign-up or reset request queued its mail: only these count (a typo must not lock anyone out)."""
    g.mail_requested = True


def mail_requested(response) -> bool:
    return bool(g.get("mail_requested"))


def mark_invalid_link() -> None:
    g.invalid_link = True


def link_was_invalid(response) -> bool:
    return bool(g.get("invalid_link"))


def require_shared_counts(app) -> None:
    """Refuse to start several server processes that would each count limits alone."""
    processes = int(app.config.get("SERVER_PROCESSES") or 1)
    storage = app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    if processes > 1 and app.config.get("RATELIMIT_ENABLED", True) and storage.startswith("memory://"):
        raise RuntimeError(
            f"{processes} server processes would each keep their own rate-limit counts "
            "(RATELIMIT_STORAGE_URI=memory://): set RATELIMIT_STORAGE_URI=redis://… or run one worker"
        )


# Limits (settings, read per request so instance/config.py can change them).
def setting(name: str):
    return lambda: current_app.config[name]


ACCOUNT_LOCKED = _l(
    "Too many failed attempts on this account. You can set a new password with “Forgotten password?”: "
    "the link sent by email always works."
)
