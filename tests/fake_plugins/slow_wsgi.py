"""The web app with the slow test plugin, for gunicorn: ``fake_plugins.slow_wsgi:app`` (with
``tests`` on the Python path and ``REGIOKARTE_PLUGINS__ENABLED='["slow"]'``)."""

from fake_plugins.slow import SlowPlugin
from webapp.app import create_app

app = create_app(extra_plugins={"slow": SlowPlugin()})
