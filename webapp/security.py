"""Sessions, CSRF protection and rate limits of the web app.

* Sessions: Flask's signed cookie (``portal.secret_key``), HttpOnly, SameSite=Lax, Secure when
  ``portal.secure_cookies`` is set, lasting ``accounts.session_hours``.
* CSRF: Flask-WTF's token, bound to the session, checked on every POST of the HTML forms
  (questionnaire and operator pages) by ``csrf_protect()``. The JSON API authenticates with
  headers (operator or editor token), never with cookies, so it needs no CSRF token.
* Rate limits: Flask-Limiter, keyed by the client address; ``limits.storage_uri`` says where
  counts live (``memory://`` counts per worker process: use Redis with several workers, and
  put ``werkzeug.middleware.proxy_fix.ProxyFix`` in front when a proxy forwards requests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from core.platform import Platform

__all__ = ["csrf_protect", "init_security", "limiter_of", "rate_limit"]

LIMITER_KEY = "regiokarte.limiter"
CSRF_KEY = "regiokarte.csrf"


def init_security(app: Flask, platform: Platform) -> Limiter:
    """Configure sessions, CSRF and the rate limiter on ``app``; the limiter is returned."""
    settings = platform.settings
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.portal.secure_cookies,
        SESSION_COOKIE_NAME="regiokarte_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=settings.accounts.session_hours),
        # checked by the HTML blueprints themselves (csrf_protect); the API uses headers
        WTF_CSRF_CHECK_DEFAULT=False,
        # valid as long as the session: filling in a long step must not make it expire
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=settings.portal.secure_cookies,
    )
    app.extensions[CSRF_KEY] = CSRFProtect(app)
    limits = settings.limits
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=limits.storage_uri,
        enabled=limits.enabled,
        headers_enabled=True,
        strategy="moving-window",
    )
    app.extensions[LIMITER_KEY] = limiter
    return limiter


def limiter_of(app: Flask) -> Limiter:
    limiter: Limiter = app.extensions[LIMITER_KEY]
    return limiter


def csrf_protect() -> None:
    """Reject the current request (400, CSRFError) unless it carries the session's token."""
    protect: CSRFProtect = current_app.extensions[CSRF_KEY]
    protect.protect()


def rate_limit(limiter: Limiter, scope: str, setting: Callable[[], str]) -> Callable[[Any], Any]:
    """A POST-only limit whose value is read from the settings on each request; every route
    with the same ``scope`` (the HTML form and the API, say) counts against one budget."""
    return limiter.shared_limit(setting, scope=scope, methods=["POST"])
