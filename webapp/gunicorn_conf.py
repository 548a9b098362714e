"""gunicorn settings for production: ``gunicorn -c python:webapp.gunicorn_conf 'webapp.wsgi:app'``.

Flags on the command line win over these values (``--bind 0.0.0.0:8000 --workers 4``);
``WEB_CONCURRENCY`` sets the number of workers (default: one per CPU core). The portal's own
settings come from ``REGIOKARTE_CONFIG`` and ``REGIOKARTE_*`` as for the command line.

Several workers and several servers share one database (PostgreSQL) and nothing else:

* each worker keeps its own search index and follows the database's change log
  (``search.refresh_interval``), so a write through any worker or server is found by every
  worker within about that interval;
* sessions are signed cookies checked against session records in the database: every worker
  and server needs the same ``portal.secret_key``. The server refuses to start without a
  strong one (and without ``portal.base_url`` when mail goes out through SMTP): reading this
  file checks the settings first and names what is missing (``webapp.startup``);
* rate limits are counted where ``limits.storage_uri`` says: ``memory://`` counts per worker
  (fine for one worker), several workers or servers need ``redis://host:6379`` (the ``redis``
  extra of the package). A warning is logged at start when several workers count in memory.

Overload: connections wait in the listen backlog until a worker is free; gunicorn itself never
gives up on one. The app measures how long each request waited there and answers those that
waited too long 503 with ``Retry-After`` at once (``webapp/overload.py``, settings
``[overload]``), so under more load than the workers can serve the queue stays short and the
server recovers as soon as the load drops.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Any

bind = "127.0.0.1:8000"
workers = int(os.environ.get("WEB_CONCURRENCY", "0")) or multiprocessing.cpu_count()
# Searches are short and CPU-bound (numpy): one request at a time per process uses the cores
# best; a reverse proxy in front buffers slow clients.
worker_class = "sync"
# build the index once before forking: the workers share its memory until it changes
preload_app = True
# Connections the kernel holds while every worker is busy (gunicorn's default, said here since
# the overload protection depends on it): a refusal costs a worker about a millisecond, so even
# a full backlog is answered within a few seconds; beyond it, connections are refused.
backlog = 2048
timeout = 30
graceful_timeout = 20
# gunicorn's control socket (gunicornc) is one path per user by default: several servers on a
# host would take it from each other, and the portal does not use it
control_socket_disable = True
# the proxy in front logs requests; errors still go to stderr
accesslog = None
errorlog = "-"
loglevel = "info"


def when_ready(server: Any) -> None:
    """Warn when per-worker state would split across workers (rate limits in memory)."""
    from core.settings import load_settings

    settings = load_settings()
    limits = getattr(settings, "limits", None)
    uri = getattr(limits, "storage_uri", "memory://")
    if server.cfg.workers > 1 and uri.startswith("memory://") and getattr(limits, "enabled", 1):
        server.log.warning(
            "limits.storage_uri is %s with %d workers: every worker counts rate limits on its "
            "own; set REGIOKARTE_LIMITS__STORAGE_URI=redis://host:6379 to share them.",
            uri,
            server.cfg.workers,
        )


def _refuse_insecure_start() -> None:
    """Stop gunicorn before it loads the app when the settings are unfit for production."""
    from core.errors import RegiokarteError
    from core.settings import load_settings
    from webapp.startup import check_production

    try:
        check_production(load_settings())
    except RegiokarteError as exc:
        print(f"regiokarte: {exc.message}", file=sys.stderr, flush=True)
        # SystemExit passes gunicorn's handler of broken configuration files untouched
        raise SystemExit(2) from None


_refuse_insecure_start()
