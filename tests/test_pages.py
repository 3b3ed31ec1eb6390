"""Pages stay light (slow links) and carry what people and screen readers need."""

from __future__ import annotations

import json
import logging

from courses.logs import JsonFormatter
from courses.material.render import render_document


def test_module_page_weighs_under_60_kb_before_images(client, make_course, synced):
    body = "\n\n".join(f"## Partie {n}\n\n" + "Un paragraphe de cours assez long. " * 40 for n in range(8))
    make_course(modules={"01-long": ("Long", body)})
    synced()
    page = client.get("/courses/gouvernance/long/")
    css = client.get("/static/site.css")
    weight = len(page.data) + len(css.data)
    css.close()
    assert b"<script" not in page.data  # no JavaScript at all
    assert weight < 60_000, weight


def test_arabic_heading_anchor_survives_a_round_trip():
    html = render_document("## اللامركزية\n").html
    assert 'id="اللامركزية"' in html


def test_json_log_lines(app):
    record = logging.LogRecord("courses", logging.ERROR, __file__, 1, "certificate %s failed", ("TDB-X",), None)
    with app.test_request_context("/certificates/TDB-X.pdf"):
        entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "certificate TDB-X failed" and entry["path"] == "/certificates/TDB-X.pdf"
    assert entry["level"] == "ERROR"
