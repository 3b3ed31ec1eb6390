"""Markdown to safe HTML, with the course's links and images rewritten and recorded.

`render_markdown` is the one place Markdown becomes HTML: Python-Markdown with the extensions
trainers use, then `clean_html`. Links between modules (`02-acteurs.md`) and images
(`assets/carte.svg`) are rewritten to *relative* URLs, so the stored HTML works whatever prefix
the site is mounted under, and each is recorded as a `Reference` for the validator to check.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET  # nosec B405
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import markdown
from markdown.extensions.toc import TocExtension, slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from courses.material.sanitize import ALLOWED_PROTOCOLS, clean_html

# Bump when rendering changes in a way that must re-render unchanged files on the next sync.
RENDERER_VERSION = "3"  # 2: table boxes are keyboard-reachable regions; 3: numbers kept whole

MODULE_FILE = re.compile(r"^(?P<position>\d{2,3})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
COURSE_FILE = "course.md"
ASSETS_DIR = "assets"

Page = Literal["course", "module"]
Kind = Literal["external", "module", "course", "asset", "unsafe", "unknown"]


@dataclass(frozen=True)
class Reference:
    """A link or image found in a page; `kind` says how its target resolved."""

    kind: Kind
    target: str  # as the trainer wrote it
    course: str | None = None  # another course's slug; None for the page's own course
    name: str | None = None  # module file name, or asset path below assets/
    is_image: bool = False
    alt: str = ""


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class Rendered:
    html: str
    toc: tuple[TocEntry, ...] = ()
    references: tuple[Reference, ...] = ()


def resolve(target: str, page: Page) -> tuple[str | None, Reference]:
    """Rewrite a target written in a Markdown file: the URL to emit (None: drop it) and its record."""
    stripped = target.strip()
    parts = urlsplit(stripped)
    if parts.scheme:
        if parts.scheme.lower() in ALLOWED_PROTOCOLS:
            return stripped, Reference("external", target)
        return None, Reference("unsafe", target)
    if not parts.path or stripped.startswith(("/", "\\")) or parts.netloc:
        return stripped, Reference("external", target)
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    path = posixpath.normpath(parts.path)
    up = "../" if page == "module" else ""  # a module lives one level below its course
    if path == COURSE_FILE:
        return (up or "./") + fragment, Reference("course", target)
    if match := MODULE_FILE.match(path):
        return f"{up}{match['slug']}/{fragment}", Reference("module", target, name=path)
    if path.startswith(f"{ASSETS_DIR}/"):
        return f"{up}{path}{fragment}", Reference("asset", target, name=path[len(ASSETS_DIR) + 1 :])
    pieces = path.split("/")
    if len(pieces) == 3 and pieces[0] == "..":
        course, name = pieces[1], pieces[2]
        if name == COURSE_FILE:
            return f"{up}../{course}/{fragment}", Reference("course", target, course=course)
        if match := MODULE_FILE.match(name):
            url = f"{up}../{course}/{match['slug']}/{fragment}"
            return url, Reference("module", target, course=course, name=name)
    return None, Reference("unknown", target)


class _LinkRewriter(Treeprocessor):
    """Rewrites hrefs and image sources, records them, and dresses tables, images and callouts."""

    def __init__(self, md: markdown.Markdown, page: Page):
        super().__init__(md)
        self.page = page
        self.references: list[Reference] = []

    def run(self, root: ET.Element) -> None:
        # Wide tables scroll inside their own box on a phone instead of widening the page. A box
        # that scrolls must be reachable by keyboard (WCAG 2.1.1): it takes focus, as a region
        # named after the table's column headings (the course's language, no interface words).
        tables = [(p, i, c) for p in root.iter() for i, c in enumerate(p) if c.tag == "table"]
        for parent, index, table in tables:
            attributes = {"class": "table-scroll", "role": "region", "tabindex": "0", "aria-label": _table_name(table)}
            wrapper = ET.Element("div", attributes)
            parent.remove(table)
            parent.insert(index, wrapper)
            wrapper.append(table)
        for element in root.iter():
            if element.tag == "a" and "href" in element.attrib:
                url, reference = resolve(element.get("href", ""), self.page)
                self._apply(element, "href", url, reference)
            elif element.tag == "img":
                url, reference = resolve(element.get("src", ""), self.page)
                reference = Reference(
                    reference.kind, reference.target, reference.course, reference.name,
                    is_image=True, alt=(element.get("alt") or "").strip(),
                )  # fmt: skip
                self._apply(element, "src", url, reference)
                element.set("loading", "lazy")
                element.set("decoding", "async")
            elif element.tag == "div" and "admonition" in element.get("class", "").split():
                element.set("role", "note")

    def _apply(self, element: ET.Element, attribute: str, url: str | None, reference: Reference):
        self.references.append(reference)
        if url is None:
            del element.attrib[attribute]
        else:
            element.set(attribute, url)


TABLE_NAME_LENGTH = 120
_STASHED = re.compile("\x02[^\x03]*\x03")  # raw HTML the Markdown parser set aside: not words


def _table_name(table: ET.Element) -> str:
    """The table's column headings, as the name of its scrolling box."""
    headings = [" ".join(_STASHED.sub("", "".join(cell.itertext())).split()) for cell in table.iter("th")]
    name = ", ".join(heading for heading in headings if heading) or "—"
    return name if len(name) <= TABLE_NAME_LENGTH else name[: TABLE_NAME_LENGTH - 1] + "…"


def _converter(page: Page, heading_base: int) -> tuple[markdown.Markdown, _LinkRewriter]:
    md = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "admonition",
            "attr_list",
            "def_list",
            "abbr",
            "mdx_truly_sane_lists",
            TocExtension(slugify=slugify_unicode, baselevel=heading_base, toc_depth="2-3"),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "mdx_truly_sane_lists": {"nested_indent": 2, "truly_sane": True},
        },
        output_format="html",
    )
    rewriter = _LinkRewriter(md, page)
    md.treeprocessors.register(rewriter, "tadbir_links", 1)
    return md, rewriter


def _toc(tokens: list[dict]) -> list[TocEntry]:
    entries: list[TocEntry] = []
    for token in tokens:
        # striptags() returns plain text (tags removed, entities decoded); nothing is marked safe.
        title = Markup(token["name"]).striptags()  # noqa: S704  # nosec B704
        entries.append(TocEntry(token["level"], token["id"], title))
        entries.extend(_toc(token["children"]))
    return entries


_TOP_HEADING = re.compile(r"^#(?!#)\s", re.MULTILINE)
_FENCED_BLOCK = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


# "18 000", "1 435 000": groups of three digits after a space, as French writes thousands. The
# spaces become narrow no-break spaces (U+202F, the French typographic one), so a number never
# breaks across lines in a narrow table cell. Not inside code, nor in tags (attributes, links).
# Tags and code are matched first, as wholes, and given back as they are.
_CODE_TAG_OR_NUMBER = re.compile(r"<(code|pre)\b.*?</\1>|<[^>]*>|(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)", re.DOTALL)


def _numbers_kept_whole(html: str) -> str:
    def keep(match: re.Match) -> str:
        found = match.group(0)
        return found if found.startswith("<") else found.replace(" ", "\u202f")

    return _CODE_TAG_OR_NUMBER.sub(keep, html)


def render_document(text: str, page: Page = "module") -> Rendered:
    """Render a file's Markdown body: sanitised HTML, table of contents, links and images."""
    # The page title is the h1; a body that starts its headings at `#` is shifted down one level.
    heading_base = 2 if _TOP_HEADING.search(_FENCED_BLOCK.sub("", text)) else 1
    md, rewriter = _converter(page, heading_base)
    html = _numbers_kept_whole(clean_html(md.convert(text)))
    toc = tuple(e for e in _toc(md.toc_tokens) if 2 <= e.level <= 3)
    return Rendered(html=html, toc=toc, references=tuple(rewriter.references))


def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML, ready for a template."""
    # Sanitised by clean_html inside render_document: the one place HTML is marked safe.
    return Markup(render_document(text).html)  # noqa: S704  # nosec B704
