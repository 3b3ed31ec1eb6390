"""Every interface catalog is complete: no untranslated or fuzzy entry in fr, ar or en."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PROJECT = Path(__file__).resolve().parent.parent
TRANSLATIONS = PROJECT / "courses" / "translations"
LANGUAGES = ("fr", "ar", "en")


def message_ids(path: Path) -> set[str]:
    with open(path, "rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale=language)
    untranslated = [m.id for m in catalog if m.id and (not m.string or not all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_catalogs_cover_every_string_in_the_code(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "courses"],
        cwd=PROJECT, check=True,
    )  # fmt: skip
    for language in LANGUAGES:
        missing = message_ids(template) - message_ids(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
        assert not missing, f"{language}: run `make extract-translations` and translate {sorted(missing)}"


def test_interface_is_french_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert "Aller au contenu" in page and "<h1>Cours</h1>" in page


def test_interface_in_arabic(client):
    page = client.get("/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "الانتقال إلى المحتوى" in page and '<html lang="ar" dir="rtl">' in page


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_compiled_catalog_is_the_source_catalog(language):
    """The .mo files are committed (a clone works without `make`): they must say what the .po says."""
    from babel.messages.mofile import read_mo

    folder = Path(__file__).resolve().parent.parent / "courses" / "translations" / language / "LC_MESSAGES"
    with open(folder / "messages.po", "rb") as source, open(folder / "messages.mo", "rb") as compiled:
        po, mo = read_po(source, locale=language), read_mo(compiled)

    def entries(catalog, keep):
        def frozen(value):
            return tuple(value) if isinstance(value, list | tuple) else value

        return {frozen(m.id): frozen(m.string) for m in catalog if m.id and keep(m)}

    expected = entries(po, lambda m: m.string and not m.fuzzy)
    assert entries(mo, lambda m: True) == expected, "run `make translations` and commit the .mo files"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    """What `pybabel compile` refuses (and fails the build with): a placeholder missing, added or of
    another type — also a bare "%" a message uses as text, which reads as one."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as source:
        catalog = read_po(source, locale=language)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []
