"""Rendered pages cut into plain-text sections at their headings, for the search index."""

from __future__ import annotations

from courses.material import render_document
from courses.material.sections import Section, split_sections


def test_sections_follow_headings_with_their_anchors():
    html = render_document(
        "Le **bu**dget &amp; la loi.\n\n## Le vote du budget\n\nEn octobre.\n\n"
        "### Les amendements\n\nRares.\n\n## الميزانية\n\nنص.\n"
    ).html
    assert split_sections(html) == [
        Section(None, "", "Le budget & la loi."),
        Section("le-vote-du-budget", "Le vote du budget", "En octobre."),
        Section("les-amendements", "Les amendements", "Rares."),
        Section("الميزانية", "الميزانية", "نص."),
    ]


def test_blocks_are_separated_and_images_count_by_their_description():
    html = render_document(
        "## Tableau\n\n| Poste | Montant |\n|---|---|\n| Voirie | 12 |\n\n"
        '!!! note "À retenir"\n    Le budget.\n\n- un\n- deux\n\n![Carte des régions](assets/carte.svg)\n'
    ).html
    [section] = split_sections(html)
    assert section.text == "Poste Montant Voirie 12 À retenir Le budget. un deux Carte des régions"


def test_a_page_without_lead_text_starts_at_its_first_heading():
    assert [s.anchor for s in split_sections(render_document("## Un\n\nx\n\n## Deux\n").html)] == ["un", "deux"]


def test_markup_in_text_comes_back_as_text():
    [section] = split_sections(render_document("Écrire `<script>alert(1)</script>` &lt;b&gt;\n").html)
    assert section.text == "Écrire <script>alert(1)</script> <b>"


def test_an_icon_in_a_heading_is_not_its_text():
    [section] = split_sections('<h2 id="a">Titre <img alt="icône" src="i.svg"></h2><p>Texte <img alt="Schéma"></p>')
    assert (section.heading, section.text) == ("Titre", "Texte Schéma")
