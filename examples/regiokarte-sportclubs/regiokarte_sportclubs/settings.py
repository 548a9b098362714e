"""The plugin's settings: the ``[plugins.sportclubs]`` table of the portal's configuration."""

from __future__ import annotations

from attrs import define, field

__all__ = ["SportclubsSettings"]


@define
class SportclubsSettings:
    """Search radius, limits and attribution of the sports clubs layer."""

    radius_km: float = field(
        default=2.0,
        metadata={
            "help": "The filter finds employers with a club of the sport within this many km."
        },
    )
    max_features: int = field(
        default=2000, metadata={"help": "Most clubs the layer sends for one map view."}
    )
    profile_clubs: int = field(
        default=3, metadata={"help": "How many nearby clubs a company profile lists (0: none)."}
    )
    attribution: str = field(
        default="© OpenStreetMap-Mitwirkende (ODbL)",
        metadata={"help": "Attribution shown with the layer (OSM data needs it)."},
    )
