"""GET /api/v1/search: results, facet counts and map output for URL parameters.

The query parameters are documented from the filter registry when the app is built, so a
plugin's filter appears here without a change to this module; parsing and validation are
core's (``Platform.parse_query``).
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Response, jsonify, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate

from core.platform import Platform
from core.portal.statistics import record_search
from core.search.filters import FilterKind, FilterSpec
from core.search.query import MAX_RADIUS_KM, SORTS, Cluster, SearchHit, SearchResult
from webapp.api.schemas import (
    DEPENDENCIES,
    VALUE_RULE,
    ErrorSchema,
    SearchResultSchema,
)
from webapp.context import current_platform, languages, request_language

__all__ = ["blueprint", "search_args_schema", "serialise_result"]

#: A number as core reads it (float() after "," -> "."); core strips blanks around values.
_NUMBER = r"\+?([0-9]+([.,][0-9]*)?|[.,][0-9]+)([eE][+-]?[0-9]+)?"
#: What core reads as true and false for a bool filter.
BOOL_WORDS = ("true", "false", "1", "0", "yes", "no", "on", "off", "ja", "nein")


def _filter_field(spec: FilterSpec) -> ma.fields.Field:
    label = f"{spec.label('en')}. {spec.help('en')}".strip()
    if spec.kind in (FilterKind.CHOICE, FilterKind.MULTICHOICE):
        how = (
            "at least one of the values"
            if spec.kind is FilterKind.CHOICE or spec.match == "any"
            else "all of the values"
        )
        return fields.List(
            fields.String(validate=validate.OneOf(list(spec.choice_values))),
            metadata={
                "description": f"{label} Repeat the parameter for several values "
                f"({spec.key}=a&{spec.key}=b); results have {how}."
            },
        )
    if spec.kind is FilterKind.BOOL:
        return fields.String(
            validate=validate.OneOf(list(BOOL_WORDS)),
            metadata={
                "description": f"{label} true: only matching results; false: no restriction."
            },
        )
    if spec.kind is FilterKind.RANGE:
        unit = f" ({spec.unit})" if spec.unit else ""
        single = {"min": "at least", "max": "at most", "exact": "exactly"}[spec.single]
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else low + 10
        bounds = (
            f" Values from {spec.minimum:g} to {spec.maximum:g}."
            if spec.minimum is not None and spec.maximum is not None
            else ""
        )
        return fields.String(
            validate=validate.Regexp(
                rf"^\s*({_NUMBER})?\s*\.\.\s*({_NUMBER})?\s*$|^\s*{_NUMBER}\s*$"
            ),
            metadata={
                "description": f"{label}{unit} A range low..high (either side may be "
                f"left out) or one number, meaning {single} that value.{bounds}",
                "example": f"{low:g}..{high:g}",
                VALUE_RULE: f"low <= high, each a finite number{bounds.rstrip('.').lower()}.",
            },
        )
    raise AssertionError(f"filter {spec.key!r} of kind {spec.kind} has no parameter")


def search_args_schema(platform: Platform) -> type[ma.Schema]:
    """The documented query parameters: the fixed ones and one per registered filter."""
    dynamic = [s for s in platform.filters if getattr(s, "dynamic", None) is not None]
    args: dict[str, ma.fields.Field] = {
        "q": fields.String(
            metadata={"description": "Free text (name, description, town, industry, professions)."}
        ),
        **_area_args(platform),
        **_listing_args(platform, dynamic),
        **_filter_args(platform, dynamic),
    }
    for name, field in args.items():
        # core reads an empty parameter (q=&industry=) as one not given, as HTML forms send
        # them; lang is read before (and must name a language)
        if name != "lang":
            field.metadata = {**field.metadata, "allowEmptyValue": True}
    return ma.Schema.from_dict(args, name="SearchArgs")


def _area_args(platform: Platform) -> dict[str, ma.fields.Field]:
    """Where to search: a map area, or a centre (point, postcode or place) and a radius."""
    towns = ", ".join(t.name for t in platform.region.towns)
    return {
        "bbox": fields.String(
            metadata={
                "description": "Map area: west,south,east,north in degrees (WGS84), with "
                "west <= east and south <= north.",
                "example": "6.9,51.5,7.3,51.7",
                VALUE_RULE: "Four numbers west,south,east,north inside the world "
                "(-180..180, -90..90) with west <= east and south <= north.",
            }
        ),
        "view": fields.String(
            metadata={
                "description": "The map's visible area when bbox is not given (the area is no "
                "filter): map symbols are made for the results in it only; total, items and "
                "facets still count every result. west,south,east,north in degrees.",
                "example": "6.9,51.5,7.3,51.7",
                VALUE_RULE: "Four numbers west,south,east,north inside the world "
                "(-180..180, -90..90) with west <= east and south <= north.",
            }
        ),
        "near": fields.String(
            metadata={
                "description": "Centre for radius search and distance sort: lat,lon in degrees. "
                "Give only one of near, near_postcode and near_town.",
                "example": "51.61,7.19",
                VALUE_RULE: "lat,lon inside the world (-90..90, -180..180).",
            }
        ),
        "near_postcode": fields.String(
            metadata={
                "description": "Centre given as a German postcode (one of the postcode table); "
                "not together with near or near_town.",
                "example": "45657",
                VALUE_RULE: "A German postcode the postcode table holds.",
            }
        ),
        "near_town": fields.String(
            metadata={
                "description": "Centre given as a place: a town of the region "
                f"({towns}), a district, village or postcode around it as people write it "
                "(Gelsenkirchen-Buer, buer, 45894); /api/v1/places suggests names. Not "
                "together with near or near_postcode.",
                "example": platform.region.towns[0].name,
                VALUE_RULE: "A place the region knows: a town, a district, village or "
                "postcode around it (/api/v1/places suggests names).",
            }
        ),
        "radius_km": fields.Float(
            validate=validate.Range(0, MAX_RADIUS_KM, min_inclusive=False),
            metadata={
                "description": "Radius around the centre (needs near, near_postcode or near_town).",
                # apispec drops min_inclusive=False (OpenAPI 3.0: a boolean next to minimum)
                "exclusiveMinimum": True,
            },
        ),
    }


def _listing_args(platform: Platform, dynamic: list[FilterSpec]) -> dict[str, ma.fields.Field]:
    """How to show the results: map zoom, order, page, language."""
    return {
        "zoom": fields.Integer(
            validate=validate.Range(0, 22),
            metadata={"description": "Map zoom; shapes clusters and points."},
        ),
        "sort": fields.String(
            validate=validate.OneOf([*SORTS, *(s.key for s in dynamic)]),
            metadata={
                "description": "Order of items: name, distance (needs a centre) or the key of "
                "an active dynamic filter (such as a travel time)."
            },
        ),
        "page": fields.Integer(validate=validate.Range(1, 10**9)),
        "per_page": fields.Integer(
            validate=validate.Range(1, platform.settings.search.max_per_page)
        ),
        "lang": fields.String(
            validate=validate.OneOf(languages(platform)),
            metadata={"description": f"Language of labels ({', '.join(languages(platform))})."},
        ),
    }


def _filter_args(platform: Platform, dynamic: list[FilterSpec]) -> dict[str, ma.fields.Field]:
    """One parameter per filter with a column or a dynamic one, and each dynamic filter's
    argument."""
    args: dict[str, ma.fields.Field] = {}
    for spec in platform.filters:
        if spec.column is not None or spec in dynamic:
            args[spec.key] = _filter_field(spec)
        if spec in dynamic:
            argument = spec.dynamic.argument  # type: ignore[attr-defined]
            args[argument] = fields.String(
                metadata={
                    "description": f"The argument of filter {spec.key} ({spec.label('en')}); "
                    f"{spec.key} needs it, and it is given only with {spec.key}. "
                    f"{spec.dynamic.help('en')}".strip()  # type: ignore[attr-defined]
                }
            )
    return args


CENTRES = ("near", "near_postcode", "near_town")


def search_rules(platform: Platform) -> dict[str, Any]:
    """The rules between the search parameters (``x-dependencies``, see the module text)."""
    dynamic = [s for s in platform.filters if getattr(s, "dynamic", None) is not None]
    a_centre = {"anyOf": [{"required": [c]} for c in CENTRES]}
    dependent: dict[str, Any] = {
        "radius_km": a_centre,
        "sort": {
            "allOf": [
                {"if": {"properties": {"sort": {"const": "distance"}}}, "then": a_centre},
                *(
                    {
                        "if": {"properties": {"sort": {"const": s.key}}},
                        "then": {"required": [s.key]},
                    }
                    for s in dynamic
                ),
            ]
        },
    }
    for number, centre in enumerate(CENTRES):
        later = CENTRES[number + 1 :]
        if later:
            dependent[centre] = {"not": {"anyOf": [{"required": [c]} for c in later]}}
    required = {}
    for spec in dynamic:
        argument = spec.dynamic.argument  # type: ignore[attr-defined]
        required[spec.key] = [argument]
        required[argument] = [spec.key]
    return {"query": {"dependentRequired": required, "dependentSchemas": dependent}}


def _hit(hit: SearchHit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "slug": hit.slug,
        "name": hit.name,
        "town": hit.town,
        "industry": hit.industry,
        "lat": hit.lat,
        "lon": hit.lon,
        "size": hit.size,
        "is_demo": hit.is_demo,
        "distance_m": hit.distance_m,
        # values of active dynamic filters (such as a travel time) for this hit
        "dynamic": dict(getattr(hit, "dynamic", ())),
        # plugins' per-company counts above 0 ("3 offene Stellen"), texts in the language
        "badges": [{"key": b.key, "count": b.count, "label": b.label} for b in hit.badges],
    }


def _cluster(c: Cluster) -> dict[str, Any]:
    return {
        "lat": c.lat,
        "lon": c.lon,
        "count": c.count,
        "south": c.south,
        "west": c.west,
        "north": c.north,
        "east": c.east,
        # a stack cannot be zoomed apart: the map lists its members instead
        "stack": c.stack,
        "members": [_hit(m) for m in c.members],
    }


def serialise_result(result: SearchResult, lang: str) -> dict[str, Any]:
    """The JSON form of a SearchResult (by hand: thousands of points, no schema per item)."""
    return {
        "total": result.total,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "items": [_hit(h) for h in result.items],
        "facets": {
            key: [
                {"value": f.value, "label": f.label, "count": f.count, "selected": f.selected}
                for f in values
            ]
            for key, values in result.facets.items()
        },
        "clusters": [_cluster(c) for c in result.clusters],
        "points": [_hit(h) for h in result.points],
        "index_version": result.index_version,
        "bounds": list(result.bounds) if result.bounds is not None else None,
        "unavailable": dict(getattr(result, "unavailable", {})),
        "lang": lang,
    }


def blueprint(platform: Platform) -> Blueprint:
    """The search resource of ``platform``'s app.

    Made per app, unlike the other resources: its documented parameters are the filters of
    that platform (each plugin adds its own), and flask-smorest keeps a view's documentation
    on its blueprint.
    """
    blp = Blueprint(
        "search",
        __name__,
        url_prefix="/api/v1",
        description="Search companies: results, facet counts and map output.",
    )
    args_schema = search_args_schema(platform)

    @blp.route("/search")
    class Search(MethodView):
        @blp.doc(
            parameters=[{"in": "query", "schema": args_schema}],
            **{DEPENDENCIES: search_rules(platform)},
        )
        @blp.response(200, SearchResultSchema)
        @blp.alt_response(
            422, schema=ErrorSchema, description="A parameter is invalid or names no filter."
        )
        @blp.alt_response(
            503, schema=ErrorSchema, description="A filter in use is down: its plugin failed."
        )
        def get(self) -> Response:
            """Search companies

            Filters combine with AND; values of one multi-choice filter with OR (match any) or
            AND (match all, see /api/v1/filters). Facets count every value of every faceted
            filter with all *other* active filters applied. Unknown parameters are an error.

            Rules between parameters (also in `x-dependencies`): radius_km and sort=distance
            need a centre (near, near_postcode or near_town; only one of them); a travel-time
            filter (such as transit_time) needs its argument (transit_from) and the other way
            round; sorting by such a filter needs the filter. Empty parameters count as left out.
            """
            lang = request_language()
            params = request.args.to_dict(flat=False)
            params["lang"] = [lang]
            platform = current_platform()
            query = platform.parse_query(params)
            record_search(platform, query)  # aggregated counts only (core.portal.statistics)
            result = platform.search(query)
            return jsonify(serialise_result(result, lang))

    return blp
