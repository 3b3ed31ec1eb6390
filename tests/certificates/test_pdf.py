"""The certificate PDF: each certificate starts from its course's page drawn once, and is the same
certificate as one drawn whole."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from courses.certificates import pdf
from tests.certificates.test_certificates import needs_pdftotext, pdf_text

FIXED = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
INSTITUTIONS = [
    {"fr": "Direction générale des collectivités territoriales", "ar": "المديرية العامة للجماعات الترابية"},
    {"fr": "Institut supérieur de journalisme", "ar": "المعهد العالي للصحافة"},
]
SIGNATORIES = [{"name": "Karima Idrissi", "title_fr": "Directrice", "title_ar": "المديرة"}]


def snapshot(name: str, name_ar: str | None, course: str, **more) -> dict:
    return {
        "holder": {"name": name, "name_ar": name_ar},
        "course": {"slug": course.lower(), "title": course, "hours": 6, "language": "fr"},
        "completed_on": "2026-11-29",
        "institutions": INSTITUTIONS,
        "signatories": SIGNATORIES,
        **more,
    }


def url(code: str) -> str:
    return f"https://formation.example.ma/verify/{code}"


def from_template(certificate: dict, code: str) -> bytes:
    """What `pdf.render` draws (a copy of the course's page, then the holder's part), dated FIXED."""
    checked = pdf.checked(certificate, code, url(code))
    document = pdf.CertificateDocument.from_course_page(checked)
    document.draw_holder_part(checked, code, url(code))
    document.pdf.set_creation_date(FIXED)
    return document.output()


def drawn_whole(certificate: dict, code: str) -> bytes:
    document = pdf.CertificateDocument(pdf.uses_tifinagh(certificate))
    document.add(certificate, code, url(code))
    document.pdf.set_creation_date(FIXED)
    return document.output()


def test_a_certificate_from_its_course_page_is_the_certificate_drawn_whole(app):
    certificates = [
        (snapshot("Salma Benali", "سلمى بنعلي", "Décentralisation"), "TDB-2345-6789-ABCD"),
        (snapshot("Youssef El Amrani", None, "Décentralisation", cohort={"name": "Oujda", "place": "Oujda"}),
         "TDB-3456-789A-BCDE"),
        (snapshot("Nadia Tazi", "نادية التازي", "Marketing territorial", institutions=INSTITUTIONS[:1], signatories=[]),
         "TDB-4567-89AB-CDEF"),
        (snapshot("Salma Benali", "سلمى بنعلي", "Décentralisation"), "TDB-5678-9ABC-DEFG"),
    ]  # fmt: skip
    # In turn, on the same course pages: what one certificate draws never shows on the next.
    for certificate, code in certificates:
        assert from_template(certificate, code) == drawn_whole(certificate, code)


def test_the_course_page_is_drawn_once_per_course_and_each_copy_is_dated_now(app):
    pdf._course_page.cache_clear()
    first = snapshot("Salma Benali", "سلمى بنعلي", "Décentralisation")
    same_course = snapshot("Youssef El Amrani", None, "Décentralisation")
    other_signatory = snapshot("Salma Benali", None, "Décentralisation", signatories=[])
    assert pdf.CoursePart.of(first) == pdf.CoursePart.of(same_course) != pdf.CoursePart.of(other_signatory)
    for certificate in (first, other_signatory):  # the kept pages, dated long ago
        pdf._course_page(pdf.CoursePart.of(certificate), False).set_creation_date(datetime(2001, 1, 1, tzinfo=UTC))
    before = datetime.now(UTC).replace(microsecond=0)
    copies = [
        pdf.CertificateDocument.from_course_page(pdf.checked(certificate, "TDB-2345-6789-ABCD", url("x")))
        for certificate in (first, same_course, other_signatory)
    ]
    assert pdf._course_page.cache_info().misses == 2
    for document in copies:
        assert document.pdf.creation_date >= before and document.pdf.pages_count == 1
    # What output changes in place is each document's own: two threads may write two at once.
    fonts = [document.pdf.fonts[pdf.FONT_FAMILY] for document in copies]
    template = pdf._course_page(pdf.CoursePart.of(first), False).fonts[pdf.FONT_FAMILY]
    for own in ("desc", "ttfont", "subset"):
        assert len({id(getattr(font, own)) for font in [*fonts, template]}) == 4, own


@pytest.mark.skipif(pdf.tifinagh_font() is None, reason="Noto Sans Tifinagh (fonts-noto-core) missing")
def test_an_amazigh_name_from_its_course_page_is_the_certificate_drawn_whole(app):
    certificate = snapshot("Tifawt Amellal", "ⵜⵉⴼⴰⵡⵜ", "Décentralisation")
    assert from_template(certificate, "TDB-2345-6789-ABCD") == drawn_whole(certificate, "TDB-2345-6789-ABCD")
    document = pdf.CertificateDocument.from_course_page(pdf.checked(certificate, "TDB-2345-6789-ABCD", url("x")))
    assert pdf.TIFINAGH_FAMILY in document.pdf.fonts


@needs_pdftotext
def test_a_certificate_from_the_course_page_names_its_holder_only(app, tmp_path):
    pdf.render(snapshot("Salma Benali", "سلمى بنعلي", "Décentralisation"), "TDB-2345-6789-ABCD", url("a"))
    data = pdf.render(snapshot("Youssef El Amrani", None, "Décentralisation"), "TDB-3456-789A-BCDE", url("b"))
    text = pdf_text(data, tmp_path)
    assert "Youssef El Amrani" in text and "Décentralisation" in text and "المعهد العالي للصحافة" in text
    assert "Salma" not in text and "سلمى" not in text and "TDB-2345" not in text


def test_a_certificate_has_a_title_and_a_language(app):
    data = pdf.render(snapshot("Salma Benali", "سلمى بنعلي", "Décentralisation"), "TDB-2345-6789-ABCD", url("a"))
    assert b"/Lang (fr-MA)" in data
    title = "Certificat de formation · Salma Benali · Décentralisation".encode("utf-16-be").hex()
    assert f"/Title <feff{title}>".encode() in data
