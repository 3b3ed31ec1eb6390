"""The one normalisation of searchable text: each folding, the Arabic particles, and queries."""

from __future__ import annotations

import pytest

from courses.material.normalize import (
    ARABIC_PREFIXES,
    MAX_QUERY_TERMS,
    Query,
    normalize,
    parse_query,
    singular_forms,
    word_terms,
    words,
)


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        (
            ["Pétition", "PETITION", "petition", "Pe\u0301tition", "ＰＥＴＩＴＩＯＮ"],
            "petition",
        ),  # case, é, NFD, full width
        (["Façade", "FAÇADE", "facade"], "facade"),  # ç
        (["Œuvre", "oeuvre", "ŒUVRE"], "oeuvre"),  # œ
        (["Élu", "élu", "ELU", "Èlù"], "elu"),
    ],
)
def test_latin_case_and_accents_fold(variants, expected):
    assert {normalize(v) for v in variants} == {expected}


def test_arabic_diacritics_and_tatweel_are_removed():
    plain = normalize("ميزانية")
    assert normalize("مِيزَانِيَّة") == plain  # fatha, kasra, shadda
    assert normalize("ميـــزانـية") == plain  # tatweel
    assert normalize("عَرِيضَةٌ") == normalize("عريضة")  # tanwin


def test_alef_forms_fold_to_bare_alef():
    assert {normalize(w) for w in ("أمن", "إمن", "آمن", "امن", "ٱمن")} == {"امن"}


def test_alef_maksura_and_teh_marbuta_fold():
    assert normalize("على") == normalize("علي") == "علي"
    assert normalize("ميزانية") == normalize("ميزانيه") == "ميزانيه"


@pytest.mark.parametrize(("prefix", "_remaining"), ARABIC_PREFIXES)
def test_each_article_and_particle_is_stripped(prefix, _remaining):
    assert normalize(prefix + "ميزانية") == normalize("ميزانية") == "ميزانيه"


def test_the_article_and_particles_in_running_text():
    assert normalize("الميزانية والميزانية بالميزانية للميزانية فالميزانية كالميزانية") == " ".join(["ميزانيه"] * 6)
    assert normalize("العريضة") == normalize("عريضة")


def test_particles_stay_when_the_stem_would_be_too_short():
    assert normalize("والي") == "والي"  # a wali, not "و" + "الي"
    assert normalize("الوالي") == normalize("والي")
    assert normalize("وطن") == "وطن"  # "و" would leave two letters
    assert normalize("باب") == "باب"
    assert normalize("ال") == "ال"
    assert normalize("الحق") == "حق"  # the article needs two letters only


def test_stripping_is_repeated_so_every_form_meets():
    # "وثيقة" (a document) and "الوثيقة" meet although the first letter of the stem is "و".
    assert normalize("الوثيقة") == normalize("وثيقة") == normalize("والوثيقة")
    assert normalize("للجماعة") == normalize("الجماعة") == normalize("جماعة")


def test_latin_words_keep_their_first_letters():
    assert normalize("ballon lac valeur fil") == "ballon lac valeur fil"


def test_arabic_indic_digits_and_presentation_forms():
    assert normalize("٢٠١٥ ۲۰۱۵") == "2015 2015"
    assert normalize("ﻻ") == normalize("لا")


def test_words_keep_their_marks_and_split_on_punctuation():
    text = "l'information, d’accès : Pe\u0301tition-2015 مِيزَانِيَّة x_y"
    assert [m.group() for m in words(text)] == [
        "l", "information", "d", "accès", "Pe\u0301tition", "2015", "مِيزَانِيَّة", "x", "y"
    ]  # fmt: skip
    assert word_terms("½") == ("1", "2")


@pytest.mark.parametrize(
    "hostile",
    ['"', "*", "NEAR(", "a AND b", "-x", ":*", "(", "'", "'); DROP TABLE course; --", "a\x00b", "&|!<->", "^x$"],
)
def test_queries_keep_only_plain_terms(hostile):
    query = parse_query(hostile)
    for term in (*query.terms, *([query.prefix] if query.prefix else [])):
        assert term.isalnum(), term


def test_query_last_word_is_a_prefix_of_two_letters_or_more():
    assert parse_query("budget Pétit") == Query(("budget",), "petit")
    assert parse_query("budget x") == Query(("budget", "x"), None)
    assert parse_query("والميزا") == Query((), "ميزا")


def test_empty_and_punctuation_queries_are_empty():
    for text in (None, "", "   ", '"*()-:', "\x00"):
        assert not parse_query(text)


def test_long_queries_are_capped():
    query = parse_query("mot " * 5000 + " ".join(f"w{i}" for i in range(20)))
    assert len(query.terms) + 1 <= MAX_QUERY_TERMS
    assert parse_query("a" * 10_000).prefix is not None  # one (long) word, cut, not refused
    assert len(parse_query("x" * 10_000).prefix) <= 60


def test_query_matches_terms_and_the_prefix():
    query = parse_query("conseil budg")
    assert query.matches("conseil") and query.matches("budget") and not query.matches("conseils")


@pytest.mark.parametrize(
    ("term", "forms"),
    [
        ("budgets", ("budget",)),
        ("regionaux", ("regional", "regionau")),
        ("elus", ("elu",)),
        ("ميزانيات", ("ميزانيه", "ميزاني")),
        ("مستشارون", ("مستشار",)),
        ("budget", ()),
        ("process", ()),
        ("bus", ()),  # too short to tell
    ],
)
def test_plurals_give_their_possible_singulars(term, forms):
    assert singular_forms(term) == forms


@pytest.mark.parametrize(
    ("typed", "terms", "prefix"),
    [
        ("qui peut déposer une pétition", ("peut", "deposer"), "petition"),
        ("quel est le rôle du conseil régional", ("role", "conseil"), "regional"),
        ("ما هي الميزانية", (), "ميزانيه"),
        ("what is the budget", (), "budget"),
        ("les", (), "les"),  # nothing else typed: the word is looked for
        ("le la", ("le",), "la"),
    ],
)
def test_words_that_only_put_the_question_are_left_out(typed, terms, prefix):
    query = parse_query(typed)
    assert (query.terms, query.prefix) == (terms, prefix)


def test_question_words_are_left_out_before_the_terms_are_counted():
    query = parse_query("budget participatif: comment la commune et le conseil de la région le font-ils en pratique")
    assert query.terms[:4] == ("budget", "participatif", "commune", "conseil") and query.prefix == "pratique"
    assert parse_query("qu'est-ce que le budget") == Query((), "budget")  # no phrase of question words
