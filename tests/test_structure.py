"""Who may import what: the package boundaries described in docs/architecture.md, checked with `ast`.

A rule is (importer glob, forbidden module): no file matching the glob (relative to the project)
imports that module or anything under it. The module may hold `*` wildcards (`courses.*.views`).
"""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSES = ROOT / "courses"
PACKAGES = sorted(p.name for p in COURSES.iterdir() if (p / "__init__.py").is_file())
FEATURES = [p for p in PACKAGES if (COURSES / p / "views.py").is_file()]

RULES: list[tuple[str, str]] = [
    # A feature's views are its own: others reach it through its services (or hooks it offers).
    *(
        (f"courses/{other}/**/*.py", f"courses.{feature}.views")
        for feature in FEATURES
        for other in PACKAGES
        if other != feature
    ),
    *(("courses/*.py", f"courses.{feature}.views") for feature in FEATURES),
    # Coordination asks certificates for batches; it does not draw certificates itself.
    ("courses/coordination/**/*.py", "courses.certificates.pdf"),
    # Admin pages use shared modules (tabular, downloads, forms), not the coordinators' console.
    ("courses/admin/**/*.py", "courses.coordination"),
    # Commands call services, never views.
    ("courses/**/cli.py", "courses.*.views"),
]

# Imports that break a rule today, each with its reason. A fixed one must leave this list.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()  # none left: features meet through courses/hooks.py


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Every module a source imports; `from a import b` counts as `a` and `a.b` (b may be a module)."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def is_under(module: str, pattern: str) -> bool:
    return fnmatchcase(module, pattern) or fnmatchcase(module, f"{pattern}.*")


def violations(rules: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """(file, forbidden module) for every rule broken."""
    broken = set()
    for importer_glob, forbidden in rules:
        for path in ROOT.glob(importer_glob):
            imports = imported_modules(path.read_text("utf-8"), module_name(path), path.name == "__init__.py")
            if any(is_under(name, forbidden) for name in imports):
                broken.add((path.relative_to(ROOT).as_posix(), forbidden))
    return broken


def test_the_rules_cover_the_features():
    assert {"admin", "certificates", "coordination", "learning"} <= set(FEATURES)


def test_package_boundaries():
    broken = violations(RULES)
    assert broken - KNOWN_EXCEPTIONS == set()
    assert KNOWN_EXCEPTIONS - broken == set(), "fixed: remove these from KNOWN_EXCEPTIONS"


def test_every_form_of_import_is_seen():
    source = """
import courses.catalog.views
from courses.admin import views as admin_views
from . import views
from ..certificates.pdf import render
from .models import Cohort
"""
    found = imported_modules(source, "courses.coordination.cli")
    assert {"courses.catalog.views", "courses.admin.views", "courses.coordination.views"} <= found
    assert {"courses.certificates.pdf", "courses.coordination.models"} <= found
    assert imported_modules("from . import services", "courses.coordination", is_package=True) == {
        "courses.coordination",
        "courses.coordination.services",
    }
    assert is_under("courses.learning.views", "courses.*.views")
    assert is_under("courses.coordination.exports", "courses.coordination")
    assert not is_under("courses.coordinations", "courses.coordination")


def test_every_service_refusal_is_a_service_error():
    from courses.auth.services import AccountError
    from courses.certificates.services import CertificateError
    from courses.coordination.services import CoordinationError
    from courses.learning.services import LearningError
    from courses.service_errors import ServiceError

    for error_class in (AccountError, CertificateError, CoordinationError, LearningError):
        error = error_class("full")
        assert isinstance(error, ServiceError) and error.code == "full" and str(error) == "full"
