"""The jobs plugin's settings (``[plugins.jobs]``), validated when the platform starts."""

from __future__ import annotations

import datetime as dt

from attrs import define
from core import range_problems
from core import setting

__all__ = ["JobsSettings"]

_LIMITS: dict[str, tuple[float, float]] = {
    "match_threshold": (0.5, 1.0),
    "review_threshold": (0.3, 1.0),
    "ba_timeout_s": (1, 300),
    "ba_page_size": (1, 100),
    "ba_max_pages": (1, 1000),
    "ba_keep_files": (1, 10_000),
    "profile_max_positions": (0, 100),
    "per_page": (1, 200),
}


@define
class JobsSettings:
    """Which day it is, how employers are matched, and the optional fetch from the
    Jobsuche of the Bundesagentur für Arbeit."""

    today: str = setting(
        "",
        "Fixed date (YYYY-MM-DD) that decides which positions are open, for demos and tests; "
        "empty: the portal's day (portal.timezone).",
    )
    match_threshold: float = setting(
        1.0,
        "Similarity (0..1) of normalised employer names from which an imported position is "
        "matched to a company with the same postcode without review (1.0: only the same "
        "name, legal form, case, umlauts and punctuation aside; a lower value also matches "
        "near spellings, and 'Bäckerei Schmitz' to 'Bäckerei Schmidt').",
    )
    review_threshold: float = setting(
        0.75,
        "Similarity (0..1) from which a company is proposed to the operator for review; "
        "below it the employer stays unmatched.",
    )
    ba_fetch: bool = setting(
        False,
        "Whether `regiokarte jobs fetch-ba` may fetch positions from the Jobsuche of the "
        "Bundesagentur für Arbeit (off: the command refuses).",
    )
    ba_url: str = setting(
        "https://rest.arbeitsagentur.de/jobboerse/jobsuche-service/pc/v4/jobs",
        "Endpoint of the Jobsuche API that `jobs fetch-ba` asks.",
    )
    ba_api_key: str = setting(
        "jobboerse-jobsuche", "Value of the X-API-Key header the Jobsuche API expects."
    )
    ba_where: str = setting("", "Place (wo) the fetch asks for, e.g. Recklinghausen.")
    ba_radius_km: int = setting(25, "Radius (umkreis, km) around `ba_where` the fetch asks for.")
    ba_timeout_s: float = setting(30.0, "Seconds the fetch waits for an answer.")
    ba_offer_types: list[int] = setting(
        factory=lambda: [1, 4, 34],
        help_text="Kinds of offer (angebotsart) the fetch asks for, one search each: 1 Arbeit, "
        "4 Ausbildung/duales Studium, 34 Praktikum/Trainee.",
    )
    ba_page_size: int = setting(100, "Positions per page the fetch asks for (size).")
    ba_max_pages: int = setting(
        100,
        "Most pages the fetch reads per kind of offer; a search cut off here closes no positions.",
    )
    ba_folder: str = setting(
        "instance/jobsuche", "Folder where the fetch keeps each answer before importing it."
    )
    ba_keep_files: int = setting(30, "How many of the newest answers the folder keeps.")
    profile_max_positions: int = setting(
        20, "Most open positions a company profile lists (0: none)."
    )
    per_page: int = setting(20, "Positions per page of lists.")

    def problems(self) -> list[str]:
        """Every invalid setting as ``key: what is wrong`` (empty when all are valid)."""
        out = list(range_problems(self, _LIMITS))
        if self.review_threshold > self.match_threshold:
            out.append(
                f"review_threshold: {self.review_threshold} is above match_threshold "
                f"{self.match_threshold}; a review proposal must be less sure than a match"
            )
        if self.today:
            try:
                dt.date.fromisoformat(self.today)
            except ValueError:
                out.append(
                    f"today: expected a date such as 2026-03-02 or nothing, not {self.today!r}"
                )
        unknown = [t for t in self.ba_offer_types if t not in (1, 4, 34)]
        if unknown or not self.ba_offer_types:
            out.append(f"ba_offer_types: expected some of 1, 4 and 34, not {self.ba_offer_types!r}")
        if self.ba_fetch and not self.ba_url.startswith("https://"):
            out.append(f"ba_url: expected an https:// address, not {self.ba_url!r}")
        return out

    @property
    def fixed_today(self) -> dt.date | None:
        return dt.date.fromisoformat(self.today) if self.today else None
