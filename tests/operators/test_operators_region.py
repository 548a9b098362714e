"""A second region from configuration only: nothing about Emscher-Lippe is built in."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from core.region import load_region

ROOT = Path(__file__).resolve().parents[2]

FOREIGN = ("Emscher", "Recklinghausen", "Gelsenkirchen", "Bottrop")
PAGES = ["/", "/embed", "/embed/snippet", "/barrierefreiheit", "/impressum", "/datenschutz"]
PAGES += ["/api/v1/filters", "/manifest.webmanifest", "/api/v1/search?per_page=50"]
PAGES += ["/api/v1/opendata/companies.csv", "/api/v1/opendata/companies.geojson"]


def _config(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="rk-config">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_region_file_derives_towns_from_official_keys() -> None:
    region = load_region(ROOT / "core" / "regions" / "muenster_bielefeld.toml")
    assert {t.ags for t in region.towns} == {"05515000", "05711000"}
    assert region.town_for_postcode("48143").name == "Münster"
    assert region.town_for_postcode("33602").name == "Bielefeld"
    assert region.town_for_postcode("45657") is None  # Recklinghausen is elsewhere
    b = region.bounds
    for town in region.towns:
        assert b.south < town.center.lat < b.north and b.west < town.center.lon < b.east


def test_filters_offer_the_second_regions_towns(client: Any) -> None:
    filters = client.get("/api/v1/filters").get_json()["filters"]
    town = next(f for f in filters if f["key"] == "town")
    names = {c["value"]: c["label"] for c in town["choices"]}
    assert names["05515000"] == "Münster" and names["05711000"] == "Bielefeld"


def test_start_page_uses_the_regions_bounds_texts_and_theme(client: Any) -> None:
    html = client.get("/").get_data(as_text=True)
    config = _config(html)
    assert config["map"]["bounds"] == [[51.84, 7.47], [52.12, 8.67]]
    assert config["region"]["name"] == "Münster und Bielefeld"
    assert "Arbeitgeberkarte Westfalen" in html
    assert "Beispiel-Wirtschaftsförderung Westfalen (fiktiv)" in html
    assert "Beispielbetrieb: Alle Unternehmen auf dieser Karte sind erfunden" in html
    assert 'content="#2e6b30"' in html
    assert "/portal/logo" in html
    theme = client.get(re.search(r'href="(/portal/theme\.css[^"]*)"', html).group(1))
    assert "#2e6b30" in theme.get_data(as_text=True)
    logo = client.get("/portal/logo")
    assert logo.status_code == 200 and logo.mimetype == "image/svg+xml"


def test_profile_page_shows_a_company_of_the_region(client: Any) -> None:
    result = client.get("/api/v1/search?per_page=1").get_json()
    slug = result["items"][0]["slug"]
    html = client.get(f"/unternehmen/{slug}").get_data(as_text=True)
    assert "Münster" in html or "Bielefeld" in html
    for word in FOREIGN:
        assert word not in html


@pytest.mark.parametrize("path", PAGES)
def test_no_page_names_the_default_region(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for word in FOREIGN:
        assert word not in text, f"{path} mentions {word}"


def test_a_bad_colour_is_refused_at_start(make_app: Any) -> None:
    from core.errors import ConfigError

    with pytest.raises(ConfigError, match="primary_color"):
        make_app(None, companies=0, portal={"primary_color": "blue"})


def test_default_portal_keeps_its_icon_and_colour(make_app: Any) -> None:
    html = make_app(None, companies=5).test_client().get("/").get_data(as_text=True)
    assert 'content="#0b5394"' in html and "theme.css" not in html
    assert "icons/icon.svg" in html
