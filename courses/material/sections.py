"""Rendered HTML cut into plain-text sections at its headings, for the search index.

Each heading that has an id (the Markdown renderer gives every heading one) starts a section;
the text before the first heading is the lead section, anchored nowhere (the top of the page).
A search hit links to its section's anchor. Text is plain: tags removed, entities decoded,
blocks separated by a space, whitespace collapsed; an image counts by its description (`alt`:
what a screen reader reads, and what a learner remembers of a diagram). No Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements inside a line of text: no space is added at their edges ("<strong>Dé</strong>cision").
INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "code", "del", "em", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span",
     "strong", "sub", "sup", "u"}
)  # fmt: skip


@dataclass(frozen=True)
class Section:
    anchor: str | None  # the heading's id; None for the text before the first heading
    heading: str  # the heading's text ("" for the lead)
    text: str  # the section's text, heading excluded


@dataclass
class _Open:
    anchor: str | None
    heading: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


def _plain(pieces: list[str]) -> str:
    return " ".join("".join(pieces).split())


class _Splitter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.done: list[Section] = []
        self.current = _Open(None)
        self.in_heading = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HEADINGS:
            anchor = dict(attrs).get("id")
            if anchor and not self.in_heading:
                self.flush()
                self.current = _Open(anchor)
            self.in_heading += 1
        self._separate(tag)
        if tag == "img" and not self.in_heading:  # an icon in a heading is not the heading's text
            self.handle_data(dict(attrs).get("alt") or "")
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self.in_heading:
            self.in_heading -= 1
        self._separate(tag)

    def handle_data(self, data: str) -> None:
        (self.current.heading if self.in_heading else self.current.text).append(data)

    def _separate(self, tag: str) -> None:
        if tag not in INLINE:
            self.handle_data(" ")

    def flush(self) -> None:
        """End the current section (kept if it has an anchor or some text)."""
        section = Section(self.current.anchor, _plain(self.current.heading), _plain(self.current.text))
        if section.anchor is not None or section.text:
            self.done.append(section)


def split_sections(html: str) -> list[Section]:
    """The sections of a rendered page, in order: the lead (if it has text), then one per heading."""
    splitter = _Splitter()
    splitter.feed(html)
    splitter.close()
    splitter.flush()
    return splitter.done


def plain_text(html: str) -> str:
    """All the text of a rendered fragment, headings included, as one line (an exercise's instructions)."""
    return " ".join(part for section in split_sections(html) for part in (section.heading, section.text) if part)
