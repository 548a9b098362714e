"""The housing plugin's settings (``[plugins.housing]``), validated when the platform starts."""

from __future__ import annotations

from attrs import define
from attrs import field
from core import range_problems
from core import setting_help

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

    default_lifetime_days: int = field(
        default=60,
        metadata=setting_help("Days an offer is shown when its source gives no expiry date."),
    )
    max_radius_km: float = field(
        default=50.0,
        metadata=setting_help(
            "Largest distance accepted by the filter housing_km and the offer list."
        ),
    )
    profile_radius_km: float = field(
        default=5.0,
        metadata=setting_help(
            "Offers within this distance are listed on a company's profile page."
        ),
    )
    profile_offers: int = field(
        default=5, metadata=setting_help("Most offers listed on a company's profile page.")
    )
    commute_employers: int = field(
        default=5,
        metadata=setting_help(
            "Nearest employers shown on an offer's page (the 'commute from home')."
        ),
    )
    max_layer_features: int = field(
        default=2000, metadata=setting_help("Most offers one request of the map layer returns.")
    )
    max_import_bytes: int = field(
        default=20_000_000, metadata=setting_help("Largest file accepted by an import, in bytes.")
    )
    timezone: str = field(
        default="Europe/Berlin",
        metadata=setting_help("Time zone whose calendar day decides when an offer has expired."),
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
