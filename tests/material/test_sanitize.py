"""Nothing a trainer writes, in Markdown or raw HTML, can put active content on our pages."""

from __future__ import annotations

import re

import pytest

from courses.material import render_markdown
from courses.material.sanitize import clean_html

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<img src=data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+>",
    '<a href="javascript:alert(1)">clic</a>',
    '<a href="JaVaScRiPt:alert(1)">clic</a>',
    '<a href="jav&#x09;ascript:alert(1)">clic</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">clic</a>',
    '<a href="vbscript:msgbox(1)">clic</a>',
    '<a href="data:text/html,<script>alert(1)</script>">clic</a>',
    "[clic](javascript:alert(1))",
    "[clic](JAVASCRIPT:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x.png" onerror="alert(1))',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    '<form action="https://evil.example"><input name=x><button>ok</button></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="position:fixed;top:0">faux bandeau</p>',
    "<style>body{display:none}</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    '<body onload="alert(1)">',
    '<details open ontoggle="alert(1)">x</details>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<p onmouseover="alert(1)">survol</p>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    '<img """><script>alert(1)</script>">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<video><source onerror="alert(1)"></video>',
    "<audio src=x onerror=alert(1)>",
    '<h2 id="x" onclick="alert(1)">titre</h2>',
    '<a href="https://ok.example" target="_blank" rel="opener">x</a>',
    "<textarea autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<div class="admonition" data-x="1" aria-hidden="true">x</div>',
    '<span class="evil-overlay">x</span>',
    "[a](//evil.example/%2e%2e)",
]

DANGEROUS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"<\s*script",
        r"<\s*(iframe|object|embed|form|input|style|link|meta|base|svg|math|video|audio|textarea|marquee)\b",
        r"\son[a-z]+\s*=", r"javascript:", r"vbscript:", r"data:", r"\sstyle\s*=", r"\starget\s*=",
        r"\sbackground\s*=", r"evil-overlay", r"data-x", r"aria-hidden",
    )
]  # fmt: skip


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_vector_is_neutralised(vector):
    html = str(render_markdown(vector))
    for pattern in DANGEROUS:
        assert not pattern.search(html), f"{pattern.pattern!r} survived in {html!r}"


def test_there_are_at_least_thirty_vectors():
    assert len(XSS_VECTORS) >= 30


def test_safe_markup_survives():
    html = str(render_markdown("**gras** _italique_ [lien](https://www.maroc.ma) `code`\n\n> citation\n"))
    assert "<strong>gras</strong>" in html
    assert '<a href="https://www.maroc.ma">lien</a>' in html
    assert "<blockquote>" in html and "<code>code</code>" in html


def test_allowed_classes_only():
    assert clean_html('<div class="admonition note">x</div>') == '<div class="admonition note">x</div>'
    assert clean_html('<div class="admonition hacked">x</div>') == "<div>x</div>"
    assert clean_html('<code class="language-python">x</code>') == '<code class="language-python">x</code>'


def test_ids_only_on_headings():
    assert clean_html('<h2 id="a">t</h2><p id="b">p</p>') == '<h2 id="a">t</h2><p>p</p>'


def test_the_table_box_keeps_its_focus_and_name_but_nothing_more():
    kept = '<div aria-label="Niveau, Nombre" class="table-scroll" role="region" tabindex="0">x</div>'
    assert clean_html(kept) == kept
    assert clean_html('<div tabindex="-1" role="button" aria-label="x">y</div>') == '<div aria-label="x">y</div>'
    assert clean_html('<div tabindex="5">y</div>') == "<div>y</div>"  # no jumping ahead of the page's controls
    assert clean_html(f'<div aria-label="{"x" * 201}">y</div>') == "<div>y</div>"
    assert clean_html('<span tabindex="0" aria-label="x">y</span>') == "<span>y</span>"
