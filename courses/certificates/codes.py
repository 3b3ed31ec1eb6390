"""Certificate codes: short, unguessable, readable aloud and typed by hand without ambiguity.

Twelve symbols from a 29-symbol alphabet with no 0/O, 1/I/L or U/V confusion: 29^12 ≈ 2^58.3,
well above 50 bits of randomness. Shown as TDB-XXXX-XXXX-XXXX; typed in any case, with or
without dashes, spaces or the prefix.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"  # no 0 O 1 I L U V
SYMBOLS = 12
PREFIX = "TDB"
_GROUP = 4
_FORMAT = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_code() -> str:
    """A fresh random code in display form."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return _display(symbols)


def _display(symbols: str) -> str:
    groups = [symbols[i : i + _GROUP] for i in range(0, SYMBOLS, _GROUP)]
    return "-".join([PREFIX, *groups])


def normalise(text: str) -> str | None:
    """The display form of what someone typed, or None if it cannot be a code."""
    cleaned = re.sub(r"[^0-9A-Z]", "", text.upper())
    if cleaned.startswith(PREFIX) and len(cleaned) == len(PREFIX) + SYMBOLS:
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != SYMBOLS or any(c not in ALPHABET for c in cleaned):
        return None
    return _display(cleaned)


def is_well_formed(code: str) -> bool:
    return bool(_FORMAT.match(code))
