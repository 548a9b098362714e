"""Marshmallow schemas of the REST API: what goes in and what comes out, for the OpenAPI document.

Domain rules (vocabulary codes, industry section vs. division, slugs) are checked by core; the
schemas check shapes and bounds and list the valid codes (taken from core's vocabularies) so
the document tells clients what is valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from core import classifications as vocab
from core.model import MAX_DESCRIPTION, MAX_NAME
from core.persistence.db import MAX_INTEGER
from core.search.markers import MARKER_GLYPHS, MARKER_SHAPES
from webapp.context import OFFERED_LANGUAGES, OfferedLanguage

__all__ = [
    "DEPENDENCIES",
    "VALUE_RULE",
    "CompanyInputSchema",
    "CompanyListSchema",
    "CompanyPatchSchema",
    "CompanySchema",
    "ErrorSchema",
    "FilterListSchema",
    "LanguageArgsSchema",
    "LayerArgsSchema",
    "LayerFeaturesSchema",
    "LayerListSchema",
    "PluginListSchema",
    "SearchResultSchema",
    "company_rules",
    "response_links",
]

#: A character Python does not count as white space (its \S), written so that the document's
#: (ECMAScript) regular expressions read it the same way (they differ on \x1c-\x1f, \x85, \ufeff);
#: U+0000, which no text may hold, is left out.
VISIBLE = r"(?:[^\s\x00\x1c-\x1f\x85]|\ufeff)"
#: The portal's configured languages (read per request, webapp.context).
LANGUAGES = OFFERED_LANGUAGES
#: OpenAPI 3.0 cannot state that one parameter needs another: an operation states such rules
#: in this extension as JSON Schema ``dependentRequired`` / ``dependentSchemas`` over its query
#: parameters (``"query"``) or its JSON body (``"body"``), besides saying them in words.
DEPENDENCIES = "x-dependencies"
#: A rule on a value that a schema cannot state (a postcode that exists, a bbox that is not
#: inverted), in words; the ``example`` next to it keeps it.
VALUE_RULE = "x-value-rule"
#: Largest id a path may name: ids are INTEGER columns (32 bits on PostgreSQL); larger ids exist
#: nowhere, and PostgreSQL would fail on comparing them.
MAX_ID = MAX_INTEGER


def _codes(vocabulary: vocab.Vocabulary) -> list[str]:
    return list(vocabulary.codes)


class StrictFloat(fields.Float):
    """A JSON number, not a string that looks like one (the document says number)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def strict_integer(**kwargs: Any) -> fields.Integer:
    return fields.Integer(strict=True, **kwargs)


class StrictBoolean(fields.Boolean):
    """JSON true or false; not 0, 1 or "yes" (0 == False in Python, so a set test is not enough)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class ErrorSchema(ma.Schema):
    """The one error shape of the API."""

    code = fields.Integer(required=True, metadata={"description": "HTTP status code."})
    status = fields.String(required=True, metadata={"description": "HTTP status name."})
    message = fields.String(
        required=True, metadata={"description": "What went wrong and what would be valid."}
    )
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={
            "description": (
                "Problems per parameter, field or import line; empty when there is nothing "
                "per field to say (an unknown URL, a missing record)."
            )
        },
    )


class StrictSchema(ma.Schema):
    """Unknown keys are an error that lists the valid ones (a typo should not go unnoticed)."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _reject_unknown(self, data: Any, **_: Any) -> Any:
        if isinstance(data, Mapping):
            valid = sorted(f.data_key or name for name, f in self.load_fields.items())
            unknown = [k for k in data if k not in valid]
            if unknown:
                message = f"unknown name; valid names are: {', '.join(valid)}"
                raise ma.ValidationError({k: [message] for k in unknown})
        return data

    @ma.pre_load
    def _reject_nul(self, data: Any, **_: Any) -> Any:
        # PostgreSQL text and JSON cannot hold U+0000: refuse it here, not as a 500 on write
        if isinstance(data, Mapping):
            bad = sorted(str(k) for k, v in data.items() if _holds_nul(v))
            if bad:
                message = "contains the character U+0000 (NUL), which no text may hold"
                raise ma.ValidationError({k: [message] for k in bad})
        return data


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


class LanguageArgsSchema(StrictSchema):
    """Query parameters every API operation accepts."""

    lang = fields.String(
        validate=OfferedLanguage(),
        metadata={
            "description": "Language of labels, one of the portal's languages "
            "([portal] languages); default from Accept-Language, else the first of them."
        },
    )


# --- search ------------------------------------------------------------------------------


class HitBadgeSchema(ma.Schema):
    key = fields.String(required=True, metadata={"description": "The badge (see a plugin)."})
    count = fields.Integer(required=True, validate=validate.Range(min=1))
    label = fields.String(
        required=True, metadata={"description": "The count in words, such as 3 open positions."}
    )


class HitSchema(ma.Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    town = fields.String(required=True)
    industry = fields.String(required=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    size = fields.String(required=True)
    is_demo = fields.Boolean(required=True, metadata={"description": "Fictitious demo company."})
    dynamic = fields.Dict(
        keys=fields.String(),
        values=fields.Float(allow_none=True),
        required=True,
        metadata={"description": "Per active dynamic filter (e.g. a travel time): the value."},
    )
    distance_m = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "Metres to the search centre (with near)."},
    )
    badges = fields.List(
        fields.Nested(HitBadgeSchema),
        required=True,
        metadata={
            "description": "Counts plugins show with the company (such as its open positions); "
            "only those above 0."
        },
    )


class FacetValueSchema(ma.Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    count = fields.Integer(
        required=True,
        metadata={
            "description": "Results when this value is chosen (other active filters applied)."
        },
    )
    selected = fields.Boolean(required=True)


class ClusterSchema(ma.Schema):
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    count = fields.Integer(required=True)
    south = fields.Float(required=True)
    west = fields.Float(required=True)
    north = fields.Float(required=True)
    east = fields.Float(required=True)
    stack = fields.Boolean(
        required=True,
        metadata={
            "description": "True when zooming cannot pull the group apart (one address, or "
            "the deepest zoom): the map lists its members instead."
        },
    )
    members = fields.List(
        fields.Nested(HitSchema),
        required=True,
        metadata={"description": "The companies of a stack by name; empty for other groups."},
    )


class SearchResultSchema(ma.Schema):
    total = fields.Integer(required=True, metadata={"description": "Exact number of results."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    items = fields.List(
        fields.Nested(HitSchema),
        required=True,
        metadata={"description": "The requested page of results."},
    )
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(FacetValueSchema)),
        required=True,
        metadata={"description": "Per faceted filter key: the count of every value."},
    )
    clusters = fields.List(
        fields.Nested(ClusterSchema),
        required=True,
        metadata={"description": "Map symbols standing for several results."},
    )
    points = fields.List(
        fields.Nested(HitSchema),
        required=True,
        metadata={"description": "Single results for the map."},
    )
    index_version = fields.Integer(required=True)
    bounds = fields.List(
        fields.Float(),
        allow_none=True,
        metadata={
            "description": "[south, west, north, east] around every result, to zoom the map "
            "to them; null without map output."
        },
    )
    unavailable = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "Filters whose plugin failed (key -> reason): they have no facet "
            "here and cannot be searched with until the plugin works again."
        },
    )
    lang = fields.String(required=True, validate=OfferedLanguage())


# --- filters -----------------------------------------------------------------------------


class ChoiceSchema(ma.Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)
    group = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Code of the group the choice belongs to."},
    )
    parts = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": "Composite filters: the option of each dimension this choice stands "
            "for (a dimension left out means any)."
        },
    )


class DimensionOptionSchema(ma.Schema):
    value = fields.String(required=True)
    label = fields.String(required=True)


class DimensionSchema(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    required = fields.Boolean(
        required=True, metadata={"description": "Every choice names an option of it."}
    )
    options = fields.List(fields.Nested(DimensionOptionSchema), required=True)


class FilterSchema(ma.Schema):
    key = fields.String(required=True, metadata={"description": "Query parameter name."})
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["choice", "multichoice", "range", "bool", "geo", "text"]),
    )
    label = fields.String(required=True)
    help = fields.String(required=True)
    unit = fields.String(required=True)
    match = fields.String(
        required=True,
        validate=validate.OneOf(["any", "all"]),
        metadata={"description": "For several values: any (at least one) or all must apply."},
    )
    repeatable = fields.Boolean(
        required=True, metadata={"description": "Whether the parameter takes several values."}
    )
    faceted = fields.Boolean(
        required=True, metadata={"description": "Whether search results count its values."}
    )
    minimum = fields.Float(required=True, allow_none=True)
    maximum = fields.Float(required=True, allow_none=True)
    plugin = fields.String(required=True)
    group = fields.String(required=True)
    argument = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Dynamic filters: the parameter that carries their argument."},
    )
    argument_label = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Dynamic filters: a label for their argument's input field."},
    )
    argument_help = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Dynamic filters: what to enter as their argument."},
    )
    choices = fields.List(fields.Nested(ChoiceSchema), required=True)
    dimensions = fields.List(
        fields.Nested(DimensionSchema),
        required=True,
        metadata={
            "description": "Composite filters: one control per dimension; the chosen options "
            "select the choice whose parts match."
        },
    )
    available = fields.Boolean(
        required=True,
        metadata={
            "description": "False while the filter's plugin failed: searching with it answers "
            "503, and search results carry no facet for it (see problem)."
        },
    )
    problem = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Why the filter is unavailable (null when it is available)."},
    )


class FilterListSchema(ma.Schema):
    lang = fields.String(required=True, validate=OfferedLanguage())
    filters = fields.List(fields.Nested(FilterSchema), required=True)


# --- companies ---------------------------------------------------------------------------


class ContactSchema(StrictSchema):
    name = fields.String(load_default="", validate=validate.Length(max=200))
    email = fields.String(load_default="", validate=validate.Length(max=320))
    phone = fields.String(load_default="", validate=validate.Length(max=50))


def _code_list(vocabulary: vocab.Vocabulary, description: str) -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(_codes(vocabulary))),
        metadata={"description": description},
    )


class CompanyInputSchema(StrictSchema):
    """A company as operators write it (POST: name required; PATCH: any subset)."""

    name = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=MAX_NAME),
            validate.Regexp(rf"^\s*{VISIBLE}[^\x00]*$"),
        ],
    )
    slug = fields.String(
        validate=validate.Regexp(r"^([a-z0-9]+(-[a-z0-9]+)*)?$"),
        metadata={"description": "URL name; empty or left out: made from the name."},
    )
    description = fields.String(validate=validate.Length(max=MAX_DESCRIPTION))
    street = fields.String(validate=validate.Length(max=200))
    postcode = fields.String(
        validate=validate.Regexp(r"^([0-9]{5})?$"),
        metadata={
            "description": "German postcode (one the postcode table holds), or empty.",
            "example": "45657",
            VALUE_RULE: "Empty, or a German postcode the postcode table holds.",
        },
    )
    town = fields.String(validate=validate.Length(max=100))
    ags = fields.String(
        validate=validate.Regexp(r"^([0-9]{8})?$"),
        metadata={"description": "Official municipality key (8 digits)."},
    )
    lat = StrictFloat(
        allow_none=True,
        validate=validate.Range(-90, 90),
        metadata={"description": "Latitude; give lat and lon together."},
    )
    lon = StrictFloat(allow_none=True, validate=validate.Range(-180, 180))
    industry = fields.String(
        validate=validate.OneOf(["", *_codes(vocab.industries())]),
        metadata={"description": "WZ 2008 section."},
    )
    industry_division = fields.String(
        allow_none=True,
        validate=validate.OneOf(_codes(vocab.industry_divisions())),
        metadata={"description": "WZ 2008 division; must belong to the section in industry."},
    )
    professions = _code_list(vocab.professions(), "KldB 2010 Berufshauptgruppen.")
    employees = strict_integer(validate=validate.Range(0, 10_000_000))
    family = _code_list(vocab.family_features(), "Work-family features.")
    certificates = _code_list(vocab.certificates(), "Certificates.")
    offers = _code_list(vocab.offers(), "Offers for starters.")
    benefits = _code_list(vocab.benefits(), "Benefits.")
    website = fields.String(
        validate=[validate.Length(max=500), validate.Regexp(rf"^(https?://{VISIBLE}+)?$")]
    )
    status = fields.String(validate=validate.OneOf(_codes(vocab.statuses())))
    is_demo = StrictBoolean()
    extensions = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(),
        metadata={
            "description": "Plugin data: one object per plugin name; no text in it may hold "
            "U+0000.",
            "example": {},
            VALUE_RULE: "No text anywhere in it holds the character U+0000 (NUL).",
        },
    )
    contact = fields.Nested(
        ContactSchema,
        allow_none=True,
        metadata={"description": "Personal contact data, visible to operators only."},
    )


def company_rules(patch: bool = False) -> dict[str, Any]:
    """The rules between a company's fields (``x-dependencies`` of POST and PATCH: a change
    gives lat and lon together, since the other one is kept from before)."""
    number = {"type": "number"}
    sections: dict[str, list[str]] = {}
    for term in vocab.industry_divisions():
        sections.setdefault(str(term.parent), []).append(term.code)
    division_fits = {
        "anyOf": [
            {"properties": {"industry_division": {"type": "null"}}},
            # a change cannot know the stored section: it gives the section along
            *([] if patch else [{"not": {"required": ["industry"]}}]),
            {"properties": {"industry": {"const": ""}}, "required": ["industry"]},
            *(
                {
                    "properties": {
                        "industry": {"const": section},
                        "industry_division": {"enum": divisions},
                    },
                    "required": ["industry"],
                }
                for section, divisions in sorted(sections.items())
            ),
        ]
    }
    both = {"properties": {"lat": number, "lon": number}, "required": ["lat", "lon"]}
    neither = {
        "properties": {"lat": {"type": "null"}, "lon": {"type": "null"}},
    }
    rules: dict[str, Any] = {
        "dependentSchemas": {
            "lat": {"anyOf": [both, neither]},
            "lon": {"anyOf": [both, neither]},
            "industry_division": division_fits,
        }
    }
    if patch:
        rules["dependentRequired"] = {"lat": ["lon"], "lon": ["lat"]}
        # a new section gives its division along (or null): the stored one may not fit
        rules["dependentSchemas"]["industry"] = {
            "anyOf": [
                {"properties": {"industry": {"const": ""}}},
                {"required": ["industry_division"]},
            ]
        }
    return {"body": rules}


class CompanyPatchSchema(CompanyInputSchema):
    """Changes to a company: any subset of the fields of CompanyInput (use with partial=True)."""


class CompanySchema(ma.Schema):
    """A company profile as the API shows it."""

    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    street = fields.String(required=True)
    postcode = fields.String(required=True)
    town = fields.String(required=True)
    ags = fields.String(required=True)
    lat = fields.Float(required=True, allow_none=True)
    lon = fields.Float(required=True, allow_none=True)
    industry = fields.String(required=True)
    industry_division = fields.String(required=True, allow_none=True)
    professions = fields.List(fields.String(), required=True)
    employees = fields.Integer(required=True)
    size = fields.String(required=True, validate=validate.OneOf(_codes(vocab.size_classes())))
    family = fields.List(fields.String(), required=True)
    certificates = fields.List(fields.String(), required=True)
    offers = fields.List(fields.String(), required=True)
    benefits = fields.List(fields.String(), required=True)
    website = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(_codes(vocab.statuses())))
    is_demo = fields.Boolean(required=True)
    created_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    extensions = fields.Dict(keys=fields.String(), values=fields.Dict(), required=True)
    contact = fields.Nested(ContactSchema, metadata={"description": "Operators only."})


class CompanyListArgsSchema(LanguageArgsSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10**9))
    per_page = fields.Integer(validate=validate.Range(1, 200))
    status = fields.String(
        validate=validate.OneOf(_codes(vocab.statuses())),
        metadata={"description": "Operators only: list companies with this status (default: all)."},
    )


class CompanyListSchema(ma.Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    items = fields.List(fields.Nested(CompanySchema), required=True)


# --- layers ------------------------------------------------------------------------------


class MarkerStyleSchema(ma.Schema):
    key = fields.String(
        required=True, metadata={"description": "The style's name: the layer's marker hint."}
    )
    colour = fields.String(
        required=True,
        metadata={"description": "Fill colour, #rrggbb.", "pattern": "^#[0-9a-f]{6}$"},
    )
    shape = fields.String(
        required=True, validate=validate.OneOf(MARKER_SHAPES), metadata={"description": "Outline."}
    )
    glyph = fields.String(
        required=True,
        validate=validate.OneOf(MARKER_GLYPHS),
        metadata={"description": "Pictogram inside the outline; empty: none."},
    )


class LayerSchema(ma.Schema):
    id = fields.String(required=True)
    label = fields.String(required=True)
    plugin = fields.String(required=True)
    default_visible = fields.Boolean(required=True)
    marker = fields.String(required=True)
    style = fields.Nested(
        MarkerStyleSchema,
        required=True,
        metadata={
            "description": "How every map draws the layer's symbols; no two layers share one."
        },
    )
    attribution = fields.String(required=True)
    url = fields.String(required=True, metadata={"description": "Where its features are."})


class LayerListSchema(ma.Schema):
    lang = fields.String(required=True, validate=OfferedLanguage())
    layers = fields.List(fields.Nested(LayerSchema), required=True)


class LayerArgsSchema(LanguageArgsSchema):
    bbox = fields.String(
        metadata={
            "description": "west,south,east,north in degrees (WGS84); left out: everything.",
            "example": "6.9,51.5,7.3,51.7",
        }
    )


class GeometrySchema(ma.Schema):
    type = fields.String(required=True)
    coordinates = fields.Raw(required=True)


class FeatureSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    type = fields.String(required=True, validate=validate.Equal("Feature"))
    id = fields.Raw()
    geometry = fields.Nested(GeometrySchema, required=True, allow_none=True)
    properties = fields.Dict(
        required=True,
        allow_none=True,
        metadata={
            "description": (
                "The layer's own properties, and popup: {title, lines, link}, what the map's "
                "popup shows (a title, up to six short lines in the answer's language, a link "
                "to a page about the feature or null)."
            )
        },
    )


class LayerFeaturesSchema(ma.Schema):
    """A GeoJSON FeatureCollection with how many features the box held."""

    type = fields.String(required=True, validate=validate.Equal("FeatureCollection"))
    features = fields.List(fields.Nested(FeatureSchema), required=True)
    layer = fields.String(required=True)
    total = fields.Integer(required=True, metadata={"description": "Features in the box."})
    truncated = fields.Boolean(
        required=True,
        metadata={
            "description": "True when only the first max_features of total were sent; zoom in."
        },
    )
    max_features = fields.Integer(required=True)


# --- plugins -----------------------------------------------------------------------------


class PluginSchema(ma.Schema):
    name = fields.String(required=True)
    title = fields.String(required=True)
    version = fields.String(required=True)
    api_version = fields.String(required=True)
    description = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(["enabled", "available"]),
        metadata={"description": "enabled, or installed but not enabled."},
    )
    origin = fields.String(required=True)
    requires = fields.List(fields.String(), required=True)
    hooks = fields.List(fields.String(), required=True)
    settings = fields.Dict(required=True, metadata={"description": "Secrets are shown as ***."})


class PluginListSchema(ma.Schema):
    plugin_api_version = fields.String(required=True)
    plugins = fields.List(fields.Nested(PluginSchema), required=True)


def response_links(
    status: int, targets: Iterable[tuple[str, str]], parameter: str, value: str
) -> dict[str, Any]:
    """``@blp.doc`` arguments declaring OpenAPI links from the ``status`` response to the
    operations ``targets`` ((path, method) pairs), whose ``parameter`` is ``value`` (a runtime
    expression such as ``$response.body#/id``); clients and the stateful API tests follow them."""
    links = {}
    for path, method in targets:
        last = path.rstrip("/").rsplit("/", 1)[-1].strip("{}")
        name = method.title() + last.replace("_", " ").title().replace(" ", "")
        links[name] = {
            "operationRef": "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method,
            "parameters": {parameter: value},
        }
    return {"responses": {status: {"links": links}}}
