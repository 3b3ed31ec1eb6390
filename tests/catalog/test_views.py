"""Catalog, syllabus, module and asset pages: what the public sees and what it cannot reach."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from courses.catalog.sync import sync
from courses.extensions import db


@pytest.fixture
def published(app, content_dir, make_course):
    """Three courses: a published French one with two modules, an Arabic translation, and a draft."""
    make_course(
        slug="gouvernance",
        meta={"title": "Décentralisation au Maroc", "tags": ["gouvernance", "droit"], "trainers": ["Amina Alaoui"]},
        modules={
            "01-fondements": (
                "Fondements",
                "## Constitution\n\n## Lois organiques\n\n## Régions\n\n![Carte](assets/carte.svg)\n",
            ),
            "02-acteurs": ("Acteurs", "Voir [les fondements](01-fondements.md).\n"),
        },
        assets={"carte.svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>Carte</title></svg>'},
    )
    make_course(
        slug="gouvernance-ar",
        meta={
            "title": "اللامركزية في المغرب",
            "summary": "أسس اللامركزية.",
            "language": "ar",
            "translation_of": "gouvernance",
            "tags": ["حكامة"],
        },
    )
    make_course(slug="brouillon", meta={"title": "Cours en préparation", "status": "draft"})
    with app.app_context():
        sync(content_dir)
        db.session.commit()


def test_catalog_lists_published_courses_only(client, published):
    page = client.get("/").get_data(as_text=True)
    assert "Décentralisation au Maroc" in page and "اللامركزية في المغرب" in page
    assert "Cours en préparation" not in page


def test_catalog_filters_by_language_tag_and_words(client, published):
    arabic = client.get("/?language=ar").get_data(as_text=True)
    assert "اللامركزية" in arabic and "Décentralisation au Maroc" not in arabic
    tagged = client.get("/?tag=droit").get_data(as_text=True)
    assert "Décentralisation au Maroc" in tagged and "اللامركزية" not in tagged
    searched = client.get("/?q=decentralisation").get_data(as_text=True)
    assert "<mark>Décentralisation</mark> au Maroc" in searched and "اللامركزية" not in searched
    assert "Décentralisation au Maroc" not in client.get("/?q=zzz").get_data(as_text=True)


def test_catalog_search_treats_wildcards_literally(client, published):
    assert "Décentralisation au Maroc" not in client.get("/?q=%25").get_data(as_text=True)


def test_course_page_shows_syllabus_and_translation(client, published):
    response = client.get("/courses/gouvernance/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index("Fondements") < page.index("Acteurs")
    assert "Amina Alaoui" in page and 'href="/courses/gouvernance-ar/"' in page
    arabic = client.get("/courses/gouvernance-ar/").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in arabic and 'href="/courses/gouvernance/"' in arabic


def test_module_page_serves_stored_html_with_navigation(client, published):
    page = client.get("/courses/gouvernance/fondements/").get_data(as_text=True)
    assert '<h2 id="constitution">Constitution</h2>' in page
    assert 'href="#lois-organiques"' in page  # table of contents
    assert 'src="../assets/carte.svg"' in page
    assert 'rel="next" href="/courses/gouvernance/acteurs/"' in page
    assert 'rel="prev"' not in page
    second = client.get("/courses/gouvernance/acteurs/").get_data(as_text=True)
    assert 'href="../fondements/"' in second and 'rel="prev"' in second


def test_drafts_and_unknown_pages_are_404(client, published):
    for url in ("/courses/brouillon/", "/courses/brouillon/introduction/", "/courses/absent/",
                "/courses/gouvernance/absent/", "/courses/brouillon/assets/x.png"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 404, url
        assert "<h1>" in response.get_data(as_text=True)


def test_archived_course_is_hidden(app, client, published, content_dir):
    import shutil

    shutil.rmtree(content_dir / "gouvernance-ar")
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert client.get("/courses/gouvernance-ar/").status_code == 404
    assert "اللامركزية" not in client.get("/").get_data(as_text=True)


def test_asset_is_served_with_cache_and_sandbox(client, published):
    response = client.get("/courses/gouvernance/assets/carte.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert "max-age=86400" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize(
    "path",
    [
        "/courses/gouvernance/assets/../course.md",
        "/courses/gouvernance/assets/..%2fcourse.md",
        "/courses/gouvernance/assets/%2e%2e/%2e%2e/gouvernance-ar/course.md",
        "/courses/gouvernance/assets/....//course.md",
        "/courses/gouvernance/assets//etc/passwd",
        "/courses/gouvernance/assets/%2fetc%2fpasswd",
        "/courses/gouvernance/assets/carte.svg%00.png",
    ],
)
def test_path_traversal_is_refused(client, published, path):
    response = client.get(path, follow_redirects=True)
    assert response.status_code == (400 if "%00" in path else 404)  # a NUL is refused at the edge
    assert b"title: " not in response.data and b"root:" not in response.data


def plant(content_dir, name: str, target: str) -> None:
    link = content_dir / "gouvernance" / "assets" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("key.txt", "../../../instance/secret_key"),  # the penetration test's link to the secret key
        ("intro.txt", "../course.md"),  # inside the course, outside its assets/
        ("autre/course.md", "../../../gouvernance-ar/course.md"),  # another course
        ("instance", "../../../instance"),  # a folder outside: assets/instance/secret_key
        ("absolu.txt", "{secret}"),  # an absolute link
    ],
)
def test_asset_link_planted_after_sync_is_404(client, published, content_dir, name, target):
    secret = content_dir.parent / "instance" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("secret-key-value", "utf-8")
    plant(content_dir, name, target.format(secret=secret))
    url = f"/courses/gouvernance/assets/{name}"
    for path in (url, f"{url}/secret_key"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert b"secret-key-value" not in response.data and b"title: " not in response.data


def test_asset_that_is_not_a_regular_file_is_404(client, published, content_dir):
    import os

    os.mkfifo(content_dir / "gouvernance" / "assets" / "tube.svg")
    (content_dir / "gouvernance" / "assets" / "dossier").mkdir()
    assert client.get("/courses/gouvernance/assets/tube.svg").status_code == 404
    assert client.get("/courses/gouvernance/assets/dossier").status_code == 404
    assert client.get("/courses/gouvernance/assets/").status_code == 404


def test_pages_carry_security_headers(client, published):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"


def test_html_page_has_language_and_direction(client, published):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    arabic = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic


def test_language_switch_sets_cookie_and_returns(client, published):
    response = client.post("/language", data={"language": "ar", "next": "/courses/gouvernance/"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses/gouvernance/"
    assert "lang=ar" in response.headers["Set-Cookie"]
    assert '<html lang="ar" dir="rtl">' in client.get("/").get_data(as_text=True)


def test_language_switch_refuses_open_redirect(client):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post("/language", data={"language": "en", "next": target})
        assert response.headers["Location"] == "/", target


def test_catalog_shows_a_sync_at_the_next_request(app, client, published, make_course):
    assert "Décentralisation au Maroc" in client.get("/").get_data(as_text=True)
    make_course(slug="gouvernance", meta={"title": "Titre tout neuf", "tags": ["droit"]},
                modules={"01-fondements": ("Fondements", "Texte")})  # fmt: skip
    with app.app_context():
        sync(app.config["CONTENT_DIR"] and __import__("pathlib").Path(app.config["CONTENT_DIR"]))
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Titre tout neuf" in page and "Décentralisation au Maroc" not in page


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Languages(HTMLParser):
    """For each text node: the lang and dir of the nearest element that sets them."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None, str | None]] = []
        self.texts: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            values = dict(attrs)
            self.stack.append((tag, values.get("lang"), values.get("dir")))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and self.stack[-1][0] != "title":  # the window's title is one text, in the interface's language
            lang = next(lang for _, lang, _ in reversed(self.stack) if lang)
            direction = next(d for _, _, d in reversed(self.stack) if d)
            self.texts.append((data.strip(), lang, direction))


def languages_of(page: str, text: str) -> set[tuple[str, str]]:
    """The (lang, dir) every text node that contains `text` is in."""
    parser = _Languages()
    parser.feed(page)
    found = {(lang, direction) for data, lang, direction in parser.texts if text in data}
    assert found, text
    return found


def test_a_french_course_keeps_its_language_in_an_arabic_interface(client, published):
    client.set_cookie("lang", "ar")
    page = client.get("/courses/gouvernance/fondements/").get_data(as_text=True)
    french = {("fr", "ltr")}
    for text in ("Décentralisation au Maroc", "Fondements", "Constitution", "Acteurs"):  # breadcrumb, title, TOC, pager
        assert languages_of(page, text) == french, text
    for chrome in ("الدورات", "المحتويات"):  # the breadcrumb's first link, the TOC's title
        assert languages_of(page, chrome) == {("ar", "rtl")}, chrome
    syllabus = client.get("/courses/gouvernance/").get_data(as_text=True)
    assert languages_of(syllabus, "Décentralisation au Maroc") == french
    assert languages_of(syllabus, "droit") == french  # the course's own tags


def test_an_arabic_quiz_keeps_its_language_in_a_french_interface(client, make_course, synced, make_user, login):
    quiz = """---
title: اختبار
quiz:
  - question: ما هي الجماعات الترابية؟
    choices: [الجماعات, السفارات, الجهات]
    answer: [0, 2]
---
نص
"""
    make_course("hakama", meta={"title": "الحكامة", "language": "ar"}, modules={"01-ikhtibar": quiz})
    synced()
    login(make_user())
    client.post("/courses/hakama/enroll")
    page = client.get("/courses/hakama/ikhtibar/").get_data(as_text=True)
    assert languages_of(page, "ما هي الجماعات الترابية؟") == {("ar", "rtl")}
    assert languages_of(page, "السفارات") == {("ar", "rtl")}
    assert languages_of(page, "الحكامة") == {("ar", "rtl")}  # the breadcrumb
    assert languages_of(page, "plusieurs réponses possibles") == {("fr", "ltr")}  # the platform's hint


def test_the_catalog_lists_courses_in_the_readers_language_first(client, make_course, synced):
    make_course("alpha", meta={"title": "Alpha"})
    make_course("beta-ar", meta={"title": "بيتا", "language": "ar"})
    synced()
    french = client.get("/").get_data(as_text=True)
    assert french.index("Alpha") < french.index("بيتا")
    client.set_cookie("lang", "ar")
    arabic = client.get("/").get_data(as_text=True)
    assert arabic.index("بيتا") < arabic.index("Alpha")


def _quiz_module(title: str, prompt: str) -> str:
    return f"""---
title: {title}
quiz:
  - question: {prompt}
    choices: [Oui, Non, Peut-être]
    answer: 0
  - question: {prompt} (plusieurs)
    choices: [Un, Deux, Trois]
    answer: [0, 1]
---
Texte.
"""


def test_a_module_page_reads_its_own_quiz_only(app, client, make_course, synced, make_user, login):
    from sqlalchemy import inspect

    from courses.catalog import services

    modules = {f"0{n}-m{n}": _quiz_module(f"Module {n}", f"Question du module {n}") for n in (1, 2, 3)}
    make_course("quiz-partout", modules=modules)
    synced()
    with app.app_context():
        course = services.public_course("quiz-partout")
        light = services.live_modules(course, with_questions=False)
        assert all("questions" in inspect(module).unloaded for module in light)
        db.session.expunge_all()
        full = services.live_modules(course)
        assert not any("questions" in inspect(module).unloaded for module in full)
    login(make_user())
    client.post("/courses/quiz-partout/enroll")
    page = client.get("/courses/quiz-partout/m2/").get_data(as_text=True)
    assert "Question du module 2" in page
    assert "Question du module 1" not in page and "Question du module 3" not in page
    assert page.count('type="radio"') == 3 and page.count('type="checkbox"') == 3


def test_a_quiz_sent_back_keeps_the_choices_ticked(client, make_course, synced, make_user, login):
    make_course("quiz-repris", modules={"01-m1": _quiz_module("Module", "Question")})
    synced()
    login(make_user())
    client.post("/courses/quiz-repris/enroll")
    page = client.get("/courses/quiz-repris/m1/").get_data(as_text=True)
    single, multiple = sorted(set(re.findall(r'name="(q\d+)"', page)))
    value = re.search(rf'name="{multiple}" required type="checkbox" value="(\d)"', page).group(1)
    answered = client.post("/courses/quiz-repris/m1/quiz", data={multiple: [value]})  # the single one left out
    assert answered.status_code == 400
    again = answered.get_data(as_text=True)
    assert f'name="{multiple}" required type="checkbox" value="{value}" checked>' in again
    assert f'<a href="#{single}-0">' in again  # the error summary leads to the first choice's input
    assert f'id="{single}-0"' in again
