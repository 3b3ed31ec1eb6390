"""The training day end to end, rate limits on: a session, a CSV of 30 with one bad row, the room.

The coordinator creates a session, fills the template the import form offers, is stopped by the
preview on the one bad row, fixes it and confirms; thirty invitees activate from one address (the
test's loopback, as behind a venue's Wi-Fi) and log in, none refused; two open a module; the
roster, a reminder to those not started and the exports say so.
"""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, serving
from tests.conftest import PASSWORD, mail_link, mail_text

ROOM = 30
BAD_LINE = 18  # the header is line 1: the 17th person's row
STARTERS = 2
NOT_STARTED = "Activé — pas encore commencé"


@pytest.fixture(scope="module")
def room_server(tmp_path_factory):
    """A live server with the production limits on (the shared one turns them off)."""
    with serving(tmp_path_factory.mktemp("room"), RATELIMIT_ENABLED=True) as server:
        yield server


def invitee(number: int) -> str:
    return f"elu{number:02d}@tanger.ma"


def fill(template: list[list[str]], bad_line: int | None = None) -> str:
    """The template's header and example values, one row per invitee (one address broken if asked)."""
    header, example = template
    rows = []
    for number in range(1, ROOM + 1):
        address = invitee(number)
        if number + 1 == bad_line:
            address = address.replace("@", " at ")
        rows.append([address, f"Élu {number:02d}", "", "Commune de Tanger", *example[4:]])
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def upload(page, session_url: str, path) -> None:
    page.goto(session_url)
    page.set_input_files("#file", str(path))
    page.get_by_role("button", name="Vérifier le fichier").click()
    page.wait_for_url("**/imports")


def links_by_recipient(outbox) -> dict[str, str]:
    """The activation link of the latest invitation to each address (other messages carry none)."""
    links = {}
    for path in sorted(outbox.glob("*.eml"), key=lambda path: path.stat().st_mtime_ns):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if "/password/reset/" in mail_text(message):
            links[message["To"]] = mail_link(message)
    return links


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value.path().read_bytes()


def test_training_day(page, browser, room_server, tmp_path):
    server = room_server
    log_in(page, server, "coordinator@example.ma")
    page.click("button[value=fr]")

    page.goto(f"{server}/coordination/cohorts/new")
    page.select_option("#course", "gouvernance")
    page.fill("#name", "Journée de Tanger")
    page.fill("#starts_on", "2026-12-07")
    page.fill("#ends_on", "2026-12-21")
    page.fill("#place", "Hôtel de ville de Tanger")
    page.fill("#capacity", str(ROOM))
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/coordination/cohorts/\d+$"))
    session_url = page.url

    # The template from the import form, filled in with one broken address.
    template = list(csv.reader(io.StringIO(download(page, "Télécharger un modèle à remplir (CSV)").decode("utf-8-sig")),
                               delimiter=";"))  # fmt: skip
    assert template[0][:2] == ["Courriel", "Nom complet"] and len(template) == 2
    listing = tmp_path / "liste.csv"
    listing.write_text(fill(template, bad_line=BAD_LINE), "utf-8-sig")
    upload(page, session_url, listing)
    bad = page.locator("tr", has=page.get_by_role("cell", name=str(BAD_LINE), exact=True))
    assert "adresse électronique invalide" in bad.inner_text()
    assert page.get_by_role("button", name="Confirmer l'import").count() == 0
    assert "Rien ne sera importé" in page.get_by_role("alert").last.inner_text()

    listing.write_text(fill(template), "utf-8-sig")
    upload(page, session_url, listing)
    assert "Nouveau compte : 30" in page.locator("ul.counts").inner_text().replace("\u00a0", " ")
    page.get_by_role("button", name="Confirmer l'import").click()
    page.wait_for_url(session_url)
    assert "comptes créés et invités : 30" in page.locator(".flashes").inner_text()

    # The room: one address, thirty people, a fresh browser each; all get in, none is refused.
    links = links_by_recipient(server.outbox)
    for number in range(1, ROOM + 1):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
        person = context.new_page()
        response = person.goto(f"{server}{links[invitee(number)]}")
        assert response.status == 200 and person.locator("h1").inner_text() == "Activez votre compte"
        person.fill("#password", PASSWORD)
        person.fill("#confirm", PASSWORD)
        person.click("#submit")
        person.wait_for_url("**/me/")
        context.clear_cookies()  # the same person signs in again, as the next morning
        log_in(person, server, invitee(number))
        if number <= STARTERS:
            assert person.goto(f"{server}/courses/gouvernance/lire/").status == 200
        context.close()

    page.goto(session_url)
    figures = page.locator("dl.figures").inner_text()
    assert re.findall(r"\d+", figures) == ["30", "30", "0", "30"]  # enrolled, activated, completed, capacity
    filters = page.get_by_role("navigation", name="Filtrer par état")
    assert f"{NOT_STARTED} ({ROOM - STARTERS})" in filters.inner_text()
    filters.get_by_role("link", name=re.compile("^En cours")).click()
    rows = page.locator("table.learners tbody tr")
    expect(rows).to_have_count(STARTERS)  # waits for the filtered page
    assert all(re.search(r"En cours \(0/\d\)", text) for text in rows.all_inner_texts())

    # A reminder to those who have not started: a preview, then the mail to exactly them.
    page.get_by_role("link", name="Relancer celles et ceux qui n'ont pas commencé le cours…").click()
    not_started = {invitee(number) for number in range(STARTERS + 1, ROOM + 1)}
    expect(page.get_by_role("heading", name=f"{ROOM - STARTERS} destinataires")).to_be_visible()
    assert set(page.locator("table td:nth-child(2)").all_inner_texts()) == not_started
    before = set(server.outbox.glob("*.eml"))
    page.get_by_role("button", name=f"Envoyer la relance à {ROOM - STARTERS} apprenants").click()
    expect(page.locator(".flashes")).to_contain_text("Une relance est en cours d'envoi")
    sent = [email.message_from_bytes(path.read_bytes()) for path in set(server.outbox.glob("*.eml")) - before]
    assert sorted(message["To"] for message in sent) == sorted(not_started)

    # The exports, in French, with the states and a real date in Excel.
    page.goto(session_url)
    table = list(csv.reader(io.StringIO(download(page, "Apprenants (CSV)").decode("utf-8-sig")), delimiter=";"))
    header, rows = table[0], table[1:]
    for column in ("Nom complet", "Adresse électronique", "Compte activé", "État", "Dernière activité",
                   "Module 1 — état", "Module 1 — score"):  # fmt: skip
        assert column in header
    assert len(rows) == ROOM
    states = sorted(row[header.index("État")] for row in rows)
    assert all(re.fullmatch(r"En cours \(0/\d\)", state) for state in states[-STARTERS:])
    assert set(states[:-STARTERS]) == {NOT_STARTED}
    assert {row[header.index("Compte activé")] for row in rows} == {"Oui"}
    sheet = openpyxl.load_workbook(io.BytesIO(download(page, "Apprenants (Excel)")), read_only=True).active
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == header and len(cells) == ROOM + 1
    assert all(hasattr(row[header.index("Inscrit le")], "year") for row in cells[1:])
