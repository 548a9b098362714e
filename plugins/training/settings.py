"""The training plugin's settings (``[plugins.training]``), validated when the platform starts."""

from __future__ import annotations

import datetime as dt

from attrs import define
from core import range_problems
from core import setting

__all__ = ["TrainingSettings"]


_LIMITS: dict[str, tuple[float, float]] = {
    "profile_radius_km": (0.5, 200),
    "profile_max_courses": (0, 50),
    "employer_radius_km": (0.5, 200),
    "employer_max": (0, 100),
    "per_page": (1, 200),
}


@define
class TrainingSettings:
    """Where courses are looked for, how many are shown, and which day it is."""

    profile_radius_km: float = setting(
        25.0, "A company profile lists courses within this distance (km)."
    )
    profile_max_courses: int = setting(5, "Most courses a company profile lists (0: none).")
    profile_online: bool = setting(
        True, "Whether a company profile also lists online courses for its professions."
    )
    employer_radius_km: float = setting(
        20.0, "A course page lists employers within this distance (km)."
    )
    employer_max: int = setting(10, "Most employers a course page lists (0: none).")
    per_page: int = setting(20, "Courses per page of the course list.")
    today: str = setting(
        "",
        "Fixed date (YYYY-MM-DD) that decides which courses are past, for demos and tests; "
        "empty: the system clock.",
    )

    def problems(self) -> list[str]:
        """Every invalid setting as ``key: what is wrong`` (empty when all are valid)."""
        out = []
        out.extend(range_problems(self, _LIMITS))
        if self.today:
            try:
                dt.date.fromisoformat(self.today)
            except ValueError:
                out.append(
                    f"today: expected a date such as 2026-03-02 or nothing, not {self.today!r}"
                )
        return out

    @property
    def fixed_today(self) -> dt.date | None:
        return dt.date.fromisoformat(self.today) if self.today else None
