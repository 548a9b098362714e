"""The application factory: settings -> platform (core + plugins) -> Flask app."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import flask
import flask_smorest
from flask import Flask

from core.errors import ConfigError
from core.i18n import configure_languages, use_language
from core.platform import Platform
from core.portal import accounts
from core.settings import load_settings
from webapp import kit, pages, startup
from webapp.admin import init_admin
from webapp.api import Api, init_api
from webapp.context import EXTENSION_KEY, init_languages
from webapp.errors import register_error_handlers
from webapp.overload import init_overload
from webapp.portal import init_portal
from webapp.portal.alerts import init_alerts
from webapp.questionnaire import init_questionnaire
from webapp.security import init_security

__all__ = ["create_app"]

MAX_BODY_BYTES = 1024 * 1024


def create_app(
    config: Mapping[str, Any] | None = None,
    *,
    extra_plugins: Mapping[str, Any] | None = None,
    platform: Platform | None = None,
    production: bool = False,
) -> Flask:
    """Build the app: defaults -> REGIOKARTE_CONFIG file -> REGIOKARTE_* env -> ``config``.

    ``config`` holds test overrides in the shape of the TOML file (``{"portal": {...}}``);
    ``extra_plugins`` maps plugin names to plugin objects besides the installed ones (tests);
    ``platform`` reuses an already built platform (then ``config`` must be None);
    ``production`` (the WSGI entry point) refuses to start without a strong
    ``portal.secret_key`` (and ``portal.base_url`` when mail goes out), see
    ``webapp.startup``; otherwise an empty key means a random development key.
    """
    if platform is None:
        platform = Platform(load_settings(overrides=config), extra_plugins=extra_plugins)
    elif config is not None or extra_plugins is not None:
        raise ValueError("Pass either a platform or config/extra_plugins, not both.")
    settings = platform.settings
    # the login rules are settings too: impossible values stop the start, not the first login
    accounts.LoginPolicy.from_settings(settings.accounts)
    accounts.PasswordPolicy.from_settings(settings.accounts)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = startup.secret_key(settings, production=production)
    # bodies are profiles of a few kilobytes; refuse megabytes early (413, JSON like all errors)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions[EXTENSION_KEY] = platform
    # the catalogs' languages and the operator's corrections (docs/translations.md)
    configure_languages(settings.portal.languages, settings.portal.translations or None)

    register_error_handlers(app)
    init_languages(app)
    limiter = init_security(app, platform)
    # in the app's context, so the OpenAPI document lists this portal's languages
    with app.app_context():
        api = init_api(app, platform, limiter)
        init_portal(app)
        init_alerts(app, limiter)
        init_questionnaire(app, limiter)
        init_admin(app, limiter)
        app.register_blueprint(pages.blp)
        _register_plugin_blueprints(app, api, platform)
    _register_plugin_commands(app, platform)

    @app.before_request
    def _texts_in_page_language() -> None:
        # core's Text labels resolve in the language of the request (core knows no Flask);
        # until the request ends only, so what runs next in this thread (a test, a command)
        # does not inherit it
        stack = contextlib.ExitStack()
        stack.enter_context(use_language(kit.page_language()))
        flask.g.regiokarte_text_language = stack

    @app.teardown_request
    def _texts_language_ends(error: BaseException | None) -> None:
        stack = flask.g.pop("regiokarte_text_language", None)
        if stack is not None:
            stack.close()

    # last, so that its check runs before every other one
    init_overload(app, settings.overload)
    return app


def _hook_results(platform: Platform, hook: str) -> list[tuple[str, Any]]:
    """(plugin name, object) for each object the plugins return from ``hook``, in plugin order."""
    return [
        (plugin, item) for plugin, found in platform.collect_by_plugin(hook) for item in found or ()
    ]


def _register_plugin_blueprints(app: Flask, api: Api, platform: Platform) -> None:
    """Mount the blueprints plugins return; flask-smorest ones go into the OpenAPI document."""
    for plugin, blp in _hook_results(platform, "register_blueprints"):
        try:
            if isinstance(blp, flask_smorest.Blueprint):
                with api.schema_names.for_plugin(plugin):
                    api.register_blueprint(blp)
            elif isinstance(blp, flask.Blueprint):
                app.register_blueprint(blp)
            else:
                raise ConfigError(
                    f"Plugin {plugin!r} returned {blp!r} from register_blueprints; "
                    "return flask.Blueprint or flask_smorest.Blueprint objects."
                )
        except ValueError as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(
                f"Plugin {plugin!r}: its blueprint {blp.name!r} cannot be registered: {exc}"
            ) from None


def _register_plugin_commands(app: Flask, platform: Platform) -> None:
    """Add the plugins' click commands under ``regiokarte`` (FlaskGroup looks in app.cli)."""
    import click

    from webapp.cli import cli

    for plugin, command in _hook_results(platform, "register_commands"):
        if not isinstance(command, click.Command):
            raise ConfigError(
                f"Plugin {plugin!r} returned {command!r} from register_commands; "
                "return click commands or groups."
            )
        if command.name in app.cli.commands or command.name in cli.commands:
            raise ConfigError(
                f"Plugin {plugin!r} adds the command {command.name!r}, which "
                "exists already; name it after the plugin."
            )
        app.cli.add_command(command)
