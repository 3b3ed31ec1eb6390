"""Turn PyYAML's syntax errors into a trainer's words: which mistake, on which line, and the fix.

PyYAML (and libyaml) say *what the parser met* ("mapping values are not allowed in this
context", "did not find expected key"), in English, at the place where the parser gave up,
which is not always the line to fix: an unclosed quote is found at the end of the header, a
tab may be reported where the block it broke began. Here the header's lines are read again
around the marks to name the usual mistakes — a tab, an indentation that matches no level, a
`: ` inside an unquoted text, a quote or bracket never closed, a value that starts with a
character YAML reserves — at the line to edit. Anything else keeps PyYAML's own words, inside
a translated sentence with a general hint.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from courses.material.errors import ContentError, error

HEADER_OFFSET = 2  # header line 0 is file line 2 (line 1 is the opening `---`)

# What comes before a value on a line: indentation, an optional list dash, an optional `key:`.
_PREFIX = re.compile(
    r"^(?P<indent>[ \t]*)(?:-[ \t]+)?(?:(?P<key>[^\s\"'#:\[\]{}&*!|>%@`-][^:#]*?)[ \t]*:(?:[ \t]+|$))?"
)
_KEY_WITHOUT_SPACE = re.compile(r"^[ ]*(?:-[ ]+)?[A-Za-z_][\w-]*:[^\s:]")
_TAB_INDENT = re.compile(r"^[ ]*\t|^[ ]*-\t")
# Characters that cannot start a plain (unquoted) value, or make it something else than text.
SYMBOLS = "\"'[{@`*&!%|>"
_CLOSERS = {"[": "]", "{": "}"}


def yaml_problem(path: Path, header: str, exc: yaml.MarkedYAMLError) -> ContentError:
    """The error to show for a header PyYAML could not read (`exc`), at the file line to fix."""
    lines = header.split("\n")
    last = len(lines) - 1
    mark = exc.problem_mark or exc.context_mark
    at = min(mark.line, last) if mark else 0
    column = mark.column if mark else 0
    problem = (exc.problem or "").strip()
    context = (exc.context or "").strip()
    opened = exc.context_mark.line if exc.context_mark is not None else 0

    def found(line: int, code: str, **params: object) -> ContentError:
        return error(path, line + HEADER_OFFSET, code, **params)

    tab = _tab_line(lines, at, problem)
    if tab is not None:
        return found(tab, "yaml_tab")
    if "quoted scalar" in context and "escape" in problem:
        return found(at, "yaml_escape")
    if "quoted scalar" in context:
        return found(opened, "yaml_unclosed_quote")
    if "flow sequence" in context or "flow mapping" in context:
        return found(opened, "yaml_unclosed_bracket")
    if problem.startswith("mapping values are not allowed"):
        return _colon_problem(lines, at, column, found)
    symbol = _leading_symbol(lines[at])
    if symbol is not None:
        return found(at, "yaml_symbol", char=symbol)
    if _is_structure_problem(problem):
        quote = _unclosed_quote(lines, opened, at)
        if quote is not None:
            return found(quote, "yaml_unclosed_quote")
        return found(at, "yaml_indent")
    if mark is not None and mark.line >= last and exc.context_mark is not None and opened < mark.line:
        at = opened  # found at the end of the header: point at where the construct began
    return found(at, "yaml_syntax", detail=problem or context)


def _tab_line(lines: list[str], at: int, problem: str) -> int | None:
    """The first line up to the problem's that indents with a tab (YAML allows only spaces there)."""
    for number in range(at + 1):
        if _TAB_INDENT.match(lines[number]):
            return number
    if "tab" in problem or "\\t" in problem:
        return at
    return None


def _colon_problem(lines: list[str], at: int, column: int, found) -> ContentError:
    """ "Mapping values are not allowed": a `: ` inside a value, a key missing its space, or an indent."""
    prefix = _PREFIX.match(lines[at])
    if prefix and prefix["key"] and prefix.end() <= column:
        return found(at, "yaml_colon", key=prefix["key"])
    if at > 0 and _KEY_WITHOUT_SPACE.match(lines[at - 1]):
        return found(at - 1, "yaml_missing_space")
    return found(at, "yaml_indent")


def _value(line: str) -> str:
    """The value written on a line, after its indentation, list dash and key."""
    prefix = _PREFIX.match(line)
    return line[prefix.end() :] if prefix else line.lstrip()


def _leading_symbol(line: str) -> str | None:
    """The reserved character a value starts with, when that is what broke the line."""
    value = _value(line).rstrip()
    if not value or value[0] not in SYMBOLS:
        return None
    first = value[0]
    if first in "\"'":
        end = _closing_quote(value, first)
        if end is None or not value[end + 1 :].strip() or value[end + 1 :].lstrip().startswith("#"):
            return None  # unclosed (another rule) or a proper quoted text: the problem is elsewhere
        return first
    if first in _CLOSERS and value.endswith(_CLOSERS[first]):
        return None  # a whole flow list or mapping: the problem is elsewhere
    return first


def _closing_quote(value: str, quote: str) -> int | None:
    """Index of the quote closing `value`'s opening one on the same line, or None."""
    index = 1
    while index < len(value):
        char = value[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and value[index + 1 : index + 2] == "'":
                index += 2  # '' is an escaped apostrophe inside '…'
                continue
            return index
        index += 1
    return None


def _unclosed_quote(lines: list[str], start: int, end: int) -> int | None:
    """The first line in [start, end) whose value opens a quote that the line does not close."""
    for number in range(start, end):
        value = _value(lines[number]).rstrip()
        if value[:1] in ("'", '"') and _closing_quote(value, value[0]) is None:
            return number
    return None


def _is_structure_problem(problem: str) -> bool:
    return (
        problem.startswith("did not find expected")
        or problem.startswith("expected <block end>")
        or problem.startswith("expected a block")
    )


# -- Mending a line to read on ------------------------------------------------------------------

# Mistakes whose fix is certain enough that the rest of the file can be checked as if it were made.
_MENDED_AS_MEANT = {"yaml_tab", "yaml_colon", "yaml_symbol", "yaml_missing_space", "yaml_unclosed_quote"}


def mended(lines: list[str], index: int, code: str) -> tuple[list[str], bool]:
    """The header's lines with line `index` mended as the error's hint says, so that the parser can
    go on and find the next mistake; and whether the mending is what the trainer surely meant (then
    the rest of the file is checked too). Other lines are left alone, so line numbers hold."""
    line = lines[index]
    if code == "yaml_tab":
        fixed = _sibling_indent(lines, index) + line.lstrip(" \t")
    elif code in ("yaml_colon", "yaml_symbol"):
        prefix = _PREFIX.match(line)
        start = prefix.end() if prefix else len(line) - len(line.lstrip())
        fixed = line[:start] + json.dumps(line[start:].rstrip(), ensure_ascii=False)
    elif code == "yaml_missing_space":
        fixed = re.sub(r":(?=\S)", ": ", line, count=1)
    elif code == "yaml_unclosed_quote":
        value = _value(line).rstrip()
        fixed = line.rstrip() + (value[:1] if value[:1] in "\"'" else "")
    else:
        fixed = "#" + line  # no sure fix: the line is left out and the check goes on without it
    return [*lines[:index], fixed, *lines[index + 1 :]], code in _MENDED_AS_MEANT


def _sibling_indent(lines: list[str], index: int) -> str:
    """The indentation of the key on the closest line above (a tab usually meant "the same level")."""
    for number in range(index - 1, -1, -1):
        above = lines[number]
        if above.strip() and not above.lstrip().startswith("#"):
            match = re.match(r"^([ ]*)(?:-[ ]+)?", above)
            return " " * match.end() if match else ""
    return ""
