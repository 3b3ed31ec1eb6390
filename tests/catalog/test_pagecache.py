"""Whole public pages for visitors without a session: kept until the content changes, revalidated
with an ETag, never shared with anyone who has a session."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, counting_queries


def course(make_course, synced, title: str = "Décentralisation au Maroc") -> None:
    make_course(slug="gouvernance", meta={"title": title}, modules={"01-lire": ("Lire", "Un texte.")})
    synced()


def test_a_visitors_page_is_kept_and_revalidated_until_the_content_changes(app, client, make_course, synced):
    course(make_course, synced)
    first = client.get("/courses/gouvernance/")
    assert first.status_code == 200 and "Set-Cookie" not in first.headers  # no session for a visitor
    assert first.headers["ETag"] and first.headers["Cache-Control"] == "no-cache"
    with counting_queries(app) as statements:
        again = client.get("/courses/gouvernance/")
    assert again.data == first.data and len(statements) == 1  # the content version, nothing else
    unchanged = client.get("/courses/gouvernance/", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304 and not unchanged.data
    course(make_course, synced, title="Décentralisation et régionalisation")  # a sync changes the page
    changed = client.get("/courses/gouvernance/", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "Décentralisation et régionalisation" in changed.get_data(as_text=True)
    module = client.get("/courses/gouvernance/lire/")
    assert module.status_code == 200 and "Un texte." in module.get_data(as_text=True)


def test_each_language_and_address_is_its_own_page(app, client, make_course, synced):
    course(make_course, synced)
    french = client.get("/").get_data(as_text=True)
    switched = client.get("/language?language=ar&next=/")  # the visitors' switch: a cookie, no session
    assert switched.status_code == 302 and "lang=ar" in switched.headers["Set-Cookie"]
    arabic = client.get("/").get_data(as_text=True)
    assert 'lang="ar"' in arabic and 'lang="fr" dir="ltr"' in french
    assert 'method="get" action="/language"' in arabic and "csrf_token" not in arabic
    assert client.get("/?q=zzz").data != client.get("/").data


def test_people_with_a_session_never_get_a_shared_page(app, client, make_course, make_user, synced):
    course(make_course, synced)
    client.get("/courses/gouvernance/")  # kept for visitors
    make_user("salma@example.ma")
    client.post("/login", data={"email": "salma@example.ma", "password": PASSWORD})
    page = client.get("/courses/gouvernance/")
    assert "ETag" not in page.headers
    text = page.get_data(as_text=True)
    assert "csrf_token" in text and 'action="/language"' in text and 'method="post"' in text
    assert "Se déconnecter" in text or "Log out" in text


@pytest.mark.app_config(PAGE_CACHE_VERSION_SECONDS=60)
def test_the_content_version_is_read_at_most_once_a_period(app, client, make_course, synced):
    course(make_course, synced)
    first = client.get("/courses/gouvernance/")
    with counting_queries(app) as statements:
        again = client.get("/courses/gouvernance/")
    assert again.data == first.data and statements == []  # no database at all
    course(make_course, synced, title="Décentralisation et régionalisation")
    assert "Décentralisation et régionalisation" not in client.get("/courses/gouvernance/").get_data(as_text=True)
    app.extensions.pop("tadbir.content_version")  # the period is over
    assert "Décentralisation et régionalisation" in client.get("/courses/gouvernance/").get_data(as_text=True)


@pytest.mark.app_config(PAGE_CACHE_VERSION_SECONDS=60)
def test_a_signed_in_catalog_reads_the_content_version_once_a_period(
    app, client, make_course, synced, make_user, login
):
    """The catalog's filters and course list are kept per content version, which a signed-in reader's
    catalog (never a cached page) reads at most once a period too."""
    course(make_course, synced)
    login(make_user())
    client.get("/")
    with counting_queries(app) as statements:
        assert client.get("/").status_code == 200
    assert not any("max(course.updated_at)" in statement for statement in statements)
    app.extensions.pop("tadbir.content_version")
    with counting_queries(app) as statements:
        assert client.get("/").status_code == 200
    assert any("max(module.updated_at)" in statement for statement in statements)
