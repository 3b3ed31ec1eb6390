"""Two app servers side by side on one PostgreSQL database (and Redis for rate limits) act as one.

Runs when TEST_DATABASE_URL points at PostgreSQL (as in CI) and Redis answers on 127.0.0.1:6379.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis

from tests.conftest import PASSWORD, SERVER_URL, front_matter, server_database

REDIS = ("127.0.0.1", 6379)
BIN = Path(sys.executable).parent


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not SERVER_URL or not redis_answers(), reason="needs PostgreSQL (TEST_DATABASE_URL) and Redis on 127.0.0.1:6379"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def two_servers(tmp_path):
    with server_database("tadbir_scale") as database_url:
        yield from _serve_twice(tmp_path, database_url)


def _serve_twice(tmp_path, database_url: str):
    content = tmp_path / "content"
    (content / "cours").mkdir(parents=True)
    meta = {"title": "Cours partagé", "summary": "S.", "language": "fr", "hours": 1, "status": "published"}
    (content / "cours" / "course.md").write_text(front_matter(meta, "Intro\n"), "utf-8")
    (content / "cours" / "01-lire.md").write_text(front_matter({"title": "Lire"}, "Texte\n"), "utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-between-servers",
        "CONTENT_DIR": str(content),
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "TADBIR_CERTIFICATE_SIGNING_KEY": str(tmp_path / "signing.pem"),
        "FLASK_APP": "wsgi",
    }
    project = Path(__file__).resolve().parent.parent
    flask = [str(BIN / "flask")]
    for command in (["db", "upgrade"], ["content", "sync"]):
        subprocess.run(flask + command, env=env, cwd=project, check=True, capture_output=True)
    subprocess.run([*flask, "users", "create", "salma@example.ma", "--name", "Salma", "--password-stdin"],
                   env=env, cwd=project, check=True, capture_output=True, input=f"{PASSWORD}\n", text=True)  # fmt: skip
    limits = redis.Redis(host=REDIS[0], port=REDIS[1], db=15)
    limits.flushdb()
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"], env=env, cwd=project,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base in bases:
            deadline = time.monotonic() + 90  # a loaded 2-core machine starts gunicorn slowly
            while True:
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=5)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield bases
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # stuck in shutdown: the test's verdict stands, the process goes
                server.kill()
                server.wait()
        limits.flushdb()


class Browser:
    """A cookie jar shared by both servers (cookies ignore ports), like one person's browser."""

    def __init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict) -> tuple[int, str]:
        return self._open(urllib.request.Request(url, data=urllib.parse.urlencode(data).encode()))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def token(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page).group(1)


def test_one_session_and_one_progress_across_servers(two_servers):
    a, b = two_servers
    browser = Browser()
    _, page = browser.get(f"{a}/login")
    status, _ = browser.post(
        f"{a}/login", {"email": "salma@example.ma", "password": PASSWORD, "csrf_token": token(page)}
    )
    assert status == 302
    status, page = browser.get(f"{b}/courses/cours/")  # logged in on the other server too
    assert status == 200 and "S'inscrire à ce cours" in page
    assert browser.post(f"{b}/courses/cours/enroll", {"csrf_token": token(page)})[0] == 302
    status, page = browser.get(f"{a}/courses/cours/lire/")
    assert status == 200 and "J'ai terminé ce module" in page
    assert browser.post(f"{b}/courses/cours/lire/complete", {"csrf_token": token(page)})[0] == 302
    status, page = browser.get(f"{a}/me/")
    assert "Cours partagé" in page.split("Cours terminés")[1]


def test_rate_limits_hold_across_servers(two_servers):
    a, b = two_servers
    browser = Browser()
    statuses = []
    for attempt in range(7):
        base = (a, b)[attempt % 2]
        _, page = browser.get(f"{base}/login")
        statuses.append(
            browser.post(f"{base}/login", {"email": "x@example.ma", "password": "wrong", "csrf_token": token(page)})[0]
        )
    assert statuses == [200] * 5 + [429, 429]  # failures for one account from one address, counted once
