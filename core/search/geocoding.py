"""Turning postcodes and addresses into coordinates, offline by default.

A geocoder is a provider chosen in the settings (``geocoding.provider``); the default one uses
the postcode centroids shipped in ``core/data`` (no network). For street addresses an operator
may choose ``nominatim`` or ``photon`` with the URL of such a service (``geocoding.url``); it is
asked only for what the offline place search cannot answer. Plugins may add providers.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import logging
import urllib.parse
import urllib.request
from importlib import resources
from typing import Any, Protocol

from core.errors import GeocodingError, Sentence
from core.model import Address, Location
from core.texts import DOMAIN

__all__ = [
    "Geocoder",
    "PostcodeGeocoder",
    "WebGeocoder",
    "postcode_centroids",
    "postcode_places",
    "postcode_towns",
]

log = logging.getLogger(__name__)

#: the most bytes read from a geocoding service's answer
MAX_ANSWER_BYTES = 1_000_000


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


def postcode_towns(postcode: str) -> tuple[str, ...]:
    """The names of the places a German postcode covers, as the postal directory lists them
    (several places can share one postcode); empty for an unknown postcode."""
    return postcode_places().get(postcode.strip(), ())


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
                Sentence.message(DOMAIN, "place_error.postcode", postcode=postcode.strip())
            ) from None


class WebGeocoder:
    """Addresses through a Nominatim (``/search``) or Photon (``/api``) web service.

    Answers are bounded (``MAX_ANSWER_BYTES``, ``timeout`` seconds); a service that fails or
    answers nonsense counts as "not found" and is logged, so the search goes on without it.
    """

    def __init__(
        self, name: str, url: str, *, timeout: float = 5.0, user_agent: str = "regiokarte"
    ) -> None:
        if name not in ("nominatim", "photon"):
            raise ValueError(f"unknown web geocoder {name!r}")
        self.name = name
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.user_agent = user_agent

    def search(self, text: str, limit: int = 5) -> list[tuple[str, Location]]:
        """(label, location) of the best matches for ``text``, best first; [] when none."""
        if self.name == "nominatim":
            query = {"q": text, "format": "jsonv2", "limit": str(limit), "countrycodes": "de"}
            answer = self._get(f"{self.url}/search", query)
            rows = answer if isinstance(answer, list) else []
            return [
                (str(r.get("display_name", text)), Location(float(r["lat"]), float(r["lon"])))
                for r in rows
                if isinstance(r, dict) and "lat" in r and "lon" in r
            ][:limit]
        answer = self._get(f"{self.url}/api", {"q": text, "limit": str(limit), "lang": "de"})
        features = answer.get("features", []) if isinstance(answer, dict) else []
        found = []
        for f in features:
            try:
                lon, lat = f["geometry"]["coordinates"][:2]
                props = f.get("properties", {})
            except (KeyError, TypeError, ValueError):
                continue
            street = " ".join(str(props[k]) for k in ("street", "housenumber") if props.get(k))
            town = " ".join(str(props[k]) for k in ("postcode", "city") if props.get(k))
            label = ", ".join(p for p in (street or str(props.get("name", "")), town) if p)
            found.append((label or text, Location(float(lat), float(lon))))
        return found[:limit]

    def locate(self, address: Address) -> Location:
        text = ", ".join(
            p for p in (address.street, f"{address.postcode} {address.town}".strip()) if p
        )
        found = self.search(text, 1)
        if not found:
            raise GeocodingError(Sentence.message(DOMAIN, "place_error.address", address=text))
        return found[0][1]

    def _get(self, url: str, query: dict[str, str]) -> Any:
        request = urllib.request.Request(
            f"{url}?{urllib.parse.urlencode(query)}",
            headers={"User-Agent": self.user_agent, "Accept": "application/json"},
        )
        try:
            # the URL is the operator's setting, never user input
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_ANSWER_BYTES + 1)
            if len(body) > MAX_ANSWER_BYTES:
                raise ValueError(f"answer larger than {MAX_ANSWER_BYTES} bytes")
            return json.loads(body)
        except (OSError, ValueError) as exc:
            log.warning("geocoding service %s failed: %s", self.url, exc)
            return None
