"""The validator names file, line and reason for every kind of mistake, and lets nothing through."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from courses import material
from courses.material import ContentInvalid


def problems(root: Path) -> list[tuple[str, int, str]]:
    return [(e.path.relative_to(root).as_posix(), e.line, e.code) for e in material.check(root)]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def test_valid_course_has_no_errors(content_dir, make_course):
    make_course()
    assert problems(content_dir) == []
    (course,) = material.load(content_dir)
    assert course.slug == "gouvernance"
    assert [m.slug for m in course.modules] == ["introduction"]


def test_unknown_key_is_reported_with_its_line(content_dir, make_course):
    make_course(modules={"01-intro": "---\ntitle: Intro\ntitel: faute\n---\nTexte\n"})
    assert problems(content_dir) == [("gouvernance/01-intro.md", 3, "unknown_key")]
    (error,) = material.check(content_dir)
    assert "titel" in error.reason() and "clé inconnue" in error.reason()
    assert "unknown key" in error.reason("en")


def test_missing_title_is_reported(content_dir, make_course):
    make_course(modules={"01-intro": "---\nminutes: 5\n---\nTexte\n"})
    assert problems(content_dir) == [("gouvernance/01-intro.md", 2, "missing_key")]


@pytest.mark.parametrize(
    ("header", "line", "code"),
    [
        ("title: Intro\nminutes: dix\n", 3, "expected_integer"),
        ("title: Intro\nminutes: 0\n", 3, "not_positive"),
        ("title: Intro\nrequired: peut-être\n", 3, "expected_bool"),
        ("title: Intro\nobjectives: un seul\n", 3, "expected_list"),
        ("title: [a, b]\n", 2, "expected_text"),
        ("title: ''\n", 2, "empty_text"),
        ("title: Intro\ntitle: Encore\n", 3, "duplicate_key"),
        ("title: Intro\nminutes: [5\n", 3, "yaml_unclosed_bracket"),
        ("title: Intro\nminutes: 5\n\tobjectives: []\n", 4, "yaml_tab"),
        ("- une liste\n", 2, "front_matter_not_mapping"),
    ],
)
def test_wrong_types_are_reported(content_dir, make_course, header, line, code):
    make_course(modules={"01-intro": f"---\n{header}---\nTexte\n"})
    assert problems(content_dir) == [("gouvernance/01-intro.md", line, code)]


def test_course_fields_are_checked(content_dir, make_course):
    make_course(meta={"language": "es", "hours": -2, "pass_mark": 120, "status": "publié"})
    codes = {(line, code) for _, line, code in problems(content_dir)}
    assert codes == {(4, "bad_language"), (5, "not_positive"), (6, "bad_status"), (9, "out_of_range")}


def test_missing_front_matter_and_unclosed_header(content_dir, make_course):
    make_course(modules={"01-a": "Pas d'en-tête\n", "02-b": "---\ntitle: B\nTexte\n"})
    assert problems(content_dir) == [
        ("gouvernance/01-a.md", 1, "no_front_matter"),
        ("gouvernance/02-b.md", 1, "unclosed_front_matter"),
    ]


def test_non_utf8_file_is_reported(content_dir, make_course):
    folder = make_course(modules={})
    (folder / "01-latin1.md").write_bytes("---\ntitle: Décentralisation\n---\n".encode("latin-1"))
    assert problems(content_dir) == [("gouvernance/01-latin1.md", 2, "not_utf8")]


def test_crlf_and_bom_are_accepted(content_dir, make_course):
    folder = make_course(modules={})
    (folder / "01-windows.md").write_bytes("\ufeff---\r\ntitle: Windows\r\n---\r\nTexte\r\n".encode())
    assert problems(content_dir) == []


def test_bad_names_and_stray_files(content_dir, make_course):
    folder = make_course()
    write(folder / "Intro.md", "---\ntitle: x\n---\n")
    write(folder / "notes.txt", "brouillon")
    make_course(slug="Cours_Majuscule")
    assert problems(content_dir) == [
        ("Cours_Majuscule/course.md", 1, "bad_course_slug"),
        ("gouvernance/Intro.md", 1, "bad_module_name"),
        ("gouvernance/notes.txt", 1, "unexpected_file"),
    ]


def test_missing_course_file(content_dir):
    write(content_dir / "orphelin" / "01-a.md", "---\ntitle: A\n---\n")
    assert problems(content_dir) == [("orphelin/course.md", 1, "missing_course_file")]


def test_duplicate_module_slug_and_position(content_dir, make_course):
    make_course(modules={"01-intro": ("A", "a"), "02-intro": ("B", "b"), "01-suite": ("C", "c")})
    assert sorted(problems(content_dir)) == [
        ("gouvernance/01-suite.md", 1, "duplicate_position"),
        ("gouvernance/02-intro.md", 1, "duplicate_module_slug"),
    ]


def test_published_course_needs_a_module(content_dir, make_course):
    make_course(modules={})
    assert problems(content_dir) == [("gouvernance/course.md", 1, "no_modules")]


def test_draft_course_may_be_empty(content_dir, make_course):
    make_course(meta={"status": "draft"}, modules={})
    assert problems(content_dir) == []


def test_missing_image_and_alt_text(content_dir, make_course):
    body = "Texte\n\n![Carte](assets/carte.svg)\n\n![](assets/vide.png)\n\n![Logo](https://example.org/x.png)\n"
    make_course(modules={"01-intro": ("Intro", body)}, assets={"vide.png": b"\x89PNG"})
    assert problems(content_dir) == [
        ("gouvernance/01-intro.md", 7, "missing_image"),
        ("gouvernance/01-intro.md", 9, "image_without_alt"),
        ("gouvernance/01-intro.md", 11, "image_outside_assets"),
    ]


def test_svg_with_script_is_refused(content_dir, make_course):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><title>x</title></svg>'
    make_course(modules={"01-intro": ("Intro", "![Schéma](assets/s.svg)\n")}, assets={"s.svg": svg})
    assert problems(content_dir) == [("gouvernance/01-intro.md", 5, "unsafe_svg")]


def test_links_to_missing_modules_and_files(content_dir, make_course):
    body = (
        "[ok](02-suite.md)\n\n[absent](03-absent.md)\n\n[autre cours](../autre/01-a.md)\n\n"
        "[fichier](assets/guide.pdf)\n\n[js](javascript:alert(1))\n\n[bizarre](notes/x.txt)\n"
    )
    make_course(modules={"01-intro": ("Intro", body), "02-suite": ("Suite", "x")})
    assert problems(content_dir) == [
        ("gouvernance/01-intro.md", 7, "broken_link"),
        ("gouvernance/01-intro.md", 9, "broken_link"),
        ("gouvernance/01-intro.md", 11, "missing_file_link"),
        ("gouvernance/01-intro.md", 13, "unsafe_link"),
        ("gouvernance/01-intro.md", 15, "missing_file_link"),
    ]


def test_links_across_courses_resolve(content_dir, make_course):
    make_course(modules={"01-intro": ("Intro", "[voir](../autre/01-a.md) et [cours](../autre/course.md)\n")})
    make_course(slug="autre", modules={"01-a": ("A", "a")})
    assert problems(content_dir) == []


def test_quiz_errors(content_dir, make_course):
    module = """---
title: Quiz
quiz:
  - question: Combien de régions ?
    choices: [10, 12]
    answer: 2
  - question: Un seul choix
    choices: [Oui]
    answer: 0
  - question: Réponse inconnue
    choices: [Oui, Non]
    answer: Peut-être
  - question: Clé en trop
    choices: [Oui, Non]
    answer: 0
    points: 3
  - choices: [Oui, Non]
    answer: 0
---
Texte
"""
    make_course(modules={"01-quiz": module})
    assert problems(content_dir) == [
        ("gouvernance/01-quiz.md", 6, "answer_out_of_range"),
        ("gouvernance/01-quiz.md", 8, "too_few_choices"),
        ("gouvernance/01-quiz.md", 12, "answer_unknown_text"),
        ("gouvernance/01-quiz.md", 16, "unknown_key"),
        ("gouvernance/01-quiz.md", 17, "missing_key"),
    ]


def test_quiz_answers_by_index_text_or_list(content_dir, make_course):
    module = """---
title: Quiz
quiz:
  - question: La Constitution date de
    choices: ["2011", "1996"]
    answer: 0
    explanation: Adoptée par référendum le 1er juillet 2011.
  - question: Des collectivités territoriales
    choices: [Régions, Ambassades, Communes]
    answer: [Communes, 0]
  - question: Oui ou non ?
    choices: [Oui, Non]
    answer: Non
---
Texte
"""
    make_course(modules={"01-quiz": module})
    (course,) = material.load(content_dir)
    first, second, third = course.modules[0].quiz
    assert first.choices == ("2011", "1996") and first.answers == (0,) and not first.is_multiple
    assert second.answers == (0, 2) and second.is_multiple
    assert third.choices == ("Oui", "Non") and third.answers == (1,)


def test_translation_of_must_name_another_language(content_dir, make_course):
    make_course(slug="fr-cours")
    make_course(slug="ar-cours", meta={"language": "ar", "translation_of": "fr-cours"})
    make_course(slug="fr-double", meta={"translation_of": "fr-cours"})
    make_course(slug="inconnu", meta={"translation_of": "absent"})
    assert problems(content_dir) == [
        ("fr-double/course.md", 9, "same_language_translation"),
        ("inconnu/course.md", 9, "unknown_translation"),
    ]


def test_load_raises_with_every_error_and_returns_nothing(content_dir, make_course):
    make_course(slug="bon")
    make_course(slug="mauvais", modules={"01-a": "---\ntitel: x\n---\n"})
    with pytest.raises(ContentInvalid) as raised:
        material.load(content_dir)
    assert {e.code for e in raised.value.errors} == {"unknown_key", "missing_key"}


def test_missing_content_directory(tmp_path):
    assert [e.code for e in material.check(tmp_path / "absent")] == ["missing_content_dir"]


def test_hidden_and_underscore_folders_are_ignored(content_dir, make_course):
    make_course()
    write(content_dir / "_modeles" / "brouillon.md", "n'importe quoi")
    write(content_dir / ".git" / "config", "x")
    write(content_dir / "README.md", "Le dossier des cours")
    assert problems(content_dir) == []


def test_minutes_default_from_word_count(content_dir, make_course):
    make_course(modules={"01-long": "---\ntitle: Long\n---\n" + "mot " * 400})
    (course,) = material.load(content_dir)
    assert course.modules[0].minutes == 3


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the content tree, like the instance's secret key."""
    path = tmp_path / "instance" / "secret_key"
    write(path, "not-for-the-web")
    return path


def test_symlinked_asset_is_refused(content_dir, make_course, secret):
    folder = make_course(assets={"carte.svg": "<svg/>"})
    (folder / "assets" / "key.txt").symlink_to("../../../instance/secret_key")
    assert problems(content_dir) == [("gouvernance/assets/key.txt", 1, "symlink")]
    (error,) = material.check(content_dir)
    assert "key.txt" in error.reason() and "lien symbolique" in error.reason()
    assert "symbolic link" in error.reason("en") and "رابط رمزي" in error.reason("ar")


def test_symlink_inside_the_course_and_in_an_asset_subfolder_is_refused(content_dir, make_course):
    folder = make_course(assets={"img/carte.svg": "<svg/>"})
    (folder / "assets" / "img" / "copie.svg").symlink_to("carte.svg")
    (folder / "assets" / "dossier").symlink_to(folder)
    assert problems(content_dir) == [
        ("gouvernance/assets/dossier", 1, "symlink"),
        ("gouvernance/assets/img/copie.svg", 1, "symlink"),
    ]


def test_fifo_in_assets_is_refused(content_dir, make_course):
    folder = make_course(assets={"carte.svg": "<svg/>"})
    os.mkfifo(folder / "assets" / "tube.png")
    assert problems(content_dir) == [("gouvernance/assets/tube.png", 1, "special_file")]
    (error,) = material.check(content_dir)
    assert "tube.png" in error.reason("en") and "regular file" in error.reason("en")


def test_socket_in_a_course_folder_is_refused(content_dir, make_course, monkeypatch):
    folder = make_course()
    monkeypatch.chdir(folder)  # a relative name: socket paths are limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("prise")
    assert problems(content_dir) == [("gouvernance/prise", 1, "special_file")]


def test_symlinked_markdown_files_are_refused_and_not_read(content_dir, make_course, tmp_path):
    folder = make_course(modules={})
    outside = tmp_path / "ailleurs.md"
    write(outside, "---\ntitle: Ailleurs\n---\nTexte\n")
    (folder / "01-ailleurs.md").symlink_to(outside)
    (folder / "course.md").rename(tmp_path / "course.md")
    (folder / "course.md").symlink_to(tmp_path / "course.md")
    assert problems(content_dir) == [
        ("gouvernance/01-ailleurs.md", 1, "symlink"),
        ("gouvernance/course.md", 1, "symlink"),
    ]


def test_symlinked_course_folder_and_assets_folder_are_refused(content_dir, make_course, tmp_path, secret):
    make_course(root=tmp_path / "ailleurs")
    (content_dir / "gouvernance").symlink_to(tmp_path / "ailleurs" / "gouvernance")
    other = make_course(slug="autre")
    (other / "assets").symlink_to(tmp_path / "instance", target_is_directory=True)
    assert problems(content_dir) == [("autre/assets", 1, "symlink"), ("gouvernance", 1, "symlink")]


def test_hidden_entries_outside_assets_are_ignored(content_dir, make_course):
    folder = make_course()
    (folder / ".#01-introduction.md").symlink_to("moi@poste.1234")  # an editor's lock file
    (content_dir / ".cache").symlink_to(folder)
    assert problems(content_dir) == []
