"""The registration form's rate limit (setting ``registrations_per_hour``) counts through the
platform's rate limiter: per client address, switched off by ``limits.enabled = false`` or 0,
shared by all app instances through Redis (``limits.storage_uri``), and open while Redis is away.

Two ``create_app`` on one database stand for two workers or servers."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from events_support import Clock, add_event, add_organisation, service, settings_overrides
from redis_support import RedisServer, redis_server

from webapp import create_app

NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
TOO_MANY_DE = "Zu viele Anmeldungen von dieser Adresse"
TOO_MANY_EN = "Too many registrations from this address"


class Portal:
    """App instances on one database with the events plugin, and an event open for
    registration."""

    def __init__(self, url: str, outbox: Path) -> None:
        self.url = url
        self.outbox = outbox
        self.apps: list[Any] = []
        self.event_id = 0

    def app(self, per_hour: int = 20, **limits: Any) -> Any:
        config = settings_overrides(self.url, outbox=self.outbox, registrations_per_hour=per_hour)
        app = create_app({**config, "limits": limits})
        platform = app.extensions["regiokarte"]
        svc = service(platform, Clock(NOW))
        if not self.apps:
            platform.upgrade_database()
            event = add_event(svc, organisers=[add_organisation(svc).slug], capacity=100)
            self.event_id = event.id
        self.apps.append(app)
        return app

    def taken(self) -> int:
        return service(self.apps[0].extensions["regiokarte"]).event(self.event_id).taken

    def close(self) -> None:
        for app in self.apps:
            app.extensions["regiokarte"].db.dispose()


@pytest.fixture
def portal(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Portal]:
    built = Portal(new_database("ratelimit"), tmp_path / "outbox")
    yield built
    built.close()


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path / "redis") as server:
        yield server


def register(
    app: Any, event_id: int, n: int, *, address: str = "192.0.2.10", lang: str = ""
) -> Any:
    """Fill in and send the registration form as person ``n`` from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    query = f"?lang={lang}" if lang else ""
    page = client.get(f"/veranstaltungen/{event_id}{query}", follow_redirects=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))[1]
    form = {
        "csrf_token": token,
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "phone": "02365 1234",
        "audience": "pupils",
        "consent": "yes",
    }
    return client.post(f"/veranstaltungen/{event_id}/anmeldung{query}", data=form)


def codes(app: Any, event_id: int, numbers: range, **kwargs: Any) -> list[int]:
    return [register(app, event_id, n, **kwargs).status_code for n in numbers]


def test_the_limit_counts_per_address_and_keeps_the_form(portal: Portal) -> None:
    app = portal.app(per_hour=2)
    assert codes(app, portal.event_id, range(2)) == [303, 303]
    refused = register(app, portal.event_id, 2)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert TOO_MANY_DE in html
    # what was typed is still in the form
    assert 'value="Person 2"' in html and 'value="person2@example.org"' in html
    assert 'value="02365 1234"' in html and '<option value="pupils" selected>' in html
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    english = register(app, portal.event_id, 3, lang="en")
    assert english.status_code == 429 and TOO_MANY_EN in english.get_data(as_text=True)
    # another address has a budget of its own
    assert codes(app, portal.event_id, range(4, 6), address="192.0.2.11") == [303, 303]
    assert portal.taken() == 4  # refused registrations were not stored


@pytest.mark.parametrize(
    ("per_hour", "limits"),
    [(0, {}), (1, {"enabled": False})],
    ids=["registrations_per_hour=0", "limits.enabled=false"],
)
def test_the_limit_can_be_switched_off(
    portal: Portal, per_hour: int, limits: dict[str, Any]
) -> None:
    app = portal.app(per_hour=per_hour, **limits)
    assert codes(app, portal.event_id, range(4)) == [303] * 4
    assert portal.taken() == 4


def test_with_memory_storage_each_instance_counts_alone(portal: Portal) -> None:
    """The fallback (memory://) suits one worker only: each process has its own budget."""
    first, second = portal.app(per_hour=2), portal.app(per_hour=2)
    assert codes(first, portal.event_id, range(3)) == [303, 303, 429]
    assert codes(second, portal.event_id, range(3, 6)) == [303, 303, 429]


def test_instances_on_one_redis_share_one_budget(portal: Portal, redis: RedisServer) -> None:
    first = portal.app(per_hour=3, storage_uri=redis.url)
    second = portal.app(per_hour=3, storage_uri=redis.url)
    assert codes(first, portal.event_id, range(3)) == [303, 303, 303]
    refused = register(second, portal.event_id, 3)
    assert refused.status_code == 429 and TOO_MANY_DE in refused.get_data(as_text=True)
    assert register(first, portal.event_id, 4).status_code == 429
    assert register(second, portal.event_id, 5, address="192.0.2.11").status_code == 303
    assert portal.taken() == 4


def test_the_form_works_while_redis_is_down(
    portal: Portal, redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    app = portal.app(per_hour=1, storage_uri=redis.url)
    assert codes(app, portal.event_id, range(2)) == [303, 429]
    redis.stop()
    with caplog.at_level(logging.WARNING, logger="core.portal.ratelimits"):
        assert codes(app, portal.event_id, range(2, 5)) == [303, 303, 303]
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.portal.ratelimits"]
    assert len(warnings) == 1 and "unreachable" in warnings[0]
    assert portal.taken() == 4


def test_the_api_and_the_form_share_one_budget(portal: Portal) -> None:
    app = portal.app(per_hour=3)
    assert codes(app, portal.event_id, range(2)) == [303, 303]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"

    def api(n: int) -> Any:
        return client.post(
            f"/api/v1/events/{portal.event_id}/registrations",
            json={
                "name": f"Person {n}",
                "email": f"person{n}@example.org",
                "audience": "pupils",
                "consent": True,
            },
        )

    first = api(2)
    assert first.status_code == 201, first.get_json()
    refused = api(3)
    assert refused.status_code == 429
    assert "at most 3 an hour" in refused.get_json()["message"]
    assert register(app, portal.event_id, 4).status_code == 429  # the form's budget is spent too
    assert portal.taken() == 3
