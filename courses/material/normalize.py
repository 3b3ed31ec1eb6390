"""The one normalisation of searchable text, applied when indexing and when reading a query.

`normalize()` turns text into the space-separated *terms* both search engines index (SQLite FTS5,
PostgreSQL `tsvector` with the 'simple' configuration): they receive text that is already folded,
so what matches is decided here, once, in Python, not by two engines' tokenisers and locales.

A word is a run of letters and digits (with the combining marks, joiners and tatweel inside it:
"مِيزَانِيَّة" and an NFD "pe\u0301tition" are one word each); everything else separates words, so the
syntax characters of FTS5 and tsquery (`"`, `*`, `:`, `(`, `-`, `&`, `|`, `!`) never reach an
engine. Each word is then

- NFKD-decomposed, case-folded and stripped of its combining marks: é/e, ç/c, Œ/oe, full-width and
  presentation forms to plain letters; the Arabic diacritics (tashkeel, shadda, sukun, dagger alif)
  are combining marks too, and so are the hamza and madda carried by أ إ آ ؤ ئ, which fold to ا و ي;
- given one form of the letters Arabic writes several ways: ٱ to ا, ى and ی to ي, ة to ه, ک to ك,
  tatweel removed, Arabic-Indic digits to 0-9;
- stripped, if Arabic, of the article and attached particles, longest first and again on what
  remains: ال وال بال كال فال لل when at least two letters remain, و ب ل ف when at least three
  remain ("الميزانية", "والميزانية", "للميزانية" -> "ميزانيه"; "الوثيقة" -> "وثيقه" -> "ثيقه", like
  "وثيقة"). Only the first prefix found is tried: "والي" (a wali) keeps its و because "وال" leaves
  one letter. Stripping the same way everywhere keeps `normalize(particle + word) ==
  normalize(word)`; the price is that a few words share a stem ("بيان", "يان"), which only widens
  a search.

No Flask, no database: the sync, the search service and the tests call it the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

# Characters that belong to the word they sit in: combining marks (Latin NFD accents, Hebrew and
# Arabic points, Quranic marks), the soft hyphen and the zero-width (non-)joiners.
_IN_WORD = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u08d3-\u08ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u00ad\u200c\u200d"
)
WORD = re.compile(rf"(?:[^\W_]+|[{_IN_WORD}])+")  # runs of letters matched whole: the same words, fewer steps
_TOKEN = re.compile(r"[^\W_]+")  # what a folded word may still split into ("½" -> "1", "2")

_LETTERS = {
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
    "\u0649": "\u064a",  # ى alef maksura -> ي
    "\u06cc": "\u064a",  # ی Farsi yeh -> ي
    "\u0629": "\u0647",  # ة teh marbuta -> ه
    "\u06a9": "\u0643",  # ک keheh -> ك
    "\u0640": "",  # tatweel
    "\u00ad": "",  # soft hyphen
    "\u200c": "",  # zero-width non-joiner
    "\u200d": "",  # zero-width joiner
    "œ": "oe",
    "æ": "ae",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
}
_FOLD = str.maketrans(
    {
        **_LETTERS,
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Eastern Arabic-Indic digits
    }
)

# (prefix, letters that must remain); longest first, so "وال" is tried before "و".
ARABIC_PREFIXES = (
    ("وال", 2), ("بال", 2), ("كال", 2), ("فال", 2),
    ("لل", 2), ("ال", 2),
    ("و", 3), ("ب", 3), ("ل", 3), ("ف", 3),
)  # fmt: skip

MAX_QUERY_CHARACTERS = 200
MAX_QUERY_TERMS = 8
MAX_TERM_LENGTH = 60
MIN_PREFIX_LENGTH = 2


def fold(word: str) -> str:
    """Case, accents, Arabic diacritics and letter variants folded away (no particle stripping)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    without_marks = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", without_marks.translate(_FOLD))


def strip_particles(token: str) -> str:
    """An Arabic token without its article and attached particles (see the module's docstring)."""
    while True:
        for prefix, remaining in ARABIC_PREFIXES:
            if token.startswith(prefix):
                if len(token) - len(prefix) < remaining:
                    return token
                token = token[len(prefix) :]
                break
        else:
            return token


@lru_cache(maxsize=65536)
def word_terms(word: str) -> tuple[str, ...]:
    """The terms one word of text becomes (usually one; "½" gives two)."""
    return tuple(strip_particles(token) for token in _TOKEN.findall(fold(word)))


def words(text: str) -> Iterator[re.Match[str]]:
    """The words of `text`, as matches (with their positions, for snippets)."""
    return WORD.finditer(text)


def word_list(text: str) -> list[str]:
    """The words of `text`, as strings: the same words as `words`, without their positions."""
    return WORD.findall(text)


def normalize(*parts: str) -> str:
    """The searchable form of some text: its terms separated by spaces."""
    return " ".join(term for part in parts for match in words(part) for term in word_terms(match.group()))


def singular_forms(term: str) -> tuple[str, ...]:
    """What a plural term may be the plural of, without a dictionary: French "budgets" → "budget",
    "régionaux" → "regional" (folded), "bureaux" → "bureau"; Arabic sound plurals "ميزانيات" →
    "ميزانيه" (ة folded), "مستشارون" → "مستشار". Searched beside the term as typed, never instead:
    a word that only looks plural ("cours", "pays") still finds itself. Broken Arabic plurals
    (عرائض for عريضة) are beyond suffixes."""
    if len(term) < 4:
        return ()
    if term[-1] in "اأإآءئؤبتثجحخدذرزسشصضطظعغفقكلمنهوي":
        if len(term) >= 5 and term.endswith("ات"):
            return (term[:-2] + "ه", term[:-2])
        if len(term) >= 6 and term.endswith(("ون", "ين")):  # not تكوين, تأمين: singulars
            return (term[:-2],)
        return ()
    if len(term) >= 5 and term.endswith("aux"):
        return (term[:-3] + "al", term[:-1])
    if term[-1] in "sx" and term[-2] not in "sx":
        return (term[:-1],)
    return ()


@dataclass(frozen=True)
class Query:
    """What a learner typed, as plain terms: every term must match; `prefix` is the last word's start.

    `terms` are whole terms; `prefix` (or None) is the last word, matched as the beginning of a term
    since the learner may still be typing it. `phrases` are terms typed joined without a space
    ("31.13", "31-13", "l'information"): they must also follow each other in the text, so a law's
    number does not match a page with 31 in one place and 13 in another. Nothing else survives: no
    operator, no quote.
    """

    terms: tuple[str, ...] = ()
    prefix: str | None = None
    phrases: tuple[tuple[str, ...], ...] = ()
    any_word: bool = False  # every word required (the default), or any of them (when none has all)

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefix)

    @staticmethod
    def forms(term: str) -> tuple[str, ...]:
        """The term and what it may be the plural of: any of them matches it."""
        return (term, *singular_forms(term))

    def matches(self, term: str) -> bool:
        """Whether a term of the text is one the query looks for (to highlight it): a term or what it
        may be the plural of; the beginning of the last word, or exactly what it may be the plural of."""
        if any(term in self.forms(wanted) for wanted in self.terms):
            return True
        return self.prefix is not None and (term.startswith(self.prefix) or term in singular_forms(self.prefix))

    def free_words(self) -> list[str]:
        """The terms and the prefix that are not part of a phrase (a number typed whole)."""
        joined = {term for phrase in self.phrases for term in phrase}
        return [term for term in (*self.terms, self.prefix) if term is not None and term not in joined]

    def can_loosen(self) -> bool:
        """Whether "any of the words" means something: two free words or more (a phrase stays whole)."""
        return not self.any_word and len(self.free_words()) > 1

    def loosened(self) -> Query:
        """The same words, any free one enough, phrases still required ("qui peut déposer une pétition")."""
        return Query(self.terms, self.prefix, self.phrases, any_word=True)


# Words that say how a question is put, not what it is about: left out of a query that has other
# words ("qui peut déposer une pétition" looks for peut, déposer, pétition), kept when they are all
# it has ("les"). Written as typed; normalised like every term (`_stopwords`).
STOPWORDS_TYPED = (
    "le la les l un une des du de d et ou où à au aux en dans sur pour par avec qui que qu quoi quel"
    " quelle quels quelles est sont ce cet cette ces se sa son ses leur leurs comment pourquoi quand ne"
    " pas y il elle ils elles on nous vous c s n j m t"
    " في من إلى عن مع هو هي هم هل ما ماذا كيف متى أين الذي التي الذين أو ثم لا لم لن قد كان هذا هذه ذلك تلك"
    " the a an of to in on for and or is are was what how who which why when where"
)


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(term for word in STOPWORDS_TYPED.split() for term in word_terms(word))


def parse_query(text: str | None) -> Query:
    """A query from anything typed: length capped, syntax dropped, terms normalised like the index;
    question words left out when other words remain, then at most MAX_QUERY_TERMS kept (the last)."""
    text = (text or "")[:MAX_QUERY_CHARACTERS]
    found: list[str] = []
    for term in normalize(text).split():
        term = term[:MAX_TERM_LENGTH]
        if term in found:
            found.remove(term)  # the last occurrence keeps its place: it may be the word being typed
        found.append(term)
    content = [term for term in found if term not in _stopwords()]
    found = (content or found)[-MAX_QUERY_TERMS:]
    phrases = tuple(
        phrase
        for phrase in (tuple(term[:MAX_TERM_LENGTH] for term in normalize(chunk).split()) for chunk in text.split())
        if len(phrase) > 1 and all(term in found for term in phrase)
    )  # "qu'est-ce", "c'est": question words, left out with them
    if found and len(found[-1]) >= MIN_PREFIX_LENGTH:
        return Query(tuple(found[:-1]), found[-1], phrases)
    return Query(tuple(found), None, phrases)
