"""Gunicorn's settings; `gunicorn sgid_rp.wsgi` reads this file from the working directory.

Every value can be set from the environment. See README "Deploying".
"""

import glob
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile

bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Threads per worker. A login spends most of its time waiting on sgID (two calls of tens to
# hundreds of milliseconds), not on the CPU, so a worker runs many; at most
# SGID_MAX_CONCURRENT_CALLS of them wait on sgID at once (accounts/bulkhead.py), the rest serve
# every other page. The settings read the same variable with the same default (WEB_THREADS).
threads = int(os.environ.get("GUNICORN_THREADS", "32"))
# A callback makes up to three calls to sgID (token, JWKS, userinfo), each bounded by about
# twice SGID_HTTP_TIMEOUT: the worker timeout must be longer than all of them together.
timeout = int(6 * float(os.environ.get("SGID_HTTP_TIMEOUT", "5")) + 10)
graceful_timeout = 30
keepalive = 5
# The app logs one line per request, with its request id and without the query string (the
# callback's holds the authorization code), so gunicorn's own access log stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Which proxies may set X-Forwarded-* (comma-separated addresses; "*" only behind a private LB).
# The site reads the same variable, with the same default, to believe X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Recycle workers now and then, a little apart, as insurance against a slow leak (the benchmark
# shows memory flat). Rarely: a new worker imports Django again, ~1 s of CPU, and at 2000 a
# busy 2-core host spent it every few seconds (bench/history.md).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# gunicorn's control socket (for `gunicornc`) defaults to one path per user, which every instance
# on the host would share; it stays off unless a path of this instance's own is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def on_starting(server):
    """Refuse to start on a configuration Django's system checks reject.

    `runserver` and `migrate` run the checks; gunicorn runs none, so a site with, say, no shared
    cache or the dev sgID with DEBUG off would otherwise start and serve. They run in a child
    process: the master never imports the application, so a reload (HUP) or a recycled worker
    loads the code and settings of the moment.
    """
    # The site sizes its bulkhead and its pool to sgID from the thread count (settings.py,
    # WEB_THREADS): give the workers the one gunicorn runs, however it was set (this file,
    # GUNICORN_THREADS, --threads or GUNICORN_CMD_ARGS).
    os.environ["GUNICORN_THREADS"] = str(server.cfg.threads)
    # Metrics from every worker, added up at /metrics (operations/metrics.py, prometheus-client's
    # multiprocess mode): the workers write their figures to a directory of this server's own,
    # emptied at start so that a restart does not add an earlier run's counts.
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if not metrics_dir:
        metrics_dir = tempfile.mkdtemp(prefix="sgid-rp-metrics-")
        _made_for_metrics.append(metrics_dir)
    os.makedirs(metrics_dir, exist_ok=True)
    for stale in glob.glob(os.path.join(metrics_dir, "*.db")):
        os.remove(stale)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--fail-level", "ERROR"],
        cwd=os.path.dirname(os.path.abspath(__file__)),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        # The last lines name the failed check and the variable to set (or the error raised).
        reason = "\n".join((result.stderr or result.stdout).strip().splitlines()[-12:])
        server.log.error("Refusing to start: %s", reason)
        sys.exit(1)


# The metrics directory this server made for itself (none when PROMETHEUS_MULTIPROC_DIR is set).
_made_for_metrics: list[str] = []


def child_exit(server, worker):
    """A worker ended: its live-process gauges go; its counters stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    for directory in _made_for_metrics:
        shutil.rmtree(directory, ignore_errors=True)
