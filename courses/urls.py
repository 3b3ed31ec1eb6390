"""URL helpers shared by features."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for


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


def public_url(endpoint: str, **values) -> str:
    """An absolute URL on the public site (PUBLIC_BASE_URL), also outside requests (CLI, mail)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


MAX_INT = 2**31 - 1  # what every id and page number fits in (database integers)


def int_arg(name: str, default: int | None = None) -> int | None:
    """A positive integer query argument within database range; `default` otherwise."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_INT else default


#: Query arguments list pages keep when they link to another page, sort or filter of themselves.
LIST_ARGUMENTS = ("q", "status", "cohort", "sort", "dir", "page", "role", "action", "actor", "since", "until")


def list_url(**changes) -> str:
    """The current list page's URL with some arguments changed (only known arguments are kept)."""
    arguments = {key: request.args[key] for key in LIST_ARGUMENTS if request.args.get(key)}
    arguments.update({key: value for key, value in changes.items() if value is not None})
    return url_for(request.endpoint, **(request.view_args or {}), **arguments)
