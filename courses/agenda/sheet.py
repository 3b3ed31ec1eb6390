"""The sign-in sheet (feuille d'émargement) of a session's days: a page per day, in French and Arabic,
each learner's name in Latin and Arabic script and a column to sign, for venues where people sign
on paper. Drawn with the certificates' PDF engine and fonts (Amiri, HarfBuzz shaping)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from courses.agenda.models import SessionDay
from courses.auth.models import User
from courses.certificates.pdf import BRAND, FONT_FAMILY, INK, MUTED, TIFINAGH, drawable, new_document
from courses.coordination.models import Cohort
from courses.dates import format_day

ROWS_PER_PAGE = 18
ROW = 11.5  # mm: room for a signature
TOP = 62
# (x, width, heading, alignment) in mm: number, name in Latin script, name in Arabic script, signature.
COLUMNS = (
    (12, 10, "N°", "C"),
    (22, 62, "Nom et prénom", "L"),
    (84, 62, "الاسم الكامل", "R"),
    (146, 52, "Signature · التوقيع", "C"),
)


def render(cohort: Cohort, days: Sequence[SessionDay], people: Sequence[User], zone) -> bytes:
    """The sheet of each day (several pages for a long list), or one empty sheet per day without learners."""
    names = [text for person in people for text in (person.full_name or "", person.full_name_ar or "")]
    pdf = new_document("P", needs_tifinagh=any(ord(c) in TIFINAGH for text in names for c in text))
    for day in days:
        pages = [people[i : i + ROWS_PER_PAGE] for i in range(0, len(people), ROWS_PER_PAGE)] or [[]]
        for number, group in enumerate(pages):
            _page(pdf, cohort, day, group, number * ROWS_PER_PAGE, zone, (number + 1, len(pages)))
    return bytes(pdf.output())


def _text(pdf, x: float, y: float, w: float, text: str, size: float, align: str = "C", color=INK) -> None:
    if not text:
        return
    pdf.set_font(FONT_FAMILY, "", size)
    pdf.set_text_color(*color)
    pdf.set_xy(x, y)
    pdf.cell(w, ROW if size < 12 else size * 0.5, drawable(text), align=align)


def _names(person: User) -> tuple[str, str]:
    """(name in Latin script, name in Arabic script): a name typed in Arabic only goes in its column."""
    latin, arabic = person.full_name or "", person.full_name_ar or ""
    if not arabic and _ARABIC.search(latin) and not _LATIN.search(latin):
        return "", latin
    return latin, arabic


_ARABIC = re.compile(r"[\u0600-\u06FF]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")


def _page(pdf, cohort: Cohort, day: SessionDay, people: Sequence[User], first: int, zone, page: tuple[int, int]):
    pdf.add_page()
    start, end = day.starts_at.astimezone(zone), day.ends_at.astimezone(zone)
    hours = f"{start:%H:%M}–{end:%H:%M}"
    _text(pdf, 12, 12, 186, "Feuille d'émargement · ورقة الحضور", 18, color=BRAND)
    _text(pdf, 12, 22, 186, cohort.course.title, 13)
    _text(pdf, 12, 30, 186, f"{cohort.name}{' — ' + day.topic if day.topic else ''}", 11, color=MUTED)
    _text(pdf, 12, 37, 186, f"{format_day(start.date(), 'EEEE d MMMM y', 'fr')} · {hours}", 11)
    _text(pdf, 12, 43, 186, f"{format_day(start.date(), 'EEEE d MMMM y', 'ar')} · {hours}", 11)
    place = day.place or (f"En ligne · عن بعد {day.link}".strip())
    _text(pdf, 12, 49, 186, place, 10, color=MUTED)
    pdf.set_draw_color(*BRAND)
    pdf.set_line_width(0.3)
    y = TOP
    for x, w, title, _align in COLUMNS:
        pdf.rect(x, y, w, ROW)
        _text(pdf, x, y, w, title, 10, color=BRAND)
    pdf.set_draw_color(*MUTED)
    for index, person in enumerate(people, start=first + 1):
        y += ROW
        cells = (str(index), *_names(person), "")
        for (x, w, _title, align), value in zip(COLUMNS, cells, strict=True):
            pdf.rect(x, y, w, ROW)
            _text(pdf, x + 1.5, y, w - 3, value, 10, align=align)
    if page[0] == page[1]:  # the trainer signs the last page of the day
        trainer = day.trainer
        latin, arabic = (trainer.full_name, trainer.full_name_ar or "") if trainer is not None else ("", "")
        _text(pdf, 12, 272, 93, f"Le formateur ou la formatrice : {latin}".strip(), 10, align="L", color=MUTED)
        _text(pdf, 105, 272, 93, f"المكوّن(ة): {arabic}".strip(), 10, align="R", color=MUTED)
    _text(pdf, 12, 282, 186, f"{page[0]} / {page[1]}", 9, color=MUTED)
