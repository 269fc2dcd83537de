"""gunicorn's settings for the clinic site: `gunicorn -c deploy/gunicorn.conf.py`.

Each value can be changed from the environment (docs/deploy.md lists them); the defaults suit
one small server behind a TLS-terminating proxy on the same machine.
"""

import gc
import multiprocessing
import os

wsgi_app = "clinic_site.wsgi:application"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request is short and database-bound; a few processes per core.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Django is imported once, in the master, and workers are forked from it: a recycled worker is
# serving again at once instead of importing everything anew while its peers carry the load.
# No database or Redis connection is opened at import, so no socket is shared between workers.
preload_app = True
# X-Forwarded-Proto is trusted only from the proxy's address (the TLS terminator).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn 27's control socket lives at one path per user: several instances on one machine
# (tests, scaling out on one host) would fight over it, and nothing here uses it.
control_socket_disable = True

# Logs to standard output for the service manager, as JSON lines like the application's.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "ops.gunicorn.JsonLogger"


def when_ready(server):
    """In the master, before the first worker is forked: workers start warm (ops/warmup.py)."""
    if server.cfg.preload_app:  # else the master has not loaded Django
        from ops.warmup import warm_up

        warm_up()


def pre_fork(server, worker):
    """In the master, before each worker is forked: hide the app's objects from the garbage
    collector. Otherwise a new worker's first full collection walks the whole heap it inherited,
    writing to every object and so copying every memory page it shares with the master. Under
    load, each worker recycled by max_requests showed up as a p99 stall."""
    gc.freeze()
