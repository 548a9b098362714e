"""Events in alert mails: the events plugin contributes new events of the search's towns or
area (hook ``alert_matches``); each is mailed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alerts_support import (
    BASE_URL,
    MARL,
    confirm_link,
    mails,
    make_alert_app,
    platform_of,
    token_of,
)

from core import Platform
from core.portal import alerts
from plugins.events.hooks import service_for
from plugins.events.service import Principal

EMAIL = "carla@example.org"


@pytest.fixture
def events_platform(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Platform]:
    app = make_alert_app(new_database("events"), tmp_path, plugins=["events"])
    yield platform_of(app)
    platform_of(app).db.dispose()


def add_event(platform: Platform, title: str, postcode: str, **values: Any) -> int:
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).strftime("%Y-%m-%dT10:00")
    end = start.replace("T10:00", "T14:00")
    data = {
        "title": title,
        "kind": "job_fair",
        "start": start,
        "end": end,
        "place_name": "Rathaus",
        "postcode": postcode,
        "audiences": ["pupils"],
        **values,
    }
    event, _ = service_for(platform).save_event(data, Principal(operator=True))
    assert event.id is not None
    return event.id


def test_new_events_of_the_towns_are_mailed_once(
    events_platform: Platform,
) -> None:
    platform = events_platform
    add_event(platform, "Alte Messe Marl", MARL[2])
    alerts.subscribe(platform, email=EMAIL, query=f"town={MARL[0]}", lang="de", consent=True)
    alerts.confirm(platform, token_of(confirm_link(platform, EMAIL)))
    marl = add_event(platform, "Jobmesse Marl", MARL[2])
    add_event(platform, "Jobmesse Haltern", "45721")
    add_event(platform, "Abgesagt in Marl", MARL[2], status="cancelled")

    report = alerts.run(platform)
    assert (report.mails, report.items, report.companies) == (1, 1, 0)
    body = mails(platform, EMAIL)[-1].body
    assert "Veranstaltungen (1):" in body and "Jobmesse Marl (Marl)" in body
    assert f"{BASE_URL}/veranstaltungen/{marl}-" in body
    assert "Haltern" not in body and "Alte Messe" not in body and "Abgesagt" not in body
    assert "/suche/abbestellen/" in body
    assert alerts.run(platform).mails == 0

    add_event(platform, "Zweite Messe Marl", MARL[2])
    alerts.run(platform)
    body = mails(platform, EMAIL)[-1].body
    assert "Zweite Messe Marl" in body and "Jobmesse Marl" not in body
