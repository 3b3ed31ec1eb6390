"""Security headers on every response.

Pages allow only our own scripts, styles and images (no inline script); course assets, which
trainers supply and may be SVG, are served with a sandboxing policy so they can never run script
in our origin even when opened directly.

Every file sent as an attachment (report CSV/XLSX, certificate ZIP and PDFs, the audit CSV, a
learner's own certificate) is someone's personal data: it goes out with `Cache-Control: no-store`,
whatever the view said, so no browser or proxy cache keeps a copy. Public files (course assets,
the public key, static files) are not attachments and keep their caching.
"""

from __future__ import annotations

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
ASSET_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"


def apply_headers(response: Response) -> Response:
    is_asset = request.endpoint == "catalog.asset"
    response.headers.setdefault("Content-Security-Policy", ASSET_POLICY if is_asset else PAGE_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if is_download(response):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        _secure_cookies(response)
    return response


def is_download(response: Response) -> bool:
    """A file the browser saves rather than shows: every personal export is sent this way."""
    return response.headers.get("Content-Disposition", "").strip().lower().startswith("attachment")


def _secure_cookies(response: Response) -> None:
    """Over HTTPS every cookie set by the views and extensions (language, remember-me) is Secure."""
    cookies = response.headers.getlist("Set-Cookie")
    if cookies:
        response.headers.remove("Set-Cookie")
        for cookie in cookies:
            response.headers.add("Set-Cookie", cookie if "; Secure" in cookie else f"{cookie}; Secure")


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure on HTTPS requests even when the configuration does not say so."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(apply_headers)
