"""WSGI entry point for production servers: ``gunicorn 'webapp.wsgi:app'``.

Configuration comes from ``REGIOKARTE_CONFIG`` and ``REGIOKARTE_*`` variables, as for the
command line. The search index is built here, before the first request; with gunicorn's
``--preload`` (``webapp/gunicorn_conf.py``) it is built once and shared by the forked workers.
"""

import ctypes
import gc

from webapp.app import create_app
from webapp.context import EXTENSION_KEY


def _release_free_memory() -> None:
    """Hand the index build's scratch memory back to the system before the workers fork, and
    keep the garbage collector away from what is left: every worker shares those pages instead
    of copying them (CPython's collector writes to every object it visits)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the memory stays with the process
    gc.freeze()


app = create_app()
_platform = app.extensions[EXTENSION_KEY]
_platform.engine.refresh(force=True)
# connections must not cross a fork (gunicorn --preload): each worker opens its own
_platform.db.dispose()
_release_free_memory()
