"""WSGI entry point for production servers: ``gunicorn 'webapp.wsgi:app'``.

Configuration comes from ``REGIOKARTE_CONFIG`` and ``REGIOKARTE_*`` variables, as for the
command line. The search index is built here, before the first request; with gunicorn's
``--preload`` it is built once and shared by the forked workers.
"""

from webapp.app import create_app
from webapp.context import EXTENSION_KEY

app = create_app()
_platform = app.extensions[EXTENSION_KEY]
_platform.engine.refresh(force=True)
# connections must not cross a fork (gunicorn --preload): each worker opens its own
_platform.db.dispose()
