"""The content CI example (docs/content-ci/): a course repository checked by Tadbir's validator."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import front_matter

PROJECT = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT / "docs" / "content-ci" / "check-content.sh"


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """A course repository: course folders at its root, with its README, CI files and the script."""
    repo = tmp_path / "cours-tadbir"
    (repo / "_ci").mkdir(parents=True)
    shutil.copy(SCRIPT, repo / "_ci" / "check-content.sh")
    (repo / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(PROJECT / "docs" / "content-ci" / "github-workflow.yml", repo / ".github" / "workflows" / "content.yml")
    shutil.copy(PROJECT / "docs" / "content-ci" / "gitlab-ci.yml", repo / ".gitlab-ci.yml")
    (repo / "README.md").write_text("# Nos cours\n", "utf-8")
    course = repo / "mon-cours"
    course.mkdir()
    meta = {"title": "Mon cours", "summary": "Un cours.", "language": "fr", "hours": 0.25, "status": "published"}
    (course / "course.md").write_text(front_matter(meta, "Introduction.\n"), "utf-8")
    (course / "01-debut.md").write_text(front_matter({"title": "Début", "minutes": 15}, "## Partie\n\nTexte.\n"))
    return repo


def run(repo: Path, **settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TADBIR_DIR": str(PROJECT), **settings}
    return subprocess.run(["sh", "_ci/check-content.sh"], cwd=repo, env=env, capture_output=True, text=True)


def test_a_clean_repository_passes(repository):
    result = run(repository)
    assert result.returncode == 0, result.stderr
    assert "Contenu valide : 1 cours, 1 module." in result.stdout


def test_a_warning_fails_the_check_unless_strict_is_off(repository):
    (repository / "mon-cours" / "course.md").write_text(
        (repository / "mon-cours" / "course.md").read_text("utf-8").replace("hours: 0.25", "hours: 8"), "utf-8"
    )
    strict = run(repository)
    assert strict.returncode == 1
    assert strict.stderr.startswith("mon-cours/course.md:5: attention : « hours » annonce 8 h")
    assert run(repository, STRICT="0").returncode == 0


def test_an_error_is_reported_in_the_chosen_language(repository):
    (repository / "mon-cours" / "02-suite.md").write_text("---\ntitle: Loi: 2015\n---\n", "utf-8")
    result = run(repository, MSG_LANG="ar")
    assert result.returncode == 1
    assert result.stderr.startswith("mon-cours/02-suite.md:2: قيمة « title » تحتوي على « : »")
