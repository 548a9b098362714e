"""A portal with every in-tree plugin and a little realistic data in each of their layers.

Used by the layer popup tests; ``seed_layers`` goes through the plugins' own commands (import
files, the training demo), as an operator would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
KITAS = ROOT / "tests" / "plugins" / "childcare" / "data" / "kitas_marl.osm"
PLUGINS = ["childcare", "housing", "transit", "training", "events"]


def _csv(rows: list[list[str]], delimiter: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _housing_file(folder: Path, today: dt.date) -> Path:
    expires = (today + dt.timedelta(days=120)).isoformat()
    header = (
        "external_id;title;kind;offer_type;rooms;area_m2;cold_rent_eur;warm_rent_eur;"
        "additional_costs_eur;price_eur;available_from;street;postcode;town;address_public;lat;"
        "lon;provider_type;provider_name;contact_name;contact_email;contact_phone;link;"
        "expires_on;description"
    ).split(";")
    rows = [
        ["W-1", "Azubi-Apartment am Marler Stern", "apprentice_housing", "rent", "1", "24", "",
         "330", "", "", "sofort", "Bergstraße 230", "45768", "Marl", "ja", "51.6565", "7.0905",
         "employer", "Beispiel-Chemie Marl (fiktiv)", "", "wohnen@beispiel.example.org", "", "",
         expires, "Möbliert."],
        ["W-2", "Zwei Zimmer für Pflegekräfte", "company_housing", "rent", "2,5", "61", "480",
         "", "", "", "sofort", "Lipper Weg 5", "45770", "Marl", "ja", "51.6700", "7.1050",
         "employer", "Pflegedienst Vest (fiktiv)", "", "wohnen@pflege.example.org", "", "",
         expires, ""],
    ]  # fmt: skip
    path = folder / "angebote.csv"
    path.write_text(_csv([header, *rows]), encoding="utf-8")
    return path


def _events_file(folder: Path, today: dt.date) -> Path:
    day = today + dt.timedelta(days=20)
    header = (
        "uid;title;kind;start;end;audiences;place_name;street;postcode;town;online_url;"
        "registration;registration_url;capacity;organisers"
    ).split(";")
    rows = [
        ["e1@marl", "Ausbildungsbörse Marl", "apprenticeship_fair", f"{day}T10:00",
         f"{day}T15:00", "pupils", "Rathaus Marl", "Creiler Platz 1", "45768", "Marl", "",
         "none", "", "", ""],
    ]  # fmt: skip
    path = folder / "termine.csv"
    path.write_text(_csv([header, *rows]), encoding="utf-8")
    return path


def _feed_file(folder: Path, today: dt.date) -> Path:
    """Two bus stops in Marl served by line SB 25 every hour from 6 to 19 o'clock."""
    tables = {
        "agency.txt": [["agency_id", "agency_name", "agency_url", "agency_timezone"],
                       ["V", "Vestische (fiktiv)", "https://example.org/", "Europe/Berlin"]],
        "stops.txt": [["stop_id", "stop_name", "stop_lat", "stop_lon"],
                      ["S1", "Marl Mitte", "51.6560", "7.0900"],
                      ["S2", "Marl Rathaus", "51.6580", "7.0950"]],
        "routes.txt": [["route_id", "agency_id", "route_short_name", "route_long_name",
                        "route_type"], ["R1", "V", "SB25", "Marl - Recklinghausen", "3"]],
        "calendar.txt": [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday",
                          "saturday", "sunday", "start_date", "end_date"],
                         ["W", *["1"] * 7, f"{today - dt.timedelta(days=1):%Y%m%d}",
                          f"{today + dt.timedelta(days=365):%Y%m%d}"]],
        "trips.txt": [["route_id", "service_id", "trip_id"]],
        "stop_times.txt": [["trip_id", "arrival_time", "departure_time", "stop_id",
                            "stop_sequence"]],
    }  # fmt: skip
    for hour in range(6, 20):
        trip = f"T{hour}"
        tables["trips.txt"].append(["R1", "W", trip])
        tables["stop_times.txt"].append([trip, f"{hour:02d}:00:00", f"{hour:02d}:00:00", "S1", "1"])
        tables["stop_times.txt"].append([trip, f"{hour:02d}:04:00", f"{hour:02d}:04:00", "S2", "2"])
    path = folder / "feed.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, rows in tables.items():
            archive.writestr(name, _csv(rows, delimiter=","))
    return path


def build_layer_app(url: str, **sections: Any) -> Flask:
    """The real app with every in-tree plugin on database ``url``."""
    from webapp.app import create_app

    config: dict[str, Any] = {
        "portal": {"database_url": url, "secret_key": "layer-popups"},
        "search": {"refresh_interval": 0.0},
        "statistics": {"usage_counting": False},
        "plugins": {"enabled": PLUGINS, "events": {"actors_layer": True}},
    }
    config.update(sections)
    app = create_app(config)
    app.config["TESTING"] = True
    app.extensions["regiokarte"].upgrade_database()
    return app


def seed_layers(app: Flask, folder: Path, companies: int = 200) -> None:
    """Demo companies, Kitas, housing offers, training courses, an event, an advice point and
    a bus feed, through the plugins' commands."""
    from core.io.demo import demo_rows
    from core.persistence import companies as repo

    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, companies, 3))
    platform.engine.refresh(force=True)
    today = dt.date.today()
    runner = app.test_cli_runner()
    commands = [
        ["childcare", "import", str(KITAS)],
        ["housing", "import", str(_housing_file(folder, today))],
        ["training", "demo", "--courses", "30"],
        ["events", "import", str(_events_file(folder, today))],
        ["events", "add-organisation", "--name", "Jobcenter Kreis Recklinghausen (Marl)",
         "--type", "jobcenter", "--postcode", "45768", "--street", "Brassertstraße 1",
         "--town", "Marl", "--phone", "02365 0000", "--website", "https://jobcenter.example.org"],
        ["transit", "import", str(_feed_file(folder, today))],
    ]  # fmt: skip
    for args in commands:
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
    platform.engine.refresh(force=True)
