"""The badge image drawn by the platform from a certificate's snapshot, plain or baked: SVG and PNG.

Static (no script, no external reference, every text escaped) and deterministic. A *baked* badge
carries its credential as Open Badges 3.0 says: in an SVG, an `<openbadges:credential>` element
whose content is the VC-JWT; in a PNG, an uncompressed `iTXt` chunk named `openbadgecredential`.
The PNG is the same drawing made with Pillow and the certificates' Amiri font (Arabic titles are
shaped when Pillow has its complex-layout engine, raqm; without it they are left off the image
rather than drawn unjoined). `extract` reads the credential back from an uploaded file: SVG with
defusedxml (no entity expansion, no external resources), PNG from its chunks without decoding pixels.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

import fontpkg_amiri
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from markupsafe import escape

OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# (ring, field, ink): ink and the ring's colour on the field both pass WCAG AA contrast.
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
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = "openbadgecredential"
SIZE = 512
# The Tadbir mark (a "T" on a rounded square): the SVG's path, in the badge's coordinates.
MARK_BOX = (208, 64, 304, 160)
MARK_T = [(232, 94), (280, 94), (280, 103), (260.5, 103), (260.5, 139), (251.5, 139), (251.5, 103), (232, 103)]


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


def _layout(snapshot: dict[str, Any]) -> tuple[dict[str, Any], str, str, list[str], int, str]:
    """What both drawings show: the course, its language and direction, title lines, their top, the hours."""
    course = snapshot["course"]
    language = course.get("language") or "fr"
    title = _lines(course["title"])
    number = f"{course['hours']:g}"
    if language != "en":
        number = number.replace(".", ",")  # "1,5 h", as French and Moroccan Arabic write it
    hours = HOURS.get(language, HOURS["fr"]).format(hours=number)
    return course, language, "rtl" if language == "ar" else "ltr", title, 270 - 18 * (len(title) - 1), hours


def draw(snapshot: dict[str, Any], credential_jwt: str | None = None) -> str:
    """The badge of a certificate, as SVG text; with `credential_jwt`, baked."""
    course, language, direction, title, top, hours = _layout(snapshot)
    ring, field, ink = palette(course["slug"])
    texts = "".join(
        f'<text x="256" y="{top + 36 * n}" font-size="30" font-weight="700">{escape(line)}</text>'
        for n, line in enumerate(title)
    )
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
        f'<text x="256" y="448" fill="{ring}" text-anchor="middle" font-family="Arial, sans-serif" '
        'font-size="24" font-weight="700" letter-spacing="4">TADBIR</text></svg>'
    )


@lru_cache(maxsize=8)
def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    name = "Amiri-Bold.ttf" if bold else "Amiri-Regular.ttf"
    return ImageFont.truetype(str(Path(fontpkg_amiri.__file__).parent / "files" / name), size)


def draw_png(snapshot: dict[str, Any], credential_jwt: str | None = None) -> bytes:
    """The badge of a certificate as a PNG (the SVG's drawing); with `credential_jwt`, baked."""
    from PIL import Image, ImageDraw, PngImagePlugin, features

    course, language, direction, title, top, hours = _layout(snapshot)
    ring, field, ink = palette(course["slug"])
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.ellipse((6, 6, 506, 506), fill=ring)
    pen.ellipse((34, 34, 478, 478), fill=field)
    pen.rounded_rectangle(MARK_BOX, radius=18, fill="#0b5d5b")
    pen.polygon(MARK_T, fill="#ffffff")
    if direction == "ltr" or features.check("raqm"):
        shaping = {"direction": direction, "language": language} if features.check("raqm") else {}
        for n, line in enumerate(title):
            pen.text((256, top + 36 * n), line, fill=ink, font=_font(30, bold=True), anchor="ms", **shaping)
        pen.text((256, top + 36 * len(title) + 28), hours, fill=ink, font=_font(22), anchor="ms", **shaping)
    pen.text((256, 448), "T A D B I R", fill=ring, font=_font(24, bold=True), anchor="ms")
    metadata = PngImagePlugin.PngInfo()
    if credential_jwt is not None:
        metadata.add_itxt(PNG_KEYWORD, credential_jwt, zip=False)
    output = io.BytesIO()
    image.save(output, "PNG", pnginfo=metadata)
    return output.getvalue()


def extract(data: bytes) -> str | None:
    """The credential baked into a badge (SVG or PNG), or None when it carries none."""
    if len(data) > MAX_BYTES:
        raise UnreadableImage("too large")
    if data.startswith(PNG_SIGNATURE):
        return _extract_png(data)
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


def _extract_png(data: bytes) -> str | None:
    """The `openbadgecredential` text chunk of a PNG, read with the header chunks (no pixel decoded)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            text = image.info.get(PNG_KEYWORD)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise UnreadableImage(str(error)) from error
    if not isinstance(text, str) or not text.strip():
        return None
    return text.strip()
