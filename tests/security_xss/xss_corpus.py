"""The XSS corpus and a portal whose every text field holds its payloads.

``build_app`` makes the real app (every in-tree plugin enabled) on a new database;
``seed`` fills it the way users and operators do: the company API, the questionnaire's web
forms (core and plugin sections, one submission approved, one waiting in the moderation
queue), each plugin's operator form and import file, the events API and registration form.
``Seeded`` lists the pages that show the values. The fast tests (tests/security_xss) render
them with the Flask test client; tests/browser/test_browser_xss.py visits them in Chromium.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from attrs import define, field
from flask import Flask
from flask.testing import FlaskClient

HERE = Path(__file__).resolve().parent
PAYLOAD_FILE = HERE / "xss_payloads.txt"
OPERATOR_TOKEN = "xss-operator-token"
ADMIN = ("pruefer", "ein-sehr-langes-passwort")
PLUGINS = ["childcare", "housing", "training", "events", "transit", "jobs"]
#: Every page's own scripts come from files; these are the only inline script types.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
#: Attributes that a browser follows as a URL (a javascript: one runs).
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}
#: Elements no page of the portal uses: one in a page came from a payload.
FOREIGN_TAGS = {"iframe", "object", "embed", "math", "video", "x", "frameset"}
_BAD_URL = re.compile(r"^(javascript|vbscript|data:text/html)", re.IGNORECASE)
_IGNORED_IN_URL = re.compile(r"[\x00-\x20]")


def load_payloads(path: Path = PAYLOAD_FILE) -> tuple[str, ...]:
    """The payloads, one a line; "#" lines and empty lines skipped (U+2028 kept in a line)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return tuple(line for line in lines if line.strip() and not line.startswith("#"))


PAYLOADS = load_payloads()


class Spread:
    """Hands out the payloads in turn, so the fields of all records together carry them all."""

    def __init__(self, payloads: tuple[str, ...] = PAYLOADS, start: int = 0) -> None:
        self.payloads = payloads
        self.next = start
        self.used: set[str] = set()

    def take(self, max_length: int = 200, *, prefix: str = "") -> str:
        """As many payloads as fit in ``max_length`` characters (at least one), after
        ``prefix``."""
        parts = [prefix] if prefix else []
        length = len(prefix)
        for _ in range(len(self.payloads)):
            payload = self.payloads[self.next % len(self.payloads)]
            if length + len(payload) + 1 > max_length and len(parts) > (1 if prefix else 0):
                break
            self.next += 1
            if length + len(payload) + 1 > max_length:
                continue
            parts.append(payload)
            self.used.add(payload)
            length += len(payload) + 1
        return " ".join(parts)

    def url(self) -> str:
        """A web address that the model's check (http(s):// and no space) lets through."""
        candidates = [p for p in self.payloads if p.startswith("https://")]
        value = candidates[self.next % len(candidates)]
        self.next += 1
        self.used.add(value)
        return value


# --- the app and its data ------------------------------------------------------------------


def build_app(folder: Path, url: str | None = None) -> Flask:
    """The real app with every in-tree plugin on database ``url`` (default: a new SQLite file
    in ``folder``), an operator account."""
    from core.portal import accounts
    from webapp.app import create_app

    folder.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "portal": {
                "database_url": url or f"sqlite:///{folder / 'xss.db'}",
                "operator_token": OPERATOR_TOKEN,
                "secret_key": "xss-secret",
            },
            "search": {"refresh_interval": 0.0},
            "mail": {"outbox_folder": str(folder / "outbox"), "operator_address": "o@example.org"},
            "limits": {"enabled": False},
            # counts would be written at exit, after the test database is gone
            "statistics": {"usage_counting": False},
            "plugins": {"enabled": PLUGINS, "training": {"today": dt.date.today().isoformat()}},
        }
    )
    app.config["TESTING"] = True
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        accounts.create_operator(session, ADMIN[0], ADMIN[1], accounts.Role.ADMIN)
    return app


@define
class Seeded:
    """What ``seed`` made: pages (kind -> path) and the payloads that went into fields."""

    pages: dict[str, str] = field(factory=dict)
    operator_pages: dict[str, str] = field(factory=dict)
    #: Pages of an editor's questionnaire (who, path), after following editor_links[who].
    editor_pages: dict[str, tuple[str, str]] = field(factory=dict)
    editor_links: dict[str, str] = field(factory=dict)
    company_slugs: list[str] = field(factory=list)
    used: set[str] = field(factory=set)
    #: Payloads each page must show as text (proof that the value reached it).
    shown: dict[str, str] = field(factory=dict)


AUTH = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def _ok(response: Any, *codes: int) -> Any:
    assert response.status_code in (codes or (200, 201, 303)), (
        response.status_code,
        response.get_data(as_text=True)[:2000],
    )
    return response


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def _core_company(client: FlaskClient, spread: Spread, seeded: Seeded) -> None:
    body = {
        "name": spread.take(200, prefix="API"),
        "description": spread.take(1500),
        "street": spread.take(200),
        "postcode": "45699",
        "town": spread.take(100),
        "lat": 51.6001,
        "lon": 7.1401,
        "industry": "C",
        "employees": 42,
        "professions": ["26", "29"],
        "offers": ["ausbildung"],
        "website": spread.url(),
        "status": "published",
        "contact": {"name": spread.take(200), "email": "x@example.org", "phone": "0209 1"},
    }
    made = _ok(client.post("/api/v1/companies", json=body, headers=AUTH), 201).get_json()
    assert made["name"] == body["name"], "the API keeps the payloads as given"
    # PATCH writes them too
    patched = {"description": body["description"] + " " + spread.take(600)}
    _ok(client.patch(f"/api/v1/companies/{made['id']}", json=patched, headers=AUTH), 200)
    seeded.company_slugs.append(made["slug"])
    seeded.pages["company_api"] = f"/unternehmen/{made['slug']}"
    seeded.pages["card_api"] = f"/unternehmen/{made['slug']}/kurz"
    seeded.shown["company_api"] = body["name"]


def questionnaire_answers(spread: Spread, town_prefix: str) -> dict[str, dict[str, Any]]:
    """Every section of the questionnaire (core and plugins) with payloads in its texts."""
    return {
        "unternehmen": {
            "name": spread.take(120, prefix=town_prefix),
            "industry": "C",
            "employees": "12",
            "website": spread.url(),
        },
        "standort": {"street": spread.take(120), "postcode": "45699", "town": ""},
        "ueber-uns": {
            "description": spread.take(900),
            "attractive": spread.take(500),
            "typical_day": spread.take(500),
            "learn": spread.take(500),
        },
        "angebote": {"offers": ["ausbildung"], "professions": ["26"], "benefits": []},
        "familie": {"family": ["part_time"], "certificates": []},
        "kontakt": {
            "contact_name": spread.take(100),
            "contact_email": "inhaber@example.org",
            "contact_phone": "02366 12345",
            "publish_contact": "true",
        },
        "childcare": {
            "company_kita": "true",
            "company_kita_places": "12",
            "company_kita_ages": ["u3"],
            "details": spread.take(300),
        },
        "training": {
            "trains_apprentices": "true",
            "apprenticeship_professions": ["26"],
            "apprenticeship_titles": spread.take(200),
            "apprenticeship_places": "2",
            "dual_study": "true",
            "dual_study_partner": spread.take(150),
            "dual_study_programmes": spread.take(150),
            "further_training_notes": spread.take(500),
        },
        "housing_staff": {
            "offers_housing": "true",
            "kinds": ["company_flat"],
            "places": "3",
            "details": spread.take(300),
        },
        "transit_commuting": {
            "job_ticket": "deutschlandticket_job",
            "shuttle": "yes",
            "shuttle_details": spread.take(300),
            "bike_leasing": "yes",
            "shift_times_fit_transit": "yes",
        },
    }


def fill_questionnaire(client: FlaskClient, answers: dict[str, dict[str, Any]], email: str) -> None:
    """Start the questionnaire, fill every step through its form, send it for review."""
    token = _csrf(client.get("/fragebogen/").get_data(as_text=True))
    started = client.post(
        "/fragebogen/", data={"csrf_token": token, "email": email, "consent": "yes"}
    )
    _ok(started, 303)
    token = _csrf(client.get(started.headers["Location"]).get_data(as_text=True))
    for key, values in answers.items():
        response = client.post(
            f"/fragebogen/schritt/{key}", data={"csrf_token": token, "action": "next", **values}
        )
        errors = re.findall(r'class="field-error"[^>]*>([^<]+)', response.get_data(as_text=True))
        assert response.status_code == 303, (key, errors)


def _submission_ids(client: FlaskClient) -> list[int]:
    listed = _ok(client.get("/api/v1/submissions", headers=AUTH), 200).get_json()
    return [item["id"] for item in listed["items"]]


def _personal_link(app: Flask, email: str) -> str:
    """The path of the newest personal link mailed to ``email``."""
    box = app.extensions["regiokarte"].outbox
    links = [
        found
        for mail in box.messages()
        if email in str(mail.to)
        for found in re.findall(r"https?://[^/\s]+(/fragebogen/link/\S+)", mail.body)
    ]
    assert links, f"a personal link went to {email}"
    return links[-1]


def _submit(client: FlaskClient) -> None:
    token = _csrf(_get(client, "/fragebogen/pruefen"))
    _ok(client.post("/fragebogen/pruefen", data={"csrf_token": token}), 303)


def _questionnaires(app: Flask, spread: Spread, seeded: Seeded) -> None:
    # a company through the questionnaire to the map ...
    client = app.test_client()
    answers = questionnaire_answers(spread, "Fragebogen")
    fill_questionnaire(client, answers, "erste@example.org")
    _submit(client)
    (first,) = _submission_ids(client)
    approved = _ok(client.post(f"/api/v1/submissions/{first}/approve", headers=AUTH), 200)
    slug = approved.get_json()["slug"]
    seeded.company_slugs.append(slug)
    seeded.pages["company_questionnaire"] = f"/unternehmen/{slug}"
    seeded.pages["card_questionnaire"] = f"/unternehmen/{slug}/kurz"
    seeded.shown["company_questionnaire"] = approved.get_json()["description"]
    # ... then edited (new payloads): the edit waits in the moderation queue with its diff
    token = _csrf(_get(client, "/fragebogen/status"))
    _ok(client.post("/fragebogen/bearbeiten", data={"csrf_token": token}), 303)
    token = _csrf(_get(client, "/fragebogen/schritt/ueber-uns"))
    changed = {"description": spread.take(900, prefix="Neu"), "attractive": spread.take(400)}
    _ok(
        client.post(
            "/fragebogen/schritt/ueber-uns",
            data={"csrf_token": token, "action": "next", **changed},
        ),
        303,
    )
    _submit(client)
    (edit,) = _submission_ids(client)
    seeded.operator_pages["admin_queue"] = "/admin/"
    seeded.operator_pages["admin_submission"] = f"/admin/einreichung/{edit}"
    seeded.operator_pages["admin_outbox"] = "/admin/postausgang"
    seeded.operator_pages["admin_audit"] = "/admin/protokoll"
    # a draft: its steps, its live preview and the review page show the answers
    draft = questionnaire_answers(spread, "Entwurf")
    fill_questionnaire(app.test_client(), draft, "zweite@example.org")
    seeded.editor_links["draft"] = _personal_link(app, "zweite@example.org")
    for key in draft:
        seeded.editor_pages[f"questionnaire_step_{key}"] = ("draft", f"/fragebogen/schritt/{key}")
    seeded.editor_pages["questionnaire_review"] = ("draft", "/fragebogen/pruefen")
    # one sent back with the operator's message (a payload) on the status page
    returned = app.test_client()
    fill_questionnaire(returned, questionnaire_answers(spread, "Zurück"), "dritte@example.org")
    _submit(returned)
    third = max(_submission_ids(returned))
    message = spread.take(600, prefix="Bitte")
    _ok(
        returned.post(
            f"/api/v1/submissions/{third}/request-changes",
            json={"message": message},
            headers=AUTH,
        ),
        200,
    )
    seeded.editor_links["returned"] = _personal_link(app, "dritte@example.org")
    seeded.editor_pages["questionnaire_status"] = ("returned", "/fragebogen/status")


def _get(client: FlaskClient, path: str) -> str:
    return str(_ok(client.get(path), 200).get_data(as_text=True))


def _kitas(app: Flask, folder: Path, spread: Spread, seeded: Seeded) -> None:
    from plugins.childcare import importers

    features = []
    for number in range(2):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [7.141 + number / 100, 51.601]},
                "properties": {
                    "facility": spread.take(150, prefix="Kita"),
                    "institution": spread.take(150),
                    "address": spread.take(120),
                    "postal_code": "45699",
                    "opening_hours": "07:30-16:30",
                    "childcare_places": 60,
                    "comments": spread.take(300),
                    "website": spread.url(),
                },
            }
        )
    path = folder / "kitas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        report = importers.import_file(session, path, source="xss")
    assert report.imported == 2, report
    seeded.pages["kita_list"] = "/kitas/"
    kita_ids = _ids_in(_get(app.test_client(), "/kitas/"), r"/kitas/(\d+)")
    assert kita_ids, "the imported Kitas are listed"
    seeded.pages["kita_detail"] = f"/kitas/{kita_ids[0]}"
    seeded.shown["kita_list"] = features[0]["properties"]["facility"]


def _ids_in(html: str, pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(pattern, html)))


def _housing(app: Flask, spread: Spread, seeded: Seeded) -> None:
    client = app.test_client()
    expires = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    form = {
        "title": spread.take(150, prefix="Wohnung"),
        "kind": "flat",
        "offer_type": "rent",
        "rooms": "2",
        "warm_rent_eur": "610",
        "street": spread.take(150),
        "postcode": "45699",
        "provider_type": "employer",
        "provider_name": spread.take(150),
        "contact_name": spread.take(100),
        "contact_email": "wohnen@example.org",
        "link": spread.url(),
        "description": spread.take(800),
        "expires_on": expires,
        "address_public": "true",
    }
    page = _operator_form(client, "housing.offers", form, "/wohnen/angebote")
    seeded.pages["housing_offer_form"] = page
    seeded.shown["housing_offer_form"] = form["description"]
    # the same fields through the importer (CSV, as an operator uploads it)
    out = io.StringIO()
    columns = ["external_id", "title", "kind", "offer_type", "rooms", "warm_rent_eur", "street"]
    columns += ["postcode", "address_public", "provider_type", "provider_name", "link"]
    columns += ["expires_on", "description"]
    writer = csv.writer(out, delimiter=";")
    writer.writerow(columns)
    imported_title = spread.take(150, prefix="Import")
    writer.writerow(
        ["XSS-1", imported_title, "flat", "rent", "1", "400", spread.take(100), "45699", "ja"]
        + ["private", spread.take(100), spread.url(), expires, spread.take(600)]
    )
    answer = client.post(
        "/api/v1/housing/imports?source=xss&file_name=x.csv",
        data=out.getvalue().encode("utf-8"),
        headers=AUTH,
    )
    assert _ok(answer, 200).get_json()["read"] == 1, answer.get_json()
    listing = _get(client, "/wohnen")
    ids = _ids_in(listing, r"/wohnen/angebote/(\d+)")
    seeded.pages["housing_list"] = "/wohnen"
    seeded.pages["housing_offer_import"] = next(
        f"/wohnen/angebote/{i}"
        for i in ids
        if f"/wohnen/angebote/{i}" != seeded.pages["housing_offer_form"]
    )
    seeded.shown["housing_list"] = imported_title
    seeded.operator_pages["housing_form_errors"] = "/admin/daten/housing.offers/neu"


def _operator_form(client: FlaskClient, dataset: str, form: dict[str, Any], pages: str) -> str:
    """Enter a record through the admin area's form; the public page of the new record."""
    login(client)
    new = f"/admin/daten/{dataset}/neu"
    token = _csrf(_get(client, new))
    done = _ok(client.post(new, data={**form, "csrf_token": token}), 303)
    record = done.headers["Location"].rsplit("/", 1)[1]
    client.post("/admin/abmelden", data={"csrf_token": _csrf(_get(client, "/admin/"))})
    return f"{pages}/{record}"


def _training(app: Flask, spread: Spread, seeded: Seeded) -> None:
    client = app.test_client()
    start = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    form = {
        "title": spread.take(150, prefix="Kurs"),
        "provider": spread.take(150),
        "provider_type": "vhs",
        "kind": "weiterbildung",
        "format": "praesenz",
        "start_date": start,
        "duration": spread.take(80),
        "cost_note": spread.take(150),
        "street": spread.take(120),
        "postcode": "45699",
        "link": spread.url(),
        "description": spread.take(800),
        "professions": "26",
    }
    seeded.pages["course_form"] = _operator_form(client, "training.courses", form, "/weiterbildung")
    seeded.shown["course_form"] = form["description"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["external_id", "title", "description", "provider", "provider_type", "kind"]
        + ["professions", "format", "start_date", "postcode", "link"]
    )
    imported_title = spread.take(150, prefix="Import")
    writer.writerow(
        ["xss-1", imported_title, spread.take(600), spread.take(150), "vhs", "weiterbildung"]
        + ["26", "praesenz", start, "45699", spread.url()]
    )
    done = client.post(
        "/api/v1/training/imports?source=xss&format=csv",
        data=out.getvalue().encode("utf-8"),
        headers={**AUTH, "Content-Type": "text/csv"},
    )
    _ok(done, 200, 201)
    seeded.pages["course_list"] = "/weiterbildung"
    ids = _ids_in(_get(client, "/weiterbildung"), r"/weiterbildung/(\d+)")
    seeded.pages["course_import"] = next(
        f"/weiterbildung/{i}"
        for i in ids
        if f"/weiterbildung/{i}" != seeded.pages["course_form"].split("?")[0]
    )
    seeded.shown["course_list"] = imported_title
    seeded.operator_pages["course_form_errors"] = "/admin/daten/training.courses/neu"


def _events(app: Flask, spread: Spread, seeded: Seeded) -> None:
    client = app.test_client()
    organisation = {
        "name": spread.take(150, prefix="Veranstalter"),
        "type": "school",
        "description": spread.take(600),
        "place_name": spread.take(150),
        "street": spread.take(150),
        "postcode": "45699",
        "website": "https://example.org/veranstalter",
        "verified": True,
        "show_on_map": True,
    }
    made = _ok(
        client.post("/api/v1/events/organisations", json=organisation, headers=AUTH), 201, 200
    )
    organiser_id = made.get_json()["id"]
    token = _ok(
        client.post(f"/api/v1/events/organisations/{organiser_id}/token", headers=AUTH), 200, 201
    ).get_json()["token"]
    start = dt.datetime.combine(dt.date.today() + dt.timedelta(days=14), dt.time(10))
    event = {
        "title": spread.take(150, prefix="Termin"),
        "kind": "apprenticeship_fair",
        "start": start.isoformat(timespec="minutes"),
        "description": spread.take(900),
        "audiences": ["pupils"],
        "place_name": spread.take(150),
        "street": spread.take(150),
        "postcode": "45699",
        "registration": "portal",
        "capacity": 50,
        "organisers": [str(organiser_id)],
        # the events model takes addresses without quotes or angle brackets only
        "online_url": "https://example.org/online",
    }
    # the organiser writes the event with its own token
    saved = _ok(
        client.post("/api/v1/events", json=event, headers={"Authorization": f"Bearer {token}"}),
        201,
        200,
    ).get_json()
    moved = _ok(client.get(f"/veranstaltungen/{saved['id']}"), 301)
    event_path = moved.headers["Location"].removeprefix("http://localhost")
    seeded.pages["event"] = event_path
    seeded.shown["event"] = event["description"]
    # a registration through the page's form: the name appears on the confirmation
    page = _get(client, event_path)
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert form_token, "the event page has the registration form"
    registration = {
        "csrf_token": form_token[1],
        "name": spread.take(150),
        "email": "teilnehmerin@example.org",
        "phone": "0209 12345",
        "audience": "pupils",
        "consent": "yes",
    }
    done = _ok(client.post(f"/veranstaltungen/{saved['id']}/anmeldung", data=registration), 303)
    seeded.pages["event_registered"] = done.headers["Location"].removeprefix("http://localhost")
    # an iCalendar import whose summary and description carry payloads
    day = (start + dt.timedelta(days=3)).strftime("%Y%m%dT100000")
    summary = spread.take(150, prefix="Kalender")
    ical = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//xss//test//DE",
            "BEGIN:VEVENT",
            "UID:xss-1@example.org",
            "X-REGIOKARTE-KIND:job_fair",
            f"DTSTART;TZID=Europe/Berlin:{day}",
            _ical_text("SUMMARY", summary),
            _ical_text("DESCRIPTION", spread.take(600)),
            _ical_text("LOCATION", spread.take(100) + ", 45699 Herten"),
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    imported = client.post(
        f"/api/v1/events/import?format=ics&organiser={organiser_id}",
        data=ical.encode("utf-8"),
        headers={**AUTH, "Content-Type": "text/calendar"},
    )
    _ok(imported, 200)
    seeded.pages["event_calendar"] = "/veranstaltungen"
    seeded.shown["event_calendar"] = summary


def _transit(app: Flask, folder: Path, spread: Spread, seeded: Seeded) -> None:
    """A GTFS feed (the transit importer) whose stop and line names carry payloads."""
    from plugins.transit.importer import import_feed

    stop_names = [spread.take(120, prefix="Halt"), spread.take(120, prefix="Halt")]
    today = dt.date.today()
    tables = {
        "agency.txt": [["agency_id", "agency_name", "agency_url", "agency_timezone"]]
        + [["A", spread.take(100), "https://example.org/", "Europe/Berlin"]],
        "stops.txt": [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
        + [["S1", stop_names[0], "51.6004", "7.1405"], ["S2", stop_names[1], "51.6020", "7.1450"]],
        "routes.txt": [["route_id", "agency_id", "route_short_name", "route_long_name"]]
        + [["R1", "A", "SB1", spread.take(100)]],
        "calendar.txt": [
            ["service_id", "monday", "tuesday", "wednesday", "thursday", "friday"]
            + ["saturday", "sunday", "start_date", "end_date"]
        ]
        + [["W", *["1"] * 7, f"{today - dt.timedelta(days=1):%Y%m%d}", f"{today:%Y}1231"]],
        "trips.txt": [["route_id", "service_id", "trip_id", "trip_headsign"]],
        "stop_times.txt": [
            ["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence"]
        ],
    }
    for hour in range(6, 20):
        trip = f"T{hour}"
        tables["trips.txt"].append(["R1", "W", trip, spread.take(80)])
        tables["stop_times.txt"].append([trip, f"{hour:02d}:00:00", f"{hour:02d}:00:00", "S1", "1"])
        tables["stop_times.txt"].append([trip, f"{hour:02d}:05:00", f"{hour:02d}:05:00", "S2", "2"])
    path = folder / "feed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in tables.items():
            out = io.StringIO()
            csv.writer(out, lineterminator="\n").writerows(rows)
            archive.writestr(name, out.getvalue())
    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        import_feed(session, path)
    seeded.shown["transit_stop"] = stop_names[0]


def _jobs(app: Flask, folder: Path, spread: Spread, seeded: Seeded) -> None:
    """Positions from an operator's CSV import (the jobs importer) with payloads in title,
    employer, town and description: one of the API's company (its profile lists it), one of
    an employer no company matches."""
    from plugins.jobs.hooks import service_for
    from plugins.jobs.importer import import_file

    platform = app.extensions["regiokarte"]
    index = platform.search_index(refresh=True)
    company_id = int(index.ids[index.slugs.index(seeded.company_slugs[0])])
    today = dt.date.today()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["external_id", "title", "employer_name", "employer_postcode", "employer_town"]
        + ["company_id", "kind", "published", "valid_through", "description", "apply_url"]
    )
    days = [(today - dt.timedelta(days=1)).isoformat(), (today + dt.timedelta(days=30)).isoformat()]
    for number, company in enumerate((str(company_id), "")):
        writer.writerow(
            [f"xss-{number}", spread.take(200, prefix="Stelle"), spread.take(150, prefix="AG")]
            + ["45699", spread.take(80), company, "full_time", *days, spread.take(1500)]
            + [spread.url()]
        )
    path = folder / "positions.csv"
    path.write_text(out.getvalue(), "utf-8")
    report = import_file(platform, path)
    assert report.imported == 2, report
    platform.engine.refresh(force=True)
    stored = sorted(service_for(platform).positions(force=True).positions, key=lambda p: p.id)
    for kind, position in zip(("job_position", "job_unmatched"), stored, strict=True):
        seeded.pages[kind] = f"/stellen/{position.id}"
        seeded.shown[kind] = position.title
    seeded.pages["job_list"] = "/stellen"
    seeded.shown["job_list"] = stored[0].title
    seeded.shown["job_profile"] = stored[0].title


def _ical_text(name: str, value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return f"{name}:{escaped}"


def seed(app: Flask, folder: Path) -> Seeded:
    """Put the payloads into every text field users and operators fill."""
    seeded = Seeded()
    spread = Spread()
    client = app.test_client()
    _core_company(client, spread, seeded)
    _questionnaires(app, spread, seeded)
    _kitas(app, folder, spread, seeded)
    _housing(app, spread, seeded)
    _training(app, spread, seeded)
    _events(app, spread, seeded)
    _transit(app, folder, spread, seeded)
    _jobs(app, folder, spread, seeded)
    app.extensions["regiokarte"].engine.refresh(force=True)
    seeded.pages["embed"] = "/embed"
    seeded.pages["watchlist"] = "/merkliste"
    seeded.used = set(spread.used)
    return seeded


def login(client: FlaskClient) -> None:
    """Log the operator account in (the admin pages)."""
    token = _csrf(_get(client, "/admin/anmelden"))
    answer = client.post(
        "/admin/anmelden", data={"csrf_token": token, "username": ADMIN[0], "password": ADMIN[1]}
    )
    _ok(answer, 303)


# --- what escaped output looks like ----------------------------------------------------------


class _Scan(HTMLParser):
    """Collects what a browser would take from a page as markup (not as text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.text: list[str] = []
        self._script: str | None = None
        self._frame: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = self.findings
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value and _BAD_URL.match(_IGNORED_IN_URL.sub("", value)):
                found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value:
                found.append(f"<{tag} style=...> (no inline styles in this portal)")
        if tag in ("body", "head", "html", "title"):
            self._frame[tag] = self._frame.get(tag, 0) + 1
            if self._frame[tag] > 1:
                found.append(f"a second <{tag}>")
        if tag in FOREIGN_TAGS:
            found.append(f"<{tag}>")
        if tag == "img" and values.get("src") == "x":
            found.append("<img src=x>")
        if tag == "base" and values.get("href") is not None:
            found.append(f"<base href={values['href']!r}>")
        if tag == "meta" and values.get("http-equiv"):
            found.append(f"<meta http-equiv={values['http-equiv']!r}>")
        if tag == "style":
            found.append("<style> (no inline styles in this portal)")
        if tag == "script":
            kind = (values.get("type") or "").lower()
            if kind in DATA_SCRIPT_TYPES:
                self._script = kind
            elif not values.get("src") or "x.js" in (values.get("src") or ""):
                found.append(f"<script {values}> (an inline or foreign script)")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            try:
                json.loads(data)
            except ValueError:
                self.findings.append(f"a {self._script} script that is not JSON: {data[:120]!r}")
            return
        self.text.append(data)


def unsafe_markup(html: str) -> list[str]:
    """What of ``html`` a browser would run or build from payloads (empty: all escaped)."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return scan.findings


def page_text(html: str) -> str:
    """The text a reader sees (entities decoded), without script data."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    return "".join(scan.text)
