"""What makes a page weaker without making it wrong: the tests behind content *warnings*.

Errors stop an import; warnings do not (`flask content check` lists them, `--strict` counts
them as errors, for a course repository's CI). Each function here is a plain test on text or
numbers; the loader (`tree.py`) calls them where it has the file and line to report.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import PurePosixPath

# Course hours further than this factor from the modules' minutes (either way) are suspicious.
HOURS_FACTOR = 1.5
# A module longer than this many words reads better cut into sections (## headings).
LONG_MODULE_WORDS = 1500

_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})[ \t]+\S")
# Alt texts that name the kind of picture, not what it shows.
GENERIC_ALTS = frozenset(
    {
        "image", "img", "photo", "picture", "figure", "illustration", "schéma", "schema", "diagramme",
        "diagram", "graphique", "chart", "capture", "screenshot", "logo", "icône", "icon", "carte", "map",
        "صورة", "شكل", "رسم", "خريطة", "مخطط",
    }
)  # fmt: skip
MIN_ALT_LENGTH = 4
# A question telling learners that several answers are right: the platform says so itself.
_SEVERAL = re.compile(
    r"plusieurs\s+(?:bonnes\s+)?réponses|plusieurs\s+choix|several\s+(?:right\s+)?answers|multiple\s+answers"
    r"|more\s+than\s+one\s+answer|أكثر\s+من\s+إجابة|عدة\s+إجابات|إجابات\s+متعددة",
    re.IGNORECASE,
)


def hours_far_from_minutes(hours: float, minutes: int) -> bool:
    """True when the announced hours and the modules' total minutes differ by more than HOURS_FACTOR."""
    if minutes <= 0:
        return False
    announced = hours * 60
    return announced > minutes * HOURS_FACTOR or announced * HOURS_FACTOR < minutes


def _lines_outside_code(body: str) -> Iterator[tuple[int, str]]:
    """(0-based index, line) of the body's lines that are not inside a fenced code block."""
    fence = None
    for index, line in enumerate(body.split("\n")):
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            yield index, line


def headings(body: str) -> list[tuple[int, int]]:
    """(0-based line index, level) of the body's Markdown headings (`#` to `######`)."""
    found = []
    for index, line in _lines_outside_code(body):
        match = _HEADING.match(line)
        if match:
            found.append((index, len(match.group(1))))
    return found


def skipped_headings(body: str) -> list[tuple[int, str, str]]:
    """(line index, heading as written, the level it should have) for each heading that skips a level.

    A body whose headings start at `#` is shifted down one level on the page (see render.py), so
    its first level is `#`; otherwise sections start at `##`.
    """
    found = headings(body)
    top = 1 if any(level == 1 for _, level in found) else 2
    previous = top - 1
    skipped = []
    for index, level in found:
        if level > previous + 1:
            skipped.append((index, "#" * level, "#" * (previous + 1)))
        previous = level
    return skipped


def is_long_without_sections(body: str) -> bool:
    """A module over LONG_MODULE_WORDS words without a single heading."""
    return len(body.split()) > LONG_MODULE_WORDS and not headings(body)


def _words(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def is_weak_alt(alt: str, file_name: str | None) -> bool:
    """An alt text that does not describe its image: too short, a generic word, or the file's name."""
    words = _words(alt)
    if len(words) < MIN_ALT_LENGTH or words in GENERIC_ALTS:
        return True
    if file_name:
        path = PurePosixPath(file_name)
        return words in {_words(path.name), _words(path.stem)}
    return False


def says_several_answers(prompt: str) -> bool:
    """The question's text already tells that several answers are right."""
    return bool(_SEVERAL.search(prompt))
