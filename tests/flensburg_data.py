"""The real Flensburg Kitas (OK Lab Flensburg, CC0; see tests/plugins/childcare/data/SOURCE.md)
as material for files of another region: their points and public addresses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

FLENSBURG = (
    Path(__file__).resolve().parent / "plugins" / "childcare" / "data" / "kitas_flensburg.geojson"
)


def kita_features() -> list[dict[str, Any]]:
    return json.loads(FLENSBURG.read_text(encoding="utf-8"))["features"]


def offers_csv(count: int, *, in_region: int = 0) -> bytes:
    """A housing offer file: ``in_region`` offers in Recklinghausen, then ``count`` offers at
    the public addresses and coordinates of Flensburg Kitas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(
        ["external_id", "title", "kind", "offer_type", "cold_rent_eur", "street", "postcode"]
        + ["address_public", "lat", "lon", "provider_type", "provider_name"]
    )
    for number in range(in_region):
        writer.writerow(
            [f"RE-{number}", f"Wohnung {number}", "flat", "rent", "500", "Herzogswall 17"]
            + ["45657", "ja", 51.6139, 7.1963, "private", "Vermieter (fiktiv)"]
        )
    for number, feature in enumerate(kita_features()[:count]):
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        writer.writerow(
            [f"FL-{number}", f"Wohnung {p['address']}", "flat", "rent", "500", p["address"]]
            + [p["postal_code"], "ja", lat, lon, "private", "Vermieter (fiktiv)"]
        )
    return out.getvalue().encode("utf-8")
