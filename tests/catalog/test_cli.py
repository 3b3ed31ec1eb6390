"""`flask content check|sync`: exit codes and what a trainer reads."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from courses import material
from courses.catalog.models import Course, Module
from courses.extensions import db


def test_check_valid_tree_exits_zero(runner, content_dir, make_course):
    make_course()
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 0, result.output
    assert "Contenu valide : 1 cours, 1 module." in result.output


def test_check_lists_every_error_and_exits_one(runner, content_dir, make_course):
    make_course(modules={"01-a": "---\ntitel: x\n---\n", "02-b": "---\ntitle: B\nminutes: dix\n---\n"})
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 1
    assert "01-a.md:2: clé inconnue « titel »" in result.output
    assert "01-a.md:2: clé obligatoire « title » manquante" in result.output
    assert "02-b.md:3: « minutes » doit être un nombre entier" in result.output
    assert "3 erreurs." in result.output


def test_check_in_english(runner, content_dir, make_course):
    make_course(modules={"01-a": "---\ntitel: x\n---\n"})
    result = runner.invoke(args=["content", "check", "--lang", "en", str(content_dir)])
    assert result.exit_code == 1 and "unknown key 'titel'" in result.output


def test_check_defaults_to_configured_directory(runner, make_course):
    make_course()
    assert runner.invoke(args=["content", "check"]).exit_code == 0


def test_sync_prints_summary_and_is_idempotent(runner, content_dir, make_course):
    make_course()
    first = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0, first.output
    assert "Cours : 1 ajouté" in first.output and "Modules : 1 ajouté" in first.output
    second = runner.invoke(args=["content", "sync"])
    assert "Cours : 0 ajouté, 0 modifié, 0 archivé et 1 inchangé" in second.output
    assert "Modules : 0 ajouté, 0 modifié, 0 archivé et 1 inchangé" in second.output


def test_sync_with_errors_exits_one_and_writes_nothing(ctx, runner, content_dir, make_course):
    make_course(modules={"01-a": ("A", "a"), "02-b": "---\ntitel: x\n---\n"})
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 1
    assert "02-b.md:2" in result.output
    assert db.session.scalar(select(func.count()).select_from(Module)) == 0


def test_sync_shows_progress_on_large_trees(runner, content_dir, make_course):
    make_course(modules={f"{n:02d}-m{n}": (f"M{n}", "texte") for n in range(1, 55)})
    result = runner.invoke(args=["content", "sync"])
    assert result.exit_code == 0
    assert "Lecture des fichiers" in result.stderr


def test_sync_of_a_small_tree_has_no_progress_bar(runner, make_course):
    make_course()
    assert "Lecture des fichiers" not in runner.invoke(args=["content", "sync"]).stderr


def test_check_in_arabic(runner, content_dir, make_course):
    make_course(modules={"01-a": "---\ntitel: x\n---\n"})
    result = runner.invoke(args=["content", "check", "--lang", "ar", str(content_dir)])
    assert result.exit_code == 1
    assert "01-a.md:2: مفتاح غير معروف « titel »" in result.output
    assert "01-a.md:2: المفتاح الإلزامي « title » مفقود" in result.output
    assert "عدد الأخطاء: 2." in result.output


def test_watch_syncs_then_resyncs_on_change(ctx, runner, content_dir, make_course, monkeypatch):
    folder = make_course()
    ticks = iter(range(3))

    def fake_sleep(seconds):
        step = next(ticks, None)
        if step == 0:  # a trainer saves a new module between two checks
            (folder / "02-suite.md").write_text("---\ntitle: Suite\n---\nTexte\n", "utf-8")
        elif step is None:
            raise KeyboardInterrupt

    monkeypatch.setattr("courses.catalog.cli.time.sleep", fake_sleep)
    result = runner.invoke(args=["content", "watch", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert "Modules : 1 ajouté" in result.output.split("\n", 2)[-1]
    assert db.session.scalar(select(func.count()).select_from(Module)) == 2


def test_watch_prints_every_result_with_its_time_errors_included(ctx, runner, content_dir, make_course, monkeypatch):
    folder = make_course()
    ticks = iter(range(3))

    def fake_sleep(seconds):
        step = next(ticks, None)
        if step == 0:  # a typo, then its fix
            (folder / "02-suite.md").write_text("---\ntitel: Suite\n---\nTexte\n", "utf-8")
        elif step == 1:
            (folder / "02-suite.md").write_text("---\ntitle: Suite\n---\nTexte\n", "utf-8")
        elif step is None:
            raise KeyboardInterrupt

    monkeypatch.setattr("courses.catalog.cli.time.sleep", fake_sleep)
    output = runner.invoke(args=["content", "watch", "--interval", "0"]).output
    stamped = re.findall(r"^\d\d:\d\d:\d\d (.*)$", output, flags=re.M)
    assert len(stamped) == 3, output
    assert "Cours : 1 ajouté" in stamped[0] and "02-suite.md:2: " in stamped[1]
    assert "Modules : 1 ajouté" in output.split("1 erreur.")[-1]


def plant_symlink(folder):
    """The penetration test's tree: an asset that is a link to the instance's secret key."""
    secret = folder.parent.parent / "instance" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("not-for-the-web", "utf-8")
    (folder / "assets" / "key.txt").symlink_to("../../../instance/secret_key")
    return "key.txt", "est un lien symbolique"


def plant_fifo(folder):
    os.mkfifo(folder / "assets" / "tube.png")
    return "tube.png", "n'est ni un fichier ordinaire ni un dossier"


UNSAFE = pytest.mark.parametrize("plant", [plant_symlink, plant_fifo], ids=["symlink", "fifo"])


@UNSAFE
def test_check_refuses_links_and_special_files(runner, content_dir, make_course, plant):
    folder = make_course(assets={"carte.svg": "<svg/>"})
    name, reason = plant(folder)
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 1
    assert f"gouvernance/assets/{name}:1: « {name} » {reason}" in result.output
    assert "1 erreur." in result.output


@UNSAFE
def test_sync_refuses_links_and_special_files_and_imports_nothing(ctx, runner, content_dir, make_course, plant):
    folder = make_course(assets={"carte.svg": "<svg/>"})
    name, _reason = plant(folder)
    result = runner.invoke(args=["content", "sync", "--lang", "en"])
    assert result.exit_code == 1
    assert f"gouvernance/assets/{name}:1: '{name}'" in result.output
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0
    assert db.session.scalar(select(func.count()).select_from(Module)) == 0


def test_check_prints_warnings_and_exits_zero_without_strict(runner, content_dir, make_course):
    make_course(meta={"hours": 8})  # one module of 10 minutes
    result = runner.invoke(args=["content", "check", str(content_dir)])
    assert result.exit_code == 0, result.output
    assert "gouvernance/course.md:5: attention : « hours » annonce 8 h" in result.stderr
    assert "1 avertissement." in result.stderr
    assert "Contenu valide : 1 cours, 1 module." in result.stdout


def test_check_strict_counts_warnings_as_errors(runner, content_dir, make_course):
    make_course(meta={"hours": 8})
    result = runner.invoke(args=["content", "check", "--strict", "--lang", "en", str(content_dir)])
    assert result.exit_code == 1
    assert "course.md:5: warning: 'hours' announces 8 h" in result.stderr
    assert "1 warning, counted as an error (--strict)." in result.stderr
    assert "Content is valid" not in result.output


def test_check_strict_in_arabic(runner, content_dir, make_course):
    make_course(meta={"hours": 8})
    result = runner.invoke(args=["content", "check", "--strict", "--lang", "ar", str(content_dir)])
    assert result.exit_code == 1
    assert "course.md:5: تنبيه: تعلن « hours » عن 8 ساعة" in result.stderr


def test_check_strict_passes_a_tree_without_warnings(runner, content_dir, make_course):
    make_course(meta={"hours": 0.25})  # 15 minutes announced, 10 minutes of module
    result = runner.invoke(args=["content", "check", "--strict", str(content_dir)])
    assert result.exit_code == 0, result.output
    assert "avertissement" not in result.output


def test_check_one_course(runner, content_dir, make_course):
    make_course("cassé-ailleurs", modules={"01-a": "---\ntitel: x\n---\n"})
    make_course("gouvernance-locale")
    result = runner.invoke(args=["content", "check", "--course", "gouvernance-locale", str(content_dir)])
    assert result.exit_code == 0, result.output
    assert "Contenu valide : 1 cours, 1 module." in result.output
    unknown = runner.invoke(args=["content", "check", "--course", "inconnu", str(content_dir)])
    assert unknown.exit_code == 1 and "aucun dossier de cours « inconnu »" in unknown.stderr


def test_shipped_content_is_valid_and_its_warnings_are_known(runner):
    """The courses in content/ pass `check`; `--strict` lists their hours and redundant hints (another issue)."""
    shipped = str(Path(__file__).resolve().parents[2] / "content")
    assert runner.invoke(args=["content", "check", shipped]).exit_code == 0
    review = material.review(Path(shipped))
    assert review.errors == []
    assert {w.code for w in review.warnings} <= {"hours_far_from_minutes", "redundant_multiple_hint"}


def runs():
    from courses.catalog.models import ContentSyncRun

    return list(db.session.scalars(select(ContentSyncRun).order_by(ContentSyncRun.id)))


def test_a_failed_sync_records_its_errors_though_it_imports_nothing(ctx, runner, make_course):
    make_course(modules={"01-a": ("A", "a"), "02-b": "---\ntitel: x\n---\n"})
    assert runner.invoke(args=["content", "sync"]).exit_code == 1
    db.session.remove()
    (run,) = runs()
    assert (run.ok, run.command, run.scope) == (False, "sync", None)
    assert run.errors == [
        {"course": "gouvernance", "path": "gouvernance/02-b.md", "line": 2, "code": "missing_key",
         "params": {"key": "title"}},
        {"course": "gouvernance", "path": "gouvernance/02-b.md", "line": 2, "code": "unknown_key",
         "params": {"key": "titel", "allowed": "title, minutes, objectives, required, quiz, exercise"}},
    ]  # fmt: skip
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_a_successful_sync_records_a_clean_run(ctx, runner, make_course):
    make_course()
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    db.session.remove()
    assert [(r.ok, r.errors) for r in runs()] == [(True, [])]


def test_watch_records_each_round(ctx, runner, make_course, monkeypatch):
    folder = make_course()
    ticks = iter(range(3))

    def fake_sleep(seconds):
        step = next(ticks, None)
        if step == 0:
            (folder / "02-suite.md").write_text("---\ntitel: Suite\n---\nTexte\n", "utf-8")
        elif step == 1:
            (folder / "02-suite.md").write_text("---\ntitle: Suite\n---\nTexte\n", "utf-8")
        elif step is None:
            raise KeyboardInterrupt

    monkeypatch.setattr("courses.catalog.cli.time.sleep", fake_sleep)
    runner.invoke(args=["content", "watch", "--interval", "0"])
    db.session.remove()
    assert [(r.command, r.ok) for r in runs()] == [("watch", True), ("watch", False), ("watch", True)]


def test_only_the_last_runs_are_kept(ctx, runner, make_course, monkeypatch):
    from courses.catalog.models import ContentSyncRun

    monkeypatch.setattr(ContentSyncRun, "KEEP", 2)
    make_course()
    for _ in range(4):
        runner.invoke(args=["content", "sync"])
    db.session.remove()
    assert [r.id for r in runs()] == [3, 4]


def test_sync_one_course_leaves_the_others_alone(ctx, runner, content_dir, make_course):
    make_course("gouvernance-locale")
    other = make_course("medias")
    assert runner.invoke(args=["content", "sync"]).exit_code == 0
    (other / "01-introduction.md").write_text("---\ntitel: cassé\n---\n", "utf-8")
    (content_dir / "gouvernance-locale" / "02-suite.md").write_text("---\ntitle: Suite\n---\nTexte\n", "utf-8")
    result = runner.invoke(args=["content", "sync", "--course", "gouvernance-locale"])
    assert result.exit_code == 0, result.output
    assert "Modules : 1 ajouté" in result.output
    db.session.remove()
    courses = {c.slug: c.archived_at for c in db.session.scalars(select(Course))}
    assert courses == {"gouvernance-locale": None, "medias": None}
    assert runs()[-1].scope == ",gouvernance-locale,"
