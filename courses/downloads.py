"""Files the browser saves: every export and personal file is sent through `attachment()`.

Being an attachment is also what gets a response `Cache-Control: no-store` (courses/security.py).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from flask import Response, stream_with_context

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]")  # control characters and path separators
_NOT_PLAIN = re.compile(r"[^A-Za-z0-9._ -]")
_ATTR_CHARS = "!#$&+-.^_`|~"  # RFC 5987 attr-char besides letters and digits


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_PLAIN.sub("_", folded)


def content_disposition(filename: str) -> str:
    """`attachment` with a plain ASCII name and, when that one lost something, the exact name (RFC 5987)."""
    name = _UNSAFE.sub("_", filename).strip(" .") or "download"
    stem, extension = os.path.splitext(name)
    plain = (_plain(stem).strip(" .") or "download") + _plain(extension)
    value = f'attachment; filename="{plain}"'
    if plain != name:
        value += f"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"
    return value


def attachment(body: bytes | str | Iterable, filename: str, mimetype: str) -> Response:
    """A download: bytes sent at once, or an iterable of chunks streamed within the request's context."""
    if not isinstance(body, bytes | str):
        body = stream_with_context(body)
    # A type that names its charset is sent as it is (werkzeug would add `; charset=utf-8` to a text/* mimetype again).
    kind = {"content_type": mimetype} if "charset=" in mimetype else {"mimetype": mimetype}
    return Response(body, headers={"Content-Disposition": content_disposition(filename)}, **kind)
