"""The test data files of the childcare tests and the Flensburg column mapping."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
FLENSBURG = DATA / "kitas_flensburg.geojson"
MARL_OSM = DATA / "kitas_marl.osm"
#: The region setting of a Flensburg portal (the Flensburg Kitas lie in it).
FLENSBURG_REGION = {"file": str(DATA / "flensburg_region.toml")}

#: The column mapping for the Flensburg file (OK Lab Flensburg's property names), as an
#: operator would write it in [plugins.childcare.columns].
FLENSBURG_COLUMNS: dict[str, list[str]] = {
    "id": ["slug"],
    "name": ["facility"],
    "operator": ["institution"],
    "street": ["address"],
    "postcode": ["postal_code"],
    "age_under3": ["group_0_3", "group_1_6"],
    "age_3_6": ["group_3_6", "group_1_6", "nature_3_6"],
    "age_school": ["group_6_14"],
    "places": ["childcare_places"],
    "inclusion": ["integrational"],
    "lunch": ["lunch_offer"],
    "notes": ["comments"],
}
