"""Email addresses: the one form accounts are stored and looked up by, and look-alikes.

Every path that stores or finds an account by email (sign-up, login, reset request, admin and
coordinator searches, CSV import, `flask users`, demo accounts, trainers named in course files)
goes through `normalise_email`, so `josé@…` typed in NFC or NFD, in capitals or not, is one
account. The form is email-validator's normalised address (domain in lower case and Unicode,
local part NFC), then NFC, then case-folded.

Three derived forms catch look-alikes:

- `email_key`: NFKC and case-folded. Full-width `ｊｏｈｎ@…` has the key of `john@…`. The database
  keeps it unique, so such a second account is refused.
- `email_skeleton`: the key with Cyrillic, Greek and Armenian letters that look like Latin ones
  replaced by them (`jоhn` with a Cyrillic `о` gives `john`). Equal skeletons are shown to the
  admin as a warning, not refused: real people may own such pairs.
- `script_warnings`: a local part or domain label mixing alphabets, or compatibility characters.

No Flask, no database here (the migration that normalises stored addresses uses it too).
"""

from __future__ import annotations

import unicodedata

from email_validator import EmailNotValidError, validate_email

KEY_LENGTH = 254  # the column's length; an address whose key is longer is not accepted

MIXED_SCRIPTS, COMPATIBILITY, LOOKALIKE = "mixed_scripts", "compatibility", "lookalike"

# Lower-case letters of other alphabets that look like Latin ones (after case folding, which is
# how addresses are shown). A compact part of Unicode's confusables list, for the alphabets
# people can type on the keyboards our users have; full-width and other compatibility forms are
# covered by NFKC instead.
CONFUSABLES = {
    # Cyrillic
    "а": "a", "е": "e", "ё": "ë", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i",
    "ї": "ï", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "һ": "h", "ү": "y",
    "ӓ": "ä", "ӧ": "ö", "ӱ": "ü",
    # Greek
    "α": "a", "ο": "o", "ρ": "p", "ν": "v", "ι": "i", "υ": "u", "κ": "k", "χ": "x", "η": "n",
    "ω": "w", "γ": "y", "ϲ": "c", "ϳ": "j",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "զ": "q", "ց": "g", "ո": "n",
    # Latin letters that pass for others
    "ı": "i", "ɩ": "i", "ɑ": "a", "ɡ": "g", "ʏ": "y", "ɢ": "g",
}  # fmt: skip
_CONFUSABLES = str.maketrans(CONFUSABLES)

# Scripts that are written together (UTS #39 "highly restrictive"); any other mix is suspicious.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
_SCRIPT_ALIASES = {"CJK": "HAN"}


class InvalidEmail(ValueError):
    """Not an address an account can have."""


def fold(text: str) -> str:
    """NFC and case-folded: how addresses compare (and how search text matches them)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text.strip()).casefold())


def canonical_email(text: str) -> str:
    """The stored form of a valid address; raises InvalidEmail otherwise."""
    try:
        normalized = validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from error
    email = fold(normalized)
    if len(email_key(email)) > KEY_LENGTH:
        raise InvalidEmail("too long once normalised")
    return email


def normalise_email(text: str) -> str:
    """The stored form for lookups: `canonical_email`, or just NFC and case-folded for text
    that is no valid address (it then matches nothing, and login answers as for a wrong password)."""
    try:
        return canonical_email(text)
    except InvalidEmail:
        return fold(text)


def email_key(email: str) -> str:
    """NFKC and case-folded: equal keys are the same address to anyone typing it."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", email).casefold())


def email_skeleton(email: str) -> str:
    """The key with look-alike letters replaced by the Latin ones they imitate (at most
    KEY_LENGTH characters, the column's length; only absurd addresses are longer)."""
    return email_key(email).translate(_CONFUSABLES)[:KEY_LENGTH]


def _script(character: str) -> str | None:
    """The alphabet of a letter (its compatibility form's, so full-width Latin is Latin)."""
    if not unicodedata.category(character).startswith("L"):
        return None  # digits, dots, hyphens and marks belong to every script
    base = unicodedata.normalize("NFKC", character)[:1] or character
    word = unicodedata.name(base, "").split(" ", 1)[0]
    if not word or "-" in word:  # unnamed, or shared like KATAKANA-HIRAGANA PROLONGED SOUND MARK
        return None
    return _SCRIPT_ALIASES.get(word, word)


def _mixes_scripts(part: str) -> bool:
    scripts = {script for c in part if (script := _script(c)) is not None}
    return len(scripts) > 1 and not any(scripts <= allowed for allowed in _ALLOWED_MIXES)


def script_warnings(email: str) -> list[str]:
    """What makes the address itself suspicious: MIXED_SCRIPTS in the local part or a domain
    label, COMPATIBILITY characters (full-width, ligatures…) whose NFKC form differs."""
    local, _at, domain = email.rpartition("@")
    warnings = []
    if any(_mixes_scripts(part) for part in [local, *domain.split(".")]):
        warnings.append(MIXED_SCRIPTS)
    if unicodedata.normalize("NFKC", email) != email:
        warnings.append(COMPATIBILITY)
    return warnings
