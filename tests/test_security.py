"""Security by default: CSRF on every state change, headers, cookies, rate limits, redirects."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.test_authorization import routes


def csrf_token(client, path: str = "/login") -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_every_post_route_refuses_a_missing_csrf_token(app, client, make_user):
    admin = make_user("admin@example.ma", role="admin")
    token = csrf_token(client)
    assert (
        client.post("/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token}).status_code == 302
    )
    posts = [rule for rule, method in routes(app) if method == "POST"]
    assert len(posts) > 20
    for rule in posts:
        values = {name: 1 if "id" in name else "x" for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, url
    assert client.get("/me/").status_code == 200  # still logged in: nothing was changed


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_login_without_token_is_refused(client, make_user):
    user = make_user()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400


def test_security_headers_on_pages(client):
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_no_inline_script_style_or_handlers_in_pages(client):
    page = client.get("/").get_data(as_text=True)
    assert "<script" not in page and "style=" not in page
    assert not re.search(r"<[^>]+\son[a-z]+=", page)


def test_hsts_and_secure_cookies_over_https(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"},
                           base_url="https://tadbir.example")  # fmt: skip
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookies = response.headers.getlist("Set-Cookie")
    assert all("Secure" in c for c in cookies if c.startswith(("session=", "remember_token=")))


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.app_config(RATELIMIT_ENABLED=True)
def test_login_is_rate_limited(client, make_user):
    user = make_user()
    statuses = [client.post("/login", data={"email": user.email, "password": "wrong password"}).status_code
                for _ in range(7)]  # fmt: skip
    assert statuses == [200] * 5 + [429, 429]  # one guesser, one account: 5 failures a minute
    page = client.post("/login", data={"email": user.email, "password": "x"}).get_data(as_text=True)
    assert "Trop de requêtes" in page and re.search(r"Patientez \d+ minutes? avant de réessayer.", page)


@pytest.mark.app_config(RATELIMIT_ENABLED=True)
def test_password_reset_mails_to_one_address_are_limited(client):
    statuses = [client.post("/password/reset", data={"email": "n@example.ma"}).status_code for i in range(5)]
    assert statuses == [302] * 3 + [429, 429]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"]
)
def test_open_redirects_are_refused(client, make_user, target):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/me/"
