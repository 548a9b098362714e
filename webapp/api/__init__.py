"""The REST API v1: a flask-smorest ``Api`` with one blueprint per resource.

The OpenAPI document is served at ``/api/openapi.json`` and shown at ``/api/docs`` (Swagger UI
from vendored files, see ``webapp/static/vendor/swagger-ui``).
"""

from __future__ import annotations

from typing import Any

import flask_smorest
from apispec.ext.marshmallow import MarshmallowPlugin
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
from webapp.api.schema_names import SchemaNames
from webapp.api.schemas import ErrorSchema
from webapp.errors import error_response, http_error_payload, page_for_http_error

__all__ = ["API_PREFIX", "Api", "init_api"]

API_PREFIX = "/api/v1"
SECURITY_SCHEME = "operatorToken"
EDITOR_SCHEME = "editorToken"


class Api(flask_smorest.Api):
    """flask-smorest's Api with the project's error shape.

    flask-smorest 0.47 builds error responses without werkzeug's headers, so a 405 lost its
    ``Allow`` header; this handler keeps them and fills in a message for every error.
    ``schema_names`` names the schemas of the document (plugins' under their names, see
    ``webapp.api.schema_names``).
    """

    ERROR_SCHEMA = ErrorSchema
    schema_names: SchemaNames

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        page = page_for_http_error(error)
        if page is not None:
            return page
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
    names = SchemaNames()
    api = Api(
        app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(schema_name_resolver=names)}
    )
    names.spec = api.spec
    api.schema_names = names
    api.ma_plugin.converter.add_parameter_attribute_function(_allow_empty_value)
    api.ma_plugin.converter.add_attribute_function(_only_null)
    api.ma_plugin.converter.add_attribute_function(_no_nul)
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
    for blueprint in (
        search.blueprint(platform),
        filters.blp,
        places.blp,
        companies.blp,
        layers.blp,
        plugins.blp,
        opendata.blueprint(platform),
    ):
        api.register_blueprint(blueprint)
    submissions.init_submissions(app, api, limiter)
    return api


def _allow_empty_value(self: Any, field: Any, **kwargs: Any) -> dict[str, Any]:
    """OpenAPI's allowEmptyValue for query parameters whose field metadata asks for it."""
    return {"allowEmptyValue": True} if field.metadata.get("allowEmptyValue") else {}


def _only_null(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A nested object that may be null: the object or null. apispec writes the null branch
    as ``{"type": "object", "nullable": true}``, which any object matches."""
    branches = ret.get("anyOf")
    loose = {"type": "object", "nullable": True}
    if not isinstance(branches, list) or loose not in branches:
        return {}
    return {"anyOf": [b if b != loose else {"nullable": True, "enum": [None]} for b in branches]}


#: Text without U+0000, which PostgreSQL cannot store: core refuses it in every body field.
NO_NUL = "^[^\\u0000]*$"


def _no_nul(self: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The text fields of core's request bodies say that they hold no U+0000 (a field with a
    pattern of its own names the characters it takes already). Query parameters and answers
    are left as they are."""
    from webapp.api.schemas import LanguageArgsSchema, StrictSchema

    owner = type(getattr(field, "parent", None) or field)
    body = issubclass(owner, StrictSchema) and not issubclass(owner, LanguageArgsSchema)
    if not body or not owner.__module__.startswith("webapp.api") or ret.get("type") != "string":
        return {}
    if "pattern" in ret or "format" in ret or "enum" in ret:
        return {}
    return {"pattern": NO_NUL}


def _spec_options(platform: Platform) -> dict[str, Any]:
    return {
        "info": {
            "description": (
                f"Employers of {platform.region.name} on a map: search with facet counts and map "
                "clusters, the filter registry, company profiles, map layers and plugins. "
                "Labels follow `lang=` or Accept-Language "
                f"({', '.join(platform.settings.portal.languages)}). Errors are JSON objects "
                "with code, status, message and errors per parameter. No text in a request body "
                "may hold the character U+0000 (NUL)."
            ),
            "license": {"name": "AGPL-3.0-or-later"},
        },
    }
