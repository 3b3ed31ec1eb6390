"""Catalog search under load, on the 500-module corpus imported by `flask content sync`.

The corpus is the one the bulk work syncs (50 French courses of 10 modules, `bench/corpus.py`),
imported into a database of its own by the real command, so the index is the one the sync
writes. Each query is loaded like a page (same client, connections, warm-up and CPU checks),
with a cookie so the visitors' page cache never answers; the target is held by the slowest
query's p95.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import urlencode

from bench import corpus, load, seed

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"
DATABASE = "tadbir_bench_search"
TARGET_P95_MS = 50.0
UNCACHED_COOKIE = "session=none"
SYNC_TIMEOUT = 1800  # a busy machine makes the cold sync slow; it is not what is measured

# What people type: a frequent word (many sections match: ranking and snippets of the most rows), a
# rarer one, two words, a word being typed (prefix), a word with no match.
QUERIES = (
    ("frequent word", "budget"),
    ("accented word", "pétition"),
    ("two words", "budget participatif"),
    ("prefix", "décentr"),
    ("no match", "zzzz"),
)


def search_path(words: str) -> str:
    return "/?" + urlencode({"q": words})


def sync_corpus(url: str, work: Path, env: dict[str, str]) -> int:
    """Write the corpus as a content tree and import it into `url` with `flask content sync`; its module count."""
    tree = work / "search-content"
    texts = corpus.courses(2024, 50, 10)
    corpus.write_tree(tree, texts)
    with open(work / "search-sync.log", "wb") as log:
        subprocess.run(  # noqa: S603 - fixed command
            [str(FLASK), "--app", "wsgi", "content", "sync", str(tree)],
            cwd=ROOT, env={**os.environ, **env, "DATABASE_URL": url}, stdout=log, stderr=subprocess.STDOUT,
            check=True, timeout=SYNC_TIMEOUT,
        )  # fmt: skip
    return sum(len(course.modules) for course in texts)


def measure_search(server_url: str | None, work: Path, env: dict[str, str], settings: load.LoadSettings) -> dict:
    """Sync the corpus into a fresh database, serve it, and load each query in QUERIES."""
    empty = work / "empty-content"
    empty.mkdir(exist_ok=True)
    url = seed.create_database(DATABASE, work, server_url)
    try:
        seed.migrate(url, empty)
        database = seed.database_version(url)
        modules = sync_corpus(url, work, env)
        seed.autovacuum(url)  # the state PostgreSQL is in a minute after a sync, not a race with it
        print(f"  {modules} modules imported by flask content sync", flush=True)
        _load, client = load.load_client(settings)
        rows = []
        with load.gunicorn("wsgi:app", {**env, "DATABASE_URL": url}, work / "search.log") as app:
            paths = [search_path(words) for _name, words in QUERIES]
            # A cookie that names no session: search is measured as a query nobody asked before, without
            # the visitors' page cache (which would serve a repeated query from memory).
            cookie = load.settle(app.port, UNCACHED_COOKIE, paths)
            for name, words in QUERIES:
                path = search_path(words)
                status, _cookies, body = load.fetch(app.port, path, cookie)
                if status != 200 or (name != "no match" and "<mark>" not in body):
                    raise RuntimeError(f"search {words!r}: HTTP {status}, no highlighted result")
                figures = load.measure_path(app, path, cookie, settings)
                figures.update(name=name, query=words, path=path)
                load.progress(f"search: {name}", figures)
                rows.append(figures)
    finally:
        seed.drop_database(DATABASE, server_url)
    return {
        "client": client, "connections": settings.connections, "duration_s": settings.duration,
        "warmup_s": settings.warmup, "modules": modules, "queries": rows,
        "p95_ms": max(row["p95_ms"] for row in rows), "database": database,
    }  # fmt: skip
