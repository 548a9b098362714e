"""Switching the plugin on and off in the config: API, filters, layers, questionnaire, start
page, profile pages and Kita pages follow; the Kita pages and the profile section."""

from __future__ import annotations

import json
import re

import pytest
from childcare_files import FLENSBURG, FLENSBURG_COLUMNS
from childcare_reference import great_circle_m

from core import Address, Company, Location, PluginError, Status
from core.persistence import companies as core_repo
from plugins.childcare import repository as repo
from plugins.childcare.questionnaire import apply_answers

#: A company in Flensburg (the imported Kitas are there) and one far away.
NEAR = Company(
    name="Fördewerft Flensburg",
    address=Address(street="Werftstraße 1", postcode="24939", town="Flensburg"),
    location=Location(54.7935, 9.4310),
    industry="C",
    employees=120,
    status=Status.PUBLISHED,
)
FAR = Company(
    name="Zechenbau Marl",
    address=Address(street="Hauptstraße 1", postcode="45768", town="Marl"),
    location=Location(51.656, 7.09),
    industry="F",
    employees=8,
    status=Status.PUBLISHED,
)


def fill(app) -> dict[str, int]:
    """Import the Flensburg Kitas (through the CLI) and add the two companies; the portal is
    one of Emscher-Lippe, so the Kitas are allowed in explicitly."""
    platform = app.extensions["regiokarte"]
    result = app.test_cli_runner().invoke(
        args=["childcare", "import", str(FLENSBURG), "--allow-outside-region"]
    )
    assert result.exit_code == 0, result.output
    near = Company.from_dict(NEAR.to_dict())
    apply_answers(near, {"allowance": True, "allowance_eur_month": 100, "holiday_care": True})
    out = {}
    for company in (near, Company.from_dict(FAR.to_dict())):
        out[company.name] = platform.save_company(company).id
    return out


def texts(app, company_slug: str) -> dict[str, str]:
    client = app.test_client()
    return {
        "start": client.get("/").get_data(as_text=True),
        "start_en": client.get("/?lang=en").get_data(as_text=True),
        "profile": client.get(f"/unternehmen/{company_slug}").get_data(as_text=True),
        "profile_en": client.get(f"/unternehmen/{company_slug}?lang=en").get_data(as_text=True),
    }


def surface(app) -> dict[str, object]:
    """What the API shows of the plugin."""
    client = app.test_client()
    filters = [f["key"] for f in client.get("/api/v1/filters").get_json()["filters"]]
    layers = [layer["id"] for layer in client.get("/api/v1/layers").get_json()["layers"]]
    paths = list(client.get("/api/openapi.json").get_json()["paths"])
    # installed plugins are listed as "available" either way; only enabled ones run
    plugins = [
        p["name"]
        for p in client.get("/api/v1/plugins").get_json()["plugins"]
        if p["status"] == "enabled"
    ]
    return {
        "filters": [k for k in filters if "childcare" in k],
        "layers": [i for i in layers if "childcare" in i],
        "paths": [p for p in paths if "childcare" in p],
        "plugins": [p for p in plugins if p == "childcare"],
        "questionnaire": client.get("/api/v1/childcare/questionnaire").status_code,
        "kitas_api": client.get("/api/v1/childcare/kitas").status_code,
        "kita_page": client.get("/kitas/").status_code,
        "search": client.get("/api/v1/search?childcare_kita_km=..2").status_code,
    }


def test_switching_the_plugin_on_and_off(make_app):
    on = make_app(True, columns=FLENSBURG_COLUMNS)
    ids = fill(on)
    slug = "foerdewerft-flensburg"
    shown = surface(on)
    assert shown["filters"] == [
        "childcare_kita",
        "childcare_kita_km",
        "childcare_support",
        "childcare_offer",
    ]
    assert shown["layers"] == ["childcare_kitas"] and shown["plugins"] == ["childcare"]
    assert "/api/v1/childcare/kitas" in shown["paths"]
    assert "/api/v1/childcare/questionnaire" in shown["paths"]
    assert (shown["questionnaire"], shown["kitas_api"], shown["kita_page"], shown["search"]) == (
        200,
        200,
        200,
        200,
    )
    pages = texts(on, slug)
    assert "childcare_kita" in pages["start"] and "Kita bis 2 km" in pages["start"]
    assert "Kita within 2 km" in pages["start_en"]
    assert 'id="section-childcare"' in pages["profile"] and "Kitas in der Nähe" in pages["profile"]
    assert "Zuschuss zur Kinderbetreuung (100\u00a0€ pro Kind und Monat)" in pages["profile"]
    assert "Nearest Kitas" in pages["profile_en"]

    # the same database without the plugin: no trace in UI or API, the data stays
    off = make_app(False)
    shown = surface(off)
    assert shown["filters"] == shown["layers"] == shown["paths"] == shown["plugins"] == []
    assert shown["questionnaire"] == shown["kitas_api"] == shown["kita_page"] == 404
    assert shown["search"] in (400, 422)
    for name, html in texts(off, "zechenbau-marl").items():
        assert not re.search(r"childcare|kita", html, re.IGNORECASE), name
    # the answers switched on core's own work-family code "childcare support", which core
    # shows by itself; nothing of the plugin is left
    for name, html in texts(off, slug).items():
        assert not re.search(r"childcare_|kita|section-childcare", html, re.IGNORECASE), name
    assert off.test_client().get(f"/unternehmen/{slug}").status_code == 200
    hits = off.test_client().get("/api/v1/search").get_json()
    assert hits["total"] == 2 and not any("childcare" in k for k in hits["facets"])
    with off.extensions["regiokarte"].session() as session:
        assert repo.count_kitas(session) == 70  # disabling never deletes data
        company = core_repo.get_company(session, ids[NEAR.name])
        assert company.extensions["childcare"]["allowance"] is True

    # and on again
    again = make_app(True, columns=FLENSBURG_COLUMNS)
    assert surface(again)["filters"] == [
        "childcare_kita",
        "childcare_kita_km",
        "childcare_support",
        "childcare_offer",
    ]


def test_search_api_with_the_childcare_filters(make_app):
    app = make_app(True, columns=FLENSBURG_COLUMNS)
    ids = fill(app)
    client = app.test_client()
    answer = client.get("/api/v1/search?childcare_kita=1km").get_json()
    assert [hit["id"] for hit in answer["items"]] == [ids[NEAR.name]]
    facets = {f["value"]: f["count"] for f in answer["facets"]["childcare_kita"]}
    assert facets["1km"] == 1 and facets["5km"] == 1
    answer = client.get("/api/v1/search?childcare_support=true").get_json()
    assert answer["total"] == 1
    answer = client.get("/api/v1/search?childcare_kita_km=..100").get_json()
    assert answer["total"] == 1  # Marl is about 400 km from the Kitas of Flensburg
    answer = client.get("/api/v1/search?childcare_kita_km=0.01..").get_json()
    assert answer["total"] == 2
    assert client.get("/api/v1/search?childcare_kita_km=..1000").status_code in (400, 422)
    assert client.get("/api/v1/search?childcare_kita=3km").status_code in (400, 422)


def test_profile_lists_the_nearest_kitas_in_order(make_app):
    app = make_app(True, columns=FLENSBURG_COLUMNS, profile_kitas=4)
    ids = fill(app)
    html = app.test_client().get("/unternehmen/foerdewerft-flensburg").get_data(as_text=True)
    section = html.split('id="section-childcare"')[1].split("</section>")[0]
    listed = re.findall(r'<a href="/kitas/(\d+)">', section)
    with app.extensions["regiokarte"].session() as session:
        kitas = repo.load_kitas(session)
    expected = sorted(
        kitas,
        key=lambda k: great_circle_m(NEAR.location.lat, NEAR.location.lon, k.lat, k.lon),
    )[:4]
    assert [int(i) for i in listed] == [k.id for k in expected]
    metres = great_circle_m(NEAR.location.lat, NEAR.location.lon, expected[0].lat, expected[0].lon)
    shown = f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km".replace(".", ",")
    assert shown in section
    # the API agrees; a company far from every Kita gets none (5 km: the largest filter radius)
    client = app.test_client()
    api = client.get(f"/api/v1/childcare/companies/{ids[NEAR.name]}").get_json()
    assert [k["id"] for k in api["kitas"]] == [k.id for k in expected]
    assert api["offers"] == ["allowance", "holiday_care"] and api["radius_km"] == 5
    api = client.get(f"/api/v1/childcare/companies/{ids[FAR.name]}").get_json()
    assert api["kitas"] == [] and api["offers"] == []
    html = client.get("/unternehmen/zechenbau-marl").get_data(as_text=True)
    assert "Keine Kita im Umkreis von 5 km bekannt." in html
    # the OpenAPI document names the answer once after the plugin, not "ChildcareCompanyChildcare"
    spec = client.get("/api/openapi.json").get_json()
    answer = spec["paths"]["/api/v1/childcare/companies/{company_id}"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChildcareCompanyOffers"
    }
    assert not [n for n in spec["components"]["schemas"] if n.count("Childcare") > 1]


def test_kita_pages(make_app):
    app = make_app(True, columns=FLENSBURG_COLUMNS, marker_color="#123abc")
    fill(app)
    client = app.test_client()
    with app.extensions["regiokarte"].session() as session:
        kitas = repo.load_kitas(session)
    page = client.get("/kitas/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "70 Kitas gefunden" in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html and "onclick" not in html
    config = json.loads(html.split('id="kita-map-config">')[1].split("</script>")[0])
    assert config["kitaLayer"] == "childcare_kitas" and config["layers"].startswith(
        "/api/v1/layers"
    )
    # the map credits its tiles as the start page's map does, in the page's language
    assert "OpenStreetMap</a>-Mitwirkende" in config["attribution"]
    english = client.get("/kitas/?lang=en").get_data(as_text=True)
    credit = json.loads(english.split('id="kita-map-config">')[1].split("</script>")[0])
    assert "OpenStreetMap</a> contributors" in credit["attribution"]
    wanted = [k for k in kitas if "u3" in k.age_groups and (k.closes or 0) >= 17 * 60]
    html = client.get("/kitas/?age=u3&open_until=17:00&lang=en").get_data(as_text=True)
    assert f"{len(wanted)} Kitas found" in html
    assert sorted(re.findall(r'data-kita="(\d+)"', html), key=int) == sorted(
        str(k.id) for k in wanted
    )
    kita = kitas[0]
    html = client.get(f"/kitas/{kita.id}").get_data(as_text=True)
    assert kita.name in html and "Arbeitgeber in der Nähe" in html and "Fördewerft" in html
    assert client.get("/kitas/99999").status_code == 404
    # the configured colour is the Kita layer's symbol on every map
    styles = {d["id"]: d["style"] for d in client.get("/api/v1/layers").get_json()["layers"]}
    assert styles["childcare_kitas"]["colour"] == "#123abc"
    layer = client.get("/api/v1/layers/childcare_kitas?bbox=9.40,54.78,9.45,54.80").get_json()
    inside = [k for k in kitas if 54.78 <= k.lat <= 54.80 and 9.40 <= k.lon <= 9.45]
    assert {f["properties"]["kita_id"] for f in layer["features"]} == {k.id for k in inside}
    near = client.get(
        "/api/v1/childcare/kitas?near=54.7935,9.4310&radius_km=1&per_page=200"
    ).get_json()
    expected = [k for k in kitas if great_circle_m(54.7935, 9.4310, k.lat, k.lon) <= 1000]
    assert near["total"] == len(expected) > 0
    distances = [item["distance_m"] for item in near["items"]]
    assert distances == sorted(distances)
    assert client.get("/api/v1/childcare/kitas?radius_km=1").status_code in (400, 422)


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"radii_km": [2.0, 1.0]}, "radii_km"),
        ({"closing_times": ["25:00"]}, "closing_times"),
        ({"marker_color": "red"}, "marker_color"),
        ({"default_radius_km": 0.0}, "default_radius_km"),
        ({"columns": {"nmae": ["x"]}}, "nmae"),
        ({"profile_kitas": "five"}, "profile_kitas"),
    ],
)
def test_invalid_settings_stop_the_start(childcare_platform, settings, key):
    with pytest.raises(PluginError, match=key):
        childcare_platform(**settings)


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_profile_section_and_popups_in_turkish_and_arabic(make_app, lang):
    """The profile section and the Kita layer's popups speak the page's language through the
    catalog (offers, nearest Kitas, age groups, places), with no German text left."""
    from plugin_languages import german_left

    from core import catalog
    from plugins.childcare.hooks import kita_feature

    app = make_app(True, columns=FLENSBURG_COLUMNS, profile_kitas=4)
    fill(app)
    platform = app.extensions["regiokarte"]
    texts = catalog("childcare").texts(lang)
    with platform.session() as session:
        company = core_repo.get_company_by_slug(session, "foerdewerft-flensburg")
        kitas = repo.load_kitas(session)
    (section,) = [s for s in platform.profile_sections(company, lang) if s.plugin == "childcare"]
    assert section.title == texts["profile.title"]
    for key in ("profile.offers", "profile.nearest", "questionnaire.offers.allowance"):
        assert texts[key] in section.html
    listed = re.findall(r'<a href="/kitas/(\d+)\?lang=([a-z]+)">', section.html)
    assert len(listed) == 4 and {code for _, code in listed} == {lang}
    assert german_left(section.html, "childcare", texts) == []
    kita = next(k for k in kitas if k.places and k.age_groups)
    popup = kita_feature(kita, lang)["properties"]["popup"]
    assert texts["places_count"].replace("{n}", str(kita.places)) in popup["lines"]
    assert popup["link"] == f"/kitas/{kita.id}?lang={lang}"
    assert german_left(" ".join(popup["lines"]), "childcare", texts) == []


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_kita_pages_in_turkish_and_arabic(make_app, lang):
    """The Kita list and a Kita's page in another language: the catalog's texts, the form and
    every link keep the language, the map script gets its words, no German is left."""
    from plugin_languages import german_left

    from core import catalog

    app = make_app(True, columns=FLENSBURG_COLUMNS)
    fill(app)
    client = app.test_client()
    texts = catalog("childcare").texts(lang)
    html = client.get(f"/kitas/?lang={lang}").get_data(as_text=True)
    assert texts["intro"] in html and texts["search"] in html
    assert f'<input type="hidden" name="lang" value="{lang}">' in html
    links = re.findall(r'href="/kitas/(\d+)([^"]*)"', html)
    assert links and {rest for _, rest in links} == {f"?lang={lang}"}
    config = json.loads(html.split('id="kita-map-config">')[1].split("</script>")[0])
    assert config["texts"]["details"] == texts["details"] and config["langQuery"] == f"?lang={lang}"
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert german_left(main, "childcare", texts) == []
    page = client.get(f"/kitas/{links[0][0]}?lang={lang}").get_data(as_text=True)
    assert texts["employers"] in page and texts["hours"] in page
    assert german_left(page.split("<main", 1)[1].split("</main>", 1)[0], "childcare", texts) == []


def test_kita_page_names_its_source_in_words(make_app):
    """The source line names the data set (the demo as made up, with a banner), never a
    record's id: not "Quelle der Daten: demo (demo-1)"."""
    import datetime as dt

    from plugins.childcare.demo import create_demo_data

    app = make_app(True, columns=FLENSBURG_COLUMNS)
    fill(app)
    platform = app.extensions["regiokarte"]
    create_demo_data(platform, 1, dt.date(2026, 12, 7))
    with platform.session() as session:
        kitas = repo.load_kitas(session)
    client = app.test_client()
    imported = next(k for k in kitas if k.source != "demo")
    demo = next(k for k in kitas if k.source == "demo")
    for kita, lang, source in [
        (imported, "de", f"Quelle der Daten: {imported.source}<"),
        (demo, "de", "Quelle der Daten: Demodaten, frei erfunden<"),
        (demo, "en", "Data source: demo data, made up<"),
    ]:
        html = client.get(f"/kitas/{kita.id}?lang={lang}").get_data(as_text=True)
        assert source in html
        assert f"({kita.source_id})" not in html
        banner = 'class="demo-banner"' in html
        assert banner == (kita is demo)
    assert "Fiktive Demo-Kita: diese Kita gibt es nicht." in client.get(
        f"/kitas/{demo.id}"
    ).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_kita_search_names_every_bad_field_at_once(make_app, lang):
    """An unknown age group, an unknown postcode and a radius that is no number: each in the
    summary and at its field, in the page's language; the typed postcode stays."""
    from form_errors import assert_reports

    from core import catalog

    app = make_app(True, columns=FLENSBURG_COLUMNS)
    fill(app)
    client = app.test_client()
    texts = catalog("childcare").texts(lang)

    def bad(value, label):
        quoted = f"„{value}“"
        return texts["bad_value"].format(value=quoted, field=texts[label])

    query = "" if lang == "de" else f"&lang={lang}"
    page = client.get(f"/kitas/?age=greis&near=99999&radius_km=weit{query}")
    assert_reports(
        page.get_data(as_text=True),
        {
            "cc-age": bad("greis", "age"),
            "cc-near": catalog("core").text("place_error.postcode", lang, postcode="99999"),
            "cc-radius_km": bad("weit", "radius"),
        },
        kept={"cc-near": "99999"},
    )
