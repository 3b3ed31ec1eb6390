"""`attachment()`: one way to send a file to save, with a safe name and no caching."""

from __future__ import annotations

from flask import Blueprint, g

from courses.downloads import attachment, content_disposition


def test_plain_names_are_sent_as_they_are():
    assert content_disposition("tadbir-audit.csv") == 'attachment; filename="tadbir-audit.csv"'


def test_other_names_get_an_ascii_fallback_and_the_exact_name():
    assert content_disposition("Décentralisation été.pdf") == (
        "attachment; filename=\"Decentralisation ete.pdf\"; filename*=UTF-8''D%C3%A9centralisation%20%C3%A9t%C3%A9.pdf"
    )
    arabic = content_disposition("شهادة.pdf")
    assert arabic == "attachment; filename=\"download.pdf\"; filename*=UTF-8''%D8%B4%D9%87%D8%A7%D8%AF%D8%A9.pdf"


def test_quotes_separators_and_control_characters_cannot_escape():
    header = content_disposition('../a"b\\c\r\nSet-Cookie: x=1;.csv')
    assert "\r" not in header and "\n" not in header and "/" not in header and "\\" not in header
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert fallback == "_a_b_c__Set-Cookie_ x_1_.csv"
    assert content_disposition("..") == 'attachment; filename="download"'


def test_bytes_and_streams_are_attachments_without_caching(app):
    bp = Blueprint("download_test", __name__)

    @bp.get("/test/bytes")
    def as_bytes():
        return attachment(b"%PDF", "file.pdf", "application/pdf")

    @bp.get("/test/stream")
    def as_stream():
        g.marker = "in the request"

        def chunks():
            yield "a;"
            yield g.marker  # the request's context is still there while streaming

        return attachment(chunks(), "file.csv", "text/csv; charset=utf-8")

    app.register_blueprint(bp)
    client = app.test_client()
    response = client.get("/test/bytes")
    assert response.data == b"%PDF" and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="file.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    streamed = client.get("/test/stream")
    assert streamed.get_data(as_text=True) == "a;in the request"
    assert streamed.headers["Cache-Control"] == "no-store"
