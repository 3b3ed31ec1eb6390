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
