"""The public iCalendar feed under load: bounded to the soonest events, rendered once per
data version and answered 304 to a client that has it, new when the events change."""

from __future__ import annotations

import io

import icalendar
import pytest
from flask import Flask

from plugins.events.api import FEED_CACHE_KEY
from plugins.events.feedcache import FEED_MAX_EVENTS
from tests.security.conftest import OPERATOR_TOKEN

FEED = "/api/v1/events/calendar.ics"
MANY = FEED_MAX_EVENTS + 60


@pytest.fixture(scope="module")
def many_events(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> int:
    """More upcoming events than a feed holds, one a day from 2098 on."""
    import datetime as dt

    out = io.StringIO()
    out.write("uid;title;kind;start;end;online_url;registration\n")
    day = dt.date(2098, 1, 1)
    for n in range(MANY):
        start = day + dt.timedelta(days=n)
        out.write(
            f"feed-{n}@test;Info-Abend {n};info;{start}T18:00;{start}T19:00;"
            "https://meet.example/info;none\n"
        )
    path = tmp_path_factory.mktemp("feed") / "many.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        platform.dataset("events.events").import_file(session, path, "csv")
    return MANY


def _uids(body: bytes) -> list[str]:
    calendar = icalendar.Calendar.from_ical(body)
    return [str(e["UID"]) for e in calendar.walk("VEVENT")]


def _feed_cache(app: Flask):  # noqa: ANN202 - the plugin's cache object
    cache = app.extensions[FEED_CACHE_KEY]
    cache.clock = lambda: 4_000_000_000.0  # one time slot for the whole test
    return cache


def test_the_feed_is_bounded_to_the_soonest_events(app: Flask, many_events: int) -> None:
    response = app.test_client().get(FEED)
    assert response.status_code == 200
    uids = _uids(response.data)
    ours = [u for u in uids if u.startswith("feed-")]
    assert len(uids) <= FEED_MAX_EVENTS
    # the soonest come first: every one of ours up to the bound, none after it
    assert ours == [f"feed-{n}@test" for n in range(len(ours))]
    assert len(ours) >= FEED_MAX_EVENTS - 20
    assert f"feed-{many_events - 1}@test" not in uids
    # later events are reachable with a filter
    later = app.test_client().get(FEED + "?from=2100-09-01").data
    assert f"feed-{many_events - 1}@test" in _uids(later)


def test_the_feed_is_rendered_once_and_answered_304(app: Flask, many_events: int) -> None:
    client = app.test_client()
    cache = _feed_cache(app)
    first = client.get(FEED + "?lang=en")
    etag = first.headers["ETag"]
    assert etag and "max-age" in first.headers["Cache-Control"]
    renders = cache.renders
    again = client.get(FEED + "?lang=en")
    assert again.data == first.data and again.headers["ETag"] == etag
    assert cache.renders == renders  # served from the cache
    unchanged = client.get(FEED + "?lang=en", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == etag
    # another filter is another feed, with its own validator
    other = client.get(FEED + "?lang=en&kind=info")
    assert other.headers["ETag"] != etag


def test_a_change_of_the_events_gives_a_new_feed(app: Flask, many_events: int) -> None:
    client = app.test_client()
    platform = app.extensions["regiokarte"]
    _feed_cache(app)
    before = client.get(FEED)
    etag = before.headers["ETag"]
    created = client.post(
        "/api/v1/events",
        json={
            "title": "Neue Jobbörse",
            "kind": "job_fair",
            "start": "2097-05-04T10:00",
            "end": "2097-05-04T14:00",
            "online_url": "https://meet.example/boerse",
        },
        headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"},
    )
    assert created.status_code == 201, created.get_json()
    from plugins.events.hooks import service_for

    service_for(platform).snapshot(force=True)
    after = client.get(FEED, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert b"Neue Jobb" in after.data


def test_the_feed_stays_valid_for_the_openapi_document(app: Flask) -> None:
    document = app.test_client().get("/api/openapi.json").get_json()
    responses = document["paths"][FEED]["get"]["responses"]
    assert "304" in responses and str(FEED_MAX_EVENTS) in responses["200"]["description"]
