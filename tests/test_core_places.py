"""The place search: names as people write them, districts, postcodes, suggestions for
misspelt names, districts from the region file and a web geocoder for street addresses."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from core import Platform, Region
from core.errors import ConfigError, GeocodingError
from core.region import load_region
from core.search.places import Gazetteer, PlaceNotFound, place_key

ROOT = Path(__file__).resolve().parents[1]


def shipped(name: str) -> list[dict[str, str]]:
    text = resources.files("core.data").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="module")
def gazetteer(region: Region) -> Gazetteer:
    return Gazetteer(region)


def geonames(name: str) -> tuple[float, float]:
    (row,) = [r for r in shipped("geonames_places_de.csv") if r["name"] == name]
    return float(row["lat"]), float(row["lon"])


def centroid(code: str) -> tuple[float, float]:
    (row,) = [r for r in shipped("plz_centroids_de.csv") if r["plz"] == code]
    return float(row["lat"]), float(row["lon"])


@pytest.mark.parametrize(
    "written",
    [
        "Gelsenkirchen-Buer",
        "Buer",
        "gelsenkirchen buer",
        "GELSENKIRCHEN BUER",
        "Buer (Gelsenkirchen)",
    ],
)
def test_a_district_is_found_as_people_write_it(gazetteer: Gazetteer, written: str) -> None:
    place = gazetteer.resolve(written)
    assert (place.lat, place.lon) == geonames("Buer")
    assert place.kind == "district" and place.municipality == "Gelsenkirchen"
    assert place.label == "Buer (Gelsenkirchen)"


def test_a_postcode_is_its_centroid_with_its_place_name(gazetteer: Gazetteer) -> None:
    place = gazetteer.resolve("45894")
    assert (place.lat, place.lon) == centroid("45894")
    assert place.label == "45894 Gelsenkirchen"
    assert gazetteer.resolve("45894 Gelsenkirchen") == place


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("Oer-Erkenschwick", "Oer-Erkenschwick"),
        ("oer erkenschwick", "Oer-Erkenschwick"),
        ("Haltern", "Haltern am See"),
        ("haltern-am-see", "Haltern am See"),
        ("Mülheim", "Mülheim"),
        ("Muelheim", "Mülheim"),
        ("MULHEIM", "Mülheim"),
        ("Lüdinghausen", "Lüdinghausen"),
        ("Essen", "Essen"),
    ],
)
def test_case_umlauts_and_hyphens_do_not_matter(
    gazetteer: Gazetteer, written: str, name: str
) -> None:
    assert gazetteer.resolve(written).name == name


def test_every_town_of_the_region_is_found_by_name_and_key(
    gazetteer: Gazetteer, region: Region
) -> None:
    for town in region.towns:
        for written in (town.name, town.name.upper(), town.slug, town.ags):
            place = gazetteer.resolve(written)
            assert (place.kind, place.lat, place.lon) == (
                "town",
                town.center.lat,
                town.center.lon,
            ), written


def test_a_misspelt_place_gets_suggestions(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceNotFound) as caught:
        gazetteer.resolve("Gelsenkirchn")
    labels = [p.label for p in caught.value.suggestions]
    assert labels[0] == "Gelsenkirchen"
    assert "Gelsenkirchen" in caught.value.message
    assert [p.label for p in gazetteer.suggest("Gelsenkirchn")][0] == "Gelsenkirchen"


def test_suggestions_complete_a_prefix_nearest_first(gazetteer: Gazetteer) -> None:
    labels = [p.label for p in gazetteer.suggest("gelsen")]
    assert labels[:2] == ["Gelsenkirchen", "Buer (Gelsenkirchen)"]
    codes = [p.postcode for p in gazetteer.suggest("4589", limit=20)]
    expected = sorted(
        r["plz"] for r in shipped("plz_centroids_de.csv") if r["plz"].startswith("4589")
    )
    assert sorted(codes) == expected
    # every suggestion resolves to itself
    for place in gazetteer.suggest("bo"):
        assert gazetteer.resolve(place.label) == place


def test_an_unknown_place_names_the_fix(gazetteer: Gazetteer) -> None:
    with pytest.raises(PlaceNotFound, match="postcode such as 45657"):
        gazetteer.resolve("Qqqxyz")
    with pytest.raises(PlaceNotFound, match="know the postcode “99999”") as caught:
        gazetteer.resolve("99999")
    # a page shows it in its language (core's catalog)
    assert caught.value.message.text("de").startswith("Die Postleitzahl „99999“ kennen wir nicht")


def test_a_name_that_exists_twice_means_the_one_nearest_the_region(
    gazetteer: Gazetteer,
) -> None:
    # Mülheim an der Ruhr borders the region; Köln-Mülheim lies 70 km away
    place = gazetteer.resolve("Mülheim")
    assert place.lat > 51.3


def test_a_district_listed_in_the_region_file_is_found(
    tmp_path: Path, make_platform: Callable[..., Platform]
) -> None:
    text = (ROOT / "core" / "regions" / "emscher_lippe.toml").read_text("utf-8")
    marker = 'name = "Gelsenkirchen"\n'
    assert marker in text
    head, tail = text.split(marker, 1)
    town, rest = tail.split("\n[[towns]]", 1)
    text = (
        head
        + marker
        + town
        + '\n[[towns.districts]]\nname = "Scholven"\ncenter = [51.6025, 7.0148]\n'
        + "\n[[towns]]"
        + rest
    )
    path = tmp_path / "region.toml"
    path.write_text(text, "utf-8")
    assert load_region(path).towns
    platform = make_platform(region={"file": str(path)})
    for written in ("Scholven", "Gelsenkirchen-Scholven", "scholven gelsenkirchen"):
        place = platform.find_place(written)
        assert (place.name, place.kind, place.lat, place.lon) == (
            "Scholven",
            "district",
            51.6025,
            7.0148,
        )
    # and a radius search around it works
    query = platform.parse_query({"near_town": ["Gelsenkirchen-Scholven"], "radius_km": ["3"]})
    assert query.near is not None and (query.near.lat, query.near.lon) == (51.6025, 7.0148)


def test_a_district_without_a_centre_is_refused(tmp_path: Path) -> None:
    text = (ROOT / "core" / "regions" / "emscher_lippe.toml").read_text("utf-8")
    text += '\n[[towns.districts]]\nname = "Ohne"\ncenter = [51.6]\n'
    path = tmp_path / "region.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match="district 'Ohne'"):
        load_region(path)


def test_place_key_folds_what_people_vary() -> None:
    assert place_key("Gelsenkirchen-Buer") == place_key(" gelsenkirchen  BUER ")
    assert place_key("Mülheim") == place_key("Muelheim") == place_key("MULHEIM")


# --- a web geocoder for street addresses, answered by a server of the test ---------------------


class FakeService(http.server.BaseHTTPRequestHandler):
    """Answers like Nominatim (/search) and Photon (/api) for one street address."""

    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        FakeService.asked.append(self.path)
        text = query.get("q", [""])[0]
        found = "hauptstra" in text.casefold()
        if url.path == "/search":
            body: Any = (
                [{"lat": "51.6512", "lon": "7.0901", "display_name": "Hauptstraße 5, Marl"}]
                if found
                else []
            )
        elif url.path == "/api":
            body = {
                "features": [
                    {
                        "geometry": {"coordinates": [7.0901, 51.6512]},
                        "properties": {
                            "street": "Hauptstraße",
                            "housenumber": "5",
                            "postcode": "45768",
                            "city": "Marl",
                        },
                    }
                ]
                if found
                else []
            }
        elif url.path == "/broken/search":
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not json")
            return
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def service() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeService.asked = []
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("provider", ["nominatim", "photon"])
def test_a_street_address_goes_to_the_configured_service(
    make_platform: Callable[..., Platform], service: str, provider: str
) -> None:
    platform = make_platform(geocoding={"provider": provider, "url": service, "timeout": 2})
    place = platform.find_place("Hauptstraße 5, Marl")
    assert (place.lat, place.lon, place.kind) == (51.6512, 7.0901, "address")
    assert "Hauptstraße 5" in place.label and "Marl" in place.label
    # places the offline search knows never leave the server
    FakeService.asked.clear()
    assert platform.find_place("Gelsenkirchen-Buer").name == "Buer"
    assert FakeService.asked == []
    # the service knows nothing: the offline suggestions stand
    with pytest.raises(PlaceNotFound):
        platform.find_place("Gelsenkirchn")
    query = platform.parse_query({"near_town": ["Hauptstraße 5, Marl"], "radius_km": ["2"]})
    assert query.near is not None and query.near.lat == 51.6512


def test_a_broken_service_counts_as_not_found(
    make_platform: Callable[..., Platform], service: str
) -> None:
    platform = make_platform(
        geocoding={"provider": "nominatim", "url": service + "/broken", "timeout": 2}
    )
    with pytest.raises(PlaceNotFound):
        platform.find_place("Hauptstraße 5, Marl")
    with pytest.raises(GeocodingError):
        platform.locate_town("Hauptstraße 5, Marl")


def test_the_default_geocoder_asks_no_service(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform()
    assert platform.settings.geocoding.provider == "postcode"
    with pytest.raises(PlaceNotFound):
        platform.find_place("Hauptstraße 5, Marl")


def test_a_web_provider_without_url_stops_start_up(make_platform: Callable[..., Platform]) -> None:
    with pytest.raises(ConfigError, match="geocoding.url"):
        make_platform(geocoding={"provider": "photon"})
