"""URL helpers shared by features."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


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
