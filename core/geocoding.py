"""Turning postcodes and addresses into coordinates, offline by default.

A geocoder is a provider chosen in the settings (``geocoding.provider``); the built-in one uses
the postcode centroids shipped in ``core/data`` (no network). Plugins may add providers.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from typing import Protocol

from core.errors import GeocodingError
from core.model import Address, Location

__all__ = ["Geocoder", "PostcodeGeocoder", "postcode_centroids", "postcode_places"]


class Geocoder(Protocol):
    """Resolves addresses to coordinates."""

    name: str

    def locate(self, address: Address) -> Location:
        """The best location for ``address``; GeocodingError when there is none."""
        ...


@functools.cache
def postcode_centroids() -> dict[str, Location]:
    """Centroid of every German postcode."""
    text = resources.files("core.data").joinpath("plz_centroids_de.csv").read_text("utf-8")
    return {
        row["plz"]: Location(float(row["lat"]), float(row["lon"]))
        for row in csv.DictReader(io.StringIO(text))
    }


@functools.cache
def postcode_places() -> dict[str, tuple[str, ...]]:
    """Place names per German postcode (several places can share one)."""
    text = resources.files("core.data").joinpath("plz_orte_de.csv").read_text("utf-8")
    places: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        places.setdefault(row["plz"], []).append(row["ort"])
    return {k: tuple(v) for k, v in places.items()}


class PostcodeGeocoder:
    """Places an address at its postcode's centroid (accurate to a few hundred metres)."""

    name = "postcode"

    def locate(self, address: Address) -> Location:
        return self.locate_postcode(address.postcode)

    def locate_postcode(self, postcode: str) -> Location:
        try:
            return postcode_centroids()[postcode.strip()]
        except KeyError:
            raise GeocodingError(
                f"The postcode {postcode!r} is unknown; give a five-digit German postcode "
                "such as 45657."
            ) from None
