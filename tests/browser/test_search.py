"""Search as a learner uses it: type a word, land on the passage that discusses it."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect


@pytest.mark.parametrize(
    ("language", "query", "module", "heading", "word"),
    [
        ("fr", "petition", "/courses/gouvernance/lire/", "Saisir le conseil", "pétitions"),  # no accent, plural
        ("ar", "ميزانية", "/courses/hokama/qiraa/", "الموارد", "الميزانية"),  # the article folded away
    ],
)
def test_search_lands_on_the_section_that_discusses_the_word(page, live_server, language, query, module, heading, word):
    page.goto(live_server)
    if language == "ar":
        page.click("button[value=ar]")
    page.fill("#q", query)
    page.locator("form[role=search] button[type=submit]").click()
    hit = page.locator(f".search-results .hits a[href*='{module}']")
    expect(hit).to_have_count(1)  # waits for the results page: count() alone raced a slow machine
    assert page.locator(".search-results .snippet mark").first.inner_text() == word  # the term, highlighted
    hit.click()
    page.wait_for_url(f"**{module}#*")
    anchor = unquote(page.url.rsplit("#", 1)[1])  # Arabic anchors come back percent-encoded
    assert page.locator(f"[id='{anchor}']").inner_text().strip() == heading  # the section, not the module's top
    expect(page.locator(f"[id='{anchor}']")).to_be_in_viewport()  # on screen as the page opens
