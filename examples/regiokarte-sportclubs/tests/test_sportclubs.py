"""The sportclubs plugin, tested through regiokarte's fixtures and contract checks.

The plugin must be installed (``pip install -e .``): the fixtures find it through its entry
point, as the portal does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from core import ImportError_, Location, haversine_m
from regiokarte_testing import (
    check_disable_leaves_no_trace,
    check_filter,
    check_filter_api,
    check_layer,
    check_layer_api,
    check_section,
)

from regiokarte_sportclubs.hooks import FILTER_KEY, LAYER_ID, import_file
from regiokarte_sportclubs.osm import read_clubs
from regiokarte_sportclubs.settings import SportclubsSettings


def test_the_extract_gives_named_clubs_with_sports(sample: Path) -> None:
    found = read_clubs(sample)
    names = {c.name for c in found.clubs}
    assert len(found.clubs) == 9 and found.unnamed == 1
    assert "Bäckerei Beispiel (fiktiv)" not in names
    centre = next(c for c in found.clubs if c.osm_id == "way/2001")
    assert (centre.lat, centre.lon) == (51.556, 7.312)  # the mean of its corners
    assert centre.sports == ("fitness", "swimming")
    assert next(c for c in found.clubs if c.osm_id == "node/1005").sports == ("martial_arts",)


def test_a_file_without_clubs_imports_nothing(regiokarte_platform, sample: Path, tmp_path: Path):
    import_file(regiokarte_platform, sample)
    empty = tmp_path / "leer.osm"
    empty.write_text('<?xml version="1.0"?><osm version="0.6"></osm>', encoding="utf-8")
    with pytest.raises(ImportError_):
        import_file(regiokarte_platform, empty)
    assert len(regiokarte_platform.layer_features(LAYER_ID, None, "de")) == 9


def test_layer_contract(regiokarte_platform, sample: Path) -> None:
    import_file(regiokarte_platform, sample)
    check_layer(regiokarte_platform, LAYER_ID)


def test_filter_contract_and_distances(regiokarte_platform, regiokarte_demo, sample) -> None:
    import_file(regiokarte_platform, sample)
    check_filter(regiokarte_platform, FILTER_KEY)
    clubs = [c for c in read_clubs(sample).clubs if "swimming" in c.sports]
    radius = SportclubsSettings().radius_km * 1000
    expected = {
        c.id
        for c in regiokarte_demo
        if c.location is not None
        and c.status.value == "published"
        and min(
            haversine_m(c.location.lat, c.location.lon, np.array([k.lat]), np.array([k.lon]))[0]
            for k in clubs
        )
        <= radius
    }
    result = regiokarte_platform.search(
        regiokarte_platform.parse_query({FILTER_KEY: ["swimming"], "per_page": ["200"]})
    )
    assert result.total == len(expected)
    assert {hit.id for hit in result.items} == expected


def test_web_api_and_own_route(regiokarte_platform, regiokarte_demo, regiokarte_client, sample):
    import_file(regiokarte_platform, sample)
    check_layer_api(regiokarte_client, LAYER_ID)
    check_filter_api(regiokarte_client, FILTER_KEY)
    answer = regiokarte_client.get("/api/v1/sportclubs/clubs?sport=swimming&lang=en")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["total"] == 2
    assert {"Swimming"} <= set(body["clubs"][0]["sport_labels"])
    bad = regiokarte_client.get("/api/v1/sportclubs/clubs?bbox=1,2")
    assert bad.status_code == 422
    paths = regiokarte_client.get("/api/openapi.json").get_json()["paths"]
    assert "/api/v1/sportclubs/clubs" in paths


def test_profile_lists_nearby_clubs_and_answers(regiokarte_platform, regiokarte_demo, sample):
    import_file(regiokarte_platform, sample)
    company = regiokarte_demo[0]
    company.location = Location(51.6175, 7.2045)  # next to the SV Beispiel
    company.extensions = {"sportclubs": {"company_sports": True, "sports": ["soccer"]}}
    sections = regiokarte_platform.profile_sections(company, "en")
    (section,) = [s for s in sections if s.plugin == "sportclubs"]
    assert "SV Beispiel Recklinghausen 1919 (fiktiv)" in section.html
    assert "Football" in section.html


def test_questionnaire_section(regiokarte_platform) -> None:
    check_section(regiokarte_platform, "sportclubs")


def test_import_command(regiokarte_cli, sample: Path) -> None:
    result = regiokarte_cli.invoke(args=["sportclubs", "import", str(sample)])
    assert result.exit_code == 0, result.output
    assert "Imported 9 clubs" in result.output and "1 without a name" in result.output


def test_disabling_leaves_no_trace(regiokarte_platform, regiokarte_app, sample) -> None:
    import_file(regiokarte_platform, sample)
    check_disable_leaves_no_trace(regiokarte_platform, "sportclubs", regiokarte_app)
