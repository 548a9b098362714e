"""The REST API v1: a flask-smorest ``Api`` with one blueprint per resource.

The OpenAPI document is served at ``/api/openapi.json`` and shown at ``/api/docs`` (Swagger UI
from vendored files, see ``webapp/static/vendor/swagger-ui``).
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from flask import Flask, Response
from flask_limiter import Limiter
from werkzeug.exceptions import HTTPException

from core.platform import Platform
from webapp.api import (
    companies,
    filters,
    layers,
    opendata,
    places,
    plugins,
    search,
    submissions,
)
from webapp.api.schemas import ErrorSchema
from webapp.errors import error_response, http_error_payload

__all__ = ["API_PREFIX", "Api", "init_api"]

API_PREFIX = "/api/v1"
SECURITY_SCHEME = "operatorToken"
EDITOR_SCHEME = "editorToken"


class Api(flask_smorest.Api):
    """flask-smorest's Api with the project's error shape.

    flask-smorest 0.47 builds error responses without werkzeug's headers, so a 405 lost its
    ``Allow`` header; this handler keeps them and fills in a message for every error.
    """

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        message, errors, headers = http_error_payload(error)
        return error_response(error.code or 500, message, errors, headers)


def init_api(app: Flask, platform: Platform, limiter: Limiter) -> Api:
    """Create the Api on ``app`` and register the core resources."""
    app.config.update(
        API_TITLE=f"{platform.settings.portal.title} API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS=_spec_options(platform),
    )
    api = Api(app)
    api.ma_plugin.converter.add_parameter_attribute_function(_allow_empty_value)
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "The operator token (setting portal.operator_token); writes are disabled while "
                "it is empty."
            ),
        },
    )
    api.spec.components.security_scheme(
        EDITOR_SCHEME,
        {
            "type": "apiKey",
            "in": "header",
            "name": "X-Editor-Token",
            "description": (
                "A company editor's personal link secret (the token that POST "
                "/api/v1/submissions returns and the mailed link ends with)."
            ),
        },
    )
    for module in (search, filters, places, companies, layers, plugins, opendata):
        api.register_blueprint(module.blueprint(platform))
    api.register_blueprint(submissions.blueprint(platform, limiter))
    return api


def _allow_empty_value(self: Any, field: Any, **kwargs: Any) -> dict[str, Any]:
    """OpenAPI's allowEmptyValue for query parameters whose field metadata asks for it."""
    return {"allowEmptyValue": True} if field.metadata.get("allowEmptyValue") else {}


def _spec_options(platform: Platform) -> dict[str, Any]:
    return {
        "info": {
            "description": (
                f"Employers of {platform.region.name} on a map: search with facet counts and map "
                "clusters, the filter registry, company profiles, map layers and plugins. "
                "Labels follow `lang=` or Accept-Language (de, en). Errors are JSON objects "
                "with code, status, message and errors per parameter."
            ),
            "license": {"name": "AGPL-3.0-or-later"},
        },
    }
