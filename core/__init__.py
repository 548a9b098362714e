"""regiokarte core: the company model, filter registry, search engine and plugin system.

This package is the public API for applications and plugins; it never imports Flask or any
plugin. Import names from here (``from core import FilterSpec, hookimpl``).
"""

from core.classifications import Term, Vocabulary
from core.errors import (
    ConfigError,
    Conflict,
    GeocodingError,
    ImportError_,
    InvalidQuery,
    NotFound,
    PluginError,
    RegiokarteError,
    ValidationError,
)
from core.filters import (
    Choice,
    DynamicColumn,
    DynamicValue,
    FilterKind,
    FilterRegistry,
    FilterSpec,
    Range,
    choices_from,
)
from core.hookspecs import hookimpl
from core.index import IndexSource, SearchIndex
from core.layers import Feature, Layer, feature_collection, point_feature
from core.model import Address, Company, Contact, Location, Status, slugify
from core.platform import Platform
from core.plugins import PLUGIN_API_VERSION, LoadedPlugin, PluginManifest
from core.query import BBox, Cluster, FacetValue, SearchHit, SearchQuery, SearchResult
from core.region import Region, Town
from core.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "PLUGIN_API_VERSION",
    "Address",
    "BBox",
    "Choice",
    "Cluster",
    "Company",
    "ConfigError",
    "Conflict",
    "Contact",
    "DynamicColumn",
    "DynamicValue",
    "FacetValue",
    "Feature",
    "FilterKind",
    "FilterRegistry",
    "FilterSpec",
    "GeocodingError",
    "ImportError_",
    "IndexSource",
    "InvalidQuery",
    "Layer",
    "LoadedPlugin",
    "Location",
    "NotFound",
    "Platform",
    "PluginError",
    "PluginManifest",
    "Range",
    "RegiokarteError",
    "Region",
    "SearchHit",
    "SearchIndex",
    "SearchQuery",
    "SearchResult",
    "Settings",
    "Status",
    "Term",
    "Town",
    "ValidationError",
    "Vocabulary",
    "choices_from",
    "feature_collection",
    "hookimpl",
    "load_settings",
    "point_feature",
    "slugify",
]
