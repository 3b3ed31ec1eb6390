"""Journeys a person makes, in French and in Arabic, in a real browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import AXE_OPTIONS
from tests.certificates.test_certificates import scan_qr
from tests.conftest import PASSWORD


def sign_up(page, base: str, email: str, name: str, name_ar: str) -> None:
    page.goto(f"{base}/signup")
    page.fill("#email", email)
    page.fill("#full_name", name)
    page.fill("#full_name_ar", name_ar)
    page.click("#submit")
    expect(page.locator("h1")).to_have_count(1)  # waits for the page the form leads to (it raced a slow machine)
    page.goto(f"{base}{base.last_link_to(email)}")  # the activation link, from the mailbox
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/me/")


@pytest.mark.parametrize(
    ("language", "course", "first", "quiz", "enroll", "done", "check", "verify_word"),
    [
        ("fr", "gouvernance", "lire", "quiz", "S'inscrire à ce cours", "J'ai terminé ce module", "Vérifier mes réponses", "Certificat valide"),
        ("ar", "hokama", "qiraa", "ikhtibar", "التسجيل في هذه الدورة", "أتممتُ هذه الوحدة", "التحقق من إجاباتي", "شهادة صالحة"),
    ],
)  # fmt: skip
def test_learner_journey(page, live_server, language, course, first, quiz, enroll, done, check, verify_word, tmp_path):
    email = f"learner-{language}@example.ma"
    if language == "ar":
        page.goto(live_server)
        page.click("button[value=ar]")
        assert page.locator("html").get_attribute("dir") == "rtl"
    sign_up(page, live_server, email, "Salma Benali", "سلمى بنعلي")
    page.goto(f"{live_server}/courses/{course}/")
    page.get_by_role("button", name=enroll).click()
    page.goto(f"{live_server}/courses/{course}/{first}/")
    page.get_by_role("button", name=done).click()
    page.wait_for_url(f"**/courses/{course}/{quiz}/")
    # fail, then pass the quiz, with the keyboard only
    page.locator("fieldset input[value='1']").focus()  # the wrong choice, wherever the shuffle put it
    page.keyboard.press("Space")
    page.get_by_role("button", name=check).click()
    expect(page.locator(".result-failed")).to_be_visible()  # waits for the attempt's page
    page.goto(f"{live_server}/courses/{course}/{quiz}/")
    page.locator("fieldset input[value='0']").check()
    page.get_by_role("button", name=check).click()
    expect(page.locator(".result-passed")).to_be_visible()
    page.locator(f"a[href$='/courses/{course}/completed']").click()  # the course is finished: its moment
    page.wait_for_url(f"**/courses/{course}/completed")
    assert page.locator(".certificate-box a[href^='https://www.linkedin.com/profile/add?']").count() == 1
    link = page.locator(".certificate-links a.button")
    with page.expect_download() as download_info:
        link.click()
    path = tmp_path / "certificate.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            [shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Salma Benali" in text
    code = re.search(r"TDB-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", page.content()).group(0)
    page.goto(f"{live_server}/me/")
    assert page.locator("section[aria-labelledby=completed-title] .completed-list > li").count() == 1
    assert code in page.locator("section[aria-labelledby=completed-title]").inner_text()
    if shutil.which("zbarimg") and shutil.which("pdftoppm"):  # the QR code leads to this server (its own port)
        assert scan_qr(path.read_bytes(), tmp_path) == f"{live_server}/verify/{code}"
    page.goto(f"{live_server}/verify")
    page.fill("#code", code.lower().replace("-", ""))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/verify/{code}")
    assert verify_word in page.locator(".verdict h2").inner_text()


def test_coordinator_journey(page, live_server, tmp_path):
    log_in(page, live_server, "coordinator@example.ma")
    page.click("button[value=fr]")  # other tests may have saved another language for this account
    page.goto(f"{live_server}/coordination/cohorts/new")
    page.select_option("#course", "gouvernance")
    page.fill("#name", "Session de Fès")
    page.fill("#starts_on", "2026-12-01")
    page.fill("#ends_on", "2026-12-05")
    page.fill("#place", "Fès")
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/coordination/cohorts/\d+$"))
    csv_file = tmp_path / "liste.csv"
    csv_file.write_text("email;nom complet;type;région\nnadia@example.ma;Nadia Tazi;commune;Fès-Meknès\n", "utf-8")
    page.set_input_files("#file", str(csv_file))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("main")).to_contain_text("Nouveau compte")
    page.get_by_role("button", name="Confirmer l'import").click()
    session_url = page.url.split("?")[0]
    assert "Nadia Tazi" in page.locator("table.learners").inner_text()
    assert "Invité — compte non activé" in page.locator("table.learners").inner_text()
    figures = page.locator(".figures").inner_text()
    assert re.search(r"Inscrits\s+1", figures) and re.search(r"Activés\s+0", figures)
    invitee = page.context.browser.new_context(locale="fr-FR").new_page()
    invitee.goto(f"{live_server}{live_server.last_link_to('nadia@example.ma')}")  # Nadia activates
    invitee.fill("#password", PASSWORD)
    invitee.fill("#confirm", PASSWORD)
    invitee.click("#submit")
    invitee.wait_for_url("**/me/")
    invitee.context.close()
    page.goto(session_url)
    assert re.search(r"Activés\s+1", page.locator(".figures").inner_text())
    row = page.locator("table.learners tbody tr", has_text="Nadia Tazi")
    assert "Activé — pas encore commencé" in row.inner_text() and row.locator("time").count() == 1
    page.get_by_role("link", name=re.compile(r"^Invité — compte non activé \(0\)")).click()
    expect(page.locator("table.learners")).not_to_contain_text("Nadia Tazi")
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Rapport").first.click()
    expect(page.locator(".figures")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Certificats (ZIP)").first.click()
    assert download_info.value.suggested_filename.endswith(".zip")


def test_logout_on_a_shared_computer_signs_out_for_the_next_person(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("#email", "trainer@example.ma")
    page.fill("#password", PASSWORD)
    page.check("#remember")
    page.click("#submit")
    page.wait_for_url("**/teaching/")  # a trainer lands on their courses
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{live_server}/")
    # The next person opens the browser again: session cookies are gone, persistent ones stay.
    context = page.context
    kept = [c for c in context.cookies() if c.get("expires", -1) > 0]
    assert not any(c["name"] == "remember_token" for c in kept)
    context.clear_cookies()
    context.add_cookies(kept)
    page.goto(f"{live_server}/me/")
    assert "/login" in page.url
    assert page.get_by_role("button", name="Se déconnecter").count() == 0


# A module with three deliberate mistakes: a colon in an unquoted title (YAML stops there), then,
# once that is fixed, minutes written in words and an answer numbered from 1.
MODULE_WITH_MISTAKES = """---
title: Le budget : qui vote quoi ?
minutes: dix
quiz:
  - question: Qui vote le budget de la commune ?
    choices: ["Le conseil", "Le président"]
    answer: 2
    explanation: Le budget est une délibération du conseil.
---
## Le vote

Le conseil vote le budget.
"""


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def test_trainer_journey_from_mistakes_to_the_checked_draft(page, live_server, axe):
    """The guide's first try (docs/authoring.md, 0.1): write, check, fix, then read the draft and its quiz."""
    runner = live_server.app.test_cli_runner()
    module = live_server.content / "atelier" / "02-budget.md"
    module.write_text(MODULE_WITH_MISTAKES, "utf-8")

    first = runner.invoke(args=["content", "check", "--course", "atelier"])
    assert first.exit_code == 1
    assert "atelier/02-budget.md:2: la valeur de « title » contient « : » suivi d'une espace" in first.stderr
    assert runner.invoke(args=["content", "sync"]).exit_code == 1  # what watch does at each save

    log_in(page, live_server, "author@example.ma")
    assert page.url.endswith("/teaching/")
    page.click("button[value=fr]")
    page.get_by_role("link", name="Atelier de rédaction", exact=True).click()
    errors = page.locator(".sync-errors")
    assert "Le dernier import du contenu a échoué" in errors.inner_text()
    assert "atelier/02-budget.md:2" in errors.inner_text() and "dernière version valide" in errors.inner_text()
    assert axe.run(page, options=AXE_OPTIONS).violations_count == 0

    module.write_text(MODULE_WITH_MISTAKES.replace("Le budget : qui vote quoi ?", '"Le budget : qui vote quoi ?"'))
    second = runner.invoke(args=["content", "check", "--course", "atelier"])
    assert second.exit_code == 1
    assert "atelier/02-budget.md:3: « minutes » doit être un nombre entier" in second.stderr
    assert "atelier/02-budget.md:7: la réponse 2 ne correspond à aucun choix (numéros de 0 à 1)" in second.stderr

    module.write_text(MODULE_WITH_MISTAKES.replace("Le budget : qui vote quoi ?", '"Le budget : qui vote quoi ?"')
                      .replace("minutes: dix", "minutes: 10").replace("answer: 2", "answer: 0"))  # fmt: skip
    assert runner.invoke(args=["content", "check", "--course", "atelier"]).exit_code == 0
    assert runner.invoke(args=["content", "sync"]).exit_code == 0

    page.reload()
    assert page.locator(".sync-errors").count() == 0
    assert "Brouillon — visible de ses seuls formateurs" in page.locator(".draft-banner").inner_text()
    assert page.locator("form[action$='/enroll']").count() == 0  # nothing to enroll in: it is a draft
    page.get_by_role("link", name="Le budget : qui vote quoi ?").click()
    preview = page.locator(".trainer-preview")
    assert "Aperçu du quiz, réponses indiquées" in preview.inner_text()
    assert preview.locator("input:checked").count() == 1
    assert preview.locator("li.right-answer").inner_text().startswith("Le conseil")
    assert "Le budget est une délibération du conseil." in preview.inner_text()
    for language in ("fr", "ar"):
        page.click(f"button[value={language}]")
        assert axe.run(page, options=AXE_OPTIONS).violations_count == 0
