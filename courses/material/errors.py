"""Content errors: where (file, line) and why, readable by a trainer in French, Arabic or English."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from courses.material.messages import MESSAGES

DEFAULT_LANGUAGE = "fr"


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one file. `code` names the message; `params` fill it in."""

    path: Path
    line: int
    code: str
    params: tuple[tuple[str, str], ...] = field(default=())

    def reason(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The reason alone, in the given language (French when unknown)."""
        templates = MESSAGES.get(language) or MESSAGES[DEFAULT_LANGUAGE]
        template = templates.get(self.code) or MESSAGES[DEFAULT_LANGUAGE].get(self.code)
        if template is None:  # a code stored by an older version (content_sync_run) and since renamed
            return self.code
        try:
            return template.format(**dict(self.params))
        except (KeyError, IndexError):  # stored parameters that no longer match the message
            return self.code

    def location(self, root: Path | None = None) -> str:
        """`file:line`, the file relative to `root` when it is below it."""
        path = self.path
        if root is not None:
            with contextlib.suppress(ValueError):
                path = self.path.relative_to(root)
        return f"{path}:{self.line}"

    def format(self, language: str = DEFAULT_LANGUAGE, root: Path | None = None) -> str:
        """`file:line: reason`, the form editors and terminals make clickable."""
        return f"{self.location(root)}: {self.reason(language)}"


def error(path: Path, line: int, code: str, **params: object) -> ContentError:
    """Build a ContentError; checks the code exists so a typo fails in tests, not in front of a trainer."""
    if code not in MESSAGES[DEFAULT_LANGUAGE]:
        raise KeyError(f"unknown content error code {code!r}")
    return ContentError(path, max(line, 1), code, tuple((k, str(v)) for k, v in params.items()))


class ContentInvalid(Exception):
    """Raised when a content tree has errors; carries all of them, sorted by file and line.

    `warnings` are the warnings found on the way (files with errors may not have been examined).
    """

    def __init__(self, errors: list[ContentError], warnings: list[ContentError] | None = None):
        self.errors = sorted(errors)
        self.warnings = sorted(warnings or [])
        super().__init__(f"{len(self.errors)} content error(s)")
