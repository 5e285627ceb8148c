"""gunicorn settings, each from the environment with a default fit for one app server.

    gunicorn dealtracker.wsgi        # reads this file from the working directory

App servers keep no state of their own (sessions in the database, cache in Redis), so run as
many as the load needs behind a load balancer; docs/deploy.md says what to size against what.
"""

import gc
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Django's views are synchronous and, with the indexes in, mostly CPU: one worker per core plus
# one by default, one thread each. Each thread holds one database connection (CONN_MAX_AGE), so
# workers x threads x app servers must stay under PostgreSQL's max_connections (or a pgbouncer
# in front of it).
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1)
threads = _int("GUNICORN_THREADS", 1)
# gthread even with one thread: its main loop tells the master it is alive while a thread
# streams a response. A sync worker only does so between requests, so the master killed it
# `timeout` seconds into the bulk export, which takes half an hour at a million deals (found by
# the benchmark's --export). gthread also keeps connections alive between requests.
worker_class = "gthread"
# A worker whose main loop stops answering for this long is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 120)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then, so slow growth in one (a leak in a library) never adds up.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1000)
# Load the app before forking: workers share its memory pages and start faster.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
# The app logs one line per request itself (dealtracker.request); gunicorn's access log would
# repeat it.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a load balancer: trust its X-Forwarded-* headers from these addresses.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Temporary files of the worker heartbeat on tmpfs, not a slow disk (as gunicorn advises in
# containers).
_shm = "/dev/shm" if os.path.isdir("/dev/shm") else None
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", _shm)


# Python's cyclic garbage collector. What loading the app made (Django, the URL configuration,
# the templates, the translations: some 100,000 objects) lives as long as the worker, yet each
# full collection scanned it all again, a hundred milliseconds every few hundred requests of a
# large page. Frozen before the fork (as Python's documentation advises for forking servers),
# it is left out of every collection and its memory pages stay shared with the master. The
# first generation's threshold (Python's default is 700 allocations) lets most of a request's
# objects die before a collection promotes them into the older generations.
GC_THRESHOLD = _int("GC_THRESHOLD", 10_000)


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    # A connection opened before the fork (preload_app) must not be shared between workers.
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
    if GC_THRESHOLD > 0:
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
