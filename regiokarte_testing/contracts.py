"""Contract checks every plugin layer, filter and questionnaire section must pass.

Each check raises ``AssertionError`` naming what is wrong and returns nothing, so a plugin's
test is one line (``check_layer(platform, "sportclubs_clubs")``). They use the public API only
and run on any platform the caller built (``regiokarte_platform`` in a plugin's tests).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from core import (
    MAX_POPUP_LINES,
    BBox,
    FilterKind,
    FilterSpec,
    Platform,
    SearchResult,
    Text,
    catalog,
)

__all__ = [
    "check_disable_leaves_no_trace",
    "check_filter",
    "check_filter_api",
    "check_layer",
    "check_layer_api",
    "check_section",
    "valid_feature",
]


# --- layers ----------------------------------------------------------------------------------


def valid_feature(feature: Any) -> str | None:
    """What makes ``feature`` an invalid GeoJSON Point feature for the map (None: valid)."""
    if not isinstance(feature, Mapping):
        return f"a feature must be a JSON object, not {type(feature).__name__}"
    if feature.get("type") != "Feature":
        return f"'type' must be 'Feature', not {feature.get('type')!r}"
    if "id" not in feature or not isinstance(feature["id"], str | int):
        return "a feature needs an 'id' (string or number) so the map can track it"
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping) or geometry.get("type") != "Point":
        return "'geometry' must be a GeoJSON Point"
    coordinates = geometry.get("coordinates")
    if (
        not isinstance(coordinates, list | tuple)
        or len(coordinates) != 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates)
    ):
        return f"Point coordinates must be [lon, lat] numbers, not {coordinates!r}"
    lon, lat = coordinates
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        return f"coordinates {coordinates!r} are not a WGS84 [lon, lat] pair"
    if not isinstance(feature.get("properties"), Mapping):
        return "'properties' must be a JSON object"
    if "popup" in feature["properties"]:
        problem = _popup_problem(feature["properties"]["popup"])
        if problem:
            return problem
    try:
        json.dumps(feature, allow_nan=False)
    except (TypeError, ValueError) as exc:
        return f"the feature is not JSON-serialisable: {exc}"
    return None


def _popup_problem(popup: Any) -> str | None:
    """What is wrong with ``properties["popup"]`` (see ``core.point_feature``; None: nothing)."""
    if not isinstance(popup, Mapping):
        return "properties 'popup' must be a JSON object with title, lines and link"
    title, lines, link = popup.get("title"), popup.get("lines", []), popup.get("link")
    if title is not None and not isinstance(title, str):
        return f"popup 'title' must be a text or null, not {title!r}"
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        return f"popup 'lines' must be a list of texts, not {lines!r}"
    if len(lines) > MAX_POPUP_LINES:
        return f"a popup shows at most {MAX_POPUP_LINES} lines, not {len(lines)}"
    if link is not None and not (
        isinstance(link, str)
        and (link.startswith(("http://", "https://")) or re.match(r"/(?!/)", link))
    ):
        return f"popup 'link' must be a path on this site or an http(s) URL, not {link!r}"
    return None


def _labelled(platform: Platform, label: Any, what: str) -> None:
    """``label`` (a ``Text``, or a method of a type still of plugin API 1.0) reads as a
    non-empty text in every language the portal offers (a catalog key it lacks fails here)."""
    for lang in platform.settings.portal.languages:
        try:
            shown = label(lang)
        except KeyError as exc:
            raise AssertionError(f"{what}: its label has no text: {exc}") from None
        assert isinstance(shown, str) and shown.strip(), f"{what} needs a label in {lang!r}"


def _registered_by(platform: Platform, hook: str, wanted: Any) -> str | None:
    """The plugin whose ``hook`` returns an item equal to ``wanted`` (asked again)."""
    for plugin, found in platform.collect_by_plugin(hook):
        if any(item == wanted for item in found or ()):
            return plugin
    return None


def _inside(feature: Mapping[str, Any], bbox: BBox) -> bool:
    lon, lat = feature["geometry"]["coordinates"]
    return bool(bbox.west <= lon <= bbox.east and bbox.south <= lat <= bbox.north)


def check_layer(
    platform: Platform,
    layer_id: str,
    *,
    bbox: BBox | None = None,
    complete: bool = True,
    min_features: int = 1,
) -> None:
    """The layer is registered with labels and its plugin's name, and answers valid GeoJSON:
    Point features with unique ids in both languages (same ids), and for a box only features
    inside it (with ``complete``, all of them). ``bbox`` defaults to the south-west quarter
    of the features' extent; ``min_features`` is how many the whole layer must have."""
    assert layer_id in platform.layers, (
        f"layer {layer_id!r} is not registered; layers are {sorted(platform.layers)}"
    )
    layer = platform.layers[layer_id]
    _labelled(platform, layer.label, f"layer {layer_id!r}")
    owner = _registered_by(platform, "register_layers", layer)
    assert layer.plugin == owner, (
        f"layer {layer_id!r} comes from plugin {owner!r} but says plugin={layer.plugin!r}; "
        "set Layer(plugin=...) to the plugin's name"
    )
    if layer.plugin != "core":
        assert layer.id.startswith(f"{layer.plugin}_"), (
            f"layer id {layer.id!r} should start with '{layer.plugin}_' (the plugin's namespace)"
        )
    every: dict[str, list[Any]] = {}
    for lang in ("de", "en"):
        features = platform.layer_features(layer_id, None, lang)
        assert isinstance(features, list), "features() must return a list of GeoJSON features"
        for feature in features:
            problem = valid_feature(feature)
            assert problem is None, f"layer {layer_id!r}: {problem}: {feature!r}"
        ids = [f["id"] for f in features]
        assert len(ids) == len(set(ids)), f"layer {layer_id!r}: feature ids are not unique"
        every[lang] = features
    assert {f["id"] for f in every["de"]} == {f["id"] for f in every["en"]}, (
        "the language must change the labels, not which features there are"
    )
    features = every["de"]
    assert len(features) >= min_features, (
        f"layer {layer_id!r} has {len(features)} features; expected at least {min_features}"
    )
    if not features:
        return
    if bbox is None:
        lons = [f["geometry"]["coordinates"][0] for f in features]
        lats = [f["geometry"]["coordinates"][1] for f in features]
        bbox = BBox(
            min(lons) - 1e-9,
            min(lats) - 1e-9,
            (min(lons) + max(lons)) / 2,
            (min(lats) + max(lats)) / 2,
        )
    boxed = platform.layer_features(layer_id, bbox, "de")
    outside = [f["id"] for f in boxed if not _inside(f, bbox)]
    assert not outside, f"layer {layer_id!r}: features {outside[:5]} lie outside {bbox}"
    if complete:
        wanted = {f["id"] for f in features if _inside(f, bbox)}
        got = {f["id"] for f in boxed}
        assert got == wanted, (
            f"layer {layer_id!r}: for {bbox} it returned {len(got)} features, but "
            f"{len(wanted)} of its features lie inside (missing {sorted(wanted - got)[:5]})"
        )


def check_layer_api(client: Any, layer_id: str) -> dict[str, Any]:
    """/api/v1/layers lists the layer and /api/v1/layers/<id> answers a FeatureCollection of
    valid features (in both languages); returns the German collection."""
    listing = client.get("/api/v1/layers?lang=en")
    assert listing.status_code == 200, listing.get_data(as_text=True)
    entries = {layer["id"]: layer for layer in listing.get_json()["layers"]}
    assert layer_id in entries, f"/api/v1/layers lacks {layer_id!r}: {sorted(entries)}"
    url = entries[layer_id]["url"]
    collection: dict[str, Any] = {}
    for lang in ("en", "de"):
        answer = client.get(f"{url}?lang={lang}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        collection = answer.get_json()
        assert collection["type"] == "FeatureCollection"
        for feature in collection["features"]:
            problem = valid_feature(feature)
            assert problem is None, f"{url}: {problem}"
    return collection


# --- filters ---------------------------------------------------------------------------------


def _search(platform: Platform, params: Mapping[str, Sequence[str]]) -> SearchResult:
    return platform.search(platform.parse_query({"per_page": ["1"], **params}))


def _counts(result: SearchResult, key: str) -> dict[str, int]:
    return {f.value: f.count for f in result.facets[key]}


def _partner(platform: Platform, spec: FilterSpec, result: SearchResult) -> FilterSpec | None:
    """Another choice filter, to check the counts with a second filter active."""
    for other in platform.filters:
        if other.key != spec.key and other.kind is FilterKind.CHOICE and other.is_faceted:
            if any(f.count for f in result.facets.get(other.key, ())):
                return other
    return None


def check_filter(platform: Platform, key: str, *, min_matches: int = 1) -> None:
    """The filter is registered with labels, its plugin's name and a key in the plugin's
    namespace, is available, and its facet counts agree with filtering: for every value, the
    count shown equals the total when that value is chosen, alone and with another filter.
    Range filters: totals grow with the upper bound and never exceed the unfiltered total.
    ``min_matches``: how many companies at least one value must match (the data is there)."""
    spec = platform.filters[key]
    _labelled(platform, spec.label, f"filter {key!r}")
    owner = _registered_by(platform, "register_filters", spec)
    assert spec.plugin == owner, (
        f"filter {key!r} comes from plugin {owner!r} but says plugin={spec.plugin!r}; set "
        "FilterSpec(plugin=...) to the plugin's name"
    )
    if spec.plugin != "core":
        assert key.startswith(f"{spec.plugin}_"), (
            f"filter key {key!r} should start with '{spec.plugin}_' (the plugin's namespace)"
        )
    base = _search(platform, {})
    assert key not in base.unavailable, f"filter {key!r} is unavailable: {base.unavailable[key]}"
    if spec.is_faceted:
        _check_facets(platform, spec, base, {}, min_matches)
        partner = _partner(platform, spec, base)
        if partner is not None:
            for value, count in _counts(base, partner.key).items():
                if count:
                    params = {partner.key: [value]}
                    _check_facets(platform, spec, _search(platform, params), params, 0)
                    break
    elif spec.kind is FilterKind.RANGE and spec.dynamic is None:
        column = platform.engine.index.columns[key]
        known = column[~np.isnan(column)]
        assert known.size >= min_matches, (
            f"filter {key!r}: only {known.size} companies have a value"
        )
        if known.size:
            previous = -1
            bounds = np.quantile(known, [0.1, 0.5, 0.9, 1.0])
            if spec.minimum is not None or spec.maximum is not None:
                bounds = np.clip(bounds, spec.minimum, spec.maximum)
            for bound in np.unique(bounds):
                total = _search(platform, {key: [f"..{float(bound):.12g}"]}).total
                assert previous <= total <= base.total, (
                    f"filter {key!r}: ..{bound:g} gives {total} results, not between "
                    f"{previous} and {base.total}"
                )
                previous = total


def _check_facets(
    platform: Platform,
    spec: FilterSpec,
    result: SearchResult,
    params: Mapping[str, Sequence[str]],
    min_matches: int,
) -> None:
    assert spec.key in result.facets, f"search results carry no facet for {spec.key!r}"
    counts = _counts(result, spec.key)
    expected = ["true"] if spec.kind is FilterKind.BOOL else list(spec.choice_values)
    assert list(counts) == expected, (
        f"facet {spec.key!r} has values {list(counts)}, expected {expected}"
    )
    assert max(counts.values(), default=0) >= min_matches, (
        f"no value of {spec.key!r} matches {min_matches} companies: {counts}"
    )
    for value, count in counts.items():
        chosen = _search(platform, {**params, spec.key: [value]})
        assert chosen.total == count, (
            f"facet {spec.key}={value} shows {count}, but choosing it gives {chosen.total} "
            f"results (other filters: {dict(params)})"
        )
        assert count <= result.total, f"facet {spec.key}={value} counts more than the results"


def check_filter_api(client: Any, key: str) -> dict[str, Any]:
    """/api/v1/filters lists the filter as available, and /api/v1/search accepts it (with its
    first value, or a range) and answers 200 with its facet; returns the search answer."""
    listing = client.get("/api/v1/filters?lang=en")
    assert listing.status_code == 200, listing.get_data(as_text=True)
    specs = {f["key"]: f for f in listing.get_json()["filters"]}
    assert key in specs, f"/api/v1/filters lacks {key!r}"
    spec = specs[key]
    assert spec.get("available", True), f"filter {key!r} is unavailable: {spec.get('problem')}"
    if spec["kind"] == "bool":
        value = "true"
    elif spec["choices"]:
        value = spec["choices"][0]["value"]
    else:
        value = f"..{spec['maximum'] if spec['maximum'] is not None else 1000:g}"
    answer = client.get("/api/v1/search", query_string={key: value, "per_page": 1})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    if spec["faceted"]:
        assert key in body["facets"], f"/api/v1/search has no facet for {key!r}"
    return body


# --- questionnaire ---------------------------------------------------------------------------


def _has_english(text: Text) -> bool:
    """Whether ``text`` has English words of its own (a plain text reads the same in every
    language; a catalog text needs its English translation)."""
    if text.key:
        return text.key in catalog(text.domain).translated("en")
    given = dict(text.literal_texts)
    return bool(given.get("en", "").strip()) or set(given) == {"de"}


def check_section(platform: Platform, key: str) -> None:
    """The questionnaire has the section, in its plugin's namespace, with a title and every
    question labelled in German and English (more languages: the catalog tests)."""
    sections = {s.key: s for s in platform.questionnaire.sections}
    assert key in sections, f"the questionnaire has no section {key!r}: {sorted(sections)}"
    section = sections[key]
    assert section.title("de").strip() and _has_english(section.title), (
        "the section needs a title in German and English"
    )
    assert section.questions, f"section {key!r} has no questions"
    if section.plugin != "core":
        assert section.namespace == section.plugin, (
            f"section {key!r} stores its answers in extensions[{section.namespace!r}], "
            f"not in its plugin's namespace {section.plugin!r}"
        )
    for question in section.questions:
        assert question.label("de").strip() and _has_english(question.label), (
            f"question {question.key!r} needs labels in German and English"
        )


# --- disabling -------------------------------------------------------------------------------


def check_disable_leaves_no_trace(platform: Platform, plugin: str, app: Any = None) -> None:
    """Disabling ``plugin`` (enabled on ``platform``) over the same database removes every
    trace of it: no hooks, filters, layers, questionnaire sections, API paths or commands,
    the database counts as current and still upgrades (``regiokarte init``), and the plugin's
    tables and data stay (disabling never deletes data). ``app`` (the web app over
    ``platform``) adds the web checks."""
    from core import Platform as PlatformClass
    from core.persistence.migrate import current_heads

    assert plugin in {p.name for p in platform.plugins}, f"{plugin!r} is not enabled"
    plugins = platform.settings.plugins
    settings = attrs.evolve(
        platform.settings,
        plugins=attrs.evolve(
            plugins,
            enabled=[name for name in plugins.enabled if name != plugin],
            options={k: v for k, v in plugins.options.items() if k != plugin},
        ),
    )
    tables_before = _plugin_tables(platform, plugin)
    heads_before = current_heads(platform.db)
    extra = getattr(platform, "_extra_plugins", None) or None
    without = PlatformClass(settings, extra_plugins=extra, engine=platform.db)

    assert plugin not in {p.name for p in without.plugins}
    assert without.pm.get_plugin(plugin) is None, f"{plugin!r} still has hooks registered"
    leftovers = [s.key for s in without.filters if s.plugin == plugin]
    assert not leftovers, f"filters of {plugin!r} remain: {leftovers}"
    layers = [layer.id for layer in without.layers.values() if layer.plugin == plugin]
    assert not layers, f"layers of {plugin!r} remain: {layers}"
    sections = [s.key for s in without.questionnaire.sections if s.plugin == plugin]
    assert not sections, f"questionnaire sections of {plugin!r} remain: {sections}"
    assert without.database_is_current(), (
        f"with {plugin!r} disabled the database no longer counts as current"
    )
    # the operator runs `regiokarte init` after disabling: the plugin's revision must still be
    # found (register_migrations is called on disabled plugins too), or the upgrade fails
    without.upgrade_database()
    # its data is kept: the tables (and the revision that made them) stay as they were
    assert _plugin_tables(without, plugin) == tables_before
    assert current_heads(without.db) == heads_before
    result = without.search(without.parse_query({"per_page": ["1"]}))
    assert not any(key.startswith(f"{plugin}_") for key in result.facets), result.facets.keys()
    assert result.total == platform.search(platform.parse_query({"per_page": ["1"]})).total

    if app is not None:
        from webapp.app import create_app

        web = create_app(platform=without)
        rules = [r.rule for r in web.url_map.iter_rules() if f"/api/v1/{plugin}" in r.rule]
        assert not rules, f"API routes of {plugin!r} remain: {rules}"
        assert plugin not in web.cli.commands, f"the command {plugin!r} remains"
        paths = web.test_client().get("/api/openapi.json").get_json()["paths"]
        stale = [p for p in paths if p.startswith(f"/api/v1/{plugin}/")]
        assert not stale, f"the OpenAPI document still lists {stale}"
        listed = web.test_client().get("/api/v1/plugins").get_json()["plugins"]
        states = {p["name"]: p["status"] for p in listed}
        assert states.get(plugin, "available") == "available", states


def _plugin_tables(platform: Platform, plugin: str) -> set[str]:
    from sqlalchemy import inspect

    return {t for t in inspect(platform.db).get_table_names() if t.startswith(f"{plugin}_")}
