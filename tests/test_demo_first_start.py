"""``make run`` on a fresh clone: the demo configuration, ``regiokarte init`` and
``regiokarte demo ... --if-empty --operator demo`` (the Makefile's first start) give a portal
whose five plugin layers all hold data in the region, whose data says it is fictitious, and
whose printed demo login works. A second start adds nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from core.region import default_region
from webapp.app import create_app
from webapp.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "demo.toml"
COMPANIES = "300"  # the Makefile makes 20,000; the path is the same, the suite stays fast
#: layer id -> what the layer switcher shows
PLUGIN_LAYERS = {
    "childcare_kitas": "Kitas",
    "transit_stops": "stops",
    "housing_offers": "homes",
    "training_courses": "courses",
    "events": "events",
}


def _first_start(app: Flask) -> str:
    """The Makefile's first start, on ``app`` (built from the demo configuration)."""
    runner = CliRunner()
    out = ""
    for args in (
        ["init"],
        ["demo", "--companies", COMPANIES, "--seed", "1", "--if-empty", "--operator", "demo"],
    ):
        result = runner.invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))
        assert result.exit_code == 0, result.output
        out = result.output
    return out


@pytest.fixture(scope="module")
def app(new_module_database: Callable[[str], str]) -> Flask:
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    os.environ["REGIOKARTE_CONFIG"] = str(CONFIG)
    try:
        app = create_app({"portal": {"database_url": new_module_database("demo")}})
    finally:
        os.environ.pop("REGIOKARTE_CONFIG")
        os.environ.update(saved)
    app.config["TESTING"] = True
    return app


@pytest.fixture(scope="module")
def started(app: Flask) -> str:
    return _first_start(app)


def _features(app: Flask, layer_id: str) -> dict[str, Any]:
    answer = app.test_client().get(f"/api/v1/layers/{layer_id}")
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return dict(answer.get_json())


def test_every_plugin_makes_its_demo_data(started: str) -> None:
    out = started
    for plugin in ("childcare", "housing", "transit", "training", "events"):
        assert re.search(rf"^Demo {plugin}: .*fiktiv", out, re.MULTILINE), out


def test_every_plugin_layer_lists_data_in_the_region(app: Flask, started: str) -> None:
    listed = app.test_client().get("/api/v1/layers").get_json()["layers"]
    ids = [layer["id"] for layer in listed]
    assert set(PLUGIN_LAYERS) <= set(ids), ids
    b = default_region().bounds
    for layer_id in [*PLUGIN_LAYERS, "transit_stations"]:
        data = _features(app, layer_id)
        assert data["total"] > 0, f"the layer {layer_id} ({PLUGIN_LAYERS.get(layer_id)}) is empty"
        inside = [
            f
            for f in data["features"]
            if b.south <= f["geometry"]["coordinates"][1] <= b.north
            and b.west <= f["geometry"]["coordinates"][0] <= b.east
        ]
        assert len(inside) > len(data["features"]) // 2, layer_id


def test_the_start_page_shows_companies_and_the_fictitious_notice(app: Flask, started: str) -> None:
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "Demo" in page
    imprint = client.get("/impressum").get_data(as_text=True)
    assert "Demo-Betreiber Arbeitgeberkarte (fiktiv)" in imprint
    assert "noch nicht eingetragen" not in imprint
    hits = client.get("/api/v1/search?per_page=5").get_json()
    assert hits["total"] > 200  # a few demo companies are drafts


def test_plugin_records_say_they_are_fictitious(app: Flask, started: str) -> None:
    for layer_id in PLUGIN_LAYERS:
        if layer_id == "transit_stops":
            continue  # the stops are real stations; their lines say the timetable is made up
        for feature in _features(app, layer_id)["features"][:20]:
            text = str(feature["properties"])
            assert "fiktiv" in text.casefold() or "demo" in text.casefold(), (layer_id, text)


def test_the_printed_demo_login_works(app: Flask, started: str) -> None:
    found = re.search(r"user 'demo', password (\S+)", started)
    assert found, started
    client = app.test_client()
    page = client.get("/admin/anmelden").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = client.post(
        "/admin/anmelden",
        data={"csrf_token": token.group(1), "username": "demo", "password": found.group(1)},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    assert client.get("/admin/").status_code == 200


def test_a_second_start_adds_nothing_and_shows_no_password(app: Flask, started: str) -> None:
    before = {layer: _features(app, layer)["total"] for layer in PLUGIN_LAYERS}
    out = _first_start(app)
    assert "no demo companies added" in out
    assert not re.search(r"user 'demo', password \S+", out), out
    after = {layer: _features(app, layer)["total"] for layer in PLUGIN_LAYERS}
    assert after == before


def test_demo_is_dated_from_today_events_ahead_and_offers_valid(app: Flask, started: str) -> None:
    import datetime as dt

    from plugins.events.demo import DEMO_EVENTS
    from plugins.housing.demo import DEMO_OFFERS

    now = dt.datetime.now(dt.UTC)
    events = _features(app, "events")["features"]
    assert len(events) == DEMO_EVENTS
    starts = [dt.datetime.fromisoformat(e["properties"]["start"]) for e in events]
    assert all(now < s < now + dt.timedelta(weeks=9) for s in starts)
    # the layer shows only offers valid today: every demo offer is
    assert _features(app, "housing_offers")["total"] == DEMO_OFFERS
