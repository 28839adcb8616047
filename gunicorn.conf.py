"""Gunicorn for the archive: `gunicorn -c gunicorn.conf.py archive_site.wsgi` (gunicorn reads this
file from the working directory on its own as well).

Sized from the machine: one process per core plus one, each with threads. Rendering a page is
CPU work that one process per core keeps busy; the threads carry the waits (file and tile
streaming, the database, Elasticsearch, a slow client) so a class of thirty opening the same
chapter does not queue behind one video download. Every value can be overridden from the
environment (GUNICORN_*), and gunicorn's own command-line flags override this file.

Behind nginx (docs/DEPLOYMENT.md): bind to loopback or a socket, and list the proxy's address in
GUNICORN_FORWARDED_ALLOW_IPS so X-Forwarded-Proto/For from it are believed (production settings
take https from X-Forwarded-Proto) and from nobody else.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


cores = os.cpu_count() or 1

wsgi_app = "archive_site.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", cores + 1)
threads = _int("GUNICORN_THREADS", 4)
# Load Django once in the master and fork the workers from it: a worker replaced after
# max_requests starts at once instead of importing the site again under load. Safe because
# Django opens database connections on first use, never at import.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# Waiting connections beyond the busy threads, before the kernel refuses them.
backlog = _int("GUNICORN_BACKLOG", 2048)

# A worker silent this long is killed and replaced. The slowest legitimate request is an IIIF
# region rendered from a large master (seconds); streamed downloads keep a gthread worker alive.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Browsers fetch a chapter's images and tiles over the page's connection.
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Replace each worker after this many requests (with jitter, so they do not all restart
# together): bounds memory growth from fragmentation and long-lived caches.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# The heartbeat file on tmpfs: a disk-backed /tmp can stall it under I/O load and get healthy
# workers killed. Gunicorn creates it with mkstemp, so a shared folder is safe.
_SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _SHM if os.path.isdir(_SHM) else None)

forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Access log to stdout: client, request, status, bytes, milliseconds, the page cache's verdict
# (hit/miss/-), referer, agent. Errors to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms cache=%({x-page-cache}o)s "%(f)s" "%(a)s"'
