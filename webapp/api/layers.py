"""/api/v1/layers: the map layers (companies and the plugins' ones) as GeoJSON."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from core.portal.statistics import record_layer
from webapp.api.schemas import (
    ErrorSchema,
    LanguageArgsSchema,
    LayerArgsSchema,
    LayerFeaturesSchema,
    LayerListSchema,
)
from webapp.context import current_platform, request_language

__all__ = ["blp"]


blp = Blueprint(
    "layers",
    __name__,
    url_prefix="/api/v1",
    description="Map layers as GeoJSON FeatureCollections.",
)


@blp.route("/layers")
class Layers(MethodView):
    @blp.arguments(LanguageArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, LayerListSchema)
    def get(self, _args: dict[str, Any]) -> dict[str, Any]:
        """List the map layers"""
        lang = request_language()
        platform = current_platform()
        # the operator's choice ([map] layers) wins over each layer's own default
        ticked = platform.settings.map.layers
        return {
            "lang": lang,
            "layers": [
                {
                    "id": layer.id,
                    "label": layer.label(lang),
                    "plugin": layer.plugin,
                    "default_visible": layer.id in ticked if ticked else layer.default_visible,
                    "marker": layer.marker,
                    "style": platform.layer_styles[layer.id].as_dict(),
                    "attribution": layer.attribution,
                    "url": url_for(".LayerFeatures", layer_id=layer.id),
                }
                for layer in platform.layers.values()
            ],
        }


@blp.route("/layers/<layer_id>")
class LayerFeatures(MethodView):
    @blp.arguments(LayerArgsSchema, location="query", unknown=ma.RAISE)
    @blp.response(200, LayerFeaturesSchema)
    @blp.alt_response(404, schema=ErrorSchema, description="No such layer.")
    @blp.alt_response(422, schema=ErrorSchema, description="bbox is invalid.")
    @blp.alt_response(
        503, schema=ErrorSchema, description="The layer's plugin failed (see message)."
    )
    def get(self, args: dict[str, Any], layer_id: str) -> dict[str, Any]:
        """Features of a layer within a box

        At most max_features features are sent (the map's marker limit); truncated says
        whether the box held more, total how many. Zoom in to see the rest.
        """
        platform = current_platform()
        lang = request_language()
        layer = platform.layer(layer_id)
        # core parses bbox, so its errors read like those of /api/v1/search
        bbox = platform.parse_query({"bbox": [args["bbox"]]} if "bbox" in args else {}).bbox
        # a failing plugin layer answers 503 (PluginFailure); the other layers keep working
        features = platform.layer_features(layer.id, bbox, lang)
        record_layer(platform, layer.id)  # aggregated counts only (core.portal.statistics)
        cap = platform.settings.search.max_points
        return {
            "type": "FeatureCollection",
            "layer": layer.id,
            "features": features[:cap],
            "total": len(features),
            "truncated": len(features) > cap,
            "max_features": cap,
        }
