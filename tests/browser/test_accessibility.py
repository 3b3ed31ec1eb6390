"""axe-core finds no WCAG 2.1 A/AA violation on any page type, in French and in Arabic, on a phone and a desktop."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import log_in

AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

PAGES = [
    # (name, path, who is logged in)
    ("catalog", "/", None),
    ("search", "/?q=conseil", None),
    ("course", "/courses/gouvernance/", None),
    ("module", "/courses/gouvernance/lire/", None),
    ("arabic-course", "/courses/hokama/", None),
    ("login", "/login", None),
    ("signup", "/signup", None),
    ("reset", "/password/reset", None),
    ("verify", "/verify?code=TDB-2345-6789-ABCD", None),
    ("not-found", "/courses/absent/", None),
    ("dashboard", "/me/", "coordinator@example.ma"),
    ("course-complete", "/courses/gouvernance/completed", "graduate@example.ma"),
    ("profile", "/account/", "coordinator@example.ma"),
    ("quiz", "/courses/gouvernance/quiz/", "coordinator@example.ma"),
    ("coordination", "/coordination/", "coordinator@example.ma"),
    ("new-session", "/coordination/cohorts/new", "coordinator@example.ma"),
    ("report", "/coordination/courses/gouvernance/report", "coordinator@example.ma"),
    ("teaching", "/teaching/", "author@example.ma"),
    ("draft-preview", "/courses/atelier/", "author@example.ma"),
    ("accounts", "/admin/users", "admin@example.ma"),
    ("audit", "/admin/audit", "admin@example.ma"),
]


# Every page at a phone's width (the browser fixture's 390 x 844); the page types whose layout
# changes most also at a desktop's, which is enough to keep the run short.
PHONE, DESKTOP = 390, 1280
DESKTOP_PAGES = {"catalog", "module", "quiz", "signup", "report", "accounts"}
RUNS = [(*p, PHONE) for p in PAGES] + [(*p, DESKTOP) for p in PAGES if p[0] in DESKTOP_PAGES]
HEADER_MAX_HEIGHT = 120  # px at 390 x 844: the page's own content starts on the first screen


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("language", ["fr", "ar"])
@pytest.mark.parametrize(("name", "path", "who", "width"), RUNS, ids=[f"{r[0]}-{r[3]}" for r in RUNS])
def test_no_violations(page, live_server, axe, language, name, path, who, width):
    page.set_viewport_size({"width": width, "height": 844})
    if who:
        log_in(page, live_server, who)
        if name == "quiz":  # the quiz shows to enrolled learners
            page.goto(f"{live_server}/courses/gouvernance/")
            enroll = page.locator("form[action$='/enroll'] button")
            if enroll.count():
                enroll.click()
    page.goto(live_server)
    page.click(f"button[value={language}]")
    page.goto(f"{live_server}{path}")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("h1").count() == 1
    if width == PHONE:
        assert page.locator("header.site-header").bounding_box()["height"] <= HEADER_MAX_HEIGHT
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE  # nothing widens the page
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
