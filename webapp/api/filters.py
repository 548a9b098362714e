"""GET /api/v1/filters: the filter registry, so a client builds its filter UI from data."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from core.search.filters import FilterKind, FilterSpec
from webapp.api.schemas import FilterListSchema, LanguageArgsSchema
from webapp.context import current_platform, request_language

__all__ = ["blp", "serialise_filter"]


def serialise_filter(spec: FilterSpec, lang: str, problem: str | None = None) -> dict[str, Any]:
    """The JSON form of a filter; ``problem`` says why its plugin made it unavailable."""
    return {
        "key": spec.key,
        "kind": spec.kind.value,
        "label": spec.label(lang),
        "help": spec.help(lang),
        "unit": spec.unit,
        "match": spec.match,
        "repeatable": spec.kind in (FilterKind.CHOICE, FilterKind.MULTICHOICE),
        "faceted": spec.is_faceted,
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "plugin": spec.plugin,
        "group": spec.group,
        "argument": dynamic.argument if (dynamic := getattr(spec, "dynamic", None)) else None,
        "argument_label": dynamic.label(lang) if dynamic else None,
        "argument_help": dynamic.help(lang) if dynamic else None,
        "choices": [
            {"value": c.value, "label": c.label(lang), "group": c.group, "parts": dict(c.parts)}
            for c in spec.choices
        ],
        "dimensions": [
            {
                "key": d.key,
                "label": d.label(lang),
                "required": d.required,
                "options": [{"value": o.value, "label": o.label(lang)} for o in d.options],
            }
            for d in spec.dimensions
        ],
        "available": problem is None,
        "problem": problem,
    }


blp = Blueprint(
    "filters",
    __name__,
    url_prefix="/api/v1",
    description="The search filters in force (core and plugins).",
)


@blp.route("/filters")
class Filters(MethodView):
    @blp.arguments(LanguageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, FilterListSchema)
    def get(self, _args: dict[str, Any]) -> dict[str, Any]:
        """List the search filters

        Every filter key is a query parameter of /api/v1/search (geo and text filters are
        set through bbox, near, radius_km and q). Labels follow the request's language.
        """
        lang = request_language()
        platform = current_platform()
        problems = platform.engine.unavailable_filters()
        return {
            "lang": lang,
            "filters": [serialise_filter(s, lang, problems.get(s.key)) for s in platform.filters],
        }
