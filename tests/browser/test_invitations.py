"""A coordinator resends an invitation, reminds a session, closes and reopens it; every page passes axe."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE_OPTIONS
from tests.conftest import PASSWORD


def messages_to(server, address: str) -> int:
    return sum(f"To: {address}" in path.read_text("utf-8", "replace") for path in server.outbox.glob("*.eml"))


def no_violations(page, axe: Axe) -> None:
    """The current page has no axe violation in French and in Arabic (the page is left in French)."""
    url = page.url
    for language in ("ar", "fr"):
        page.click(f"button[value={language}]")
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{url} ({language}): {results.generate_report()}"


def test_invitations_reminders_closing_and_reopening(page, live_server, tmp_path):
    axe = Axe()
    log_in(page, live_server, "coordinator@example.ma")
    page.click("button[value=fr]")
    page.goto(f"{live_server}/coordination/cohorts/new")
    page.select_option("#course", "gouvernance")
    page.fill("#name", "Session de Tanger")
    page.fill("#starts_on", "2026-12-07")
    page.fill("#ends_on", "2026-12-07")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/coordination/cohorts/\d+$"))
    session_url = page.url
    csv_file = tmp_path / "liste.csv"
    csv_file.write_text(
        "email;nom complet;langue\nrim@tanger.ma;Rim Amrani;arabe\nomar@tanger.ma;Omar Sqalli;\n", "utf-8"
    )
    page.set_input_files("#file", str(csv_file))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.get_by_role("button", name="Confirmer l'import").click()
    panel = page.get_by_role("region", name="Invitations et relances")
    expect(panel.get_by_role("button", name=re.compile("Renvoyer l'invitation"))).to_have_count(2)  # waits for the page
    no_violations(page, axe)

    assert messages_to(live_server, "rim@tanger.ma") == 1
    panel.get_by_role("button", name="Renvoyer l'invitation — Rim Amrani").click()
    expect(page.locator(".flashes")).to_contain_text("Invitation renvoyée")
    assert messages_to(live_server, "rim@tanger.ma") == 2

    page.get_by_role("link", name="Relancer celles et ceux qui n'ont pas activé leur compte…").click()
    expect(page.get_by_role("heading", name="2 destinataires")).to_be_visible()  # waits for the page
    assert "العربية" in page.locator("table").inner_text()
    no_violations(page, axe)
    page.get_by_role("button", name="Envoyer la relance à 2 apprenants").click()
    expect(page.locator(".flashes")).to_contain_text("Une relance est en cours d'envoi à 2 apprenants")

    page.goto(session_url)
    page.get_by_role("link", name="Clôturer la session…").click()
    expect(page.locator("main")).to_contain_text("gardent leur accès au cours et leur progression")
    no_violations(page, axe)
    page.get_by_role("button", name="Clôturer la session").click()
    expect(page.locator("dl.meta")).to_contain_text("Clôturée")
    page.get_by_role("link", name="Rouvrir la session…").click()
    no_violations(page, axe)
    page.get_by_role("button", name="Rouvrir la session").click()
    expect(page.locator("dl.meta")).to_contain_text("Ouverte")

    # The learner activates from the reminder's link, which opens the activation page.
    page.get_by_role("button", name=re.compile("Se déconnecter|تسجيل الخروج")).first.click()
    page.goto(f"{live_server}{live_server.last_link_to('omar@tanger.ma')}")
    expect(page.get_by_role("heading", name="Activez votre compte")).to_be_visible()
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/me/")
