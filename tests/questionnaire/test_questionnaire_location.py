"""Where the Leitfragebogen puts a company: from its address (the portal's geocoder), with a
pin its editor may move, never from coordinates typed in; addresses that place nothing in the
region are named with their fix, in the page's language."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fake_plugins.fake import FakePlugin
from questionnaire_support import ANSWERS, csrf, errors, fill_all, make_app, start, submit

from core.errors import GeocodingError
from core.model import Address, Location
from core.portal import submissions as flow
from core.portal.placing import Placement, place_address

LINKS = flow.Links(lambda t: f"http://x/fragebogen/link/{t}", lambda s: f"http://x/{s}")
CENTROIDS = Path(__file__).resolve().parents[2] / "core" / "data" / "plz_centroids_de.csv"


def _centroid(postcode: str) -> Location:
    """The postcode's centre, read from the shipped table here (not through the geocoder)."""
    with CENTROIDS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["plz"] == postcode:
                return Location(float(row["lat"]), float(row["lon"]))
    raise AssertionError(postcode)


def _placed(answer: dict[str, Any]) -> tuple[Location, str]:
    """Where the page's place answer puts the pin, and how exactly."""
    return Location(answer["lat"], answer["lon"]), answer["precision"]


def _visible(html: str) -> str:
    """The text a person reads on a page (no markup, no scripts, no attributes)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", html, flags=re.S))


def _answers(**standort: str) -> dict[str, dict[str, Any]]:
    return {**ANSWERS, "standort": standort}


def _publish(app: Any, client: Any, answers: dict[str, dict[str, Any]]) -> Any:
    """Fill in every step through the pages, submit, approve: the published company."""
    token = start(client)
    fill_all(client, token, answers)
    submit(client, token)
    platform = app.extensions["regiokarte"]
    (submission,) = flow.queue(platform)
    return flow.approve(platform, submission.id, actor="operator:test", links=LINKS)


def _post_standort(client: Any, token: str, lang: str = "de", **values: str) -> Any:
    suffix = "" if lang == "de" else f"?lang={lang}"
    return client.post(
        f"/fragebogen/schritt/standort{suffix}",
        data={"csrf_token": token, "action": "next", **values},
    )


def test_the_address_alone_places_the_company_at_its_postcode(app: Any, client: Any) -> None:
    company = _publish(app, client, _answers(street="Kirchstraße 3", postcode="45699", town=""))
    assert company.location == _centroid("45699")
    assert company.address.town == "Herten"


def test_a_moved_pin_is_kept_and_the_review_says_so_in_words(app: Any, client: Any) -> None:
    pin = {"location-lat": "51.601234", "location-lon": "7.140321", "location-for": "45699"}
    token = start(client)
    standort = {"street": "Kirchstraße 3", "postcode": "45699", "town": "", **pin}
    fill_all(client, token, _answers(**standort))
    review = client.get("/fragebogen/pruefen").get_data(as_text=True)
    assert "Von Ihnen auf der Karte gesetzt, bei Kirchstraße 3, 45699" in review
    text = _visible(review)
    assert "51.60" not in text and "7.14" not in text, "the review shows no coordinates"
    assert 'data-lat="51.601234" data-lon="7.140321"' in review, "but a still map of the pin"
    submit(client, token)
    platform = app.extensions["regiokarte"]
    (submission,) = flow.queue(platform)
    company = flow.approve(platform, submission.id, actor="operator:test", links=LINKS)
    assert company.location == Location(51.601234, 7.140321)
    profile = client.get(f"/unternehmen/{company.slug}").get_data(as_text=True)
    # what a person reads (the structured data for search engines may carry the numbers)
    text = _visible(profile)
    assert "Kirchstraße 3" in text and "51.601234" not in text


def test_a_pin_moved_for_another_postcode_gives_way_to_the_new_address(
    app: Any, client: Any
) -> None:
    # the page showed a pin moved at 45699; the postcode changed to 45657 (no script ran)
    standort = {
        "street": "Kirchplatz 1",
        "postcode": "45657",
        "town": "",
        "location-lat": "51.601234",
        "location-lon": "7.140321",
        "location-for": "45699",
    }
    company = _publish(app, client, _answers(**standort))
    assert company.location == _centroid("45657")


def test_the_review_names_where_the_address_puts_the_company(app: Any, client: Any) -> None:
    token = start(client)
    fill_all(client, token, _answers(street="Kirchstraße 3", postcode="45699", town=""))
    review = client.get("/fragebogen/pruefen").get_data(as_text=True)
    assert "In der Mitte des Postleitzahlgebiets 45699" in review
    centre = _centroid("45699")
    text = _visible(review)
    assert f"{centre.lat:.3f}" not in text and f"{centre.lon:.3f}" not in text
    assert f'data-lat="{centre.lat}" data-lon="{centre.lon}"' in review, "the still map's point"
    english = client.get("/fragebogen/pruefen?lang=en").get_data(as_text=True)
    assert "In the middle of the postcode area 45699" in english
    # the town left empty is the one the postcode gives, and the page says so
    assert "Herten (aus der Postleitzahl)" in text
    assert "Herten (from the postcode)" in _visible(english)


@pytest.mark.parametrize(
    ("lang", "postcode", "expected"),
    [
        ("de", "99999", "Die Postleitzahl 99999 gibt es nicht. Bitte prüfen Sie die Ziffern."),
        ("en", "99999", "postcode 99999 does not exist. Please check the digits."),
        ("de", "10115", "Die Postleitzahl 10115 (Berlin) liegt außerhalb der Region"),
        ("en", "10115", "The postcode 10115 (Berlin) lies outside the Emscher-Lippe region"),
    ],
)
def test_a_postcode_that_places_nothing_is_named_with_its_fix(
    client: Any, lang: str, postcode: str, expected: str
) -> None:
    token = start(client)
    response = _post_standort(client, token, lang, street="Hauptstraße 1", postcode=postcode)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert any(expected in e for e in errors(html)), errors(html)
    assert 'id="error-summary"' in html and expected in html.split('id="error-summary"')[1]
    assert f'value="{postcode}"' in html and 'value="Hauptstraße 1"' in html, "typed values kept"
    answer = client.get(f"/fragebogen/lage?postcode={postcode}&lang={lang}")
    assert answer.status_code == 200 and expected in answer.get_json()["problem"]
    assert "lat" not in answer.get_json()


def test_a_pin_outside_the_region_is_refused(client: Any) -> None:
    token = start(client)
    pin = {"location-lat": "52.52", "location-lon": "13.40", "location-for": "45699"}
    response = _post_standort(client, token, street="Kirchstraße 3", postcode="45699", **pin)
    found = errors(response.get_data(as_text=True))
    assert any("Die Markierung liegt außerhalb der Region Emscher-Lippe" in e for e in found)


def test_the_place_answer_is_the_geocoders_and_only_for_editors(app: Any, client: Any) -> None:
    assert client.get("/fragebogen/lage?postcode=45699").status_code == 401
    start(client)
    answer = client.get("/fragebogen/lage?street=Kirchstra%C3%9Fe+3&postcode=45699").get_json()
    assert _placed(answer) == (_centroid("45699"), "postcode")
    assert "Mitte des Postleitzahlgebiets 45699" in answer["note"]
    assert "Ziehen Sie sie an die richtige Stelle." in answer["note"]
    english = client.get("/fragebogen/lage?postcode=45699&lang=en").get_json()
    assert "Drag it to the right spot." in english["note"]


def test_a_configured_geocoder_places_the_street(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "geo", plugins={"fake": FakePlugin()}, geocoding={"provider": "fake_geo"}
    )
    try:
        client = app.test_client()
        start(client)
        known = client.get("/fragebogen/lage?street=Teststra%C3%9Fe+1&postcode=45657").get_json()
        assert _placed(known) == (Location(51.6, 7.2), "address")
        # a street the service does not know: the postcode's centre, said as such
        other = client.get("/fragebogen/lage?street=Nirgendwo+9&postcode=45657").get_json()
        assert _placed(other) == (_centroid("45657"), "postcode")
        answers = _answers(street="Teststraße 1", postcode="45657", town="")
        answers.pop("fake_care", None)
        company = _publish(app, app.test_client(), answers)
        assert company.location == Location(51.6, 7.2)
    finally:
        app.extensions["regiokarte"].db.dispose()


class _Inputs(HTMLParser):
    """Every input of a page with its type, and the labels' texts."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str]] = []
        self.label_text: list[str] = []
        self._in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append({k: v or "" for k, v in attrs})
        if tag == "label":
            self._in_label += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._in_label -= 1

    def handle_data(self, data: str) -> None:
        if self._in_label:
            self.label_text.append(data)


COORDINATE_WORDS = {
    "de": ("Breitengrad", "Längengrad"),
    "en": ("Latitude", "Longitude"),
    "tr": ("Enlem", "Boylam"),
    "ar": ("خط العرض", "خط الطول"),
}


@pytest.mark.parametrize("lang", sorted(COORDINATE_WORDS))
def test_the_location_step_asks_for_no_coordinates(client: Any, lang: str) -> None:
    start(client)
    html = client.get(f"/fragebogen/schritt/standort?lang={lang}").get_data(as_text=True)
    page = _Inputs()
    page.feed(html)
    pin_fields = [i for i in page.inputs if i.get("name", "").startswith("location-")]
    assert {i["name"] for i in pin_fields} == {"location-lat", "location-lon", "location-for"}
    assert all(i.get("type") == "hidden" for i in pin_fields)
    visible = [i for i in page.inputs if i.get("type") != "hidden"]
    assert {i["name"] for i in visible} == {"street", "postcode", "town"}
    for word in COORDINATE_WORDS[lang]:
        assert word.casefold() not in html.casefold()
    assert "<noscript>" in html, "without a script the page says the address is enough"


def test_without_script_the_address_alone_is_enough(client: Any) -> None:
    token = start(client)
    html = client.get("/fragebogen/schritt/standort").get_data(as_text=True)
    assert "Ihre Adresse genügt" in html.split("<noscript>")[1].split("</noscript>")[0]
    response = _post_standort(
        client, token, street="Kirchstraße 3", postcode="45699", town="", **{"location-lat": ""}
    )
    assert response.status_code == 303, errors(response.get_data(as_text=True))
    review = client.get("/fragebogen/pruefen").get_data(as_text=True)
    assert "In der Mitte des Postleitzahlgebiets 45699" in review


@pytest.mark.parametrize("moved", [False, True])
def test_an_edit_keeps_a_moved_pin_and_lets_the_address_place_the_rest(
    app: Any, client: Any, moved: bool
) -> None:
    pin = {"location-lat": "51.601234", "location-lon": "7.140321", "location-for": "45699"}
    address = {"street": "Kirchstraße 3", "postcode": "45699", "town": ""}
    standort = {**address, **(pin if moved else {})}
    _publish(app, client, _answers(**standort))
    token = csrf(client.get("/fragebogen/status").get_data(as_text=True))
    client.post("/fragebogen/bearbeiten", data={"csrf_token": token})
    step = client.get("/fragebogen/schritt/standort").get_data(as_text=True)
    stored = re.search(r'name="location-lat" value="([^"]*)"', step)
    assert stored is not None
    assert stored.group(1) == ("51.601234" if moved else "")
    review = client.get("/fragebogen/pruefen").get_data(as_text=True)
    wording = "Von Ihnen auf der Karte gesetzt" if moved else "Mitte des Postleitzahlgebiets 45699"
    assert wording in review


class _CountingGeocoder:
    """A geocoding service that knows one street and counts how often it is asked."""

    name = "counting"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def locate(self, address: Any) -> Location:
        self.asked.append(address.street)
        if address.street == "Marktplatz 1":
            return Location(51.61, 7.18)
        raise GeocodingError(f"No such street: {address.street!r}.")


def test_a_geocoding_service_is_asked_once_per_address_it_found(platform: Any) -> None:
    service = _CountingGeocoder()
    platform.geocoder = service
    known = Address(street="Marktplatz 1", postcode="45699")
    unknown = Address(street="Nirgendwo 9", postcode="45699")
    for _ in range(3):
        assert place_address(platform, known) == Placement(Location(51.61, 7.18), "address")
        assert place_address(platform, unknown) == Placement(_centroid("45699"), "postcode")
    # what it found is remembered; what it did not is asked again (it may have been away)
    assert service.asked == ["Marktplatz 1", "Nirgendwo 9", "Nirgendwo 9", "Nirgendwo 9"]
