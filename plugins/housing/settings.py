"""The housing plugin's settings (``[plugins.housing]``), validated when the platform starts."""

from __future__ import annotations

from attrs import define
from core import range_problems
from core import setting

__all__ = ["HousingSettings"]


_LIMITS: dict[str, tuple[float, float]] = {
    "default_lifetime_days": (1, 365),
    "max_radius_km": (1, 200),
    "profile_radius_km": (0.1, 50),
    "profile_offers": (0, 50),
    "commute_employers": (1, 50),
    "max_layer_features": (1, 20_000),
    "max_import_bytes": (1024, 200_000_000),
}


@define
class HousingSettings:
    """Lifetimes, radii and limits of housing offers."""

    default_lifetime_days: int = setting(
        60, "Days an offer is shown when its source gives no expiry date."
    )
    max_radius_km: float = setting(
        50.0, "Largest distance accepted by the filter housing_km and the offer list."
    )
    profile_radius_km: float = setting(
        5.0, "Offers within this distance are listed on a company's profile page."
    )
    profile_offers: int = setting(5, "Most offers listed on a company's profile page.")
    commute_employers: int = setting(
        5, "Nearest employers shown on an offer's page (the 'commute from home')."
    )
    max_layer_features: int = setting(2000, "Most offers one request of the map layer returns.")
    max_import_bytes: int = setting(20_000_000, "Largest file accepted by an import, in bytes.")
    timezone: str = setting(
        "Europe/Berlin", "Time zone whose calendar day decides when an offer has expired."
    )

    def problems(self) -> list[str]:
        """Every invalid setting, as ``key: what is wrong`` (empty when all are valid)."""
        out = []
        out.extend(range_problems(self, _LIMITS))
        try:
            from zoneinfo import ZoneInfo

            ZoneInfo(self.timezone)
        except Exception:  # noqa: BLE001 - any failure means the name is unusable
            out.append(f"timezone: {self.timezone!r} is not a known time zone (Europe/Berlin)")
        return out
