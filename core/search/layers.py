"""Map layers: named sets of GeoJSON features that the map can switch on and off."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from attrs import field, frozen

from core.i18n import Text, translatable
from core.labels import old_label_pair, to_text
from core.search.markers import check_colour, check_glyph, check_shape
from core.search.query import BBox

__all__ = ["MAX_POPUP_LINES", "Feature", "Layer", "feature_collection", "point_feature"]

#: A GeoJSON Feature as a plain dict.
Feature = dict[str, Any]


def _colour(value: object) -> str:
    return check_colour(str(value), "Layer colour")


def _shape(value: object) -> str:
    return check_shape(str(value), "Layer shape")


def _glyph(value: object) -> str:
    return check_glyph(str(value), "Layer glyph")


@old_label_pair(1)
@translatable("label")
@frozen
class Layer:
    """A map layer: id, label, and a function returning its features within a box.

    ``features(bbox, lang)`` returns GeoJSON Feature dicts (Point geometries in WGS84); the
    platform passes ``bbox=None`` for "everything". ``marker`` is a hint for the symbol, not
    a picture: it names an entry of core's style table (``core.search.markers``); ``colour``
    (#rrggbb), ``shape`` and ``glyph`` override that entry's parts. Every map draws the style
    the portal resolves for the layer (``layer_styles``), and no two layers share one.
    """

    id: str
    label: Text = field(converter=to_text)
    features: Callable[[BBox | None, str], list[Feature]] = field(eq=False, repr=False)
    plugin: str = "core"
    default_visible: bool = False
    marker: str = "default"
    attribution: str = ""
    colour: str = field(default="", converter=_colour)
    shape: str = field(default="", converter=_shape)
    glyph: str = field(default="", converter=_glyph)


def feature_collection(features: list[Feature]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``features``."""
    return {"type": "FeatureCollection", "features": features}


#: The most popup lines the start page shows; the rest are left out.
MAX_POPUP_LINES = 6


def point_feature(
    feature_id: str | int,
    lat: float,
    lon: float,
    properties: dict[str, Any],
    *,
    title: str | None = None,
    lines: Iterable[str | None] = (),
    link: str | None = None,
) -> Feature:
    """A GeoJSON Point feature (coordinates in lon, lat order, as GeoJSON wants).

    ``title``, ``lines`` and ``link`` are what the start page's popup shows for the feature,
    kept under ``properties["popup"]`` (apart from the plugin's own properties, so neither
    overwrites the other): a title, a few short lines of text in the layer's language (empty
    ones are left out, at most ``MAX_POPUP_LINES``), and a link to a page about it.
    """
    if isinstance(lines, str):
        raise TypeError(f"lines of feature {feature_id!r} must be a list of texts, not one text.")
    kept = [line for line in lines if line]
    if title is not None or kept or link is not None:
        if len(kept) > MAX_POPUP_LINES:
            raise ValueError(
                f"A popup shows at most {MAX_POPUP_LINES} lines; feature {feature_id!r} has "
                f"{len(kept)}. Keep the most useful ones."
            )
        properties = {**properties, "popup": {"title": title, "lines": kept, "link": link}}
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }
