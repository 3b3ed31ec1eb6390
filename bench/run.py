"""Run every benchmark: seed, SQL counts, pages under load, search, bulk work; write the results and the docs."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bench import bulk, corpus, load, report, search, seed

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "performance.md"
SKELETON = """# Performance

The benchmark suite lives in `bench/`; run it with `make bench` (or `.venv/bin/python -m bench`).

## Latest figures
"""


def machine(database: str) -> dict:
    """What the figures were measured on."""
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = next(int(x.split()[1]) for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": memory / 2**20, "python": platform.python_version(),
        "database": database, "os": f"{platform.system()} {platform.release()}",
        "gunicorn": importlib.metadata.version("gunicorn"),
        "load_average": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }  # fmt: skip


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 8)),
                        help="seconds of load per page (default 8, or BENCH_DURATION)")  # fmt: skip
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of unrecorded load before each page")
    parser.add_argument("--connections", type=int, default=4, help="concurrent keep-alive connections (default 4)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="load generator: wrk when installed (auto), or the Python client")  # fmt: skip
    parser.add_argument("--skip-load", action="store_true", help="no gunicorn, no load (seed, SQL, bulk only)")
    parser.add_argument("--skip-bulk", action="store_true", help="no sync, certificates or import")
    parser.add_argument("--skip-search", action="store_true", help="no search under load")
    parser.add_argument("--only", choices=("search",),
                        help="run only this part; the last run's other figures on this database are kept")  # fmt: skip
    parser.add_argument("--no-docs", action="store_true", help="do not rewrite docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (databases, logs) and print it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = arguments(argv)
    server = os.environ.get("BENCH_DATABASE_URL") or None  # a PostgreSQL server: databases are created there
    backend = "postgresql" if server else "sqlite"
    work = Path(tempfile.mkdtemp(prefix="tadbir-bench-"))
    started = time.perf_counter()
    command = "python -m " + " ".join(["bench", *(argv if argv is not None else sys.argv[1:])])
    results: dict = {"command": command}
    try:
        if options.only == "search":
            results["search"] = _search(options, server, work)
        else:
            _everything(options, server, work, results)
    finally:
        if options.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    results["duration_s"] = time.perf_counter() - started
    results["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    RESULTS.mkdir(parents=True, exist_ok=True)
    found = results.get("search")
    if found:  # kept on its own too: a search-only run leaves the other figures of the last full run alone
        found.update(command=command, finished_at=results["finished_at"])
        found["machine"] = machine(found["database"])
        (RESULTS / f"search-{backend}.json").write_text(json.dumps(found, indent=2, ensure_ascii=False), "utf-8")
    if options.only:
        print(report.search_terminal(found))
    else:
        results["targets"] = report.evaluate(results)
        for path in (RESULTS / "latest.json", RESULTS / f"latest-{backend}.json"):
            path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str), "utf-8")
        print(report.terminal(results))
        print(f"results: {RESULTS / 'latest.json'}")
    if not options.no_docs:
        if not options.only:
            report.update_doc(DOC, RESULTS, SKELETON)
        report.update_search_doc(DOC, RESULTS)
        print(f"figures written to {DOC}")
    return 0


def _search(options: argparse.Namespace, server: str | None, work: Path) -> dict:
    print("== search under load (500-module corpus)", flush=True)
    settings = load.LoadSettings(options.duration, options.warmup, options.connections, options.client)
    env = {"CONTENT_DIR": str(work / "empty-content"), "TADBIR_RATELIMIT_ENABLED": "false",
           "SECRET_KEY": "bench-secret-key"}  # fmt: skip
    return search.measure_search(server, work, env, settings)


def _everything(options: argparse.Namespace, server: str | None, work: Path, results: dict) -> None:
    empty = work / "empty-content"  # the served app's CONTENT_DIR: pages never read it
    empty.mkdir()
    names = ("tadbir_bench", "tadbir_bench_small", "tadbir_bench_sync")
    try:
        print(f"== seed ({'PostgreSQL' if server else 'SQLite'}, work folder {work})", flush=True)
        infos = {}
        for name, sizes in ((names[0], seed.LARGE), (names[1], seed.SMALL)):
            url = seed.create_database(name, work, server)
            seed.migrate(url, empty)
            infos[name] = seed.seed(url, sizes)
            rows = infos[name]["rows"]
            print(f"  {name}: {infos[name]['seconds']:.1f} s — {rows['user_account']:,} users, "
                  f"{rows['enrollment']:,} enrollments, {rows['module_progress']:,} progress rows, "
                  f"{rows['certificate']:,} certificates", flush=True)  # fmt: skip
        large, small = infos[names[0]], infos[names[1]]
        # A server URL may carry a password: the results file keeps it masked.
        results["seed"] = {key: {**info, "url": make_url(info["url"]).render_as_string(hide_password=True)}
                           for key, info in (("large", large), ("small", small))}  # fmt: skip
        results["machine"] = machine(seed.database_version(large["url"]))

        print("== SQL statements per request (in process, after one warm-up request)", flush=True)
        results["sql"] = {"small": load.sql_counts(small, empty), "large": load.sql_counts(large, empty)}
        for page, count in results["sql"]["large"].items():
            print(f"  {page:<12} small {results['sql']['small'][page]:>3}   large {count:>3}", flush=True)

        env = {
            "DATABASE_URL": large["url"], "CONTENT_DIR": str(empty), "TADBIR_RATELIMIT_ENABLED": "false",
            "SECRET_KEY": "bench-secret-key",
        }  # fmt: skip
        if not options.skip_load:
            print("== pages under load", flush=True)
            settings = load.LoadSettings(options.duration, options.warmup, options.connections, options.client)
            results["load"] = load.measure_pages(large, env, work, settings)
            results["load"]["warmup_s"] = options.warmup

        if not options.skip_search:
            results["search"] = _search(options, server, work)

        if not options.skip_bulk:
            print("== bulk work", flush=True)
            tree = work / "content-tree"
            texts = corpus.courses(2024, 50, 10)
            files = corpus.write_tree(tree, texts)
            print(f"  generated {files} Markdown files under {tree}", flush=True)
            sync_url = seed.create_database(names[2], work, server)
            seed.migrate(sync_url, empty)
            modules = sum(len(c.modules) for c in texts)
            bulk_env = {key: value for key, value in env.items() if key != "DATABASE_URL"}
            # Each process that draws a certificate leaves a folder of fonts in the temporary directory: keep
            # them in the work folder, which is removed at the end.
            (work / "tmp").mkdir()
            bulk_env["TMPDIR"] = str(work / "tmp")
            results["bulk"] = bulk.run_all(large, sync_url, tree, modules, work, bulk_env)
    finally:
        for name in names:
            try:
                seed.drop_database(name, server)
            except Exception as error:
                print(f"could not drop {name}: {error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
