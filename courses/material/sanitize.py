"""The one HTML sanitiser: every piece of trainer-authored HTML passes through `clean_html`.

An allowlist, not a blocklist: what is not named here is stripped (tags) or dropped (attributes).
No script, no event handler, no style, no iframe, no form, and URLs only with the protocols below;
images only from relative paths (the course's own assets, served under a sandboxing CSP).
"""

from __future__ import annotations

import re
import threading

import bleach

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "div", "dl",
        "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
        "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
        "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip

ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})

# Classes the Markdown extensions emit (admonitions, fenced code, our table wrapper); nothing else.
ALLOWED_CLASSES = frozenset(
    {"admonition", "admonition-title", "note", "tip", "warning", "danger", "example", "info", "table-scroll"}
)
CODE_LANGUAGE_CLASS = re.compile(r"^language-[a-z0-9_+#-]{1,30}$")
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})

_ATTRIBUTES_BY_TAG: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "abbr": frozenset({"title"}),
    "img": frozenset({"src", "alt", "title", "loading", "decoding"}),
    "td": frozenset({"align", "colspan", "rowspan"}),
    "th": frozenset({"align", "colspan", "rowspan", "scope"}),
    "ol": frozenset({"start"}),
    "div": frozenset({"class", "role", "tabindex", "aria-label"}),
    "p": frozenset({"class"}),
    "code": frozenset({"class"}),
    "span": frozenset({"class"}),
}
_ALLOWED_VALUES = {
    "align": {"left", "right", "center"},
    "role": {"note", "region"},
    "tabindex": {"0"},  # into the tab order at its place, never ahead of the page's own controls
    "loading": {"lazy"},
    "decoding": {"async"},
    "scope": {"col", "row"},
}
ARIA_LABEL_LENGTH = 200  # the name of a table's scrolling box (render.py cuts it to 120)
_NUMBER = re.compile(r"^\d{1,4}$")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name == "id":
        return tag in HEADING_TAGS
    if name not in _ATTRIBUTES_BY_TAG.get(tag, ()):
        return False
    if name in _ALLOWED_VALUES:
        return value in _ALLOWED_VALUES[name]
    if name == "aria-label":
        return len(value) <= ARIA_LABEL_LENGTH
    if name in {"colspan", "rowspan", "start"}:
        return bool(_NUMBER.match(value))
    if name == "class":
        return all(c in ALLOWED_CLASSES or CODE_LANGUAGE_CLASS.match(c) for c in value.split())
    if tag == "img" and name == "src":
        # Only relative paths: course assets. No data:, no remote trackers, no protocol-relative.
        stripped = value.strip()
        return bool(stripped) and not _SCHEME.match(stripped) and not stripped.startswith(("/", "\\"))
    return True


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    # bleach's Cleaner is costly to build and not safe to share across threads: one per thread.
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=_allow_attribute,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
        )
        _local.cleaner = cleaner
    return cleaner


def clean_html(html: str) -> str:
    """Return `html` with everything outside the allowlist removed."""
    return _cleaner().clean(html)
