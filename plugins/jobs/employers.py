"""The employers of the review list: positions without a sure company, grouped by employer
(its normalised name and postcode, as the matching compares them)."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from plugins.jobs.matching import employer_key
from plugins.jobs.model import Position

__all__ = ["Employer", "employers"]


@frozen
class Employer:
    """An employer of the review list: its positions waiting for a decision and the
    companies proposed for them."""

    key: str
    name: str
    postcode: str
    town: str
    #: "review" when a company was proposed for any of its positions, else "unmatched"
    match: str
    positions: tuple[Position, ...]
    candidates: tuple[int, ...]

    @property
    def ids(self) -> list[int]:
        return [p.id for p in self.positions if p.id is not None]


def employers(positions: Sequence[Position]) -> list[Employer]:
    """The positions of the review list grouped by employer (normalised name and postcode),
    in the list's order: uncertain matches first, then by name."""
    groups: dict[str, list[Position]] = {}
    for position in positions:
        key = f"{employer_key(position.employer_name)}|{position.employer_postcode}"
        groups.setdefault(key, []).append(position)
    out = []
    for key, members in groups.items():
        first = members[0]
        candidates = tuple(dict.fromkeys(c for p in members for c in p.match_candidates))
        match = "review" if any(p.match == "review" for p in members) else "unmatched"
        out.append(
            Employer(
                key,
                first.employer_name,
                first.employer_postcode,
                first.employer_town,
                match,
                tuple(members),
                candidates,
            )
        )
    return sorted(out, key=lambda e: (e.match != "review", e.name.casefold(), e.postcode))
