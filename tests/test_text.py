"""Typed text is cleaned of bidi controls, and printed isolated among other words."""

from __future__ import annotations

from fpdf.bidi import BidiParagraph

from courses.text import bdi, clean_line, clean_text, isolate

RLO, PDF, LRI, FSI, PDI, LRM, RLM, ALM = "\u202e", "\u202c", "\u2066", "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"


def shown(text: str) -> str:
    """The characters in the order a screen shows them (Unicode bidi algorithm, left to right)."""
    return BidiParagraph(text).get_reordered_string()


def test_clean_line_drops_embeddings_overrides_and_isolates_but_keeps_marks():
    assert clean_line(f"Salma {RLO}Benali{PDF}") == "Salma Benali"
    assert clean_line(f"\u202a\u202b\u202d{LRI}\u2067{FSI}x{PDI}") == "x"
    assert clean_line(f"سلمى{RLM} بنعلي{ALM} {LRM}(A)") == f"سلمى{RLM} بنعلي{ALM} {LRM}(A)"


def test_clean_line_gives_one_nfc_line_without_control_characters():
    assert clean_line("  Jose\u0301\tBen\nAli\u2028x\x00\x07  ") == "José Ben Ali x"
    assert clean_line(None) is None
    assert clean_line("\u200d") == "\u200d"  # joiners are part of Arabic and Persian spelling


def test_clean_text_keeps_line_breaks():
    assert clean_text(f"Erreur de nom{RLO}\r\nvoir le dossier\x00") == "Erreur de nom\nvoir le dossier"


def test_an_override_reverses_its_neighbours_unless_isolated():
    name = f"{RLO}evil"  # an override that is never closed runs to the end of the paragraph
    assert shown(f"{name} is now admin.") == ".nimda won si live"
    assert shown(f"{isolate(name)} is now admin.").endswith(" is now admin.")
    assert isolate(name) == f"{FSI}evil{PDI}"  # the control inside is gone too


def test_bdi_escapes():
    assert bdi("<b>Salma</b>") == "<bdi>&lt;b&gt;Salma&lt;/b&gt;</bdi>"


def test_clean_line_takes_a_shortcut_for_printable_text_with_the_same_result():
    from courses.text import _clean

    samples = [
        "  Salma Benali ", "Jose\u0301 Ben Ali", "سلمى بنعلي", "Ｊｏｈｎ", "Commune de Salé", "a\u00a0b", "x\u200dy",
        f"a{LRM}b", f"{RLO}x", "tab\there", "line\u2028break", "nul\x00", "\u0301e", "", "   ",
    ]  # fmt: skip
    for text in samples:
        assert clean_line(text) == _clean(text.replace("\r\n", "\n"), frozenset()), repr(text)


def test_french_elides_de_before_a_name_starting_with_a_vowel():
    from markupsafe import Markup

    from courses.text import elide

    assert elide("Rôle de Amina", "fr") == "Rôle d'Amina"
    assert elide(Markup("Rôle de <bdi>Émile</bdi>"), "fr") == Markup("Rôle d'<bdi>Émile</bdi>")
    assert elide(f"Connexion de {isolate('omar@x.ma')}", "fr") == f"Connexion d'{isolate('omar@x.ma')}"
    assert elide("Rôle de Hamza", "fr") == "Rôle de Hamza"  # a sounded h keeps "de"
    assert elide("Rôle de Youssef", "fr") == "Rôle de Youssef"
    assert elide("certificats de « Audit »", "fr") == "certificats de « Audit »"  # not a name right after "de"
    assert elide("Role of Amina", "en") == "Role of Amina"
