"""Pages under load (gunicorn + wrk or a Python client) and SQL statements per request (in process)."""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
USER_AGENT = "tadbir-bench/1"  # the same for login and load: Flask-Login ties the session to it
READY_TIMEOUT = 60.0
IDLE_TIMEOUT = 60.0
ATTEMPTS = 3
BALANCED = 0.7  # the busiest of the 2 workers did at most 70% of the work
DISTURBED = 0.15  # other programs took more than 15% of the machine's CPU during the run
CORES = os.cpu_count() or 1
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
FEW_SAMPLES = 50  # below this many responses a p95 is little more than the slowest few
MAX_REQUESTS_PER_THREAD = 2_000_000  # the Python client's loops end at the deadline, or at this count
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    user: str | None  # None: anonymous; else "learner" or "coordinator"
    marker: str  # text the page must contain: proves the load hits the real page, not a redirect


def pages(info: dict) -> list[Page]:
    """The pages measured, on a seeded database described by `info` (see seed.seed)."""
    course, module = info["module_course"], info["module"]
    return [
        Page("healthz", "/healthz", None, '"ok"'),  # the app's floor: its request machinery and one SELECT 1
        Page("catalog", "/", None, "/courses/"),
        Page("course", f"/courses/{course}/", None, f"/courses/{course}/{module}/"),
        Page("module", f"/courses/{course}/{module}/", "learner", 'class="prose"'),
        Page("dashboard", "/me/", "learner", f"/courses/{course}/"),
        Page("report", f"/coordination/courses/{info['largest_course']}/report", "coordinator", "<table"),
    ]


# -- HTTP -----------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, cookie: str | None = None, form: dict | None = None, timeout: float = 30.0):
    """One request to 127.0.0.1:port: (status, set-cookie values, body text)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request("POST" if form is not None else "GET", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers.get_all("Set-Cookie") or [], response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _session_cookie(set_cookies: list[str], current: str | None) -> str | None:
    for header in set_cookies:
        pair = header.split(";", 1)[0]
        if pair.startswith("session="):
            return pair
    return current


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    if match is None:
        raise RuntimeError("no csrf_token input in the login page")
    return match.group(1) or match.group(2)


def login(port: int, email: str, password: str, paths: list[str]) -> str:
    """Log in through /login like a browser; return a session cookie that no longer changes on `paths`."""
    status, set_cookies, html = fetch(port, "/login")
    cookie = _session_cookie(set_cookies, None)
    form = {"email": email, "password": password, "next": "", "csrf_token": csrf_token(html)}
    status, set_cookies, _ = fetch(port, "/login", cookie, form)
    if status != 302:
        raise RuntimeError(f"login of {email} failed: HTTP {status}")
    return settle(port, _session_cookie(set_cookies, cookie), paths)


def settle(port: int, cookie: str | None, paths: list[str]) -> str | None:
    """Visit `paths` until the session cookie stops changing, as a browser keeps the last one it got."""
    # A signed-in person's pages carry forms (the language switch) whose CSRF secret goes into the session:
    # without this, each request of the load would pay for a new signed cookie, which no browser does.
    # Visitors' pages set no cookie (they stay None and are served from the page cache).
    for _round in range(4):
        changed = False
        for path in paths:
            _status, set_cookies, _ = fetch(port, path, cookie)
            new = _session_cookie(set_cookies, cookie)
            changed |= new != cookie
            cookie = new
        if not changed:
            return cookie
    return cookie


# -- servers --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # the gunicorn master

    def worker_cpu(self) -> dict[int, float]:
        """CPU seconds used so far by each of the master's workers (from /proc)."""
        used = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.pid:  # fields: state, ppid, …, utime (12th), stime (13th)
                used[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        return used

    def cpu_seconds(self) -> float:
        return sum(self.worker_cpu().values())

    def wait_idle(self, timeout: float = IDLE_TIMEOUT) -> float:
        """Wait until the workers stop using CPU: wrk leaves requests in flight that would slow the next run."""
        started = time.monotonic()
        last = self.cpu_seconds()
        for _poll in range(int(timeout / 0.25)):  # bounded: at most `timeout` seconds
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - last < 0.02:  # under 8% of one core over the interval
                break
            last = now
        return time.monotonic() - started


@contextmanager
def gunicorn(target: str, env: dict[str, str], log_path: Path, workers: int = 2) -> Iterator[Server]:
    """Serve `target` with the project's gunicorn.conf.py on a free loopback port."""
    port = free_port()
    command = [str(GUNICORN), "-c", "gunicorn.conf.py", "-w", str(workers), "--bind", f"127.0.0.1:{port}", target]
    with open(log_path, "ab") as log:
        # A session of its own: stopping the benchmark stops this server and its workers, nothing else.
        process = subprocess.Popen(  # noqa: S603 - fixed command
            command,
            cwd=ROOT,
            env={**os.environ, "GUNICORN_THREADS": "2", **env},
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    try:
        _wait_ready(process, port, log_path)
        yield Server(port, process.pid)
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    for _poll in range(int(READY_TIMEOUT / 0.1)):  # bounded in count, and below in time
        if time.monotonic() > deadline:
            break
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
        try:
            status, _, _ = fetch(port, "/", timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn not ready after {READY_TIMEOUT:.0f} s; see {log_path}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop: the master stops its workers
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group created for this server only
            process.wait(timeout=10)


# -- load generators ------------------------------------------------------------------------------------


def wrk_version() -> str | None:
    if shutil.which("wrk") is None:
        return None
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)  # noqa: S607
    match = re.search(r"wrk \S+", result.stdout + result.stderr)
    return match.group(0) if match else "wrk"


def run_wrk(port: int, path: str, cookie: str | None, duration: float, connections: int) -> dict:
    # One wrk thread per connection: the threads start one after the other, so the connections reach the
    # gunicorn workers spread out; opened in one burst by a single thread, one worker often accepts them all.
    command = [
        "wrk", f"-t{connections}", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
        "-s", str(Path(__file__).with_name("wrk_report.lua")), "-H", f"User-Agent: {USER_AGENT}",
    ]  # fmt: skip
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)  # noqa: S603
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result: {result.stdout}\n{result.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return {
        "requests": raw["requests"], "seconds": round(seconds, 2), "rps": raw["requests"] / seconds,
        "p50_ms": raw["p50_us"] / 1000, "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000, "errors": errors,
        "kb_per_response": raw["bytes"] / max(1, raw["requests"]) / 1024,
        "few_samples": raw["requests"] < FEW_SAMPLES,
    }  # fmt: skip


def run_python(port: int, path: str, cookie: str | None, duration: float, connections: int) -> dict:
    """The fallback client: one thread per keep-alive connection, GET in a loop until the deadline."""
    headers = {"User-Agent": USER_AGENT, **({"Cookie": cookie} if cookie else {})}
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    received = [0] * connections
    start = time.perf_counter()
    deadline = start + duration

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        count = 0
        while count < MAX_REQUESTS_PER_THREAD and time.perf_counter() < deadline:
            count += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                received[index] += len(response.read())
                if response.status >= 400:
                    errors[index] += 1
                latencies[index].append(time.perf_counter() - began)
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 30)
    seconds = time.perf_counter() - start
    values = sorted(v for per_thread in latencies for v in per_thread)
    if not values:
        raise RuntimeError(f"no response from {path}")
    quantiles = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {
        "requests": len(values), "seconds": round(seconds, 2), "rps": len(values) / seconds,
        "p50_ms": quantiles[49] * 1000, "p95_ms": quantiles[94] * 1000, "p99_ms": quantiles[98] * 1000,
        "max_ms": values[-1] * 1000, "errors": sum(errors), "kb_per_response": sum(received) / len(values) / 1024,
        "few_samples": len(values) < FEW_SAMPLES,
    }  # fmt: skip


# -- the page benchmark ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadSettings:
    duration: float = 8.0
    warmup: float = 1.0
    connections: int = 4  # = 2 workers x 2 threads: the server is saturated without a queue of its own
    client: str = "auto"  # wrk when installed, else python


def load_client(settings: LoadSettings):
    """The load function (wrk or the Python client) and its name."""
    use_wrk = settings.client == "wrk" or (settings.client == "auto" and shutil.which("wrk"))
    return (run_wrk, wrk_version() or "wrk") if use_wrk else (run_python, "Python http.client threads")


def measure_path(server: Server, path: str, cookie: str | None, settings: LoadSettings, connections: int | None = None):
    """Latency and throughput of `path` under load, after a warm-up, with CPU accounting; see below."""
    load, _client = load_client(settings)
    connections = connections or settings.connections
    if settings.warmup > 0:  # first requests of each worker compile templates and fill caches
        load(server.port, path, cookie, settings.warmup, connections)
        server.wait_idle()
    best = None
    # Two things spoil a run, and both are detected from CPU accounting, then the run is done again (a
    # bounded number of times): one gthread worker may accept every keep-alive connection, leaving the
    # other idle (throughput halves); and other programs on the machine may take CPU during the run.
    # The first clean run is kept, else the fastest, flagged.
    for attempt in range(1, ATTEMPTS + 1):
        workers, machine, own, database = server.worker_cpu(), machine_busy(), own_cpu(), database_cpu()
        figures = load(server.port, path, cookie, settings.duration, connections)
        used = [cpu - workers.get(pid, 0.0) for pid, cpu in server.worker_cpu().items()]
        database = database_cpu() - database
        others = machine_busy() - machine - (own_cpu() - own) - sum(used) - database
        figures["drain_s"] = round(server.wait_idle(), 2)  # requests still running when the client stopped
        figures["busiest_worker_share"] = round(max(used) / sum(used), 2) if sum(used) > 0 else 1.0
        figures["others_cpu_share"] = round(max(0.0, others) / (CORES * figures["seconds"]), 3)
        figures["attempts"] = attempt
        figures["worker_cpu_s"] = [round(x, 2) for x in used]
        figures["database_cpu_s"] = round(database, 2)
        # What one response costs the server (workers, plus PostgreSQL's processes when it is the database).
        figures["cpu_ms_per_request"] = round((sum(used) + database) / max(1, figures["requests"]) * 1000, 3)
        figures["balanced"] = connections == 1 or figures["busiest_worker_share"] <= BALANCED
        figures["undisturbed"] = figures["others_cpu_share"] <= DISTURBED
        figures["clean"] = figures["balanced"] and figures["undisturbed"]
        if best is None or figures["clean"] or figures["rps"] > best["rps"]:
            best = figures
        if figures["clean"]:
            break
    return best


def measure_pages(info: dict, env: dict[str, str], work: Path, settings: LoadSettings) -> dict:
    """Throughput and latency of the control and of each page, in the same run; ratios to the control."""
    _load, client = load_client(settings)

    def measure(server: Server, path: str, cookie: str | None, connections: int | None = None) -> dict:
        return measure_path(server, path, cookie, settings, connections)

    results: dict = {"client": client, "connections": settings.connections, "duration_s": settings.duration}
    with gunicorn("bench.control:app", {}, work / "control.log") as control:
        print(f"  load: {client}, {settings.connections} connections, {settings.duration:g} s per page", flush=True)
        before = measure(control, "/", None)
        progress("control (before)", before)
        with gunicorn("wsgi:app", env, work / "app.log") as app:
            port = app.port
            targets = pages(info)
            cookies = {
                role: login(port, info[role], info["password"], [p.path for p in targets if p.user == role])
                for role in ("learner", "coordinator")
            }
            cookies[None] = settle(port, None, [p.path for p in targets if p.user is None])
            rows = []
            for page in targets:
                cookie = cookies[page.user]
                status, set_cookies, body = fetch(port, page.path, cookie)
                if status != 200 or page.marker not in body:
                    raise RuntimeError(f"{page.path} as {page.user or 'anonymous'}: HTTP {status}, marker missing")
                figures = measure(app, page.path, cookie)
                figures.update(name=page.name, path=page.path, user=page.user or "anonymous",
                               sets_cookie=bool(set_cookies))  # fmt: skip
                progress(page.name, figures)
                rows.append(figures)
            report = next(p for p in targets if p.name == "report")
            single = measure(app, report.path, cookies["coordinator"], connections=1)
            progress("report, 1 connection", single)
        after = measure(control, "/", None)
        progress("control (after)", after)
    control_rps = (before["rps"] + after["rps"]) / 2
    for row in rows:
        row["ratio"] = row["rps"] / control_rps
    results.update(control={"before": before, "after": after, "rps": control_rps}, pages=rows, report_single=single)
    return results


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def database_cpu() -> float:
    """CPU seconds of PostgreSQL's server processes: on PostgreSQL they do part of each page's work."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if Path(f"/proc/{entry}/comm").read_text().strip() != "postgres":
                continue
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def own_cpu(children: bool = True) -> float:
    """CPU seconds of this process, and of its waited-for children (wrk) unless `children` is false."""
    usages = [
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)[: 2 if children else 1]
    ]
    return sum(usage.ru_utime + usage.ru_stime for usage in usages)


def flags(figures: dict, prefix: str = " ") -> str:
    """What spoiled the kept run, if anything: `imbalanced` (one worker did the work), `disturbed`."""
    spoiled = [
        name for name, ok in (("imbalanced", "balanced"), ("disturbed", "undisturbed")) if not figures.get(ok, 1)
    ]
    return "".join(prefix + name for name in spoiled)


def progress(name: str, figures: dict) -> None:
    print(
        f"    {name:<22} {figures['rps']:8.1f} req/s  p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms"
        f"  errors {figures['errors']}  (run {figures['attempts']}{flags(figures, ', ')})",
        flush=True,
    )


# -- SQL statements per request -------------------------------------------------------------------------


def sql_counts(info: dict, content_dir: Path) -> dict[str, int]:
    """Statements each page runs, counted in process with the test client (after one warm-up request)."""
    from sqlalchemy import event

    from bench.seed import app_config
    from courses import create_app
    from courses.extensions import db

    app = create_app(app_config(info["url"], content_dir))
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(connection, cursor, statement, *args) -> None:
        statements.append(statement)

    counts: dict[str, int] = {}
    for page in pages(info):
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
        if page.user:
            token = csrf_token(client.get("/login").get_data(as_text=True))
            response = client.post("/login", data={"email": info[page.user], "password": info["password"],
                                                   "csrf_token": token})  # fmt: skip
            if response.status_code != 302:
                raise RuntimeError(f"in-process login of {info[page.user]} failed: {response.status_code}")
        client.get(page.path)  # warm: a first view inserts the progress row, once
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.get(page.path)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        if response.status_code != 200:
            raise RuntimeError(f"{page.path}: HTTP {response.status_code} in process")
        counts[page.name] = len(statements)
    with app.app_context():
        db.engine.dispose()
    return counts


if __name__ == "__main__":  # pragma: no cover - run through `python -m bench`
    sys.exit("run the benchmarks with: python -m bench")
