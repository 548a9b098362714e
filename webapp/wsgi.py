"""WSGI entry point for production servers: ``gunicorn 'webapp.wsgi:app'``.

Configuration comes from ``REGIOKARTE_CONFIG`` and ``REGIOKARTE_*`` variables, as for the
command line. A production server needs a strong ``portal.secret_key`` (and
``portal.base_url`` when mail goes out through SMTP): without them this module refuses to
load with a message that names the setting (``webapp.startup``). The search index is built
here, before the first request; with gunicorn's ``--preload`` (``webapp/gunicorn_conf.py``)
it is built once and shared by the forked workers.
"""

import ctypes
import gc
import sys

# The start allocates millions of objects that all stay (modules, the index's lists and
# strings): the cyclic collector would walk them again and again while they grow and find
# nothing to free. It is off until the index is built and runs once then (_release_free_memory).
gc.disable()
try:
    from flask import Flask

    from core.errors import ConfigError
    from webapp.app import create_app
    from webapp.context import EXTENSION_KEY
except BaseException:
    gc.enable()
    raise
# what the imports made lives as long as the process: no collection needs to look at it again
gc.freeze()


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


def _started_app() -> Flask:
    """The app with its search index built, its database connections closed."""
    try:
        try:
            app = create_app(production=True)
        except ConfigError as exc:
            # a plain sentence on stderr and a failed start, not a traceback to dig through
            print(f"regiokarte: {exc.message}", file=sys.stderr, flush=True)
            raise SystemExit(2) from None
        platform = app.extensions[EXTENSION_KEY]
        platform.engine.refresh(force=True)
        # connections must not cross a fork (gunicorn --preload): each worker opens its own
        platform.db.dispose()
    finally:
        gc.enable()
    return app


app = _started_app()
_release_free_memory()
