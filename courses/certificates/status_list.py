"""W3C Bitstring Status List: one bit per certificate, set when it is revoked or replaced.

A certificate's place is fixed by its id (list `id // LIST_SIZE`, bit `id % LIST_SIZE`), so it
never moves and needs no column. The list is GZIP-compressed and base64url-encoded with the
multibase prefix "u"; bit 0 is the left-most bit of the first byte.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable

LIST_SIZE = 131_072  # the specification's minimum: 16 KiB, so one list hides who is in it


def position(certificate_id: int) -> tuple[int, int]:
    """(list number, index in the list) of a certificate."""
    return divmod(certificate_id, LIST_SIZE)


def encode(indexes: Iterable[int], size: int = LIST_SIZE) -> str:
    """The multibase (base64url, no padding) GZIP of a bitstring with `indexes` set."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)  # mtime 0: one list, one encoding
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    """The bitstring of an encoded list (raises ValueError on anything else)."""
    if not encoded.startswith("u"):
        raise ValueError("not a base64url multibase value")
    data = encoded[1:]
    try:
        return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
    except (OSError, EOFError) as error:
        raise ValueError("not a GZIP bitstring") from error


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
