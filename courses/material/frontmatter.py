"""Split a Markdown file into its YAML front matter and body, keeping line numbers.

The YAML is composed into nodes rather than loaded into values, so that every key and
item keeps the line it came from and a plain scalar keeps the text the trainer typed
(a quiz choice written `Non` stays the text "Non", not the boolean YAML 1.1 makes of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from courses.material.errors import ContentError, error
from courses.material.yamlerrors import HEADER_OFFSET, mended, yaml_problem

FENCE = "---"
# libyaml's C parser when PyYAML was built with it: the same nodes and marks, ~10x faster.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Document:
    """A Markdown file split in two. `node` is the YAML mapping; `body_line` is where the body starts."""

    path: Path
    text: str
    node: yaml.MappingNode
    body: str
    body_line: int
    header_line_offset: int = 1  # YAML line 0 is file line 2

    def line_of(self, node: yaml.Node) -> int:
        """The 1-based file line of a YAML node."""
        return node.start_mark.line + 1 + self.header_line_offset


def decode(path: Path, raw: bytes) -> tuple[str | None, list[ContentError]]:
    """Bytes to text: UTF-8 (a BOM is tolerated), newlines normalised."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [error(path, line, "not_utf8")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split(path: Path, text: str) -> tuple[Document | None, list[ContentError]]:
    """Parse the front matter of `text`; return the document or the errors that prevent it."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None, [error(path, 1, "no_front_matter")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            closing = index
            break
    else:
        return None, [error(path, 1, "unclosed_front_matter")]
    node, errors, as_meant = _compose(path, lines[1:closing])
    if errors and (node is None or not as_meant):
        return None, errors
    if node is None:
        node = yaml.MappingNode("tag:yaml.org,2002:map", [], start_mark=_mark_at(0))
    if not isinstance(node, yaml.MappingNode):
        return None, [error(path, node.start_mark.line + 2, "front_matter_not_mapping")]
    body = "\n".join(lines[closing + 1 :])
    return Document(path, text, node, body, body_line=closing + 2), errors


MAX_SYNTAX_ERRORS = 10


def _compose(path: Path, header_lines: list[str]) -> tuple[yaml.Node | None, list[ContentError], bool]:
    """The header's YAML node and its syntax errors, all of them rather than the first one only.

    After each error the line is mended as the hint says (`yamlerrors.mended`) and the header read
    again, for up to MAX_SYNTAX_ERRORS errors. Returns the node of the mended header (None if it
    still cannot be read), the errors, and whether every mending was surely what was meant: then
    the caller checks the rest of the file on that node too, and reports what it finds beside the
    syntax errors (the file is refused all the same).
    """
    errors: list[ContentError] = []
    as_meant = True
    last_line = -2
    for _ in range(MAX_SYNTAX_ERRORS):
        header = "\n".join(header_lines)
        try:
            return yaml.compose(header, Loader=LOADER), errors, as_meant
        except yaml.MarkedYAMLError as exc:
            problem = yaml_problem(path, header, exc)
        except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors for text input
            return None, [*errors, error(path, 1, "yaml_syntax", detail=str(exc))], False
        index = problem.line - HEADER_OFFSET
        if errors and index <= last_line + 1:
            return None, errors, False  # a consequence of the mending above, not a mistake of its own
        errors.append(problem)
        header_lines, kept = mended(header_lines, index, problem.code)
        as_meant = as_meant and kept
        last_line = index
    return None, errors, False


def _mark_at(line: int) -> yaml.Mark:
    return yaml.Mark("<front matter>", 0, line, 0, None, None)
