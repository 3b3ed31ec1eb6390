"""Real-browser tests: Debian's Chromium driven by Playwright against a live server.

Playwright cannot download its own browser here, so it is pointed at /usr/bin/chromium (installed
by .ci/run when absent). Screenshots of failing tests land in test-artifacts/.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from courses import create_app
from courses.auth import services as accounts
from courses.catalog import services as catalog
from courses.catalog.sync import sync
from courses.extensions import db
from courses.learning import services as learning
from tests.conftest import FAST_HASH, PASSWORD, front_matter, mail_link

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip

QUIZ = """---
title: {title}
minutes: 5
objectives:
  - {objective}
quiz:
  - question: {question}
    choices: [{right}, {wrong}]
    answer: 0
    explanation: {explanation}
---
{body}
"""


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            # The development server's threads leave a static file to the garbage collector when the
            # browser drops a request as it navigates away: not the application's doing.
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))


def _write_content(root: Path) -> None:
    courses = {
        "gouvernance": (
            {"title": "Gouvernance locale", "summary": "Les bases.", "language": "fr", "hours": 2,
             "status": "published", "tags": ["gouvernance"]},
            "Un cours **court** pour les tests.\n",
            {"01-lire": front_matter({"title": "Les communes", "minutes": 5}, "## Le conseil\n\nTexte du module.\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n## Saisir le conseil\n\nLes citoyens déposent des pétitions auprès du conseil.\n"),
             "02-quiz": QUIZ.format(title="Vérifier ses acquis", objective="Retenir le nombre de régions",
                                    question="Combien de régions ?", right='"12"', wrong='"16"',
                                    explanation="Douze régions depuis 2015.", body="## Rappel\n\nLe Maroc compte 12 régions.\n")},
        ),
        "hokama": (
            {"title": "الحكامة المحلية", "summary": "أسس الحكامة.", "language": "ar", "hours": 2,
             "status": "published", "tags": ["حكامة"], "translation_of": "gouvernance"},
            "دورة قصيرة للاختبار.\n",
            {"01-qiraa": front_matter({"title": "الجماعات", "minutes": 5}, "## المجلس\n\nنص الوحدة.\n\n## الموارد\n\nيصوت المجلس على الميزانية كل سنة.\n"),
             "02-ikhtibar": QUIZ.format(title="اختبار", objective="معرفة عدد الجهات", question="كم عدد الجهات؟",
                                        right='"12"', wrong='"16"', explanation="اثنتا عشرة جهة منذ 2015.", body="## تذكير\n\nنص.\n")},
        ),
        # A draft trained by author@example.ma: the trainers' home, banners and quiz preview.
        "atelier": (
            {"title": "Atelier de rédaction", "summary": "Un brouillon.", "language": "fr", "hours": 0.25,
             "status": "draft", "trainers": [{"name": "Author Tadbir", "email": "author@example.ma"}]},
            "Un cours en préparation.\n",
            {"01-lire": front_matter({"title": "Premier module", "minutes": 5}, "## Partie\n\nTexte.\n")},
        ),
    }  # fmt: skip
    for slug, (meta, intro, modules) in courses.items():
        folder = root / slug
        folder.mkdir(parents=True)
        (folder / "course.md").write_text(front_matter(meta, intro), "utf-8")
        for name, text in modules.items():
            (folder / f"{name}.md").write_text(text, "utf-8")


def _graduate(email: str, slug: str) -> None:
    """A learner who has completed the course `slug` (its complete page, certificate and dashboard)."""
    user = accounts.create_user(email, accounts.Profile(full_name="Graduate Tadbir"), PASSWORD, "learner")
    course = catalog.public_course(slug)
    enrollment = learning.enroll(user, course)
    for module in catalog.live_modules(course):
        if module.active_questions:
            learning.submit_quiz(enrollment, module, {q.id: q.answers for q in module.active_questions})
        else:
            learning.complete_module(enrollment, module)
    assert enrollment.completed_at is not None


class LiveServer(str):
    """The live server's base URL, which also knows where its mail lands."""

    def __new__(cls, url: str, outbox: Path, app=None):
        server = super().__new__(cls, url)
        server.outbox = outbox
        server.app = app  # for the content commands (`app.test_cli_runner()`)
        server.content = Path(app.config["CONTENT_DIR"]) if app is not None else None
        return server

    def last_link_to(self, address: str) -> str:
        """The path of the password link in the latest message to `address`."""
        import email
        import email.policy

        messages = sorted(self.outbox.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
        for path in reversed(messages):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] == address:
                return mail_link(message)
        raise AssertionError(f"no message to {address}")


@contextmanager
def serving(base: Path, **config):
    """The app served on a free loopback port, with two courses and one account per staff role."""
    content = base / "content"
    _write_content(content)
    app = create_app(
        {
            "TESTING": True, "SECRET_KEY": "browser-tests", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{base / 'live.sqlite'}",
            "CONTENT_DIR": str(content), "MAIL_OUTBOX": str(base / "outbox"), "RATELIMIT_ENABLED": False,
            "TASKS_IMMEDIATE": True, "PASSWORD_HASH_METHOD": FAST_HASH, "PAGE_CACHE_VERSION_SECONDS": 0, **config,
        }
    )  # fmt: skip
    with app.app_context():
        db.create_all()
        sync(content)
        for role in ("coordinator", "admin", "trainer"):
            accounts.create_user(
                f"{role}@example.ma", accounts.Profile(full_name=f"{role.title()} Tadbir"), PASSWORD, role
            )
        # The author of the draft "atelier" (a trainer whose pages switch language in the tests).
        accounts.create_user("author@example.ma", accounts.Profile(full_name="Author Tadbir"), PASSWORD, "trainer")
        _graduate("graduate@example.ma", "gouvernance")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # No PUBLIC_BASE_URL: links and QR codes follow the server's own address (a random port).
    yield LiveServer(f"http://127.0.0.1:{server.server_port}", outbox=Path(app.config["MAIL_OUTBOX"]), app=app)
    server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The shared live server, rate limits off (the tests log in again and again from one address)."""
    with serving(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (.ci/run installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield browser
        browser.close()


def _artifact_name(node) -> str:
    """A screenshot's file name: the test's name, its parameters shortened (Arabic ids run past 255 bytes)."""
    parameters = node.name[len(node.originalname) :]
    suffix = hashlib.sha256(parameters.encode()).hexdigest()[:8] if parameters else ""
    return f"{node.originalname}{'-' + suffix if suffix else ''}.png"


@pytest.fixture
def page(request, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: CI machines are shared and slow at times
    yield page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / _artifact_name(request.node)), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report


def log_in(page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/(me|teaching)/$"))  # trainers land on their courses
