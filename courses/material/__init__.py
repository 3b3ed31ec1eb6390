"""Markdown courses -> validated, rendered, frozen data. Imports neither Flask nor the database."""

from courses.material.errors import ContentError, ContentInvalid
from courses.material.render import Rendered, TocEntry, render_document, render_markdown
from courses.material.tree import (
    CourseMaterial,
    ModuleMaterial,
    Question,
    Review,
    Trainer,
    asset_file,
    check,
    count_files,
    load,
    review,
)

__all__ = [
    "ContentError",
    "ContentInvalid",
    "CourseMaterial",
    "ModuleMaterial",
    "Question",
    "Rendered",
    "Review",
    "TocEntry",
    "Trainer",
    "asset_file",
    "check",
    "count_files",
    "load",
    "render_document",
    "render_markdown",
    "review",
]
