"""Security headers on every response.

Pages allow only our own scripts, styles and images (no inline script); course assets, which
trainers supply and may be SVG, are served with a sandboxing policy so they can never run script
in our origin even when opened directly.
"""

from __future__ import annotations

from flask import Flask, Response, request

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
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    app.after_request(apply_headers)
