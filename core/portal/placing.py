"""Where a company of the Leitfragebogen lies: its address, found by the portal's geocoder, or
the pin its editor moved on the map; both checked against the region the portal covers.

A small business knows its address, not its coordinates. So the address places it: the
configured geocoder (postcode centroids offline, a Nominatim/Photon service if the operator
set one), falling back to the postcode's centre when a service finds nothing or answers with a
place outside the region (a street of the same name elsewhere). The editor may then move the
pin; only a moved pin is stored as an answer, so a changed address moves a company that never
moved its pin.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from attrs import frozen

from core.errors import GeocodingError
from core.i18n import Text
from core.model import Address, Location
from core.region import Region
from core.search.geocoding import postcode_centroids, postcode_towns

if TYPE_CHECKING:
    from core.platform import Platform

__all__ = [
    "MARGIN_DEGREES",
    "Placement",
    "PlacementError",
    "in_region",
    "place_address",
    "postcode_problem",
]

#: How far (in degrees, about 2 km) a pin may lie outside the region's bounding box: a
#: company at the region's edge is still the region's.
MARGIN_DEGREES = 0.02

_DOMAIN = "questionnaire"  # the catalog of core.portal.questionnaire (not imported: cycle)
_POSTCODE = re.compile(r"\d{5}")


@frozen
class Placement:
    """Where an address lies and how exactly the geocoder knew it."""

    location: Location
    #: "address" when the geocoder found the street, "postcode" for the centre of the
    #: postcode's area (the offline default, or what a service could not find)
    precision: str

    def note(self, postcode: str) -> Text:
        """What the editor is told about the pin the address gave."""
        if self.precision == "address":
            return Text.message(_DOMAIN, "location.found_address")
        return Text.message(_DOMAIN, "location.found_postcode", postcode=postcode)


class PlacementError(GeocodingError):
    """An address that cannot place a company of this portal; ``said`` tells the editor why
    and what to do, in every language of the questionnaire's catalog."""

    def __init__(self, said: Text) -> None:
        super().__init__(said("en"))
        self.said = said


def in_region(region: Region, location: Location) -> bool:
    """Whether ``location`` lies within the region's bounds (with ``MARGIN_DEGREES``)."""
    bounds = region.bounds
    return (
        bounds.south - MARGIN_DEGREES <= location.lat <= bounds.north + MARGIN_DEGREES
        and bounds.west - MARGIN_DEGREES <= location.lon <= bounds.east + MARGIN_DEGREES
    )


def _region_postcodes(region: Region) -> frozenset[str]:
    return frozenset(p for town in region.towns for p in town.postcodes)


def postcode_problem(region: Region, postcode: str) -> Text | None:
    """Why ``postcode`` cannot place a company of ``region`` (malformed, unknown, or in another
    region), or None when it can. A region file that lists no postcodes accepts any German
    postcode whose centre lies within the region's bounds."""
    text = postcode.strip()
    if not _POSTCODE.fullmatch(text):
        return Text.message(_DOMAIN, "problem.postcode")
    centre = postcode_centroids().get(text)
    if centre is None:
        return Text.message(_DOMAIN, "problem.postcode_unknown", value=text)
    listed = _region_postcodes(region)
    if (text not in listed) if listed else not in_region(region, centre):
        places = postcode_towns(text)
        return Text.message(
            _DOMAIN,
            "problem.postcode_outside",
            value=text,
            place=places[0] if places else text,
            region=region.name,
        )
    return None


#: Addresses a geocoding service found, per geocoder: the live preview asks again at every
#: pause in typing, and a public service allows about one request a second.
_FOUND: dict[tuple[Any, Address], Location] = {}
#: How many answers ``_FOUND`` keeps (it starts afresh when full).
MAX_REMEMBERED = 4096


def _remembered(platform: Platform, address: Address) -> Location | None:
    """Where the configured geocoder puts ``address`` (None: nowhere); what it found is
    remembered, what it did not is asked again (the service may just have been away)."""
    geocoder = platform.geocoder
    try:
        # the geocoder itself is the key (an id could be reused by another one later)
        key = (geocoder, address)
        found = _FOUND.get(key)
    except TypeError:  # a geocoder without a hash is asked every time
        key, found = None, None
    if found is not None:
        return found
    try:
        found = platform.locate(address)
    except GeocodingError:
        return None
    if key is None:
        return found
    if len(_FOUND) >= MAX_REMEMBERED:
        _FOUND.clear()
    _FOUND[key] = found
    return found


def place_address(platform: Platform, address: Address) -> Placement:
    """Where ``address`` lies, through the portal's geocoder; PlacementError when its postcode
    is malformed, unknown or outside the region."""
    postcode = address.postcode.strip()
    problem = postcode_problem(platform.region, postcode)
    if problem is not None:
        raise PlacementError(problem)
    centre = platform.locate_postcode(postcode)
    if platform.geocoder.name == "postcode":
        return Placement(centre, "postcode")
    found = _remembered(platform, address)
    if found is None:
        return Placement(centre, "postcode")  # the service knows no such street
    if not in_region(platform.region, found):
        return Placement(centre, "postcode")  # a street of that name in another town
    return Placement(found, "address" if address.street.strip() else "postcode")
