"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py wsgi:app`)."""

import gc
import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Workers are processes: the app keeps no state in memory (sessions in cookies, data in the DB),
# except rate-limit counts with the default per-process storage (memory://). Several workers must
# share one count, so without a shared store (RATELIMIT_STORAGE_URI=redis://…) the default is one
# worker with more threads, and the app refuses to start if told to run several (see on_starting).
_limits = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get("TADBIR_RATELIMIT_STORAGE_URI") or "memory://"
_shared_limits = not _limits.startswith("memory://")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1 if _shared_limits else 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2 if _shared_limits else 8))
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """Tell the app how many processes will serve it (it refuses per-process rate limits with several)."""
    os.environ["TADBIR_SERVER_PROCESSES"] = str(server.cfg.workers)


def post_worker_init(worker):
    """Once the app is loaded, move everything it made so far out of the garbage collector's sight:
    modules, templates and caches live as long as the worker, and scanning them on every collection
    cost requests time (the coordinator report's p95 most)."""
    gc.collect()
    gc.freeze()
