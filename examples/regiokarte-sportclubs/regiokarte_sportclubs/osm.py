"""Reading sports clubs from an OpenStreetMap extract (.osm XML or .osm.pbf) with pyosmium.

Objects tagged ``club=sport`` or ``leisure=sports_centre`` with a ``name`` become clubs; nodes
stay where they are, ways are placed at the mean of their vertices. ``sport=*`` (several values
separated by ``;``) gives the sports. Objects without a name are skipped and counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from attrs import frozen
from core import ImportError_

from regiokarte_sportclubs.clubs import Club
from regiokarte_sportclubs.sports import sports_of

__all__ = ["OsmClubs", "read_clubs"]

TAGS = (("club", "sport"), ("leisure", "sports_centre"))


@frozen
class OsmClubs:
    """What an extract held: the clubs and how many tagged objects had no name."""

    clubs: tuple[Club, ...]
    unnamed: int


def _address(tags: dict[str, str]) -> str:
    street = " ".join(p for p in (tags.get("addr:street"), tags.get("addr:housenumber")) if p)
    town = " ".join(p for p in (tags.get("addr:postcode"), tags.get("addr:city")) if p)
    return ", ".join(p for p in (street, town) if p)


def _position(obj: Any) -> tuple[float, float] | None:
    if obj.is_node():
        return (obj.location.lat, obj.location.lon) if obj.location.valid() else None
    points = [(n.location.lat, n.location.lon) for n in obj.nodes if n.location.valid()]
    if obj.is_closed() and len(points) > 1:
        points = points[:-1]
    if not points:
        return None
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def read_clubs(path: Path) -> OsmClubs:
    """The clubs in the extract ``path``; ImportError_ when it is unreadable or holds none."""
    import osmium

    found: dict[str, Club] = {}
    unnamed = 0
    try:
        processor = (
            osmium.FileProcessor(str(path))
            .with_locations()
            .with_filter(osmium.filter.TagFilter(*TAGS))
        )
        obj: Any  # osmium's objects (nodes and ways, as the filter lets through)
        for obj in processor:
            if not (obj.is_node() or obj.is_way()):
                continue
            tags = {tag.k: tag.v for tag in obj.tags}
            name = tags.get("name", "").strip()
            position = _position(obj)
            if not name or position is None:
                unnamed += 1
                continue
            osm_id = f"{'node' if obj.is_node() else 'way'}/{obj.id}"
            found[osm_id] = Club(
                osm_id=osm_id,
                name=name,
                sports=sports_of(tags.get("sport", "")),
                lat=round(position[0], 7),
                lon=round(position[1], 7),
                address=_address(tags),
                website=tags.get("website", tags.get("contact:website", "")),
            )
    except RuntimeError as exc:
        raise ImportError_(
            f"{Path(path).name} is no readable OSM file: {exc}.", {"file": [str(exc)]}
        ) from None
    if not found:
        raise ImportError_(
            f"{Path(path).name} holds no named object tagged club=sport or "
            "leisure=sports_centre; nothing was imported.",
            {"file": ["no sports clubs"]},
        )
    return OsmClubs(tuple(found.values()), unnamed)
