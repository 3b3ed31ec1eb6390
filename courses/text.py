"""What people type, cleaned once on the way in, and isolated wherever it is printed among other words.

Bidirectional *embedding, override and isolate* controls (U+202A–U+202E, U+2066–U+2069) change
the order in which the characters around them are shown: a name ending in U+202E (RIGHT-TO-LEFT
OVERRIDE) prints itself backwards, and the words after it too. Names and labels never need them,
so `clean_line` removes them at input. The *marks* (LRM U+200E, RLM U+200F, ALM U+061C) are kept:
they only give a neutral character a direction, cannot reverse a run, and Arabic text uses them.

Text already stored, or coming from elsewhere, is printed isolated: `isolate()` wraps it in
FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE (U+2068 … U+2069) for flash messages and plain-text
mail, and the `bdi` template filter wraps it in `<bdi>` for HTML. Neither goes into the
certificate PDF, which draws each field on its own and whose fonts have no glyph for them.

No Flask, no database: forms, services, the CSV import and the PDF all call these.
"""

from __future__ import annotations

import re
import unicodedata

from markupsafe import Markup

# Embedding (LRE, RLE), pop (PDF), override (LRO, RLO) and isolate (LRI, RLI, FSI, PDI) controls.
BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_DROP_BIDI = dict.fromkeys(BIDI_CONTROLS)
# Line and paragraph separators end a line like "\n" does; in one line they become spaces.
_LINE_BREAKS = frozenset("\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029")
FSI, PDI = "\u2068", "\u2069"


def strip_bidi_controls(text: str) -> str:
    """`text` without embedding, override and isolate controls (marks stay)."""
    return text.translate(_DROP_BIDI)


def _clean_character(character: str, keep: frozenset[str]) -> str:
    if character in keep:
        return character
    if character in _LINE_BREAKS:
        return " "
    if unicodedata.category(character) == "Cc":  # NUL, BEL, ESC…: never part of a name
        return ""
    return character


def _clean(text: str, keep: frozenset[str]) -> str:
    text = unicodedata.normalize("NFC", strip_bidi_controls(text))
    return "".join(_clean_character(c, keep) for c in text).strip()


def clean_line(text: str | None) -> str | None:
    """One line of user text as it is stored: NFC, no bidi controls, no control characters, no
    line breaks (they become spaces), no surrounding spaces. None stays None (WTForms filters)."""
    if text is None:
        return None
    if text.isprintable():  # no control, format (bidi) or line-break character: only NFC and spaces to do
        return unicodedata.normalize("NFC", text).strip()
    return _clean(text.replace("\r\n", "\n"), frozenset())


def clean_text(text: str | None) -> str | None:
    """Several lines (a text area): like `clean_line`, but line breaks and tabs are kept."""
    if text is None:
        return None
    return _clean(text.replace("\r\n", "\n").replace("\r", "\n"), frozenset("\n\t"))


def isolate(text: object) -> str:
    """`text` between FSI and PDI: inside a sentence it cannot reorder the words around it.

    Stray controls inside are removed first, so an unterminated override cannot leak out either.
    """
    return f"{FSI}{strip_bidi_controls(str(text))}{PDI}"


def bdi(text: object) -> Markup:
    """Template filter: `text` (escaped) inside `<bdi>`, for user text inside a translated sentence."""
    return Markup("<bdi>{}</bdi>").format(text)


# French "de" before a name that starts with a vowel, the name possibly isolated (<bdi>, FSI).
# Not before "h" or "y": names people bring here (Hamza, Hajar, Youssef) are said with their h or
# y sounded, which keeps "de" ("de Hamza"); the rule cannot know the rare mute h.
_DE_BEFORE_VOWEL = re.compile(r"\b([Dd])e ((?:<bdi[^>]*>|\u2068)?)(?=[AEIOUÂÀÄÆÉÈÊËÎÏÔŒÖÙÛÜaeiouâàäæéèêëîïôœöùûü])")


def elide(text: str, language: str | None) -> str:
    """French elision of "de" before a vowel where a name was put into a sentence ("Rôle de Amina"
    becomes "Rôle d'Amina"); other languages unchanged. Markup stays Markup (only an apostrophe is added)."""
    if language != "fr":
        return text
    elided = _DE_BEFORE_VOWEL.sub(r"\1'\2", str(text))
    # Markup in, Markup out: only an apostrophe was added to already safe text.
    return Markup(elided) if isinstance(text, Markup) else elided  # noqa: S704  # nosec B704
