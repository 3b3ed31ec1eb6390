"""Markdown as trainers write it: tables, callouts, nested lists, anchors, links between modules."""

from __future__ import annotations

from courses.material import render_document


def test_tables_render_with_alignment_and_scroll_wrapper():
    html = render_document("| Niveau | Nombre |\n|:--|--:|\n| Régions | 12 |\n").html
    assert '<div aria-label="Niveau, Nombre" class="table-scroll" role="region" tabindex="0"><table>' in html
    assert '<th align="left">Niveau</th>' in html and '<td align="right">12</td>' in html


def test_a_table_box_is_named_by_its_headings_escaped_and_cut():
    heading = 'Élu **&** "<b>' + "x" * 300
    html = render_document(f"| {heading} | B |\n|--|--|\n| 1 | 2 |\n").html
    label = html.split('aria-label="')[1].split('"')[0]
    assert label.startswith("Élu &amp; &quot;x") and label.endswith("…") and len(label) < 140


def test_admonitions_are_notes():
    html = render_document('!!! warning "Attention"\n    Vérifiez la date.\n').html
    assert '<div class="admonition warning" role="note">' in html
    assert '<p class="admonition-title">Attention</p>' in html


def test_two_space_nested_lists_stay_nested():
    html = render_document("- Région\n  - Province\n    - Commune\n- Autre\n").html
    assert html.count("<ul>") == 3
    assert "<li>Région<ul>" in html.replace("\n", "")


def test_heading_anchors_keep_accents_and_arabic():
    rendered = render_document("## Décentralisation avancée\n\n## الجهوية المتقدمة\n\n### Les élus\n")
    assert [(e.level, e.anchor) for e in rendered.toc] == [
        (2, "décentralisation-avancée"),
        (2, "الجهوية-المتقدمة"),
        (3, "les-élus"),
    ]
    assert '<h2 id="الجهوية-المتقدمة">' in rendered.html


def test_top_level_headings_are_shifted_below_the_page_title():
    html = render_document("# Partie\n\n## Sous-partie\n").html
    assert '<h2 id="partie">' in html and '<h3 id="sous-partie">' in html and "<h1" not in html


def test_hash_lines_in_code_blocks_do_not_shift_headings():
    html = render_document("## Partie\n\n```bash\n# un commentaire\n```\n").html
    assert '<h2 id="partie">' in html


def test_module_links_and_images_become_relative_urls():
    rendered = render_document("[suite](02-acteurs.md#elus) ![Carte](assets/carte.svg)", page="module")
    assert 'href="../acteurs/#elus"' in rendered.html
    assert 'src="../assets/carte.svg"' in rendered.html and 'loading="lazy"' in rendered.html
    kinds = [(r.kind, r.name, r.is_image) for r in rendered.references]
    assert kinds == [("module", "02-acteurs.md", False), ("asset", "carte.svg", True)]


def test_links_from_course_page_and_other_courses():
    rendered = render_document("[m](01-intro.md) [c](../autre/course.md) [x](../autre/02-b.md)", page="course")
    assert 'href="intro/"' in rendered.html
    assert 'href="../autre/"' in rendered.html and 'href="../autre/b/"' in rendered.html


def test_external_links_are_kept():
    assert 'href="https://www.cdai.ma"' in render_document("[CDAI](https://www.cdai.ma)").html


def test_fenced_code_is_escaped():
    html = render_document("```html\n<script>alert(1)</script>\n```\n").html
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_numbers_in_thousands_never_break_across_lines():
    html = render_document(
        "| Poste | Montant |\n|---|---:|\n| TVA | 1 435 000 DH |\n\nEn 2019 154 demandes, `1 000`.\n"
    ).html
    assert "1\u202f435\u202f000 DH" in html  # narrow no-break spaces, as French typography writes them
    assert "2019 154" in html and "<code>1 000</code>" in html  # a year and a count; code as typed
