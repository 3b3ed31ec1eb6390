"""gunicorn settings for `make serve` and production (`gunicorn -c gunicorn.conf.py wsgi:app`)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Workers are processes: the app keeps no state in memory (sessions in cookies, data in the DB).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
