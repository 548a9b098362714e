"""The transit blueprint, mounted on a minimal flask-smorest app (as the web app will)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_smorest import Api

from core import AnswerType, PluginError, RegiokarteError
from plugins.transit import register_blueprints
from plugins.transit.questionnaire import commuting_section
from webapp.context import EXTENSION_KEY


@pytest.fixture(scope="module")
def client(cairns):
    app = Flask(__name__)
    app.config.update(
        API_TITLE="test", API_VERSION="1", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/api"
    )
    # where the web kit's current_platform() finds the platform (create_app puts it there)
    app.extensions[EXTENSION_KEY] = cairns.platform
    api = Api(app)
    for blueprint in register_blueprints(platform=cairns.platform):
        api.register_blueprint(blueprint)

    @app.errorhandler(RegiokarteError)
    def core_error(exc):
        return {"message": exc.message, "errors": exc.errors}, 422

    return app.test_client()


def test_stops_in_a_box(client):
    answer = client.get("/api/v1/transit/stops?bbox=145.74,-16.95,145.78,-16.90").get_json()
    assert answer["type"] == "FeatureCollection" and answer["features"]
    for feature in answer["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 145.74 <= lon <= 145.78 and -16.95 <= lat <= -16.90
    assert client.get("/api/v1/transit/stops?bbox=1,2,3").status_code == 422


def test_company_connection(client, cairns):
    company = cairns.companies[0]
    answer = client.get(f"/api/v1/transit/companies/{company.id}?lang=en").get_json()
    assert answer["company_id"] == company.id and answer["feed"] is True
    assert 1 <= len(answer["stops"]) <= cairns.service.settings.nearest_stops
    distances = [s["distance_m"] for s in answer["stops"]]
    assert distances == sorted(distances)
    assert all(s["lines"] for s in answer["stops"] if s["within_walk"])
    # the region's stations are in Germany: none within station_max_km of Cairns
    assert answer["station"] is None
    assert client.get("/api/v1/transit/companies/999999").status_code == 422


def test_travel_times(client, cairns):
    answer = client.get("/api/v1/transit/travel-times?from=-16.92,145.77&max_minutes=30").get_json()
    minutes = [i["minutes"] for i in answer["items"]]
    assert answer["total"] > 0 and minutes == sorted(minutes) and max(minutes) <= 30
    assert answer["search_params"] == {
        "transit_from": "-16.92000,145.77000",
        "transit_time": "..30",
    }
    assert client.get("/api/v1/transit/travel-times?from=Atlantis").status_code == 422


def test_feed_questionnaire_and_openapi(client):
    feed = client.get("/api/v1/transit/feed").get_json()
    assert feed["file_name"] == "cairns_gtfs.zip" and feed["service_date"] == 20140610
    assert feed["warning"] is None  # buses leave at 07:00 on that day
    section = client.get("/api/v1/transit/questionnaire").get_json()
    keys = [q["key"] for q in section["questions"]]
    assert {"job_ticket", "shuttle", "bike_leasing"} <= set(keys)
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/v1/transit/stops", "/api/v1/transit/travel-times"} <= set(paths)


def test_questionnaire_section_is_well_formed():
    section = commuting_section()
    keys = [q.key for q in section.questions]
    assert len(keys) == len(set(keys))
    for question in section.questions:
        assert question.answer in AnswerType and all(
            question.label(lang) for lang in ("de", "en", "tr", "ar")
        )
        if question.show_if is not None:
            assert question.show_if[0] in keys


@pytest.mark.parametrize(
    "bad, key",
    [
        ({"departure": "7 Uhr"}, "departure"),
        ({"max_walk_m": 10.0}, "max_walk_m"),
        ({"morning_from": "09:00", "morning_to": "06:00"}, "morning_to"),
        ({"service_date": "2026-13-01"}, "service_date"),
        ({"walk_speed": 5}, "walk_speed"),
    ],
)
def test_settings_are_validated_at_start(new_database, bad, key):
    from transit_support import make_transit_platform

    with pytest.raises(PluginError, match=key):
        make_transit_platform(new_database("x"), **bad)


def test_profile_section(cairns):
    platform = cairns.platform
    company = cairns.companies[0]
    sections = [s for s in platform.profile_sections(company, "de") if s.plugin == "transit"]
    assert len(sections) == 1
    html = sections[0].html
    assert "Haltestellen in der Nähe" in html and "Nächster Bahnhof" not in html
    assert "<script" not in html
    english = [s for s in platform.profile_sections(company, "en") if s.plugin == "transit"][0]
    assert "Stops nearby" in english.html


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_profile_section_in_turkish_and_arabic(cairns, lang):
    """Headings, line kinds and departures come from the catalog in the page's language;
    no German text of the plugin is left."""
    from plugin_languages import german_left

    from core import catalog

    platform = cairns.platform
    texts = catalog("transit").texts(lang)
    (section,) = [
        s for s in platform.profile_sections(cairns.companies[0], lang) if s.plugin == "transit"
    ]
    assert section.title == texts["profile.title"] and texts["profile.stops"] in section.html
    kinds = {texts[k] for k in texts if k.startswith("route_type.")}
    assert any(kind in section.html for kind in kinds)
    assert german_left(section.html, "transit", texts) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_profile_names_stops_without_lines_in_words(generated, lang):
    """A stop the timetable serves with no line reads "keine Linien im Fahrplan", not
    "-; 0 Abfahrten/Std."; a stop with lines but no morning departure leaves the count out.
    Checked for a company at every stop of the generated feed (some have no lines)."""
    import re

    import attrs

    from core import Location, catalog
    from plugins.transit.profile import company_connection, profile_section

    say = catalog("transit").text
    state = generated.service.state()
    template = generated.companies[0]
    seen = {"no lines": 0, "no departures": 0}
    for lat, lon in zip(state.stops.lat.tolist(), state.stops.lon.tolist(), strict=True):
        company = attrs.evolve(template, location=Location(lat, lon))
        html = profile_section(generated.service, company, lang).html
        stops = company_connection(generated.service, lat, lon, lang)["stops"]
        items = re.findall(r"<li>(.*?)</li>", html)
        assert len(items) == len(stops)
        for item, stop in zip(items, stops, strict=True):
            assert "-;" not in item and not re.search(r"\b0 (Abfahrten|departures)", item)
            if not stop["lines"]:
                seen["no lines"] += 1
                assert item.endswith(f": {say('profile.no_lines', lang)}")
            elif not stop["departures_per_hour"]:
                seen["no departures"] += 1
                assert say("profile.per_hour", lang, n="") not in item
            else:
                assert say("profile.per_hour", lang, n="").strip() in item
    assert seen["no lines"] and seen["no departures"], seen
