"""Configuration: these defaults, then `instance/config.py`, then environment variables.

Secrets never live here: SECRET_KEY comes from the environment, from `instance/config.py`,
or is generated once into `instance/secret_key`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    SITE_NAME = "Tadbir"
    CONTENT_DIR = str(PROJECT_ROOT / "content")
    SQLALCHEMY_DATABASE_URI: str | None = None  # set from DATABASE_URL or the instance folder
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Africa/Casablanca"
    LANGUAGES = ("fr", "ar", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024
    # werkzeug's password hashing (scrypt, ~0.1 s a hash by design). The test suite sets a cheap
    # method for the hundreds of accounts it makes; never change it in production.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  # nosec B105 (a method name, not a password)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: phones keep tabs open for days
    ASSET_MAX_AGE = 24 * 3600
    # Visitors' pages are kept whole per content version (catalog/pagecache.py); the version is read
    # at most this often per process, so a sync shows on them within this many seconds (0: at once).
    PAGE_CACHE_VERSION_SECONDS = 1.0
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"  # per process: gunicorn.conf.py then runs one worker
    SERVER_PROCESSES = 1  # set by gunicorn.conf.py; several need a shared RATELIMIT_STORAGE_URI
    # Limits that stop guessing, not a room behind one address (courses/auth/throttle.py).
    # Only failed logins count; valid invitation and reset links never do.
    LOGIN_FAILURES_PER_ADDRESS = "60 per 10 minutes; 600 per day"  # sized for a shared address
    LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = "5 per minute; 20 per hour"
    LOGIN_FAILURES_PER_ACCOUNT = "10 per 15 minutes; 40 per day"  # not on the owner's known devices
    SIGNUPS_PER_ADDRESS = "60 per hour"
    RESET_REQUESTS_PER_ADDRESS = "60 per hour"
    MAILS_PER_RECIPIENT = "3 per hour; 10 per day"  # sign-up and reset mails to one address
    INVALID_LINKS_PER_ADDRESS = "30 per hour"
    RATELIMIT_HEADERS_ENABLED = True
    MAIL_SERVER: str | None = None  # unset: mail is written to instance/outbox/
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Tadbir <no-reply@localhost>"
    MAIL_OUTBOX: str | None = None  # default: instance/outbox/
    # The task queue (courses/tasks.py): unset, it lives in the application's database family
    # (a SQLite file in instance/, or the PostgreSQL database); `redis://…` uses Redis.
    TASK_QUEUE_URL: str | None = None
    TASKS_IMMEDIATE = False  # True runs each task at once in the caller (tests)
    # The address printed on certificates, in their QR codes and in mails: set it to the public
    # site. Unset, links follow the address of the request being served (`make run` passes its
    # own), and commands that build links outside a request refuse to run (courses/urls.py).
    PUBLIC_BASE_URL: str | None = None
    CERTIFICATE_SIGNING_KEY: str | None = None  # default: instance/certificate_signing_key.pem
    # Public keys (PEM files) of former signing keys: still published in the issuer's DID document,
    # so credentials signed before a key change keep verifying.
    CREDENTIAL_RETIRED_KEYS: tuple[str, ...] = ()
    # Files prepared by the worker (certificate ZIPs), kept a day. Shared by the web servers and the
    # workers when they run on different machines.
    EXPORT_FOLDER: str | None = None  # default: instance/exports/
    CERTIFICATE_INSTITUTIONS = (
        {"fr": "Direction générale des collectivités territoriales", "ar": "المديرية العامة للجماعات الترابية"},
        {"fr": "Institut supérieur de l'information et de la communication", "ar": "المعهد العالي للإعلام والاتصال"},
    )
    CERTIFICATE_SIGNATORIES = (
        {
            "name": "La coordination du programme",
            "title_fr": "Coordination pédagogique",
            "title_ar": "التنسيق البيداغوجي",
        },
        {"name": "La direction des études", "title_fr": "Direction des études", "title_ar": "إدارة الدراسات"},
    )
    VERIFY_RATE_LIMIT = "30 per minute; 300 per hour"
    # Behind a reverse proxy: how many proxies set X-Forwarded-For/-Proto (0: trust none).
    PROXY_FIX_X_FOR = 0
    LOG_FORMAT = "json"  # one JSON object per line outside debug and tests; "text" keeps Flask's format
    LOG_LEVEL = "INFO"
    PROXY_FIX_X_PROTO = 0


# Environment variables read as they are (no prefix), for operators' convenience.
ENVIRONMENT_KEYS = (
    "SECRET_KEY", "CONTENT_DIR", "SERVER_NAME", "PREFERRED_URL_SCHEME", "RATELIMIT_STORAGE_URI",
    "MAIL_SERVER", "MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER", "PUBLIC_BASE_URL",
    "TASK_QUEUE_URL",
)  # fmt: skip


def load_environment(config: dict) -> None:
    """Apply environment overrides: the plain names above, DATABASE_URL, and any TADBIR_* key."""
    for key in ENVIRONMENT_KEYS:
        if os.environ.get(key):
            config[key] = os.environ[key]
    if os.environ.get("DATABASE_URL"):
        config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    prefix = "TADBIR_"
    for key, value in os.environ.items():
        if key.startswith(prefix):
            config[key[len(prefix) :]] = _parse(value)


def _parse(value: str):
    """`true`, `0`, `["a"]` become JSON values; anything else stays a string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def normalise_database_url(url: str) -> str:
    """Accept the usual `postgres://` and `postgresql://` forms and use the psycopg 3 driver."""
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def create_once(path: Path, content: bytes) -> bytes:
    """Write `content` to `path` unless it exists; return what the file holds.

    Several workers may start at once: the file is written under a temporary name and linked
    into place, so no worker ever reads a half-written file, and the first link wins.
    """
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
            os.chmod(temporary, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_bytes()


def ensure_secret_key(instance_path: Path) -> str:
    """Read `instance/secret_key`, creating it once."""
    return create_once(instance_path / "secret_key", secrets.token_hex(32).encode()).decode().strip()
