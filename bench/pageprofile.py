"""Where a page's time goes: cProfile over in-process requests, by library (`python -m bench.pageprofile`)."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import tempfile
import time
from pathlib import Path

from bench import load, seed

# Self time is attributed to the first matching part of a function's file path.
CATEGORIES = (
    ("SQLAlchemy and the database driver", ("sqlalchemy", "sqlite3", "psycopg")),
    ("Jinja templates", ("jinja2", "markupsafe", "/templates/")),
    ("Babel (translations, dates)", ("flask_babel", "/babel/")),
    ("session, login, CSRF, forms", ("flask_login", "flask_wtf", "itsdangerous", "wtforms", "hashlib", "hmac")),
    ("Flask and Werkzeug", ("/flask/", "werkzeug", "blinker", "flask_limiter", "limits")),
    ("application code (courses/)", ("/courses/",)),
)


def category(filename: str, function: str) -> str:
    # Built-ins have no file ("~"): their name says whose they are ("<method 'execute' of 'sqlite3.Cursor' …>").
    where = function if filename == "~" else filename
    for name, parts in CATEGORIES:
        if any(part in where for part in parts):
            return name
    return "Python and other libraries"


def profile_page(app, page: load.Page, info: dict, requests: int) -> tuple[float, dict[str, float], pstats.Stats]:
    """Mean milliseconds per request, self time by category (ms per request), and the raw statistics."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = load.USER_AGENT
    if page.user:
        token = load.csrf_token(client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": info[page.user], "password": info["password"], "csrf_token": token})
    for _ in range(3):  # warm: templates compiled, caches filled, first-view rows inserted
        client.get(page.path)
    started = time.perf_counter()
    for _ in range(requests):
        client.get(page.path)
    mean_ms = (time.perf_counter() - started) / requests * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(page.path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    shares: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, self_time, _cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = category(filename, function)
        shares[key] = shares.get(key, 0.0) + self_time * 1000 / requests
    return mean_ms, shares, stats


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pageprofile", description=__doc__)
    parser.add_argument("pages", nargs="*", help="page names (default: all): healthz catalog course module …")
    parser.add_argument("--requests", type=int, default=50, help="profiled requests per page")
    parser.add_argument("--top", type=int, default=15, help="functions listed per page, by cumulative time")
    options = parser.parse_args(argv)
    from courses import create_app

    work = Path(tempfile.mkdtemp(prefix="tadbir-profile-"))
    try:
        url = seed.create_database("tadbir_profile", work, None)
        seed.migrate(url, work)
        info = seed.seed(url, seed.LARGE)
        app = create_app(seed.app_config(url, work))
        for page in load.pages(info):
            if options.pages and page.name not in options.pages:
                continue
            mean_ms, shares, stats = profile_page(app, page, info, options.requests)
            print(f"\n== {page.name} {page.path}: {mean_ms:.2f} ms per request without the profiler")
            total = sum(shares.values())
            for name, value in sorted(shares.items(), key=lambda item: -item[1]):
                print(f"   {value:7.2f} ms  {value / total:5.0%}  {name}")
            stats.sort_stats("cumulative").print_stats(options.top)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
