"""The plugin in the web app: API, pages, profile section, and no trace once disabled."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from markupsafe import escape
from training_support import (
    BA_SAMPLE,
    CSV_SAMPLE,
    JSON_SAMPLE,
    TODAY,
    TOKEN,
    _haversine_m,
    is_current,
    trains_in,
)

from core import ValidationError
from core.io.demo import demo_rows
from core.persistence import companies as company_repo
from core.portal import accounts

AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: Words only the plugin puts on pages (German and English).
PLUGIN_WORDS = (
    "section-training",
    "training-profile",
    "Ausbildung und Weiterbildung",
    "Bildet aus im Beruf",
    "Weiterbildungskurse",
    "/weiterbildung",
    "training_",
)


@pytest.fixture(scope="module")
def world_app(world):
    from webapp import create_app

    return create_app(platform=world.platform)


@pytest.fixture(scope="module")
def client(world_app):
    return world_app.test_client()


def _fill(app, companies=300):
    """Demo companies with training answers and every sample's courses."""
    from plugins.training.demo import add_demo_training
    from plugins.training.importer import import_file

    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, companies, 5))
    add_demo_training(platform, seed=2, courses=30)
    for sample in (CSV_SAMPLE, JSON_SAMPLE, BA_SAMPLE):
        import_file(platform, sample)
    platform.engine.refresh(force=True)
    index = platform.engine.index
    trainer = next(
        slug
        for slug, column in zip(
            index.slugs, index.columns["training_apprenticeship"].any(axis=1), strict=True
        )
        if column
    )
    return platform, trainer


def test_disabling_the_plugin_removes_every_trace(make_app):
    app = make_app(True, db="shared")
    platform, slug = _fill(app)
    client = app.test_client()
    filters = client.get("/api/v1/filters").get_json()["filters"]
    assert {"training_apprenticeship", "training_dual_study", "training_further"} <= {
        f["key"] for f in filters
    }
    layers = client.get("/api/v1/layers").get_json()["layers"]
    assert "training_courses" in {layer["id"] for layer in layers}
    assert client.get("/api/v1/training/courses").status_code == 200
    paths = client.get("/api/openapi.json").get_json()["paths"]
    assert any(p.startswith("/api/v1/training") for p in paths)
    profile = client.get(f"/unternehmen/{slug}").get_data(as_text=True)
    assert 'id="section-training"' in profile and "Ausbildung und Weiterbildung" in profile
    assert client.get("/weiterbildung").status_code == 200
    assert "training" in {p["name"] for p in client.get("/api/v1/plugins").get_json()["plugins"]}

    assert "training" in platform.questionnaire.keys
    off_app = make_app(False, db="shared")
    assert "training" not in off_app.extensions["regiokarte"].questionnaire.keys
    off = off_app.test_client()
    filters = off.get("/api/v1/filters").get_json()["filters"]
    assert not [f for f in filters if f["key"].startswith("training") or f["plugin"] == "training"]
    layers = off.get("/api/v1/layers").get_json()["layers"]
    assert not [layer for layer in layers if "training" in layer["id"] + layer["plugin"]]
    assert off.get("/api/v1/layers/training_courses").status_code == 404
    for url in (
        "/api/v1/training/courses",
        "/api/v1/training/courses/1",
        "/api/v1/training/questionnaire",
        "/weiterbildung",
        "/weiterbildung/1",
        "/weiterbildung/verwaltung/neu",
    ):
        assert off.get(url).status_code == 404, url
    document = off.get("/api/openapi.json").get_json()
    assert not [p for p in document["paths"] if "training" in p]
    assert not [t for t in document.get("tags", []) if "training" in t["name"]]
    search = off.get("/api/v1/search?training_apprenticeship=26")
    assert search.status_code == 422, "the filter is unknown, not silently ignored"
    # the plugin list names it as installed, not enabled (an operator's view, as designed)
    plugins = {p["name"]: p for p in off.get("/api/v1/plugins").get_json()["plugins"]}
    assert plugins["training"]["status"] == "available" and plugins["training"]["hooks"] == []
    for page in (
        off.get("/").get_data(as_text=True),
        off.get(f"/unternehmen/{slug}").get_data(as_text=True),
    ):
        for word in PLUGIN_WORDS:
            assert word not in page, word
        assert "training" not in page.lower()
    # the data is kept: enabling the plugin again shows it again
    again = make_app(True, db="shared").test_client()
    assert again.get("/api/v1/training/courses").get_json()["total"] > 0


def test_course_list_api_matches_the_service(client, world):
    answer = client.get(
        "/api/v1/training/courses?profession=26&near_town=Marl&radius_km=20&lang=en"
    )
    body = answer.get_json()
    service = world.service
    result = service.search(
        service.parse({"profession": ["26"], "near_town": ["Marl"], "radius_km": ["20"]})
    )
    assert body["total"] == result.total and body["today"] == TODAY.isoformat()
    assert [i["id"] for i in body["items"]] == [c.id for c, _ in result.items]
    facets = {f["key"]: f for f in body["facets"]}
    assert set(facets) == {"kind", "profession", "format", "funding", "provider_type", "town"}
    assert facets["kind"]["label"] == "Kind of course"
    (selected,) = [v for v in facets["profession"]["values"] if v["selected"]]
    assert selected["value"] == "26" and selected["count"] == body["total"]
    assert all(i["current"] and i["url"].startswith("/weiterbildung/") for i in body["items"])
    bad = client.get("/api/v1/training/courses?kind=kaffee")
    assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]
    assert client.get("/api/v1/training/courses?colour=blue").status_code == 422


def test_course_page_lists_employers_with_its_professions_nearby(client, world):
    settings = world.service.settings
    checked = 0
    for course in world.courses:
        if not is_current(course, TODAY) or not course.professions or course.format == "online":
            continue
        body = client.get(f"/api/v1/training/courses/{course.id}").get_json()
        near = sorted(
            (
                _haversine_m(
                    course.location.lat, course.location.lon, c.location.lat, c.location.lon
                ),
                c.id,
            )
            for c in world.searchable
            if set(c.professions) & set(course.professions)
        )
        near = [(d, i) for d, i in near if d <= settings.employer_radius_km * 1000]
        assert body["employers_total"] == len(near), course.title
        assert [e["id"] for e in body["employers"]] == [i for _, i in near[: settings.employer_max]]
        assert body["employer_search"]["profession"] == ",".join(course.professions)
        page = client.get(f"/weiterbildung/{course.id}").get_data(as_text=True)
        for employer in body["employers"]:
            assert f'href="/unternehmen/{employer["slug"]}"' in page
        checked += 1
        if checked == 12:
            break
    assert checked == 12


def test_a_past_course_is_gone_for_the_public_but_not_for_operators(client, world):
    past = next(c for c in world.courses if not is_current(c, TODAY))
    assert client.get(f"/api/v1/training/courses/{past.id}").status_code == 404
    assert client.get(f"/weiterbildung/{past.id}").status_code == 404
    seen = client.get(f"/api/v1/training/courses/{past.id}?past=true", headers=AUTH)
    assert seen.status_code == 200 and seen.get_json()["course"]["current"] is False
    listed = client.get("/api/v1/training/courses?past=true&per_page=200", headers=AUTH)
    assert past.id in {i["id"] for i in listed.get_json()["items"]}
    public = client.get("/api/v1/training/courses?past=true&per_page=200")
    assert past.id not in {i["id"] for i in public.get_json()["items"]}


def test_list_page_shows_the_same_counts_as_the_api(client):
    page = client.get("/weiterbildung?kind=umschulung&place=Gelsenkirchen&radius_km=20")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    api = client.get(
        "/api/v1/training/courses?kind=umschulung&near_town=Gelsenkirchen&radius_km=20"
    ).get_json()
    assert f'data-total="{api["total"]}"' in html
    assert len(re.findall(r'class="kit-card training-item"', html)) == min(api["total"], 20)
    for facet in api["facets"]:
        for value in facet["values"]:
            marker = f'data-value="{value["value"]}" data-count="{value["count"]}"'
            if value["count"]:
                assert marker in html, (facet["key"], value["value"])
    english = client.get("/weiterbildung?lang=en").get_data(as_text=True)
    assert "courses found" in english
    broken = client.get("/weiterbildung?kind=kaffee").get_data(as_text=True)
    assert 'role="alert"' in broken


def test_profile_section_lists_offers_and_nearby_courses(world):
    platform = world.platform
    company = next(
        c
        for c in world.searchable
        if "26" in trains_in(c)
        and "Mechatroniker/in" in c.extensions["training"].get("apprenticeship_titles", "")
    )
    (section,) = [s for s in platform.profile_sections(company, "de") if s.plugin == "training"]
    assert section.id == "training" and section.title == "Ausbildung und Weiterbildung"
    assert (
        "Mechatroniker/in" in section.html
        and "Mechatronik-, Energie- und Elektroberufe" in section.html
    )
    nearby = world.service.nearby(company.location, (*company.professions, *trains_in(company)))
    for hit in nearby:
        assert f'data-course="{hit.course.id}"' in section.html
    assert "<script" not in section.html
    english = [s for s in platform.profile_sections(company, "en") if s.plugin == "training"][0]
    assert english.title == "Apprenticeships and further training" and "?lang=en" in english.html
    bare = company.__class__(name="Leer GmbH", professions=("01",))
    assert not [s for s in platform.profile_sections(bare, "de") if s.plugin == "training"]


def test_operators_write_courses_through_the_api(make_app):
    app = make_app(True)
    client = app.test_client()
    course = {
        "title": "Staplerschein",
        "provider": "Beispiel Logistik",
        "provider_type": "privat",
        "kind": "weiterbildung",
        "format": "praesenz",
        "professions": ["51"],
        "start_date": "2027-02-01",
        "postcode": "45768",
    }
    assert client.post("/api/v1/training/courses", json=course).status_code == 401
    wrong = client.post(
        "/api/v1/training/courses", json=course, headers={"Authorization": "Bearer x"}
    )
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    made = client.post("/api/v1/training/courses", json=course, headers=AUTH)
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["town"] == "Marl" and body["lat"] is not None and body["source"] == "manual"
    location = made.headers["Location"]
    assert client.get(location).get_json()["course"]["title"] == "Staplerschein"
    changed = client.patch(location, json={"title": "Gabelstaplerschein"}, headers=AUTH)
    assert changed.get_json()["title"] == "Gabelstaplerschein"
    invalid = client.patch(location, json={"end_date": "2027-01-01"}, headers=AUTH)
    assert invalid.status_code == 422 and "end" in invalid.get_json()["message"]
    twice = {**course, "external_id": "lager-1"}
    assert client.post("/api/v1/training/courses", json=twice, headers=AUTH).status_code == 201
    clash = client.post("/api/v1/training/courses", json=twice, headers=AUTH)
    assert clash.status_code == 409 and "external_id" in clash.get_json()["errors"]
    clash = client.patch(location, json={"external_id": "lager-1"}, headers=AUTH)
    assert clash.status_code == 409
    assert client.delete(location, headers=AUTH).status_code == 204
    assert client.get(location).status_code == 404
    assert client.delete(location, headers=AUTH).status_code == 404


def test_operators_import_through_the_api(make_app):
    client = make_app(True).test_client()
    body = CSV_SAMPLE.read_bytes()
    assert client.post("/api/v1/training/imports", data=body).status_code == 401
    done = client.post(
        "/api/v1/training/imports?name=vhs.csv",
        data=body,
        headers={**AUTH, "Content-Type": "text/csv"},
    )
    report = done.get_json()
    assert done.status_code == 200 and report["created"] == 6 and report["format"] == "csv"
    assert [r["outcome"] for r in report["records"]] == ["created"] * 6
    broken = json.loads(JSON_SAMPLE.read_text("utf-8"))
    broken["courses"][1]["kind"] = "kaffee"
    refused = client.post(
        "/api/v1/training/imports?name=x.json", data=json.dumps(broken), headers=AUTH
    )
    answer = refused.get_json()
    assert refused.status_code == 422 and answer["report"]["written"] is False
    assert [r["outcome"] for r in answer["report"]["records"]] == ["created", "invalid", "created"]
    assert "course 2" in answer["errors"]
    listed = client.get("/api/v1/training/imports", headers=AUTH).get_json()["imports"]
    assert [(i["file_name"], i["created"]) for i in listed] == [("vhs.csv", 6)]
    ba = client.post("/api/v1/training/imports", data=BA_SAMPLE.read_bytes(), headers=AUTH)
    assert ba.get_json()["format"] == "ba" and ba.get_json()["created"] == 4


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def test_operators_enter_courses_in_the_admin_area(make_app):
    app = make_app(True)
    client = app.test_client()
    moved = client.get("/weiterbildung/verwaltung/neu")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/admin/daten/training.courses/neu"
    new = "/admin/daten/training.courses/neu"
    assert client.get(new).status_code == 303, "only a logged-in operator gets the form"
    with app.extensions["regiokarte"].session(write=True) as session:
        accounts.create_operator(session, "betrieb", "ein-sehr-langes-passwort")
    login = {"username": "betrieb", "password": "ein-sehr-langes-passwort"}
    login["csrf_token"] = _csrf(client.get("/admin/anmelden").get_data(as_text=True))
    assert client.post("/admin/anmelden", data=login).status_code == 303
    data = {
        "csrf_token": _csrf(client.get(new).get_data(as_text=True)),
        "title": "Bewerbungstraining",
        "provider": "VHS Beispiel",
        "provider_type": "vhs",
        "kind": "weiterbildung",
        "format": "praesenz",
        "start_date": "2027-03-01",
        "postcode": "45657",
        "professions": "71",
    }
    assert client.post(new, data={**data, "csrf_token": "falsch"}).status_code == 400
    missing = client.post(new, data={**data, "postcode": "", "kind": ""})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 400 and 'aria-invalid="true"' in html
    assert 'id="field-kind-error"' in html and "Bewerbungstraining" in html, "values are kept"
    saved = client.post(new, data=data)
    assert saved.status_code == 303
    course_id = saved.headers["Location"].rsplit("/", 1)[1]
    page = client.get(f"/weiterbildung/{course_id}").get_data(as_text=True)
    assert "Bewerbungstraining" in page and "Recklinghausen" in page


#: Bad values of a new course -> what the form says at the field, in German and in English.
FORM_PROBLEMS = {
    "title": ("x" * 301, "Höchstens 300 Zeichen, nicht 301.", "At most 300 characters, not 301."),
    "cost_eur": ("viel", "&#39;viel&#39; ist keine Zahl", "&#39;viel&#39; is not a number"),
    "link": ("www.example.org", "ist keine Webadresse", "is no web address"),
    "professions": ("71; 99", "&#39;99&#39; ungültig", "&#39;99&#39; not valid"),
    "end_date": ("2027-02-01", "liegt vor dem Beginn 2027-03-01", "lies before the start"),
    "postcode": ("", "ein Kurs vor Ort braucht einen Ort", "needs a place"),
}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_course_form_says_what_is_wrong_in_the_page_language(make_app, lang):
    app = make_app(True)
    client = app.test_client()
    with app.extensions["regiokarte"].session(write=True) as session:
        accounts.create_operator(session, "betrieb", "ein-sehr-langes-passwort")
    login = {"username": "betrieb", "password": "ein-sehr-langes-passwort"}
    login["csrf_token"] = _csrf(client.get("/admin/anmelden").get_data(as_text=True))
    assert client.post("/admin/anmelden", data=login).status_code == 303
    new = "/admin/daten/training.courses/neu" + ("?lang=en" if lang == "en" else "")
    data = {
        "csrf_token": _csrf(client.get(new).get_data(as_text=True)),
        "title": "Bewerbungstraining",
        "provider": "VHS Beispiel",
        "provider_type": "vhs",
        "kind": "weiterbildung",
        "format": "praesenz",
        "start_date": "2027-03-01",
        "postcode": "45657",
        "professions": "71",
    }
    answer = client.post(new, data={**data, **{k: v[0] for k, v in FORM_PROBLEMS.items()}})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    shown = dict(re.findall(r'<p class="field-error" id="field-(\w+)-error">(.*?)</p>', html))
    assert set(shown) == set(FORM_PROBLEMS)
    for name, (_, german, english) in FORM_PROBLEMS.items():
        expected, other = (german, english) if lang == "de" else (english, german)
        assert expected in shown[name] and other not in shown[name], (name, shown[name])
    # the summary at the top says the same, before the form
    summary = html.split('id="record-form"')[0]
    assert all(text in summary for text in shown.values())
    # elsewhere (API answers, logs, the command line) the messages stay English strings
    platform = app.extensions["regiokarte"]
    with pytest.raises(ValidationError) as caught, platform.session(write=True) as session:
        course = {k: v for k, v in data.items() if k != "csrf_token"}
        platform.dataset("training.courses").create(session, {**course, "cost_eur": "viel"})
    assert json.loads(json.dumps(caught.value.errors)) == {
        "cost_eur": ["'viel' is not a number; write it like 1190.50 or 1.190,50."]
    }


def test_questionnaire_answers_become_filters_and_profile(make_app):
    app = make_app(True)
    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, 40, 9))
    platform.engine.refresh(force=True)
    client = app.test_client()
    company = client.get("/api/v1/companies?per_page=1").get_json()["items"][0]
    section = client.get("/api/v1/training/questionnaire").get_json()
    assert section["extension"] == "training" and len(section["questions"]) == 10
    answers = {
        "trains_apprentices": True,
        "apprenticeship_professions": ["26"],
        "apprenticeship_titles": "Mechatroniker/in",
        "apprenticeship_places": 3,
        "dual_study": False,
        "dual_study_partner": "hidden by the answer above",
        "further_training_days": 5,
    }
    url = f"/api/v1/training/companies/{company['id']}"
    assert client.put(url, json=answers).status_code == 401
    saved = client.put(url, json=answers, headers=AUTH)
    assert saved.status_code == 200, saved.get_json()
    offer = saved.get_json()
    assert offer["titles"] == ["Mechatroniker/in"] and offer["places_per_year"] == 3
    assert offer["supports_further_training"] and offer["dual_study_partner"] == ""
    stored = client.get(f"/api/v1/companies/{company['id']}").get_json()
    assert "dual_study_partner" not in stored["extensions"]["training"]
    assert "ausbildung" in stored["offers"] and "further_training" in stored["benefits"]
    found = client.get("/api/v1/search?training_apprenticeship=26").get_json()
    assert company["id"] in {i["id"] for i in found["items"]}
    profile = client.get(f"/unternehmen/{company['slug']}").get_data(as_text=True)
    assert "Mechatroniker/in" in profile and "3 Ausbildungsplätze pro Jahr" in profile
    bad = client.put(
        url,
        json={**answers, "apprenticeship_places": -1, "colour": "blau"},
        headers=AUTH,
    )
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {
        "apprenticeship_places",
        "colour",
    }


@pytest.mark.parametrize("lang", ["en", "tr", "ar"])
def test_profile_section_speaks_every_language(world, lang):
    """The section's headings, its course kinds and its money in the language asked for, and
    none of the German texts of the section left (they differ from every translation)."""
    from core import catalog, format_amount

    platform = world.platform
    company = next(
        c
        for c in world.searchable
        if "26" in trains_in(c)
        and c.extensions["training"].get("further_training_budget_eur")
        and world.service.nearby(c.location, (*c.professions, *trains_in(c)))
    )
    texts, german = catalog("training").texts(lang), catalog("training").texts("de")
    (section,) = [s for s in platform.profile_sections(company, lang) if s.plugin == "training"]
    assert section.title == texts["profile.title"]
    for key in ("profile.apprenticeship", "profile.courses", "profile.all_courses"):
        assert str(escape(texts[key])) in section.html
    budget = company.extensions["training"]["further_training_budget_eur"]
    assert texts["profile.budget"].format(amount=format_amount(budget, lang)) in section.html
    nearby = world.service.nearby(company.location, (*company.professions, *trains_in(company)))
    kinds = {hit.course.kind for hit in nearby}
    for kind in kinds:
        assert str(escape(catalog("training").text(f"vocab.kinds.{kind}", lang))) in section.html
    for key, text in german.items():
        if key.startswith("profile.") and "{" not in text and text != texts[key]:
            assert f">{escape(text)}<" not in section.html, key
    assert f"?lang={lang}" in section.html


@pytest.mark.parametrize("lang", ["en", "tr", "ar"])
def test_course_list_and_course_page_speak_every_language(client, world, lang):
    """Headings, filters, their choices and a course's facts in the page's language; no text
    of the plugin's German catalog is left where the language has its own."""
    from core import catalog

    texts, german = catalog("training").texts(lang), catalog("training").texts("de")
    listing = client.get(f"/weiterbildung?lang={lang}").get_data(as_text=True)
    course = next(c for c, _ in world.service.search(world.service.parse({})).items)
    page = client.get(f"/weiterbildung/{course.id}?lang={lang}").get_data(as_text=True)
    for key in (
        "title",
        "search",
        "facet.kind.label",
        "facet.funding.label",
        "vocab.formats.blended",
    ):
        assert str(escape(texts[key])) in listing, key
    for key in ("back", "kind", "format", f"vocab.kinds.{course.kind}"):
        assert str(escape(texts[key])) in page, key
    for html in (listing, page):
        for key, text in german.items():
            if "{" not in text and text != texts[key] and not key.startswith("admin."):
                assert f">{escape(text)}<" not in html, key


@pytest.mark.parametrize("lang", ["de", "en"])
def test_course_dates_name_each_day_once(client, world, lang):
    """ "ab 11. Feb. 2027 (bis 26. Apr. 2027)", never "ab 11. Feb. 2027 (11. Feb. 2027 bis
    26. Apr. 2027)"; a course one may join any time gives its whole run."""
    from core import format_date

    checked = 0
    for course in world.courses:
        if not is_current(course, TODAY):
            continue
        page = client.get(f"/weiterbildung/{course.id}?lang={lang}").get_data(as_text=True)
        found = re.search(r"<dt>(Termine|Dates)</dt><dd>(.*?)</dd>", page)
        assert found, course.title
        dates = found.group(2)
        for day in {course.start_date, course.end_date} - {None}:
            shown = re.findall(rf"(?<!\d){re.escape(format_date(day, lang))}", dates)
            assert len(shown) == 1, dates
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("lang", ["de", "en"])
def test_list_form_names_the_unknown_place_and_the_order_at_their_fields(client, lang):
    """An unknown place and an order by distance without a place: both in the summary and
    at their fields in the page's language (core's place message, the plugin's order
    message); the typed place stays in the form."""
    from form_errors import assert_reports

    from core import catalog

    query = "" if lang == "de" else f"&lang={lang}"
    unknown = client.get(f"/weiterbildung?place=Xyzquarkstadt&sort=kaffee{query}")
    place = catalog("core").text("place_error.unknown", lang, place="Xyzquarkstadt")
    order = catalog("training").text("sort_unknown", lang)
    assert_reports(
        unknown.get_data(as_text=True),
        {"tr-place": place, "tr-sort": order},
        kept={"tr-place": "Xyzquarkstadt"},
    )
    # a bad value only a hand-made address holds: one sentence in the page's language
    crafted = client.get(f"/weiterbildung?kind=kaffee&page=x{query}").get_data(as_text=True)
    summary = unescape(crafted.split('id="error-summary"')[1].split("</div>")[0])
    assert catalog("portal").text("kit.bad_parameter", lang) in summary
    assert "“kaffee”" in summary or "„kaffee“" in summary
    assert "page=" not in summary and "is malformed" not in summary
