"""The badge image: an SVG drawn by the platform from a certificate's snapshot, plain or baked.

Static (no script, no external reference, every text escaped) and deterministic. A *baked* badge
carries its credential as Open Badges 3.0 says: an `<openbadges:credential>` element whose
content is the VC-JWT. `extract` reads it back from an uploaded file with defusedxml (no entity
expansion, no external resources).
"""

from __future__ import annotations

import hashlib
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from markupsafe import escape

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# (ring, field, ink) pairs: white on the ring and ink on the field both pass WCAG AA contrast.
PALETTES = (
    ("#0b5d5b", "#e6f2f1", "#0b3b3a"),
    ("#1d4e89", "#e8eef7", "#14365f"),
    ("#8a4b08", "#f8eee2", "#5c3205"),
    ("#6b2c91", "#f1e8f6", "#4a1f64"),
    ("#a4161a", "#f9e7e7", "#6e0f12"),
    ("#1d6b2f", "#e7f2ea", "#134a20"),
)
HOURS = {"fr": "{hours} h de formation", "ar": "{hours} ساعة تكوين", "en": "{hours} hours of training"}
LINE_LENGTH = 22
MAX_LINES = 4
MAX_BYTES = 1_000_000  # an uploaded badge larger than this is not read


class UnreadableImage(ValueError):
    """The file is not an SVG document we can read."""


def palette(slug: str) -> tuple[str, str, str]:
    """The course's colours: always the same for one course."""
    return PALETTES[hashlib.sha256(slug.encode()).digest()[0] % len(PALETTES)]


def _lines(title: str) -> list[str]:
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_LENGTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: LINE_LENGTH - 1] + "…"
    return lines


def draw(snapshot: dict[str, Any], credential_jwt: str | None = None) -> str:
    """The badge of a certificate, as SVG text; with `credential_jwt`, baked."""
    course = snapshot["course"]
    ring, field, ink = palette(course["slug"])
    language = course.get("language") or "fr"
    direction = "rtl" if language == "ar" else "ltr"
    title = _lines(course["title"])
    top = 270 - 18 * (len(title) - 1)
    texts = "".join(
        f'<text x="256" y="{top + 36 * n}" font-size="30" font-weight="700">{escape(line)}</text>'
        for n, line in enumerate(title)
    )
    hours = HOURS.get(language, HOURS["fr"]).format(hours=f"{course['hours']:g}")
    baked = ""
    if credential_jwt is not None:
        baked = f"<openbadges:credential><![CDATA[{credential_jwt}]]></openbadges:credential>"
    return (
        f'<svg xmlns="{SVG_NAMESPACE}" xmlns:openbadges="{OB_NAMESPACE}" viewBox="0 0 512 512" width="512" '
        f'height="512" role="img" aria-labelledby="badge-title">{baked}'
        f'<title id="badge-title">{escape(course["title"])} — Tadbir</title>'
        f'<circle cx="256" cy="256" r="250" fill="{ring}"/><circle cx="256" cy="256" r="222" fill="{field}"/>'
        '<g transform="translate(208 64) scale(3)"><rect width="32" height="32" rx="6" fill="#0b5d5b"/>'
        '<path d="M8 10h16v3H17.5v12h-3V13H8z" fill="#fff"/></g>'
        f'<g fill="{ink}" text-anchor="middle" font-family="Amiri, \'Noto Sans\', Arial, sans-serif" '
        f'direction="{direction}" xml:lang="{escape(language)}">{texts}'
        f'<text x="256" y="{top + 36 * len(title) + 28}" font-size="22">{escape(hours)}</text></g>'
        '<text x="256" y="468" fill="#ffffff" text-anchor="middle" font-family="Arial, sans-serif" '
        'font-size="24" font-weight="700" letter-spacing="4">TADBIR</text></svg>'
    )


def extract(data: bytes) -> str | None:
    """The credential baked into an SVG badge, or None when it carries none."""
    if len(data) > MAX_BYTES:
        raise UnreadableImage("too large")
    try:
        root = fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise UnreadableImage(str(error)) from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise UnreadableImage("not an SVG document")
    element = root.find(f".//{{{OB_NAMESPACE}}}credential")
    if element is None or not (element.text or "").strip():
        return None
    return element.text.strip()
