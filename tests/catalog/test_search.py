"""Full-text search: what is indexed, what is found, how it is shown, and how sync keeps it current.

These tests run on SQLite (FTS5) and, with TADBIR_TEST_SERVER_URL, on PostgreSQL (tsvector).
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from courses.catalog import search, services
from courses.catalog.models import SearchEntry
from courses.catalog.sync import sync
from courses.extensions import db
from courses.material.normalize import parse_query
from tests.conftest import counting_queries

PROJECT = Path(__file__).resolve().parents[2]
VECTOR_STORAGE = sa.text(
    "SELECT attstorage FROM pg_attribute WHERE attrelid = 'search_entry'::regclass AND attname = 'vector'"
)

BUDGET = """## Le vote du budget

Le conseil vote le budget en octobre. Le président présente le projet.

## La pétition

Les citoyens déposent une pétition auprès du conseil.
"""
ARABIC = """مقدمة قصيرة.

## التصويت على الميزانية

يصوت المجلس على الميزانية في أكتوبر، والميزانية وثيقة عمومية.

## العرائض

يحق للمواطنين تقديم عريضة إلى المجلس.
"""
QUIZ = """---
title: Quiz final
quiz:
  - question: Quelle île ?
    choices: [Zanzibar, Mogador]
    answer: 0
---
Un module avec un quiz.
"""


@pytest.fixture
def library(app, content_dir, make_course):
    """A French course with a budget module and a quiz, an Arabic course, and a draft about budgets."""
    make_course(
        slug="finances",
        meta={"title": "Finances locales", "tags": ["finances"]},
        modules={"01-budget": ("Le budget communal", BUDGET), "02-quiz": QUIZ, "03-autre": ("Autre", "Rien ici.\n")},
    )
    make_course(
        slug="finances-ar",
        meta={"title": "المالية المحلية", "summary": "ملخص.", "language": "ar", "tags": ["مالية"]},
        modules={"01-mizaniya": ("الميزانية الجماعية", ARABIC)},
    )
    make_course(
        slug="brouillon",
        meta={"title": "Budget en préparation", "status": "draft"},
        modules={"01-budget": ("Budget secret", "Le budget caché.\n")},
    )
    with app.app_context():
        sync(content_dir)
        db.session.commit()


def found(app, text: str, *conditions) -> list[search.CourseHits]:
    with app.app_context():
        return search.find(parse_query(text), *conditions)


def slugs(results) -> list[str]:
    return [r.slug for r in results]


def test_budget_is_found_in_module_text_with_its_heading(app, library):
    [course] = found(app, "budget")
    assert course.slug == "finances"
    assert [(h.module_slug, h.anchor) for h in course.hits] == [("budget", None), ("budget", "le-vote-du-budget")]
    section = course.hits[1]
    assert str(section.heading) == "Le vote du <mark>budget</mark>"
    assert "Le conseil vote le <mark>budget</mark> en octobre." in section.snippet


def test_accents_and_prefixes_match(app, library):
    for text in ("pétition", "petition", "PÉTITION", "pétit", "Pe\u0301tition"):
        [course] = found(app, text)
        assert [h.anchor for h in course.hits] == ["la-pétition"], text
        assert "<mark>pétition</mark>" in course.hits[0].snippet


def test_arabic_words_are_found_with_article_particles_and_variants(app, library):
    for text in ("ميزانية", "الميزانية", "والميزانية", "مِيزَانِيَّة", "ميزانيه", "ميزان"):
        [course] = found(app, text)
        assert course.slug == "finances-ar", text
    [course] = found(app, "ميزانية")
    section = next(h for h in course.hits if h.anchor == "التصويت-على-الميزانية")
    assert "<mark>الميزانية</mark>" in section.snippet and "<mark>والميزانية</mark>" in section.snippet
    [course] = found(app, "عريضة")
    assert [h.anchor for h in course.hits] == ["العرائض"]


def searched(app, text: str, **filters) -> search.ResultPage:
    """The catalog's search as the page runs it (every word first, then the fallbacks)."""
    with app.app_context():
        return services.search_courses(services.CatalogFilters(query=text, **filters))


def test_every_word_must_match_before_any_does(app, library):
    assert slugs(found(app, "budget octobre")) == ["finances"]
    assert found(app, "budget zzzz") == []  # every word
    loose, exact = searched(app, "budget zzzz"), searched(app, "budget octobre")
    assert loose.any_word and slugs(loose.courses) == ["finances"] and not exact.any_word
    assert searched(app, "zzzz yyyy").courses == []


def test_drafts_archived_modules_and_quiz_answers_are_not_found(app, library, content_dir):
    assert found(app, "secret") == [] and found(app, "caché") == []
    assert found(app, "zanzibar") == [] and found(app, "mogador") == []
    (content_dir / "finances" / "01-budget.md").unlink()
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert found(app, "pétition") == []


def test_results_are_grouped_by_course_best_first(app, library, make_course, content_dir):
    make_course(slug="conseil", meta={"title": "Le conseil communal"}, modules={"01-a": ("Sessions", "Le conseil.\n")})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    results = found(app, "conseil")
    assert sorted(slugs(results)) == ["conseil", "finances"] and len(set(slugs(results))) == 2
    assert results[0].slug == "conseil"  # the course named after the word comes first
    finances = next(r for r in results if r.slug == "finances")
    assert [h.anchor for h in finances.hits] == ["le-vote-du-budget", "la-pétition"]  # in reading order


def test_filters_narrow_the_search(app, library):
    from courses.catalog.models import Course

    assert found(app, "budget", Course.language == "ar") == []
    assert slugs(found(app, "budget", Course.language == "fr")) == ["finances"]


def test_a_course_or_module_made_private_behind_the_index_s_back_shows_no_hit(app, library):
    """Ranking reads the index alone (it holds public courses only); the rows shown are checked again."""
    from courses.catalog.models import Course, Module

    with app.app_context():
        db.session.execute(Course.__table__.update().where(Course.slug == "finances").values(status="draft"))
        db.session.commit()
    assert "finances" not in slugs(found(app, "budget"))
    with app.app_context():
        db.session.execute(Course.__table__.update().where(Course.slug == "finances").values(status="published"))
        db.session.execute(Module.__table__.update().values(archived_at=func.now()))
        db.session.commit()
    [course] = found(app, "finances")  # only the course's own page is left
    assert [hit.module_slug for hit in course.hits] == [None]


def test_postgresql_keeps_the_vectors_in_the_row(app):
    """ts_rank reads the vector of every match: stored out of line, each was a TOAST fetch."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL's storage")
        storage = db.session.execute(VECTOR_STORAGE).scalar()
    assert storage == "m"


def test_the_course_page_itself_is_searched(app, library):
    [course] = found(app, "finances locales")
    assert (course.hits[0].module_slug, course.hits[0].anchor) == (None, None)
    assert str(course.title) == "<mark>Finances</mark> <mark>locales</mark>"


def test_snippets_escape_text_and_mark_only_matches():
    query = parse_query("budget")
    text = "Écrire <script>alert('budget')</script> & <b>budget</b>"
    assert str(search.snippet(text, query)) == (
        "Écrire &lt;script&gt;alert(&#39;<mark>budget</mark>&#39;)&lt;/script&gt; &amp; "
        "&lt;b&gt;<mark>budget</mark>&lt;/b&gt;"
    )


def test_snippets_are_cut_around_the_matches():
    words = [f"mot{n}" for n in range(100)]
    words[60] = "budget"
    cut = str(search.snippet(" ".join(words), parse_query("budget"), size=10))
    assert cut == "… mot52 mot53 mot54 mot55 mot56 mot57 mot58 mot59 <mark>budget</mark> mot61 …"
    assert str(search.snippet("Rien à voir.", parse_query("budget"))) == "Rien à voir."


def test_engine_syntax_is_quoted():
    query = parse_query('budget "NEAR NOT')
    assert search.fts5_query(query) == '"budget" AND "near" AND "not"*'
    assert search.tsquery_text(query) == "'budget' & 'near' & 'not':*"


def test_words_typed_joined_must_follow_each_other(app, make_course, content_dir):
    """A law's number typed "31.13" or "31-13" finds the law, not a page with 31 and 13 apart."""
    query = parse_query("loi 31.13")
    assert query.phrases == (("31", "13"),)
    assert search.fts5_query(query) == '"loi" AND "31" AND "13"* AND ("31" + "13"*)'
    assert search.tsquery_text(query) == "'loi' & '31' & '13':* & ('31' <-> '13':*)"
    make_course(slug="loi", meta={"title": "Accès"}, modules={"01-m": ("Lire", "La loi n° 31-13 s'applique.\n")})
    make_course(slug="chiffres", meta={"title": "Chiffres"}, modules={"01-m": ("Lire", "31 000 kDH le 13 juin.\n")})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert slugs(found(app, "31.13")) == ["loi"]
    assert slugs(found(app, "31-13")) == ["loi"]
    assert sorted(slugs(found(app, "31 13"))) == ["chiffres", "loi"]  # typed apart: both words anywhere


# -- The page -----------------------------------------------------------------------------------


def test_search_page_links_to_the_module_heading(client, library):
    page = client.get("/?q=budget").get_data(as_text=True)
    assert '<a href="/courses/finances/budget/#le-vote-du-budget">' in page
    assert "<mark>budget</mark>" in page and "Budget secret" not in page
    assert "1 cours correspond à votre recherche" in page
    arabic = client.get("/?q=عريضة").get_data(as_text=True)
    link = re.search(r'href="(/courses/finances-ar/mizaniya/#[^"]+)"', arabic).group(1)
    assert unquote(link) == "/courses/finances-ar/mizaniya/#العرائض"
    module = client.get("/courses/finances-ar/mizaniya/").get_data(as_text=True)
    assert 'id="العرائض"' in module


@pytest.mark.parametrize(
    "text",
    ['"', "*", "NEAR(budget", "budget AND", "-budget", "budget:*", "(", "'", "x" * 10_000,
     "budget " * 2000, "%", "\\", "' OR 1=1 --", "<script>alert(1)</script>"],
)  # fmt: skip
def test_hostile_queries_get_a_normal_page(client, library, text):
    response = client.get("/", query_string={"q": text})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'role="status"' in page and "<script>alert" not in page


def test_a_nul_in_the_query_is_refused_at_the_edge_with_a_page(client, library):
    response = client.get("/", query_string={"q": "budget\x00"})
    assert response.status_code == 400 and "caractères qui ne sont pas autorisés" in response.get_data(as_text=True)


def test_a_page_of_punctuation_finds_nothing(client, library):
    page = client.get("/?q=%25").get_data(as_text=True)
    assert "Finances locales" not in page and "Aucun cours ne correspond à votre recherche" in page


def test_empty_query_shows_the_catalog(client, library):
    page = client.get("/?q=").get_data(as_text=True)
    assert "Finances locales" in page and "المالية المحلية" in page


def test_filters_apply_to_the_search_page(client, library):
    assert "Finances locales" in client.get("/?q=budget&language=fr").get_data(as_text=True)
    narrowed = html.unescape(client.get("/?q=budget&language=ar").get_data(as_text=True))
    assert "Finances locales" not in narrowed and "avec ces filtres" in narrowed
    assert '<a href="/?q=budget">Chercher dans tous les cours</a>' in narrowed  # the search kept, the filters dropped
    assert "Finances locales" in client.get("/?q=budget&tag=finances").get_data(as_text=True)
    nowhere = html.unescape(client.get("/?q=xyzzy&language=fr").get_data(as_text=True))
    assert "avec ces filtres" not in nowhere and "Essayez un autre mot" in nowhere  # the word, not the filters


def test_a_plural_finds_the_singular(app, client, library):
    """ "budgets" finds "budget" (and "budget" still finds "budgets", being typed); Arabic sound
    plurals find their singular; both are highlighted."""
    assert slugs(found(app, "budgets")) == slugs(found(app, "budget"))
    assert slugs(found(app, "conseils octobre")) == ["finances"]  # a plural that is not the last word
    [course] = found(app, "الميزانيات")
    assert course.slug == "finances-ar" and any("<mark>" in str(hit.snippet) for hit in course.hits)
    page = client.get("/?q=budgets").get_data(as_text=True)
    assert "<mark>budget</mark>" in page and "Essayez un autre mot" not in html.unescape(page)


def test_a_question_typed_as_a_sentence_finds_the_closest_passages(app, client, library):
    """No passage has every word of "comment déposer une pétition en ligne": the passages with some of
    them are shown, the page says so; with every word found, nothing changes."""
    every, some = searched(app, "déposent pétition"), searched(app, "comment déposer une pétition en ligne")
    assert not every.any_word and some.any_word and slugs(some.courses) == ["finances"]
    assert slugs(searched(app, "qu'est-ce que le budget").courses) == ["finances"]  # "qu'est-ce": question words
    page = html.unescape(client.get("/?q=comment+déposer+une+pétition+en+ligne").get_data(as_text=True))
    assert "Aucun passage ne contient tous ces mots" in page and "<mark>pétition</mark>" in page
    assert "Aucun passage ne contient tous ces mots" not in html.unescape(
        client.get("/?q=budget").get_data(as_text=True)
    )


def test_the_search_page_says_what_it_searched(client, library):
    page = html.unescape(client.get("/?q=budget").get_data(as_text=True))
    assert "<title>Recherche : budget · Cours" in page and '<button type="submit">Rechercher</button>' in page


def test_more_passages_of_a_course_are_one_tap_away(client, make_course, content_dir, app):
    text = "".join(f"## Partie {n}\n\nLe budget, partie {n}.\n\n" for n in range(1, 8))
    make_course(slug="budgets", meta={"title": "Budgets"}, modules={"01-m": ("Lire", text)})
    make_course(slug="autre", meta={"title": "Autre"}, modules={"01-m": ("Lire", "Un budget.\n")})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    page = html.unescape(client.get("/?q=budget").get_data(as_text=True))
    link = re.search(r'<p class="result-more"><a href="([^"]+)">(\d+) autres passages dans ce cours</a>', page)
    assert link and parse_qs(urlsplit(link.group(1)).query) == {"q": ["budget"], "course": ["budgets"]}
    scoped = html.unescape(client.get(link.group(1)).get_data(as_text=True))
    assert scoped.count('<li class="card">') == 1 and "Autre" not in scoped
    assert "8 passages de ce cours correspondent à votre recherche" in scoped  # 7 sections and the course's page
    assert all(f"#partie-{n}" in scoped for n in range(1, 8)) and 'class="result-more"' not in scoped
    back = re.search(r'<p class="result-scope"><a href="([^"]+)">Retour à tous les cours', scoped).group(1)
    assert parse_qs(urlsplit(back).query) == {"q": ["budget"]}


def test_a_course_narrowed_search_says_how_many_passages_it_does_not_show(
    client, make_course, content_dir, app, monkeypatch
):
    text = "".join(f"## Partie {n}\n\nLe budget, partie {n}.\n\n" for n in range(1, 5))
    make_course(slug="budgets", meta={"title": "Budgets"}, modules={"01-m": ("Lire", text)})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    monkeypatch.setattr(search, "HITS_IN_ONE_COURSE", 2)
    scoped = html.unescape(client.get("/?q=budget&course=budgets").get_data(as_text=True))
    assert "5 passages de ce cours correspondent à votre recherche" in scoped  # 4 sections and the course's page
    assert "3 autres passages ne sont pas affichés : ajoutez un mot pour préciser la recherche." in scoped


def test_a_number_matched_whole_is_one_highlight():
    assert str(search.highlight("القانون رقم 31.13، الذي", parse_query("31.13"))) == (
        "القانون رقم <mark>31.13</mark>، الذي"
    )
    assert str(search.highlight("loi 31-13 et 31 - 13", parse_query("31 13"))) == (
        "loi <mark>31-13</mark> et <mark>31</mark> - <mark>13</mark>"
    )
    assert str(search.highlight("a<b>budget</b>", parse_query("budget b"))) == (
        "a&lt;<mark>b</mark>&gt;<mark>budget</mark>&lt;/<mark>b</mark>&gt;"
    )


def test_search_page_queries_do_not_grow_with_courses(app, client, make_course, content_dir):
    def measure(courses: int) -> int:
        for n in range(courses):
            modules = {f"{m:02d}-m{m}": (f"Module {m}", f"## Partie\n\nLe budget {n}.\n") for m in range(1, 4)}
            make_course(slug=f"cours-{courses}-{n}", meta={"title": f"Cours {n}"}, modules=modules)
        with app.app_context():
            sync(content_dir)
            db.session.commit()
        client.get("/?q=budget")  # warm the facets
        with counting_queries(app) as statements:
            page = client.get("/?q=budget").get_data(as_text=True)
        assert "<mark>budget</mark>" in page
        return len(statements)

    assert measure(1) == measure(12) <= 3


def test_results_come_ten_courses_a_page_keeping_the_filters(client, make_course, content_dir, app):
    for n in range(12):
        make_course(
            slug=f"cours-{n:02d}", meta={"title": f"Cours {n:02d}"}, modules={"01-m": ("M", f"Le budget {n}.\n")}
        )
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    first = html.unescape(client.get("/?q=budget&language=fr").get_data(as_text=True))
    assert "12 cours correspondent à votre recherche" in first and "Page 1 sur 2" in first
    assert first.count('<li class="card">') == 10 and 'rel="prev"' not in first
    following = re.search(r'<a rel="next" href="([^"]+)"', first).group(1)
    assert parse_qs(urlsplit(following).query) == {"q": ["budget"], "language": ["fr"], "page": ["2"]}
    second = client.get(following).get_data(as_text=True)
    assert second.count('<li class="card">') == 2 and '<ol class="search-results" start="11">' in second
    assert 'rel="next"' not in second and 'rel="prev"' in second
    assert client.get("/?q=budget&page=99").get_data(as_text=True).count('<li class="card">') == 2  # the last page


# -- Keeping the index current ------------------------------------------------------------------


def entries(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(SearchEntry.id, SearchEntry.course_id, SearchEntry.module_id, SearchEntry.anchor).order_by(
                SearchEntry.id
            )
        ).all()


def test_sync_reindexes_only_what_changed(app, library, content_dir):
    before = entries(app)
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert entries(app) == before  # nothing changed: nothing rewritten
    (content_dir / "finances" / "03-autre.md").write_text("---\ntitle: Autre\n---\nLa subvention.\n", "utf-8")
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    after = entries(app)
    kept = [row for row in before if row in after]
    assert len(kept) == len(before) - 1  # only the edited module's entry was replaced
    assert slugs(found(app, "subvention")) == ["finances"] and found(app, "rien") == []


def test_a_course_leaving_published_leaves_the_index(app, library, content_dir, make_course):
    make_course(slug="finances", meta={"title": "Finances locales", "status": "draft"},
                modules={"01-budget": ("Le budget communal", BUDGET)})  # fmt: skip
    with app.app_context():
        sync(content_dir)
        db.session.commit()
        assert db.session.scalar(select(func.count()).where(SearchEntry.course_id == 1)) == 0
    assert found(app, "budget") == []
    make_course(slug="finances", meta={"title": "Finances locales"}, modules={"01-budget": ("Le budget", BUDGET)})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert slugs(found(app, "pétition")) == ["finances"]  # published again: indexed whole


def test_a_course_removed_from_the_tree_leaves_the_index(app, library, content_dir):
    shutil.rmtree(content_dir / "finances-ar")
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert found(app, "ميزانية") == []


def test_the_index_rolls_back_with_the_sync(app, library, content_dir):
    (content_dir / "finances" / "03-autre.md").write_text("---\ntitle: Autre\n---\nLa subvention.\n", "utf-8")
    with app.app_context():
        sync(content_dir)
        assert search.find(parse_query("subvention"))  # seen inside the transaction
        db.session.rollback()
    assert found(app, "subvention") == [] and slugs(found(app, "rien")) == ["finances"]


def test_a_new_index_version_reindexes_everything(app, library, content_dir, monkeypatch):
    monkeypatch.setattr(search, "INDEX_VERSION", search.INDEX_VERSION + 1)
    with app.app_context():
        sync(content_dir)
        db.session.commit()
        versions = set(db.session.scalars(select(SearchEntry.version)))
    assert versions == {search.INDEX_VERSION}
    assert slugs(found(app, "budget")) == ["finances"]


def test_shipped_content_answers_the_catalogs_examples(app):
    with app.app_context():
        sync(PROJECT / "content")
        db.session.commit()
    for text in ("budget", "pétition", "ميزانية", "عريضة"):
        results = found(app, text)
        assert any(hit.module_slug for result in results for hit in result.hits), text


def test_a_snippet_shows_a_number_where_it_stands_whole():
    text = (
        "Le dahir du 13 juin 2002 et la loi n° 31 de 2015. "
        + "mot " * 20
        + "La loi n° 31-13 sur l'accès "
        + "mot " * 40
    )
    cut = str(search.snippet(text, parse_query("31-13")))
    assert "loi n° <mark>31-13</mark> sur" in html.unescape(cut) and "juin" not in cut


EXERCISE = """---
title: La brève
exercise:
  instructions: |
    Rédigez une brève sur le marché de l’Oued Zitoun.
  min_words: 5
  max_words: 40
  rubric:
    - criterion: Exactitude
      levels:
        - Approximative: 0
        - Vérifiée: 2
  pass_points: 2
  model_answer: |
    Le souk hebdomadaire rouvre samedi.
---
![Parcours d’une pétition, du dépôt à la réponse](assets/parcours.svg)
"""


def test_exercises_and_image_descriptions_are_found_but_not_model_answers(app, client, make_course, content_dir):
    make_course(
        slug="breves",
        meta={"title": "Écrire court"},
        modules={"01-breve": EXERCISE},
        assets={"parcours.svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>x</title></svg>'},
    )
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    [course] = found(app, "Oued Zitoun")
    assert [(hit.module_slug, hit.anchor) for hit in course.hits] == [("breve", "exercise")]
    assert "<mark>Oued</mark> <mark>Zitoun</mark>" in str(course.hits[0].snippet)
    assert slugs(found(app, "vérifiée")) == ["breves"]  # the rubric, shown on the panel
    assert found(app, "hebdomadaire") == []  # the model answer: shown once the exercise is passed
    assert slugs(found(app, "parcours pétition")) == ["breves"]  # the diagram's description
    page = html.unescape(client.get("/?q=zitoun").get_data(as_text=True))
    assert 'href="/courses/breves/breve/#exercise"' in page and "La brève · <span" in page


def test_a_course_found_by_its_audience_shows_it(app, make_course, content_dir):
    make_course(slug="cadres", meta={"title": "Gérer", "audience": "Cadres des provinces et préfectures"})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    [course] = found(app, "préfectures")
    assert "<mark>préfectures</mark>" in str(course.hits[0].snippet)


def test_a_snippet_never_cuts_a_number_or_a_word_written_without_a_space():
    ending = str(search.snippet("budget a b n° 112-14 et la suite", parse_query("budget"), size=5))
    assert ending == "<mark>budget</mark> a b n° 112-14 …"
    beginning = str(
        search.snippet("a b c dahir 1-18-15 du 22 février 2018 la loi budget z", parse_query("budget"), size=10)
    )
    assert beginning.startswith("… 1-18-15 du") and "<mark>budget</mark>" in beginning
    degree = str(search.snippet("budget a b c n° 31", parse_query("budget"), size=5))
    assert degree == "<mark>budget</mark> a b c n° …"


def test_no_fallback_breaks_a_number_typed_whole(app, make_course, content_dir):
    make_course(slug="loi", meta={"title": "Accès"}, modules={"01-m": ("Lire", "La loi n° 31-13 s'applique.\n")})
    make_course(slug="chiffres", meta={"title": "Chiffres"}, modules={"01-m": ("Lire", "31 000 kDH le 13 juin.\n")})
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    assert searched(app, "loi 31-14").courses == [] and searched(app, "31-14").courses == []
    assert slugs(searched(app, "loi 31-13").courses) == ["loi"]


def test_with_filters_exact_matches_elsewhere_come_before_any_word(app, client, make_course, content_dir):
    make_course(
        slug="vote", meta={"title": "Voter", "tags": ["x"]}, modules={"01-m": ("Lire", "Le budget est voté.\n")}
    )
    make_course(
        slug="octobre",
        meta={"title": "Calendrier", "tags": ["y"]},
        modules={"01-m": ("Lire", "Le budget en octobre.\n")},
    )
    with app.app_context():
        sync(content_dir)
        db.session.commit()
    narrowed = searched(app, "budget octobre", tag="x")
    assert narrowed.courses == [] and narrowed.elsewhere and not narrowed.any_word
    page = html.unescape(client.get("/?q=budget+octobre&tag=x").get_data(as_text=True))
    assert "avec ces filtres" in page and "Chercher dans tous les cours" in page


def test_the_word_being_typed_is_a_prefix_but_its_singular_is_exact():
    query = parse_query("prix")
    assert query.matches("prix") and query.matches("prixpro") and query.matches("pri")
    assert not query.matches("principe") and not query.matches("priorite")
    assert search.fts5_query(query) == '("prix"* OR "pri")'


def test_a_snippet_stays_short_around_a_long_address():
    address = "https://www.example.ma/" + "/".join(f"partie{n}" for n in range(60)) + "/rapport.pdf"
    cut = str(search.snippet("Le rapport " + "mot " * 26 + address, parse_query("rapport"), size=30))
    assert len(cut) < 600 and cut.startswith("Le <mark>rapport</mark>")
