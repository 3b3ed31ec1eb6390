"""The certificate PDF (A4 landscape, French and Arabic), drawn with fpdf2 and shaped by HarfBuzz.

Speed: a naive fpdf2 document with a full Arabic font costs ~100 ms, nearly all of it parsing
and subsetting the font. So, once per process, the font is cut down to what certificates print
(Latin, Arabic letters, digits, punctuation — the repertoire below) and parsed; each document then
reuses that parsed font (`TTFFont` copies share their immutable parts, as fpdf2's own recorder
does) and embeds a subset of a copy stripped of layout tables, which HarfBuzz has already used.

Honesty: text the fonts cannot draw is refused (`MissingGlyphs`) before anything is drawn, since
fpdf2 would otherwise print blanks without a word.

What is the same on every certificate of a course (the frame, the institutions, the headings, the
course's title, the signatories) is drawn once per process into a page kept as a template; each
certificate starts from a copy of it and draws only the holder's part: fpdf2's per-cell bidi and
shaping was half of a certificate's time, and two thirds of the cells are the course's.

Each field is drawn in a cell of its own, so nothing needs isolating; bidi embedding, override and
isolate controls are removed from every snapshot text before drawing (a RIGHT-TO-LEFT OVERRIDE in
a name stored before input was cleaned would print it backwards). Marks (LRM, RLM, ALM) stay.
"""

from __future__ import annotations

import atexit
import copy
import io
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import fontpkg_amiri
import segno
from fontTools import subset as font_subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import RenderStyle, TextMode

from courses.dates import format_day
from courses.plurals import plural_count
from courses.text import strip_bidi_controls

FONT_FAMILY = "tadbir"
TIFINAGH_FAMILY = "tadbirtfng"
# What certificates print: Latin (with accents of European and transliterated names), Arabic
# letters and signs used in Morocco, Arabic-Indic and Latin digits, common punctuation.
REPERTOIRE = frozenset(
    [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x2010, 0x2030), 0x20AC, *range(0x621, 0x653),
     *range(0x660, 0x66A), 0x60C, 0x61B, 0x61F, 0x640, 0x670, 0x67E, 0x686, 0x6A4, 0x6A9, 0x6AF, 0x6CC]
)  # fmt: skip
# Features HarfBuzz needs for Arabic joining and marks; decorative alternates are left out so the
# cut-down font stays small.
SHAPING_FEATURES = ["ccmp", "locl", "isol", "init", "medi", "fina", "rlig", "mark", "mkmk", "kern", "liga"]
TIFINAGH = range(0x2D30, 0x2D80)
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
TIFINAGH_FILE = "NotoSansTifinagh-Regular.ttf"

QR_MASK = 0
FILL = RenderStyle.F  # fpdf2 coerces a style given as text on every rectangle: a third of the QR code's drawing
INK = (27, 31, 36)
BRAND = (11, 93, 91)
MUTED = (74, 85, 97)


class MissingGlyphs(ValueError):
    """The text holds characters no certificate font can draw."""

    def __init__(self, characters: Sequence[str]):
        self.characters = list(characters)
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in self.characters[:10])
        super().__init__(f"the certificate fonts cannot draw: {shown}")


@dataclass(frozen=True)
class PreparedFont:
    path: Path  # cut-down font with layout tables: metrics and HarfBuzz shaping
    embedded: bytes  # the same glyphs without layout tables: what each PDF subsets and embeds
    coverage: frozenset[int]
    template: Any  # an fpdf2 TTFFont parsed once, copied into each document


def _cut_down(source: Path, unicodes: Iterable[int], folder: Path) -> tuple[Path, bytes, frozenset[int]]:
    font = TTFont(source)
    options = font_subset.Options()
    options.layout_features = SHAPING_FEATURES
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = font_subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    path = folder / source.name
    font.save(path)
    coverage = frozenset(font.getBestCmap())
    for table in ("GSUB", "GPOS", "GDEF"):
        if table in font:
            del font[table]
    embedded = io.BytesIO()
    font.save(embedded)
    return path, embedded.getvalue(), coverage


def _parse(family: str, path: Path) -> Any:
    holder = FPDF()
    holder.add_font(family, "", str(path))
    template = holder.fonts[family]
    template.hbfont  # noqa: B018 - build the HarfBuzz font once; copies share it
    template.ttfont.close()  # each document reads its own copy of the embeddable font
    return template


@cache
def _fonts_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="tadbir-fonts-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # one per process; leave nothing behind
    return folder


@cache
def main_font() -> PreparedFont:
    """Amiri (Latin and Arabic), cut down and parsed once per process."""
    source = Path(fontpkg_amiri.__file__).parent / "files" / "Amiri-Regular.ttf"
    path, embedded, coverage = _cut_down(source, REPERTOIRE, _fonts_folder())
    return PreparedFont(path, embedded, coverage, _parse(FONT_FAMILY, path))


def _find_system_font(name: str) -> Path | None:
    for folder in SYSTEM_FONT_DIRS:
        if folder.is_dir():
            for found in folder.rglob(name):
                return found
    return None


@cache
def tifinagh_font() -> PreparedFont | None:
    """Noto Sans Tifinagh from the system's fonts, when installed (Amazigh names)."""
    source = _find_system_font(TIFINAGH_FILE)
    if source is None:
        return None
    path, embedded, coverage = _cut_down(source, [*TIFINAGH, 0x20, 0x2D], _fonts_folder())
    return PreparedFont(path, embedded, coverage, _parse(TIFINAGH_FAMILY, path))


def missing_characters(texts: Iterable[str]) -> list[str]:
    """Characters in `texts` that no available certificate font can draw."""
    coverage = set(main_font().coverage)
    needs_tifinagh = False
    characters = sorted({c for text in texts for c in text if not c.isspace() and ord(c) >= 0x20})
    for character in characters:
        if ord(character) in TIFINAGH:
            needs_tifinagh = True
    if needs_tifinagh and (tifinagh := tifinagh_font()) is not None:
        coverage |= tifinagh.coverage
    # Joiners and bidi marks are not drawn; HarfBuzz handles them. Embedding, override and isolate
    # controls never get here (`printable`): fpdf2 would let them reorder the text.
    invisible = {0x200C, 0x200D, 0x200E, 0x200F, 0x061C}
    return [c for c in characters if ord(c) not in coverage and ord(c) not in invisible]


def _embeddable(prepared: PreparedFont) -> TTFont:
    """A lazily-read copy of the embeddable font: each document subsets (in place) its own."""
    return TTFont(io.BytesIO(prepared.embedded), lazy=True, recalcTimestamp=False, recalcBBoxes=False)


def _give_own_parts(font: Any, prepared: PreparedFont) -> None:
    """What output changes in place, a document's own: the embeddable font (subset) and the font
    descriptor (its object number and font stream: shared, two threads' documents written at once
    could point to each other's)."""
    font.ttfont = _embeddable(prepared)
    font.desc = copy.copy(font.desc)


def _prepared(family: str) -> PreparedFont:
    """The prepared font of a family installed in a document (Tifinagh is installed only when the
    system has it)."""
    tifinagh = tifinagh_font() if family == TIFINAGH_FAMILY else None
    return tifinagh or main_font()


def _install(pdf: FPDF, family: str, prepared: PreparedFont) -> None:
    font = copy.deepcopy(prepared.template)  # shares the parsed metrics and the HarfBuzz font
    font.i = len(pdf.fonts) + 1
    _give_own_parts(font, prepared)
    pdf.fonts[family] = font


def _copy_document(template: FPDF) -> FPDF:
    """A new document that starts where `template` is (its pages, fonts' used glyphs, state)."""
    # Fonts share their parsed parts (fpdf2's TTFFont.__deepcopy__). The widths, glyph ids and glyphs
    # already used are not changed once made (a width read for a character the font lacks is filled
    # in with the default, the same in every copy), so the copy shares them too by seeding
    # deepcopy's memo: copying them was four fifths of the copy's time. What a document changes —
    # its pages, its fonts' maps of used glyphs — is copied.
    memo: dict[int, Any] = {}
    for font in template.fonts.values():
        for shared in (font.cw, font.glyph_ids, *(glyph for glyph, _ in font.subset.items())):
            memo[id(shared)] = shared
    pdf = copy.deepcopy(template, memo)
    for family, font in pdf.fonts.items():
        _give_own_parts(font, _prepared(family))
    pdf.set_creation_date(datetime.now(UTC))
    return pdf


def printable(value: Any) -> Any:
    """The snapshot (or any part of it) with bidi embedding, override and isolate controls
    removed from every text."""
    if isinstance(value, str):
        return strip_bidi_controls(value)
    if isinstance(value, dict):
        return {key: printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [printable(item) for item in value]
    return value


def texts_of(snapshot: dict[str, Any]) -> list[str]:
    """Every piece of snapshot text the PDF prints (for the coverage check)."""
    holder = snapshot["holder"]
    course = snapshot["course"]
    texts = [holder["name"], holder.get("name_ar") or "", course["title"]]
    cohort = snapshot.get("cohort") or {}
    texts += [cohort.get("name") or "", cohort.get("place") or ""]
    for institution in snapshot.get("institutions", []):
        texts += [institution.get("fr", ""), institution.get("ar", "")]
    for signatory in snapshot.get("signatories", []):
        texts += [signatory.get("name", ""), signatory.get("title_fr", ""), signatory.get("title_ar", "")]
    return texts


def new_document(orientation: str = "L", needs_tifinagh: bool = False) -> FPDF:
    """An A4 fpdf2 document with the certificates' fonts installed and Arabic shaping on: every PDF
    the platform prints (certificates, sign-in sheets) draws with the same engine and fonts."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creator("Tadbir")
    _install(pdf, FONT_FAMILY, main_font())
    tifinagh = tifinagh_font() if needs_tifinagh else None
    if tifinagh is not None:
        _install(pdf, TIFINAGH_FAMILY, tifinagh)
        pdf.set_fallback_fonts([TIFINAGH_FAMILY])
    pdf.set_text_shaping(use_shaping_engine=True)
    return pdf


def drawable(text: str) -> str:
    """`text` without bidi controls, with "?" for any character the fonts cannot draw."""
    text = strip_bidi_controls(text)
    missing = set(missing_characters([text]))
    return "".join("?" if c in missing else c for c in text) if missing else text


@dataclass(frozen=True)
class CoursePart:
    """What a certificate prints that is the same for every holder of a course (hashable: the key
    of the drawn template)."""

    institutions: tuple[tuple[str, str], ...]
    title: str
    signatories: tuple[tuple[str, str, str], ...]

    @classmethod
    def of(cls, snapshot: dict[str, Any]) -> CoursePart:
        return cls(
            tuple((i.get("fr", ""), i.get("ar", "")) for i in snapshot.get("institutions", [])),
            snapshot["course"]["title"],
            tuple((s.get("name", ""), s.get("title_fr", ""), s.get("title_ar", ""))
                  for s in snapshot.get("signatories", [])[:2]),
        )  # fmt: skip


def checked(snapshot: dict[str, Any], code: str, verify_url: str) -> dict[str, Any]:
    """The snapshot ready to print (`printable`), or MissingGlyphs before anything is drawn."""
    snapshot = printable(snapshot)
    missing = missing_characters([*texts_of(snapshot), code, verify_url])
    if missing:
        raise MissingGlyphs(missing)
    return snapshot


class CertificateDocument:
    """Draws certificates, one per page, into one fpdf2 document."""

    def __init__(self, needs_tifinagh: bool = False, pdf: FPDF | None = None):
        self.pdf = pdf or new_document("L", needs_tifinagh)

    @classmethod
    def from_course_page(cls, snapshot: dict[str, Any]) -> CertificateDocument:
        """A one-page document whose page already holds the course's part of `snapshot`
        (a copy of the template drawn once per process); `checked` snapshots only."""
        return cls(pdf=_copy_document(_course_page(CoursePart.of(snapshot), uses_tifinagh(snapshot))))

    def _text(self, y: float, text: str, size: float, *, bold: bool = False, color=INK, x: float = 20, w: float = 257):
        if not text:
            return
        pdf = self.pdf
        pdf.set_font(FONT_FAMILY, "", size)
        pdf.set_text_color(*color)
        if bold:  # one font file for speed; weight comes from stroking the outline
            pdf.text_mode = TextMode.FILL_STROKE
            pdf.set_draw_color(*color)
            pdf.set_line_width(size * 0.012)
        pdf.set_xy(x, y)
        pdf.cell(w, size * 0.5, text, align="C")
        pdf.text_mode = TextMode.FILL

    def add(self, snapshot: dict[str, Any], code: str, verify_url: str) -> None:
        """Draw one certificate on a new page."""
        snapshot = checked(snapshot, code, verify_url)
        self.pdf.add_page()
        self.draw_course_part(CoursePart.of(snapshot))
        self.draw_holder_part(snapshot, code, verify_url)

    def draw_course_part(self, part: CoursePart) -> None:
        """The frame and every text that is the same for all holders of the course."""
        pdf = self.pdf
        pdf.set_draw_color(*BRAND)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, 281, 194)
        pdf.set_line_width(0.3)
        pdf.rect(11, 11, 275, 188)
        y = 18
        for name_fr, name_ar in part.institutions:
            self._text(y, name_fr, 11, color=MUTED, x=16, w=125)
            self._text(y, name_ar, 12, color=MUTED, x=156, w=125)
            y += 7
        self._text(44, "Certificat de formation", 26, bold=True, color=BRAND)
        self._text(58, "شهادة التكوين", 26, bold=True, color=BRAND)
        self._text(74, "décerné à · تُمنح إلى", 12, color=MUTED)
        # Wording that fits a woman or a man alike: no pronoun or agreement with the holder.
        self._text(112, "pour avoir suivi avec succès la formation · لإتمام التكوين بنجاح", 12, color=MUTED)
        self._text(121, part.title, 17, bold=True, color=BRAND)
        for index, (name, title_fr, title_ar) in enumerate(part.signatories):
            x = 24 + index * 110
            self._text(164, name, 12, bold=True, x=x, w=100)
            self._text(171, title_fr, 10, color=MUTED, x=x, w=100)
            self._text(177, title_ar, 10, color=MUTED, x=x, w=100)

    def draw_holder_part(self, snapshot: dict[str, Any], code: str, verify_url: str) -> None:
        """The holder's names, the dates, the session, the QR code and the verification line."""
        holder = snapshot["holder"]
        self._text(84, holder["name"], 24, bold=True)
        self._text(97, holder.get("name_ar") or "", 24, bold=True)
        hours = snapshot["course"]["hours"]
        completed = date.fromisoformat(snapshot["completed_on"])
        self._text(133, f"Durée : {_hours_fr(hours)} · Terminée le {format_day(completed, DAY, 'fr')}", 12)
        self._text(140, f"المدة: {_hours_ar(hours)} · بتاريخ {format_day(completed, DAY, 'ar')}", 12)
        cohort = snapshot.get("cohort")
        if cohort:
            place = f" — {cohort['place']}" if cohort.get("place") else ""
            self._text(147, f"{cohort['name']}{place}", 11, color=MUTED)
        self._qr(verify_url, x=250, y=160, size=30)
        self._text(191, f"{code} · {verify_url}", 9, color=MUTED, x=16, w=265)

    def _qr(self, data: str, x: float, y: float, size: float) -> None:
        # A fixed mask: every mask is valid and decodes alike; choosing the "best" one scores all
        # eight on the whole symbol, which took a fifth of a certificate's time.
        matrix = segno.make(data, error="m", mask=QR_MASK, micro=False).matrix
        module = size / len(matrix)
        pdf = self.pdf
        pdf.set_fill_color(*INK)
        for row_index, row in enumerate(matrix):
            start = None
            for column, dark in enumerate([*row, 0]):
                if dark and start is None:
                    start = column
                elif not dark and start is not None:  # one rectangle per horizontal run
                    pdf.rect(x + start * module, y + row_index * module, (column - start) * module, module, style=FILL)
                    start = None

    def describe(self, title: str) -> None:
        """The document's title and language, which readers and assistive technologies announce."""
        self.pdf.set_title(title)
        self.pdf.set_lang("fr-MA")

    def output(self) -> bytes:
        return bytes(self.pdf.output())


DAY = "d MMMM y"  # "5 novembre 2026", "5 نونبر 2026"


def _hours(hours: float) -> str:
    return str(int(hours)) if float(hours).is_integer() else f"{hours:g}".replace(".", ",")


def _hours_fr(hours: float) -> str:
    """ "1,5 heure", "6 heures": singular below 2 (plurals.plural_count), as the web page says it."""
    return f"{_hours(hours)} {'heure' if plural_count(hours, 'fr') <= 1 else 'heures'}"


# The Arabic forms of the catalogs' "%(hours)s hour", by gettext's plural index for Arabic.
_ARABIC_HOURS = ("{} ساعة", "ساعة واحدة", "ساعتان", "{} ساعات", "{} ساعة", "{} ساعة")


def _hours_ar(hours: float) -> str:
    n = plural_count(hours, "ar")
    index = 0 if n == 0 else 1 if n == 1 else 2 if n == 2 else 3 if 3 <= n % 100 <= 10 else 4 if n % 100 >= 11 else 5
    return _ARABIC_HOURS[index].format(_hours(hours))


def uses_tifinagh(snapshot: dict[str, Any]) -> bool:
    return any(ord(c) in TIFINAGH for text in texts_of(snapshot) for c in text)


@lru_cache(maxsize=32)
def _course_page(part: CoursePart, needs_tifinagh: bool) -> FPDF:
    """A document of one page holding the course's part: copied for each certificate, never output
    itself (output subsets its fonts in place)."""
    document = CertificateDocument(needs_tifinagh)
    document.pdf.add_page()
    document.draw_course_part(part)
    return document.pdf


def render(snapshot: dict[str, Any], code: str, verify_url: str) -> bytes:
    """One certificate as a PDF document."""
    snapshot = checked(snapshot, code, verify_url)
    document = CertificateDocument.from_course_page(snapshot)
    document.draw_holder_part(snapshot, code, verify_url)
    document.describe(f"Certificat de formation · {snapshot['holder']['name']} · {snapshot['course']['title']}")
    return document.output()


def render_many(items: Iterable[tuple[dict[str, Any], str, str]]) -> bytes:
    """Several certificates in one PDF, a page each (for printing)."""
    items = list(items)
    document = CertificateDocument(needs_tifinagh=any(uses_tifinagh(s) for s, _, _ in items))
    for snapshot, code, verify_url in items:
        document.add(snapshot, code, verify_url)
    if items:
        document.describe(f"Certificats de formation · {printable(items[0][0])['course']['title']}")
    return document.output()
