"""Whole public pages for visitors without a session, kept per process until the content changes.

A visitor who has no session cookie (and no remember-me cookie) is anonymous and has nothing of
their own on a catalog, course or module page: the page depends only on the content, the
interface language and the address. Such pages are rendered once per `content_version()`,
language and address, kept in a small LRU per application, and sent with an `ETag`, so a phone on
a slow link that asks again (`If-None-Match`) gets a 304 without the page. A page whose rendering
wrote to the session or set a cookie (a form's CSRF token, a flash) is never kept. The content
version itself is read at most once a second per process (`PAGE_CACHE_VERSION_SECONDS`), so a
page served from the cache touches no database.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from flask import Response, current_app, make_response, request, session
from flask_babel import get_locale

from courses.catalog.fragments import FragmentCache, recent_content_version

EXTENSION = "tadbir.pages"
REMEMBER_COOKIE = "remember_token"


def _cache() -> FragmentCache:
    return current_app.extensions.setdefault(EXTENSION, FragmentCache(size=256))


def _shareable() -> bool:
    """Whether the request can only be an anonymous visitor's: no session, no remember-me cookie."""
    cookies = request.cookies
    return (
        request.method == "GET"
        and current_app.config["SESSION_COOKIE_NAME"] not in cookies
        and current_app.config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) not in cookies
    )


def public_page(view):
    """Serve `view` from the page cache to visitors without a session (see the module's docstring)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not _shareable():
            return view(*args, **kwargs)
        key = (recent_content_version(), str(get_locale()), request.full_path)
        kept = _cache().get(key)
        if kept is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or session.modified or "Set-Cookie" in response.headers:
                return response
            kept = (response.get_data(), response.content_type)
            _cache().put(key, kept)
        body, content_type = kept
        response = Response(body, content_type=content_type)
        response.set_etag(hashlib.sha256(repr(key).encode()).hexdigest()[:32])
        response.headers["Cache-Control"] = "no-cache"  # kept, but asked again each time (cheap: 304)
        response.vary.update(("Cookie", "Accept-Language"))
        return response.make_conditional(request)

    return wrapped
