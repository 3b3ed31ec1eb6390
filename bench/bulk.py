"""Bulk work (content sync, certificate PDFs and ZIP, CSV import), each in a child process with its peak memory."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import DISTURBED, database_cpu, machine_busy, own_cpu

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"
PAGE = os.sysconf("SC_PAGE_SIZE")
CHILD_TIMEOUT = 600.0
SAMPLE_EVERY = 0.05  # seconds between RSS samples of the child's process tree
PREFIX = "BENCH_JSON "
RUSAGE = "BENCH_RUSAGE "  # the launcher's report: peak RSS in KiB, then CPU seconds


# -- parent side: run and measure a child ---------------------------------------------------------------


@dataclass
class Measured:
    wall_s: float  # the child process, start to exit (interpreter and imports included)
    peak_rss_mb: float  # the kernel's high-water mark of the largest process in the child's tree
    peak_tree_mb: float  # sampled: the most the child and its descendants held at once (pools)
    output: str
    result: dict = field(default_factory=dict)  # what the child reported (BENCH_JSON line)
    others_cpu_share: float = 0.0  # other programs' share of the machine's CPU during the task


def _tree_rss(root: int) -> int:
    """Resident bytes of the descendants of `root` (from /proc; ppid links, as children files may be absent)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    total, stack, seen = 0, [root], set()
    while stack and len(seen) < 10_000:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            if pid != root:  # the launcher itself is not part of the work
                total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            continue
        stack.extend(children.get(pid, ()))
    return total


def run_child(command: list[str], env: dict[str, str], log: Path, timeout: float = CHILD_TIMEOUT) -> Measured:
    """Run `command` through a small launcher that reports its peak RSS; sample the tree's memory meanwhile."""
    # A process forked from this one starts with this process's high-water mark, and exec() keeps it: measured
    # directly, every child would look as big as the benchmark runner. The launcher is small when it forks.
    # The launcher's CPU reaches this process's children total once reaped: count this process alone.
    machine, own, database = machine_busy(), own_cpu(children=False), database_cpu()
    started = time.perf_counter()
    with open(log, "wb") as output:
        process = subprocess.Popen(  # noqa: S603 - commands built here
            [sys.executable, "-m", "bench.bulk", "launch", *command], cwd=ROOT, env={**os.environ, **env},
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    peak_tree = 0
    deadline = started + timeout
    for _poll in range(int(timeout / SAMPLE_EVERY) + 1):  # bounded in count, and below in time
        pid, status, _usage = os.wait4(process.pid, os.WNOHANG)
        if pid or time.perf_counter() > deadline:
            break
        peak_tree = max(peak_tree, _tree_rss(process.pid))
        time.sleep(SAMPLE_EVERY)
    if not pid:
        os.killpg(process.pid, signal.SIGKILL)  # the child's own session: nothing else is touched
        os.wait4(process.pid, 0)
        process.returncode = -signal.SIGKILL
        raise RuntimeError(f"{command[0]} took more than {timeout:.0f} s; see {log}")
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
    wall = time.perf_counter() - started
    text = log.read_text("utf-8", "replace")
    if process.returncode != 0:
        lines = [x for x in text.splitlines() if not x.startswith(RUSAGE)]  # the error's last line comes last
        raise RuntimeError(f"{' '.join(command[:5])} failed ({process.returncode}):\n" + "\n".join(lines[-40:]))
    line = next((x for x in reversed(text.splitlines()) if x.startswith(PREFIX)), None)
    maxrss_kb, cpu = next(x for x in reversed(text.splitlines()) if x.startswith(RUSAGE))[len(RUSAGE) :].split()
    peak_rss = int(maxrss_kb) / 1024
    # Other programs' share of the machine while the task ran (PostgreSQL's processes serve the task).
    others = machine_busy() - machine - float(cpu) - (own_cpu(children=False) - own) - (database_cpu() - database)
    others_share = max(0.0, others) / ((os.cpu_count() or 1) * wall)
    result = json.loads(line[len(PREFIX) :]) if line else {}
    return Measured(wall, peak_rss, max(peak_tree / 2**20, peak_rss), text, result, others_share)


def _python(task: str, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "bench.bulk", task, *arguments]


def run_all(info: dict, sync_url: str, tree: Path, modules: int, work: Path, env: dict[str, str]) -> list[dict]:
    """Every bulk benchmark; the CSV import comes last since it changes the seeded database."""
    rows: list[dict] = []
    for bench in (_sync, _certificates, _zips, _import):
        try:
            bench(rows, info, sync_url, tree, modules, work, env)
        except RuntimeError as error:  # one failing task is a finding, not a reason to lose the others
            message = _exception_line(str(error))
            rows.append({"name": bench.__doc__, "key": bench.__name__.strip("_"), "error": message})
            print(f"    {bench.__doc__:<44} FAILED: {message}", flush=True)
    return rows


def _exception_line(text: str) -> str:
    """The `SomeError: message` line of a traceback (its last line when there is none)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    found = [line for line in lines if re.match(r"^[\w.]+(Error|Exception|Exit)\b", line)]
    return (found[-1] if found else lines[-1])[:300]


def _add(rows: list[dict], name: str, key: str, measured: Measured, seconds: float, detail: str) -> None:
    rows.append({
        "name": name, "key": key, "seconds": round(seconds, 3), "process_s": round(measured.wall_s, 2),
        "peak_rss_mb": round(measured.peak_rss_mb, 1), "peak_tree_mb": round(measured.peak_tree_mb, 1),
        "detail": detail, "others_cpu_share": round(measured.others_cpu_share, 3),
        "disturbed": measured.others_cpu_share > DISTURBED,
    })  # fmt: skip
    flag = "  (disturbed)" if measured.others_cpu_share > DISTURBED else ""
    print(f"    {name:<44} {seconds:8.2f} s  (process {measured.wall_s:6.2f} s)  peak {measured.peak_rss_mb:6.1f} MB"
          f"  tree {measured.peak_tree_mb:6.1f} MB{flag}", flush=True)  # fmt: skip


# "Modules : 500 ajoutés, 0 modifié, 0 archivé et 0 inchangé" (each count agrees with its noun).
SYNC_SUMMARY = r"modules\s*:\s*(\d+) ajouté\w*, (\d+) modifié\w*, (\d+) archivé\w*,? (?:et )?(\d+) inchangé\w*"


def _sync(rows, info, sync_url, tree, modules, work, env) -> None:
    """content sync"""
    sync_env = {**env, "DATABASE_URL": sync_url}
    command = [str(FLASK), "--app", "wsgi", "content", "sync", str(tree)]
    for state in ("cold", "warm"):  # cold: an empty database; warm: the same tree again, nothing changed
        measured = run_child(command, sync_env, work / f"sync-{state}.log")
        printed = re.search(r"\(([\d.]+) s\)", measured.output)
        summary = re.search(SYNC_SUMMARY, measured.output, re.IGNORECASE)
        if not printed or not summary:
            raise RuntimeError(f"unexpected output of flask content sync:\n{measured.output[-2000:]}")
        added, changed, _archived, unchanged = (int(x) for x in summary.groups())
        expected = (modules, 0) if state == "cold" else (0, modules)
        if (added, unchanged) != expected or changed:
            raise RuntimeError(f"sync {state}: {summary.group(0)}")
        # The time the command prints: reading, checking and writing the tree, without starting Python.
        _add(rows, f"content sync, {state} ({modules} modules)", f"sync_{state}", measured, float(printed.group(1)),
             summary.group(0))  # fmt: skip


def _steady(run: Callable[[], Measured]) -> Measured:
    """Run a repeatable task once more if other programs disturbed it; keep the less disturbed run."""
    first = run()
    if first.others_cpu_share <= DISTURBED:
        return first
    print("    (disturbed by other programs: once more)", flush=True)
    return min(first, run(), key=lambda measured: measured.others_cpu_share)


def _common(info: dict, work: Path) -> list[str]:
    return ["--url", info["url"], "--content-dir", str(work / "empty-content")]


def _certificates(rows, info, sync_url, tree, modules, work, env) -> None:
    """certificate PDFs, 1 process"""
    arguments = [*_common(info, work), "--course", info["export_course"]]
    measured = _steady(lambda: run_child(_python("certificates", *arguments), env, work / "pdf.log"))
    _add(rows, f"{measured.result['count']:,} certificate PDFs, pdf.render, 1 process", "certificates", measured,
         measured.result["seconds"], f"{measured.result['mb']:.1f} MB of PDF")  # fmt: skip


def _zips(rows, info, sync_url, tree, modules, work, env) -> None:
    """certificate ZIP export"""
    for processes in (1, 2):
        out = work / f"certificates-{processes}.zip"
        arguments = [*_common(info, work), "--course", info["export_course"], "--processes", str(processes),
                     "--out", str(out)]  # fmt: skip
        label = "2 processes (CLI default)" if processes == 2 else "1 process"
        try:
            log = work / f"zip-{processes}.log"
            measured = _steady(lambda: run_child(_python("zip", *arguments), env, log))  # noqa: B023 - called at once
        except RuntimeError as error:
            message = _exception_line(str(error))
            rows.append({"name": f"certificate ZIP, {label}", "key": f"zip_{processes}", "error": message})
            print(f"    {'certificate ZIP, ' + label:<44} FAILED: {message}", flush=True)
            continue
        finally:
            out.unlink(missing_ok=True)
        _add(rows, f"{measured.result['count']:,}-certificate ZIP, {label}", f"zip_{processes}", measured,
             measured.result["seconds"], f"{measured.result['mb']:.1f} MB ZIP")  # fmt: skip


IMPORT_ROWS = 20_000  # the most a file may hold (courses.coordination.csv_import.MAX_ROWS)
IMPORT_TARGET_S = 5.0  # confirming the largest file, on SQLite, on a 2-core machine


def _import(rows, info, sync_url, tree, modules, work, env) -> None:
    """CSV import into a cohort"""
    arguments = [*_common(info, work), "--cohort", str(info["import_cohort"]), "--rows", str(IMPORT_ROWS)]
    measured = run_child(_python("import", *arguments), env, work / "import.log")
    result = measured.result
    _add(rows, f"CSV import, {result['rows']:,} rows into a cohort", "csv_import", measured, result["seconds"],
         f"{result['created']:,} accounts created, {result['enrolled']:,} enrolled, {result['invited']:,} "
         f"invitations composed in {result['invite_s']:.2f} s after; upload and preview "
         f"{result['preview_s']:.2f} s")  # fmt: skip


# -- child side: the tasks ------------------------------------------------------------------------------


def _emit(values: dict) -> None:
    print(PREFIX + json.dumps(values), flush=True)


def _app(arguments):
    from bench.seed import app_config
    from courses import create_app

    return create_app(app_config(arguments.url, Path(arguments.content_dir)))


def task_certificates(arguments) -> None:
    """Render every current certificate of a course, one PDF at a time, in this process."""
    from sqlalchemy import select

    from courses.catalog.models import Course
    from courses.certificates import batch, pdf
    from courses.certificates.services import verify_url
    from courses.extensions import db

    with _app(arguments).app_context():
        course = db.session.scalar(select(Course).where(Course.slug == arguments.course))
        items = [(c.snapshot, c.code, verify_url(c.code)) for c in batch.certificates(batch.CertificateFilter(course))]
        started = time.perf_counter()  # includes preparing the fonts: every process pays it once
        size = sum(len(pdf.render(snapshot, code, url)) for snapshot, code, url in items)
        _emit({"seconds": time.perf_counter() - started, "count": len(items), "mb": size / 2**20})


def task_zip(arguments) -> None:
    """Stream a course's certificates ZIP to a file, as `flask certificates export` does."""
    from sqlalchemy import select

    from courses.catalog.models import Course
    from courses.certificates import batch
    from courses.extensions import db

    with _app(arguments).app_context():
        course = db.session.scalar(select(Course).where(Course.slug == arguments.course))
        selection = batch.CertificateFilter(course)
        started = time.perf_counter()
        total = batch.count_certificates(selection)
        with open(arguments.out, "wb") as handle:
            for chunk in batch.certificates_zip(selection, processes=arguments.processes):
                handle.write(chunk)
        seconds = time.perf_counter() - started
    with zipfile.ZipFile(arguments.out) as archive:  # a complete archive: every PDF and the register
        names = archive.namelist()  # (each certificate's credential files come with its PDF)
        pdfs = sum(1 for name in names if name.endswith(".pdf"))
        if pdfs != total or "registre.csv" not in names:
            raise RuntimeError(f"{pdfs} PDFs in the ZIP for {total} certificates")
    _emit({"seconds": seconds, "count": total, "mb": Path(arguments.out).stat().st_size / 2**20})


def import_csv(cohort, rows: int = 5_000, existing_share: float = 0.2) -> str:
    """A realistic file from Excel: French headers, semicolons; new people and accounts that already exist."""
    import random

    from sqlalchemy import select

    from bench import corpus
    from courses.auth.models import User
    from courses.auth.territory import REGIONS
    from courses.extensions import db
    from courses.learning.models import Enrollment

    rng = random.Random(7)  # noqa: S311 - reproducible sample data, not secrets
    enrolled = select(Enrollment.user_id).where(Enrollment.course_id == cohort.course_id)
    existing = db.session.scalars(
        select(User.email).where(User.role == "learner", User.id.not_in(enrolled)).order_by(User.id)
        .limit(int(rows * existing_share))
    ).all()  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        ["Courriel", "Nom complet", "Nom en arabe", "Organisme", "Type d'organisation", "Région", "Fonction"]
    )
    types = ("Commune", "Province/Préfecture", "Région", "Ministère", "Média", "Université", "Autre")
    for number in range(rows):
        first, last = rng.choice(corpus.FIRST_NAMES), rng.choice(corpus.LAST_NAMES)
        city = rng.choice(corpus.CITIES)
        email = existing[number] if number < len(existing) else f"import{number:05d}@bench-import.ma"
        writer.writerow([
            email, f"{first[0]} {last[0]}", f"{first[1]} {last[1]}", f"Commune de {city}", rng.choice(types),
            rng.choice(list(REGIONS)).replace("-", " ").title(), rng.choice(("Journaliste", "Élu", "Technicien")),
        ])  # fmt: skip
    return buffer.getvalue()


def task_import(arguments) -> None:
    """Preview, then confirm, a CSV import into a cohort, as the browser does (each step in a fresh session).

    The confirmation is timed as a worker (or the request, for small files) runs it: claim, plan again,
    write every row, commit. The invitations it leaves to a task are composed afterwards, timed apart.
    """
    from bench.seed import app_config
    from courses import create_app
    from courses.coordination import csv_import, import_jobs
    from courses.coordination.models import Cohort, CsvImport
    from courses.extensions import db

    config = {
        **app_config(arguments.url, Path(arguments.content_dir)),
        "TASK_QUEUE_URL": "memory://",
        "PUBLIC_BASE_URL": "https://bench.tadbir.ma",
    }  # tasks stay in this process: run by hand below
    with create_app(config).app_context():
        text = import_csv(db.session.get(Cohort, arguments.cohort), arguments.rows)
        db.session.close()
        started = time.perf_counter()  # the upload step: check every row, show the report, keep the file
        cohort = db.session.get(Cohort, arguments.cohort)
        plan = csv_import.plan(cohort, text)
        if not plan.is_valid:
            raise RuntimeError(f"generated CSV is invalid: {plan.file_problems} {plan.counts()}")
        pending = CsvImport(cohort_id=cohort.id, filename="bench.csv", content=text, checked_rows=plan.stored(),
                            total_rows=len(plan.rows), summary={**plan.counts(), "digest": plan.digest()})  # fmt: skip
        db.session.add(pending)
        db.session.commit()
        preview_s, import_id = time.perf_counter() - started, pending.id
        db.session.close()  # the confirmation is another request: nothing cached from the preview
        started = time.perf_counter()
        pending = db.session.get(CsvImport, import_id)
        result = import_jobs.run_now(pending, None, pending.summary["digest"], None)
        db.session.commit()
        seconds = time.perf_counter() - started
        db.session.close()
        started = time.perf_counter()
        import_jobs.send_invitations.call_local(import_id)
        invite_s = time.perf_counter() - started
        invited = db.session.get(CsvImport, import_id).invited
    _emit({"seconds": seconds, "preview_s": preview_s, "rows": len(plan.rows), "created": result.created,
           "enrolled": result.enrolled, "invited": invited, "invite_s": invite_s})  # fmt: skip


def launch(command: list[str]) -> int:
    """Run `command`, then print its own peak RSS from wait4() (see run_child)."""
    process = subprocess.Popen(command)  # noqa: S603 - the benchmark's own commands
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    print(f"{RUSAGE}{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime:.3f}", flush=True)
    return process.returncode


def import_alone(argv: list[str]) -> int:
    """`python -m bench.bulk csv-import`: only the CSV import item, on a database seeded for it; pass or missed."""
    import shutil
    import tempfile

    from bench import seed

    parser = argparse.ArgumentParser(prog="python -m bench.bulk csv-import", description=import_alone.__doc__)
    parser.add_argument("--server", default=os.environ.get("BENCH_DATABASE_URL") or None,
                        help="a PostgreSQL server URL (default: SQLite, or BENCH_DATABASE_URL)")  # fmt: skip
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tadbir-bench-import-"))
    (work / "empty-content").mkdir()
    name = "tadbir_bench_import"
    try:
        url = seed.create_database(name, work, options.server)
        seed.migrate(url, work / "empty-content")
        info = seed.seed(url, seed.IMPORT)
        print(f"  seeded {info['rows']['user_account']:,} accounts in {info['seconds']:.1f} s", flush=True)
        env = {"CONTENT_DIR": str(work / "empty-content"), "SECRET_KEY": "bench-secret-key",
               "TADBIR_RATELIMIT_ENABLED": "false"}  # fmt: skip
        rows: list[dict] = []
        _import(rows, info, url, work, 0, work, env)
    finally:
        seed.drop_database(name, options.server)
        shutil.rmtree(work, ignore_errors=True)
    (row,) = rows
    passed = row["seconds"] <= IMPORT_TARGET_S
    backend = "PostgreSQL" if options.server else "SQLite"
    print(f"    {row['detail']}")
    disturbed = " — disturbed by other programs" if row["disturbed"] else ""
    print(f"{'pass' if passed else 'MISSED'}: {IMPORT_ROWS:,}-row CSV import confirmed in {row['seconds']:.2f} s on "
          f"{backend} (target ≤ {IMPORT_TARGET_S:g} s){disturbed}")  # fmt: skip
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["launch"]:
        sys.exit(launch(argv[1:]))
    if argv[:1] == ["csv-import"]:
        sys.exit(import_alone(argv[1:]))
    parser = argparse.ArgumentParser(prog="python -m bench.bulk", description="One bulk task (run by bench.run).")
    parser.add_argument("task", choices=("certificates", "zip", "import"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--content-dir", required=True)
    parser.add_argument("--course")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--out")
    parser.add_argument("--cohort", type=int)
    parser.add_argument("--rows", type=int, default=5_000)
    arguments = parser.parse_args(argv)
    tasks = {"certificates": task_certificates, "zip": task_zip, "import": task_import}
    tasks[arguments.task](arguments)


if __name__ == "__main__":
    main()
