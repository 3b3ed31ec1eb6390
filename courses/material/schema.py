"""Validate front matter nodes against the trainers' contract, collecting every error with its line.

A field is described by a `Field`; `read_mapping` checks unknown, duplicate and missing keys and
converts each present value, so a typo (`titel:`) is reported instead of silently ignored.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from courses.material.errors import ContentError, error
from courses.material.frontmatter import Document

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
_constructor = yaml.SafeLoader("")  # constructs scalar values from composed nodes


class Invalid(Exception):
    """Internal: a value could not be converted; the error was already recorded."""


@dataclass(frozen=True)
class Field:
    convert: Callable[[Reader, str, yaml.Node], Any]
    required: bool = False
    default: Any = None


class Reader:
    """Converts nodes of one document, recording errors against its file and lines."""

    def __init__(self, document: Document):
        self.document = document
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def fail(self, node: yaml.Node, code: str, **params: object) -> Invalid:
        self.errors.append(error(self.document.path, self.document.line_of(node), code, **params))
        return Invalid()

    def warn(self, node: yaml.Node, code: str, **params: object) -> None:
        """Record a warning: the file is valid, but could be better (see advice.py)."""
        self.warnings.append(error(self.document.path, self.document.line_of(node), code, **params))

    def read_mapping(self, node: yaml.Node, fields: dict[str, Field], key: str) -> dict[str, Any] | None:
        """Convert a mapping node with the given fields; None if it is not a mapping at all."""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, "expected_mapping", key=key)
            return None
        values: dict[str, Any] = {}
        seen: set[str] = set()
        allowed = ", ".join(fields)
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if name in seen:
                self.fail(key_node, "duplicate_key", key=name)
                continue
            seen.add(name)
            spec = fields.get(name)
            if spec is None:
                self.fail(key_node, "unknown_key", key=name, allowed=allowed)
                continue
            try:
                values[name] = spec.convert(self, name, value_node)
            except Invalid:
                values[name] = spec.default
        for name, spec in fields.items():
            if name not in seen:
                if spec.required:
                    self.fail(node, "missing_key", key=name)
                values[name] = spec.default
        return values

    def line(self, node: yaml.Node) -> int:
        return self.document.line_of(node)

    def source_line(self, node: yaml.Node) -> str:
        """The text of the file line a node is on."""
        lines = self.document.text.split("\n")
        number = self.line(node)
        return lines[number - 1] if 0 < number <= len(lines) else ""


def _scalar(reader: Reader, key: str, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise reader.fail(node, "expected_text", key=key)
    return _constructor.construct_object(node)


def text(*, maximum: int | None = None) -> Callable[..., str]:
    """Any scalar as the text the trainer typed (no YAML 1.1 booleans or numbers)."""

    def convert(reader: Reader, key: str, node: yaml.Node) -> str:
        if _is_text_with_colon(node):
            raise reader.fail(node, "text_with_colon", key=key)
        if not isinstance(node, yaml.ScalarNode):
            raise reader.fail(node, "expected_text", key=key)
        if node.tag.startswith("!") and not node.tag.startswith("!!"):
            raise reader.fail(node, "yaml_symbol", char="!")
        value = "" if node.tag == NULL_TAG else node.value.strip()
        if not value:
            code = "text_comment" if _COMMENT_VALUE.search(reader.source_line(node)) else "empty_text"
            raise reader.fail(node, code, key=key)
        if maximum is not None and len(value) > maximum:
            raise reader.fail(node, "text_too_long", key=key, length=len(value), maximum=maximum)
        return value

    return convert


# `key: # …` or `- # …`: a value that YAML read as a comment.
_COMMENT_VALUE = re.compile(r"(?::|^\s*-)\s+#")


def _is_text_with_colon(node: yaml.Node) -> bool:
    """`- Savoir: lire` in a list of texts: one `key: value` pair on one line, which YAML reads as a mapping."""
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    key, value = node.value[0]
    return isinstance(value, yaml.ScalarNode) and key.start_mark.line == value.start_mark.line


def one_of(*allowed: str, synonyms: dict[str, str] | None = None, code: str = "bad_choice") -> Callable[..., str]:
    """A text that must be one of `allowed`, or one of the `synonyms` of one (compared case-folded).

    `code` names the error, so a field can list its values in the trainer's language.
    """
    as_text = text()
    folded = {fold(name): value for name, value in (synonyms or {}).items()}
    folded.update({fold(value): value for value in allowed})

    def convert(reader: Reader, key: str, node: yaml.Node) -> str:
        value = as_text(reader, key, node)
        if value in allowed:
            return value
        if synonyms is not None and fold(value) in folded:
            return folded[fold(value)]
        raise reader.fail(node, code, key=key, value=value, allowed=", ".join(allowed))

    return convert


def fold(text: str) -> str:
    """Compare words the way a trainer means them: NFC, case-folded, outer spaces ignored."""
    return unicodedata.normalize("NFC", text).casefold().strip()


def integer(*, low: int = 1, high: int | None = None) -> Callable[..., int]:
    """A whole number from `low` (default 1) up to `high` when given."""

    def convert(reader: Reader, key: str, node: yaml.Node) -> int:
        value = _scalar(reader, key, node)
        if isinstance(value, bool) or not isinstance(value, int):
            raise reader.fail(node, "expected_integer", key=key)
        if value < low and low == 1:
            raise reader.fail(node, "not_positive", key=key)
        if value < low or (high is not None and value > high):
            raise reader.fail(node, "out_of_range", key=key, low=low, high=high if high is not None else "∞")
        return value

    return convert


def positive_number(reader: Reader, key: str, node: yaml.Node) -> float:
    """A number (whole or decimal) greater than zero."""
    value = _scalar(reader, key, node)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise reader.fail(node, "expected_number", key=key)
    if value <= 0:
        raise reader.fail(node, "not_positive", key=key)
    return float(value)


def boolean(reader: Reader, key: str, node: yaml.Node) -> bool:
    """true or false (YAML's yes/no are accepted as PyYAML reads them)."""
    value = _scalar(reader, key, node)
    if not isinstance(value, bool):
        raise reader.fail(node, "expected_bool", key=key)
    return value


def list_of(item: Callable[..., Any]) -> Callable[..., list]:
    """A YAML list whose items are each converted by `item`; a lone scalar is not a list."""

    def convert(reader: Reader, key: str, node: yaml.Node) -> list:
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise reader.fail(node, "expected_list", key=key)
        values = []
        for child in node.value:
            with contextlib.suppress(Invalid):
                values.append(item(reader, key, child))
        return values

    return convert


def lines_of_items(node: yaml.Node) -> list[yaml.Node]:
    """The item nodes of a sequence (empty for anything else)."""
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []
