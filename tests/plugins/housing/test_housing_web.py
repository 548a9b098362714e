"""The housing API and pages in the real web app: list, layer, offer pages with the commute,
operator writes, expiry everywhere, and switching the plugin off and on again."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from housing_support import (
    AUTH,
    EXAMPLES,
    TODAY,
    add_companies,
    companies,
    haversine_km,
    import_file,
    make_platform,
    set_today,
    stored_offers,
)

from core.portal import accounts
from webapp.app import create_app


def test_list_api_and_openapi(client, world):
    answer = client.get("/api/v1/housing/offers?rent=..600&sort=rent&per_page=5").get_json()
    assert answer["per_page"] == 5 and len(answer["items"]) == 5 and answer["total"] > 5
    rents = [i["warm_rent_eur"] for i in answer["items"]]
    assert rents == sorted(rents) and max(rents) <= 600
    assert {f["value"] for f in answer["facets"]["kind"]} >= {"flat", "apprentice_housing"}
    english = client.get("/api/v1/housing/offers?lang=en&kind=shared_flat").get_json()
    assert all(i["kind_label"] == "Shared flat" for i in english["items"])
    bad = client.get("/api/v1/housing/offers?rent=viel&colour=red")
    assert bad.status_code == 422 and "colour" in bad.get_json()["errors"]
    assert client.get("/api/v1/housing/offers?rent=viel").status_code == 422
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert {"/api/v1/housing/offers", "/api/v1/housing/offers/{offer_id}",
            "/api/v1/housing/imports"} <= set(paths)  # fmt: skip
    section = client.get("/api/v1/housing/questionnaire").get_json()
    assert section["extension"] == "housing"
    assert "offers_housing" in [q["key"] for q in section["questions"]]


def test_filters_and_layer(client, world):
    filters = client.get("/api/v1/filters").get_json()["filters"]
    housing = {f["key"]: f for f in filters if f["plugin"] == "housing"}
    assert housing["housing_km"]["argument"] == "housing_rent"
    assert housing["housing_staff"]["kind"] == "bool"
    layers = client.get("/api/v1/layers").get_json()["layers"]
    assert "housing_offers" in [layer["id"] for layer in layers]
    bbox = (7.0, 51.55, 7.2, 51.7)
    answer = client.get("/api/v1/layers/housing_offers?bbox=" + ",".join(map(str, bbox)))
    features = answer.get_json()["features"]
    expected = {
        f"housing-{o['id']}"
        for o in stored_offers(world.platform)
        if o["expires_on"] >= TODAY
        and bbox[0] <= o["lon"] <= bbox[2]
        and bbox[1] <= o["lat"] <= bbox[3]
    }
    assert {f["id"] for f in features} == expected and expected
    labelled = [f["properties"]["label"] for f in features]
    assert all(label.endswith(("warm", "kalt", "€")) for label in labelled)


def test_offer_page_lists_the_nearest_matching_employers(client, world):
    offer = client.get("/api/v1/housing/offers?kind=flat&per_page=1").get_json()["items"][0]
    answer = client.get(f"/api/v1/housing/offers/{offer['id']}?industry=C&employers=4")
    data = answer.get_json()
    assert data["offer"]["id"] == offer["id"]
    expected = sorted(
        (haversine_km(offer["lat"], offer["lon"], c.location.lat, c.location.lon), c.id)
        for c in world.companies
        if c.industry == "C" and c.status.value == "published"
    )[:4]
    assert [i["id"] for i in data["commute"]["items"]] == [i for _, i in expected]
    assert [i["distance_m"] / 1000 for i in data["commute"]["items"]] == pytest.approx(
        [d for d, _ in expected], abs=1e-3
    )
    assert data["commute"]["search_params"]["industry"] == ["C"]
    assert client.get(f"/api/v1/housing/offers/{offer['id']}?industry=Z").status_code == 422
    html = client.get(f"/wohnen/angebote/{offer['id']}?industry=C")
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "Arbeitgeber in der Nähe" in text
    first = next(c for c in world.companies if c.id == expected[0][1])
    assert f'href="/unternehmen/{first.slug}"' in text
    assert "<script>" not in text and "style=" not in text
    listing = client.get("/wohnen?rent=..500&kind=flat").get_data(as_text=True)
    assert "Wohnungsangebote" in listing and "/wohnen/angebote/" in listing
    # the order choices by their meaning, never the API's sort keys; no raw float spelling
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', listing)
    assert ("rent", "Miete: günstigste zuerst") in options
    assert all(label != value for value, label in options)
    assert not re.search(r"\d\.\d Zimmer", listing)


def test_hidden_address_never_shows_the_street(client, world):
    offers = stored_offers(world.platform)
    hidden = next(o for o in offers if not o["address_public"] and o["street"])
    data = client.get(f"/api/v1/housing/offers/{hidden['id']}").get_json()["offer"]
    assert data["address"] == {"street": "", "postcode": hidden["postcode"],
                               "town": hidden["town"], "exact": False}  # fmt: skip
    page = client.get(f"/wohnen/angebote/{hidden['id']}").get_data(as_text=True)
    assert hidden["street"] not in page and "Postleitzahlgebiet" in page


def test_expired_offers_are_absent_everywhere(client, world):
    platform = world.platform
    offers = stored_offers(platform)
    # an offer shown today that expires before the day we move the clock to
    later = TODAY + dt.timedelta(days=45)
    victim = next(
        o for o in offers
        if TODAY <= o["expires_on"] < later and o["offer_type"] == "rent" and o["warm_rent"]
    )  # fmt: skip
    company = min(
        (c for c in world.companies if c.status.value == "published"),
        key=lambda c: haversine_km(victim["lat"], victim["lon"], c.location.lat, c.location.lon),
    )
    url = f"/api/v1/housing/offers/{victim['id']}"

    def everywhere():
        listed = client.get("/api/v1/housing/offers?per_page=200&rent=..5000").get_json()
        pages = [listed]
        for page in range(2, listed["pages"] + 1):
            pages.append(
                client.get(
                    f"/api/v1/housing/offers?per_page=200&rent=..5000&page={page}"
                ).get_json()
            )
        layer = client.get("/api/v1/layers/housing_offers").get_json()
        profile = client.get(f"/unternehmen/{company.slug}").get_data(as_text=True)
        html_list = client.get("/wohnen?per_page=200&rent=..5000").get_data(as_text=True)
        near = client.get(f"/api/v1/housing/offers?company={company.id}&radius_km=50"
                          "&per_page=200").get_json()  # fmt: skip
        return {
            "list": any(i["id"] == victim["id"] for p in pages for i in p["items"]),
            "near": any(i["id"] == victim["id"] for i in near["items"]),
            "layer": any(f["id"] == f"housing-{victim['id']}" for f in layer["features"]),
            "json": client.get(url).status_code == 200,
            "html": client.get(f"/wohnen/angebote/{victim['id']}").status_code == 200,
            "html_list": f'/wohnen/angebote/{victim["id"]}"' in html_list,
            "profile": f'/wohnen/angebote/{victim["id"]}"' in profile,
        }

    try:
        assert all(everywhere().values())
        set_today(platform, later)
        assert not any(everywhere().values()), everywhere()
        # operators still see it (to renew or delete it)
        assert client.get(url, headers=AUTH).status_code == 200
        # the company filter no longer counts it: the distance grew or vanished
        search = {"housing_rent": str(int(victim["warm_rent"])), "sort": "housing_km"}
        hits = platform.search(platform.parse_query({k: [v] for k, v in search.items()}))
        for hit in hits.items:
            km = haversine_km(hit.lat, hit.lon, victim["lat"], victim["lon"])
            assert hit.dynamic_values["housing_km"] is None or (
                hit.dynamic_values["housing_km"] <= km + 1e-9
            )
    finally:
        set_today(platform, TODAY)


@pytest.fixture
def fresh(new_database):
    platform = make_platform(new_database("web"))
    add_companies(platform, companies(40, seed=1))
    app = create_app(platform=platform)
    yield platform, app.test_client()
    platform.db.dispose()


OFFER = {
    "title": "Neue Wohnung in Herten",
    "kind": "flat",
    "rooms": 2,
    "warm_rent_eur": 610,
    "postcode": "45699",
    "street": "Kaiserstraße 1",
    "expires_on": "2026-05-01",
}


def test_operator_api(fresh):
    platform, client = fresh
    assert client.post("/api/v1/housing/offers", json=OFFER).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert client.post("/api/v1/housing/offers", json=OFFER, headers=wrong).status_code == 401
    created = client.post("/api/v1/housing/offers", json=OFFER, headers=AUTH)
    assert created.status_code == 201, created.get_json()
    offer = created.get_json()
    assert offer["town"] if "town" in offer else offer["address"]["town"] == "Herten"
    location = created.headers["Location"]
    assert client.get(location).get_json()["offer"]["warm_rent_eur"] == 610
    bad = client.post("/api/v1/housing/offers", json={**OFFER, "warm_rent_eur": None},
                      headers=AUTH)  # fmt: skip
    assert bad.status_code == 422 and "warm_rent_eur" in bad.get_json()["errors"]
    changed = client.patch(location, json={"warm_rent_eur": 580}, headers=AUTH)
    assert changed.status_code == 200 and changed.get_json()["warm_rent_eur"] == 580
    moved = client.patch(location, json={"postcode": "45768", "street": ""}, headers=AUTH)
    assert moved.get_json()["address"]["town"] == "Marl"
    assert client.delete(location).status_code == 401
    assert client.delete(location, headers=AUTH).status_code == 204
    assert client.get(location).status_code == 404


def test_import_api_is_atomic(fresh):
    platform, client = fresh
    csv_data = (EXAMPLES / "angebote_beispiel.csv").read_bytes()
    assert client.post("/api/v1/housing/imports", data=csv_data).status_code == 401
    answer = client.post(
        "/api/v1/housing/imports?format=csv&source=test", data=csv_data, headers=AUTH
    )
    assert answer.status_code == 200 and answer.get_json()["created"] == 7
    before = stored_offers(platform)
    broken = csv_data.replace(b";745;", b";teuer;")
    answer = client.post(
        "/api/v1/housing/imports?format=csv&source=test", data=broken, headers=AUTH
    )
    errors = answer.get_json()["errors"]
    assert answer.status_code == 422 and set(errors) == {"line 4", "line 9"}
    assert stored_offers(platform) == before
    dry = client.post(
        "/api/v1/housing/imports?source=x&dry_run=true&file_name=a.json",
        data=(EXAMPLES / "angebote_beispiel.json").read_bytes(),
        headers=AUTH,
    )
    assert dry.get_json()["read"] == 2 and stored_offers(platform) == before


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_operators_add_offers_in_the_admin_area(fresh):
    platform, client = fresh
    # the former token form sends operators to the admin area's new-offer page
    moved = client.get("/wohnen/verwaltung?lang=en")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/admin/daten/housing.offers/neu?lang=en"
    new = "/admin/daten/housing.offers/neu"
    assert client.get(new).status_code == 303, "only a logged-in operator gets the form"
    with platform.session(write=True) as session:
        accounts.create_operator(session, "betrieb", "ein-sehr-langes-passwort")
    token = _csrf(client.get("/admin/anmelden").get_data(as_text=True))
    login = {"csrf_token": token, "username": "betrieb", "password": "ein-sehr-langes-passwort"}
    assert client.post("/admin/anmelden", data=login).status_code == 303
    token = _csrf(client.get(new).get_data(as_text=True))
    form = {k: str(v) for k, v in OFFER.items()} | {"address_public": "on", "csrf_token": token}
    assert client.post(new, data={**form, "csrf_token": "x"}).status_code == 400
    bad = client.post(new, data={**form, "postcode": "1"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    assert "Neue Wohnung in Herten" in bad.get_data(as_text=True), "typed values are kept"
    assert stored_offers(platform) == []
    done = client.post(new, data=form)
    assert done.status_code == 303
    assert re.search(r"/admin/daten/housing.offers/eintrag/\d+$", done.location)
    [offer] = stored_offers(platform)
    assert offer["title"] == "Neue Wohnung in Herten" and offer["source"] == "manual"
    assert client.get(f"/wohnen/angebote/{offer['id']}").status_code == 200


def test_disabling_removes_every_trace_and_keeps_the_data(new_database):
    url = new_database("toggle")
    platform = make_platform(url)
    items = companies(60, seed=2)
    items[1].extensions = {"housing": {"offers_housing": True, "details": "Wohnheim"}}
    add_companies(platform, items)
    for name in ("openimmo_beispiel.xml", "angebote_beispiel.csv"):
        import_file(platform, EXAMPLES / name)
    company = items[1]

    def snapshot(client):
        return (
            client.get("/api/v1/housing/offers?per_page=200").get_json(),
            client.get("/api/v1/layers/housing_offers").get_json()["features"],
            client.get(f"/unternehmen/{company.slug}").get_data(as_text=True),
        )

    on = create_app(platform=platform).test_client()
    before = snapshot(on)
    assert before[0]["total"] == 12 and 'id="section-housing"' in before[2]
    platform.db.dispose()

    off_platform = make_platform(url, enabled=False)
    off = create_app(platform=off_platform).test_client()
    filters = off.get("/api/v1/filters").get_json()["filters"]
    assert not [f for f in filters if "housing" in f["key"] or f["plugin"] == "housing"]
    assert "housing" not in [
        layer["id"] for layer in off.get("/api/v1/layers").get_json()["layers"]
    ] and "housing_offers" not in str(off.get("/api/v1/layers").get_json())
    assert off.get("/api/v1/layers/housing_offers").status_code == 404
    for path in ("/api/v1/housing/offers", "/api/v1/housing/questionnaire", "/wohnen",
                 "/wohnen/angebote/1", "/wohnen/verwaltung"):  # fmt: skip
        assert off.get(path).status_code == 404, path
    assert "/api/v1/housing" not in str(off.get("/api/openapi.json").get_json()["paths"])
    # the operators' plugin list still names it: installed, but not enabled
    plugins = off.get("/api/v1/plugins").get_json()["plugins"]
    assert [p["status"] for p in plugins if p["name"] == "housing"] == ["available"]
    words = ("housing", "Wohnungsangebot", "Wohnen in der Nähe", "Wohnraum", "/wohnen")
    for page in (off.get("/").get_data(as_text=True),
                 off.get(f"/unternehmen/{company.slug}").get_data(as_text=True)):  # fmt: skip
        assert not [w for w in words if w in page]
    search = off.get("/api/v1/search?housing_rent=700")
    assert search.status_code == 422
    off_platform.db.dispose()

    again = make_platform(url)
    after = snapshot(create_app(platform=again).test_client())
    assert after == before
    again.db.dispose()


def test_the_same_offer_twice_is_a_conflict_not_a_server_error(fresh):
    # found by fuzzing the API: an offer without external_id gets one from its content, so the
    # same offer entered twice met the unique (source, external_id) key and answered 500
    platform, client = fresh
    first = client.post("/api/v1/housing/offers", json=OFFER, headers=AUTH)
    assert first.status_code == 201
    again = client.post("/api/v1/housing/offers", json=OFFER, headers=AUTH)
    assert again.status_code == 409, again.get_json()
    assert f"Offer {first.get_json()['id']}" in again.get_json()["message"]
    listed = client.get("/api/v1/housing/offers?per_page=200").get_json()
    assert [o["title"] for o in listed["items"]].count(OFFER["title"]) == 1
    # an offer changed to another one's external_id is refused the same way
    named = {**OFFER, "title": "Zweite Wohnung", "external_id": "W-1"}
    assert client.post("/api/v1/housing/offers", json=named, headers=AUTH).status_code == 201
    other = client.post(
        "/api/v1/housing/offers",
        json={**named, "title": "Dritte", "external_id": "W-2"},
        headers=AUTH,
    )
    assert other.status_code == 201
    taken = client.patch(other.headers["Location"], json={"external_id": "W-1"}, headers=AUTH)
    assert taken.status_code == 409 and "W-1" in taken.get_json()["message"]


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_offer_pages_in_turkish_and_arabic(client, world, lang):
    """The offer list and an offer's page in another language: the catalog's texts, the sort
    options, links that keep the language, no German text of the plugin left."""
    from plugin_languages import german_left

    from core import catalog

    texts = catalog("housing").texts(lang)
    html = client.get(f"/wohnen?lang={lang}").get_data(as_text=True)
    assert texts["page.title"] in html and texts["sort.rent"] in html
    assert f'<input type="hidden" name="lang" value="{lang}">' in html
    offers = re.findall(r'href="/wohnen/angebote/(\d+)\?lang=([a-z]+)"', html)
    assert offers and {code for _, code in offers} == {lang}
    assert german_left(html.split("<main", 1)[1].split("</main>", 1)[0], "housing", texts) == []
    page = client.get(f"/wohnen/angebote/{offers[0][0]}?lang={lang}").get_data(as_text=True)
    assert texts["page.offer"] in page and texts["page.location"] in page
    assert german_left(page.split("<main", 1)[1].split("</main>", 1)[0], "housing", texts) == []


@pytest.mark.parametrize("lang", ["de", "en"])
def test_list_form_names_every_bad_filter_at_its_field(client, world, lang):
    """Three bad filters at once: each in the summary and at its field, in the page's
    language (core's filter messages with the plugin's filter names); what was typed stays."""
    from form_errors import assert_reports

    from core import catalog
    from plugins.housing.service import LIST_FILTERS

    def said(key, name, **values):
        label = LIST_FILTERS[name].label(lang)
        return catalog("core").text(f"filter_error.{key}", lang, label=label, **values)

    query = "" if lang == "de" else f"&lang={lang}"
    answer = client.get(f"/wohnen?rent=viel&rooms=zwei&area=-3{query}")
    assert answer.status_code == 422
    assert_reports(
        answer.get_data(as_text=True),
        {
            "f-rent": said("number", "rent", value="viel"),
            "f-rooms": said("number", "rooms", value="zwei"),
            "f-area": said("at_least", "area", minimum="0"),
        },
        kept={"f-rent": "viel", "f-rooms": "zwei", "f-area": "-3"},
    )


def _field(html: str, name: str) -> str:
    """The value the text input ``name`` shows."""
    found = re.search(rf'<input type="text" id="[^"]+" name="{name}"[^>]*value="([^"]*)"', html)
    assert found, f"no text field {name}"
    return found.group(1)


def test_list_page_filters_by_a_day_typed_in_the_pages_format(client, world):
    """ "Bezugsfrei spätestens am" is the web kit's date field: typed as 15.04.2026 on a German
    page (ISO on an English one), the same offers as the brute force; a day that does not
    exist is named and stays in the field; no browser date input shows its own format."""
    day = dt.date(2026, 4, 15)
    offers = [o for o in stored_offers(world.platform) if o["expires_on"] >= TODAY]
    wanted = {
        str(o["id"]) for o in offers if o["available_from"] is None or o["available_from"] <= day
    }
    assert wanted and len(wanted) < len(offers), "the day should keep some offers out"
    for typed, lang, shown in [
        ("15.04.2026", "de", "15.04.2026"),
        ("2026-04-15", "de", "15.04.2026"),
        ("2026-04-15", "en", "2026-04-15"),
    ]:
        page = client.get(f"/wohnen?available_by={typed}&per_page=200&lang={lang}")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        listed = set(re.findall(r'href="/wohnen/angebote/(\d+)', html))
        assert listed == wanted
        assert _field(html, "available_by") == shown
        assert 'type="date" id=' not in html
    hint = client.get("/wohnen").get_data(as_text=True)
    assert "Bezugsfrei spätestens am" in hint and "Format: TT.MM.JJJJ" in hint
    from form_errors import assert_reports

    for typed, lang, said in [
        ("31.02.2026", "de", "„31.02.2026“ ist kein Datum; bitte den Tag als TT.MM.JJJJ"),
        ("soon", "en", "“soon” is not a date; give the day as YYYY-MM-DD or DD.MM.YYYY."),
    ]:
        bad = client.get(f"/wohnen?available_by={typed}&rent=viel&lang={lang}")
        assert bad.status_code == 422
        html = bad.get_data(as_text=True)
        message = re.search(r'id="f-available_by-error"[^>]*>([^<]*)<', html).group(1)
        assert message.startswith(said)
        rent = re.search(r'id="f-rent-error"[^>]*>([^<]*)<', html).group(1)
        assert_reports(
            html,
            {"f-rent": rent, "f-available_by": message},
            kept={"f-rent": "viel", "f-available_by": typed},
        )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_list_pages_through_every_offer(client, world, lang):
    """The list shows a page of offers and a pager: following "Weiter" from the first page
    reaches every current offer exactly once, and the last page has no "Weiter"."""
    import html as markup

    wanted = {str(o["id"]) for o in stored_offers(world.platform) if o["expires_on"] >= TODAY}
    url, seen, pages = f"/wohnen?lang={lang}", [], 0
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += re.findall(r'href="/wohnen/angebote/(\d+)', page)
        pages += 1
        after = re.search(r'<a href="([^"]+)" rel="next">', page)
        url = markup.unescape(after.group(1)) if after else None
        assert pages < 50
    assert sorted(seen) == sorted(wanted) and pages > 1
    assert ("Seite 2 von" if lang == "de" else "Page 2 of") in client.get(
        f"/wohnen?page=2&lang={lang}"
    ).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["de", "en", "ar"])
def test_living_areas_are_written_by_the_page_language(client, world, lang):
    """Every living area on the list and an offer's page through core's formatting (48,5 m²
    in German, 48.5 m² in English, م² in Arabic), never a hand-made number and unit."""
    from core import format_quantity

    offers = {
        str(o["id"]): o
        for o in stored_offers(world.platform)
        if o["expires_on"] >= TODAY and o["area_m2"]
    }
    listing = client.get(f"/wohnen?per_page=200&lang={lang}").get_data(as_text=True)
    cards = re.findall(
        r'href="/wohnen/angebote/(\d+)[^"]*">.*?<p class="meta">(.*?)</p>', listing, re.S
    )
    checked = 0
    for offer_id, meta in cards:
        if offer_id in offers:
            assert format_quantity(offers[offer_id]["area_m2"], "m²", lang) in meta, meta
            checked += 1
    shown = [o for i, o in offers.items() if i in dict(cards)]
    assert checked == len(shown) >= 20
    assert any(not float(o["area_m2"]).is_integer() for o in shown), "a decimal area"
    some = shown[0]
    page = client.get(f"/wohnen/angebote/{some['id']}?lang={lang}").get_data(as_text=True)
    assert f"<dd>{format_quantity(some['area_m2'], 'm²', lang)}</dd>" in page
