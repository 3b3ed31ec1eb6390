"""Sync writes the tree in one transaction, skips unchanged files, and never deletes anything."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses import material
from courses.catalog import sync as sync_module
from courses.catalog.models import Course, Module, Question, SearchEntry
from courses.catalog.sync import sync
from courses.extensions import db
from tests.conftest import TWO_QUESTION_QUIZ

QUIZ_MODULE = TWO_QUESTION_QUIZ


def table_counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in (Course, Module, Question)}


def test_first_sync_adds_everything(ctx, content_dir, make_course):
    make_course(modules={"01-intro": ("Intro", "Bonjour"), "02-quiz": QUIZ_MODULE})
    report = sync(content_dir)
    db.session.commit()
    assert report.courses.counts() == {"added": 1, "changed": 0, "archived": 0, "unchanged": 0}
    assert report.modules.counts() == {"added": 2, "changed": 0, "archived": 0, "unchanged": 0}
    course = db.session.scalar(select(Course))
    assert course.title == "Gouvernance locale" and course.tag_names == ["gouvernance"]
    assert [m.slug for m in course.modules] == ["intro", "quiz"]
    questions = course.modules[1].questions
    assert [q.answers for q in questions] == [[0], [0, 2]] and questions[1].is_multiple


def test_second_sync_changes_nothing(ctx, content_dir, make_course):
    make_course(modules={"01-intro": ("Intro", "Bonjour"), "02-quiz": QUIZ_MODULE})
    sync(content_dir)
    db.session.commit()
    before = {m.id: (m.updated_at, m.html) for m in db.session.scalars(select(Module))}
    report = sync(content_dir)
    db.session.commit()
    assert not report.has_changes
    assert report.modules.counts()["unchanged"] == 2 and report.courses.counts()["unchanged"] == 1
    assert {m.id: (m.updated_at, m.html) for m in db.session.scalars(select(Module))} == before


def test_unchanged_files_are_not_rendered_again(ctx, content_dir, make_course, monkeypatch):
    folder = make_course(modules={"01-intro": ("Intro", "Bonjour"), "02-suite": ("Suite", "Texte")})
    sync(content_dir)
    db.session.commit()
    calls = []
    original = material.tree.render_document
    monkeypatch.setattr(material.tree, "render_document", lambda *a, **k: calls.append(a) or original(*a, **k))
    (folder / "02-suite.md").write_text("---\ntitle: Suite\n---\nTexte modifié\n", "utf-8")
    report = sync(content_dir)
    assert report.modules.changed == ["gouvernance/suite"]
    assert calls == [("Texte modifié\n", "module")]


def test_removed_module_is_archived_and_kept(ctx, content_dir, make_course):
    folder = make_course(modules={"01-intro": ("Intro", "a"), "02-suite": ("Suite", "b")})
    sync(content_dir)
    db.session.commit()
    (folder / "02-suite.md").unlink()
    report = sync(content_dir)
    db.session.commit()
    assert report.modules.archived == ["gouvernance/suite"]
    suite = db.session.scalar(select(Module).where(Module.slug == "suite"))
    assert suite is not None and suite.archived_at is not None


def test_renamed_module_is_a_new_module_and_the_old_one_is_archived(ctx, content_dir, make_course):
    folder = make_course(modules={"01-intro": ("Intro", "a")})
    sync(content_dir)
    db.session.commit()
    old_id = db.session.scalar(select(Module.id))
    (folder / "01-intro.md").rename(folder / "01-introduction.md")
    report = sync(content_dir)
    db.session.commit()
    assert (report.modules.added, report.modules.archived) == (["gouvernance/introduction"], ["gouvernance/intro"])
    assert db.session.get(Module, old_id).archived_at is not None


def test_restored_module_comes_back_with_the_same_row(ctx, content_dir, make_course):
    folder = make_course(modules={"01-intro": ("Intro", "a"), "02-suite": ("Suite", "b")})
    sync(content_dir)
    db.session.commit()
    text = (folder / "02-suite.md").read_text("utf-8")
    module_id = db.session.scalar(select(Module.id).where(Module.slug == "suite"))
    (folder / "02-suite.md").unlink()
    sync(content_dir)
    db.session.commit()
    (folder / "02-suite.md").write_text(text, "utf-8")
    report = sync(content_dir)
    db.session.commit()
    assert report.modules.changed == ["gouvernance/suite"]
    assert db.session.get(Module, module_id).archived_at is None


def test_removed_course_is_archived_with_its_modules(ctx, content_dir, make_course):
    import shutil

    make_course(slug="garde")
    folder = make_course(slug="retire")
    sync(content_dir)
    db.session.commit()
    shutil.rmtree(folder)
    report = sync(content_dir)
    db.session.commit()
    assert report.courses.archived == ["retire"] and report.modules.archived == ["retire/introduction"]
    course = db.session.scalar(select(Course).where(Course.slug == "retire"))
    assert course.archived_at is not None and all(m.archived_at for m in course.modules)


def test_shrinking_quiz_archives_questions(ctx, content_dir, make_course):
    folder = make_course(modules={"01-quiz": QUIZ_MODULE})
    sync(content_dir)
    db.session.commit()
    shorter = QUIZ_MODULE.split("  - question: Lesquelles")[0] + "---\nTexte\n"
    (folder / "01-quiz.md").write_text(shorter, "utf-8")
    sync(content_dir)
    db.session.commit()
    questions = db.session.scalars(select(Question).order_by(Question.position)).all()
    assert [q.archived_at is None for q in questions] == [True, False]


def test_error_anywhere_changes_nothing(ctx, content_dir, make_course):
    folder = make_course(modules={"01-intro": ("Intro", "a")})
    sync(content_dir)
    db.session.commit()
    before = table_counts()
    (folder / "01-intro.md").write_text("---\ntitle: Nouveau titre\n---\nb\n", "utf-8")
    make_course(slug="casse", modules={"01-a": "---\ntitel: faute\n---\n"})
    with pytest.raises(material.ContentInvalid):
        sync(content_dir)
    db.session.rollback()
    assert table_counts() == before
    assert db.session.scalar(select(Module.title)) == "Intro"


def test_failure_while_writing_rolls_back(ctx, content_dir, make_course, monkeypatch):
    make_course(slug="premier")
    make_course(slug="second")

    def explode(course, source, tally, now):
        if source.slug == "second":
            raise RuntimeError("disk full")
        original(course, source, tally, now)

    original = sync_module._sync_modules
    monkeypatch.setattr(sync_module, "_sync_modules", explode)
    with pytest.raises(RuntimeError):
        sync(content_dir)
    db.session.rollback()
    assert table_counts() == {"course": 0, "module": 0, "question": 0}


def test_sync_indexes_titles_without_accents(ctx, content_dir, make_course):
    make_course(meta={"title": "Décentralisation avancée"})
    sync(content_dir)
    assert "decentralisation avancee gouvernance" in db.session.scalars(select(SearchEntry.names)).all()
