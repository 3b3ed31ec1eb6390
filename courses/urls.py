"""URL helpers shared by features."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import current_app, g, has_request_context, request, url_for

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000/"


class PublicAddressUnknown(RuntimeError):
    """A link must be built outside a request and PUBLIC_BASE_URL is not set."""


def safe_next_url(target: str | None, default_endpoint: str = "catalog.index") -> str:
    """`target` if it stays on this site (a path, no scheme or host), else the default page."""
    if target:
        parts = urlsplit(target.replace("\\", "/"))
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for(default_endpoint)


def current_path() -> str:
    """The path and query of the current request, for `next` fields."""
    return request.full_path.rstrip("?")


def login_return_path() -> str | None:
    """Where logging in from the header comes back to: the page the person was on. None (so the
    login lands on the person's own home, /me/ or /teaching/) on the home page and on the
    account pages themselves, where coming back would be no use."""
    on_home_page = request.path == url_for("catalog.index") and not request.query_string
    if on_home_page or request.blueprint == "auth":
        return None
    return current_path()


def public_base_url() -> str:
    """The site's public address, ending with "/".

    PUBLIC_BASE_URL when set; otherwise the address of the request being served, or of the
    request that queued the task being run (`links_from`). Outside both (a command) it is
    required, except in development (debug or testing), where a warning names the placeholder.
    """
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/") + "/"
    if has_request_context():
        return request.host_url
    if g.get("public_base_url"):
        return g.public_base_url
    if current_app.debug or current_app.testing:
        current_app.logger.warning("PUBLIC_BASE_URL is not set: links point to %s", DEVELOPMENT_BASE_URL)
        return DEVELOPMENT_BASE_URL
    raise PublicAddressUnknown(
        "PUBLIC_BASE_URL is not set: links in mails, certificates and QR codes would point nowhere. "
        "Set it to the site's public address, e.g. PUBLIC_BASE_URL=https://tadbir.example.ma"
    )


def require_public_base_url() -> None:
    """For commands that build links: stop with a clear message when the public address is unknown."""
    import click

    try:
        public_base_url()
    except PublicAddressUnknown as error:
        raise click.ClickException(str(error)) from error


def request_base_url() -> str | None:
    """What a task queued now should build its links on (None when PUBLIC_BASE_URL decides)."""
    return None if current_app.config.get("PUBLIC_BASE_URL") else request.host_url


@contextmanager
def links_from(base_url: str | None):
    """Build links on `base_url` (the address of the request that queued a task) inside the block."""
    previous = g.get("public_base_url")
    g.public_base_url = base_url or previous
    try:
        yield
    finally:
        g.public_base_url = previous


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the public site (see public_base_url), also outside requests (CLI, mail)."""
    base = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


MAX_INT = 2**31 - 1  # what every id and page number fits in (database integers)


def int_arg(name: str, default: int | None = None) -> int | None:
    """A positive integer query argument within database range; `default` otherwise."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_INT else default


#: Query arguments list pages keep when they link to another page, sort or filter of themselves.
LIST_ARGUMENTS = (
    "q", "language", "tag", "status", "cohort", "sort", "dir", "page", "role", "action", "family", "actor", "since",
    "until",
)  # fmt: skip


def list_url(**changes) -> str:
    """The current list page's URL with some arguments changed (only known arguments are kept; "" removes one)."""
    arguments = {key: request.args[key] for key in LIST_ARGUMENTS if request.args.get(key)}
    arguments.update({key: value for key, value in changes.items() if value is not None})
    kept = {key: value for key, value in arguments.items() if value != ""}  # "" removes an argument
    return url_for(request.endpoint, **(request.view_args or {}), **kept)
