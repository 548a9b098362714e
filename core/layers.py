"""Map layers: named sets of GeoJSON features that the map can switch on and off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attrs import field, frozen

from core.query import BBox

__all__ = ["Feature", "Layer", "feature_collection", "point_feature"]

#: A GeoJSON Feature as a plain dict.
Feature = dict[str, Any]


@frozen
class Layer:
    """A map layer: id, labels, and a function returning its features within a box.

    ``features(bbox, lang)`` returns GeoJSON Feature dicts (Point geometries in WGS84); the
    platform passes ``bbox=None`` for "everything".
    """

    id: str
    label_de: str
    label_en: str
    features: Callable[[BBox | None, str], list[Feature]] = field(eq=False, repr=False)
    plugin: str = "core"
    default_visible: bool = False
    marker: str = "default"
    attribution: str = ""

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_de


def feature_collection(features: list[Feature]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``features``."""
    return {"type": "FeatureCollection", "features": features}


def point_feature(
    feature_id: str | int, lat: float, lon: float, properties: dict[str, Any]
) -> Feature:
    """A GeoJSON Point feature (coordinates in lon, lat order, as GeoJSON wants)."""
    return {
        "type": "Feature",
        "id": feature_id,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": properties,
    }
