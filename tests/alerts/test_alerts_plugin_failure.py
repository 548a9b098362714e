"""A plugin whose ``alert_matches`` fails is left out of that run (logged) and asked again
the next time; the other plugins' items are mailed. In strict mode the error propagates."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alerts_support import BASE_URL, MARL, confirm_link, mails, platform_of, token_of

from core import AlertItem, Platform, PluginManifest, hookimpl
from core.portal import alerts

EMAIL = "dana@example.org"


class Courses:
    """A plugin contributing one new course to every alert (or failing when told to)."""

    def __init__(self, name: str, title: str) -> None:
        self.MANIFEST = PluginManifest(name=name, title_de=title, title_en=title, version="1")
        self.title = title
        self.fails = False

    @hookimpl
    def alert_matches(self, since: dt.datetime) -> list[AlertItem]:
        if self.fails:
            raise ConnectionError(f"{self.MANIFEST.name}: the course catalogue is unreachable")
        return [AlertItem(id="c1", title=f"{self.title}: Gabelstaplerschein", url="/kurse/1")]


def _platform(url: str, folder: Path, plugins: dict[str, Any], strict: bool) -> Platform:
    from webapp.app import create_app

    config = {
        "portal": {"database_url": url, "secret_key": "alerts-test", "base_url": BASE_URL},
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "limits": {"enabled": False},
        "plugins": {"enabled": list(plugins), "strict": strict},
    }
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config, extra_plugins=plugins)
    finally:
        os.environ.update(saved)
    platform = platform_of(app)
    platform.upgrade_database()
    alerts.subscribe(platform, email=EMAIL, query=f"town={MARL[0]}", lang="de", consent=True)
    alerts.confirm(platform, token_of(confirm_link(platform, EMAIL)))
    return platform


@pytest.fixture
def make(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Callable[..., Platform]]:
    made: list[Platform] = []

    def build(plugins: dict[str, Any], *, strict: bool = False) -> Platform:
        made.append(_platform(new_database(f"a{len(made)}"), tmp_path, plugins, strict))
        return made[-1]

    yield build
    for platform in made:
        platform.db.dispose()


def test_a_failing_plugin_is_left_out_and_asked_again_next_time(
    make: Callable[..., Platform], caplog: pytest.LogCaptureFixture
) -> None:
    kurse, seminare = Courses("kurse", "Kurse"), Courses("seminare", "Seminare")
    platform = make({"kurse": kurse, "seminare": seminare})
    kurse.fails = True
    with caplog.at_level(logging.ERROR, logger="core.alerts"):
        report = alerts.run(platform)
    assert (report.mails, report.items) == (1, 1)
    body = mails(platform, EMAIL)[-1].body
    assert "Seminare: Gabelstaplerschein" in body and "Kurse: Gabelstaplerschein" not in body
    assert "alert items of plugin 'kurse' left out" in caplog.text
    assert "the course catalogue is unreachable" in caplog.text

    kurse.fails = False
    report = alerts.run(platform)
    assert (report.mails, report.items) == (1, 1)
    assert "Kurse: Gabelstaplerschein" in mails(platform, EMAIL)[-1].body


def test_strict_mode_lets_the_plugins_error_through(make: Callable[..., Platform]) -> None:
    kurse = Courses("kurse", "Kurse")
    platform = make({"kurse": kurse}, strict=True)
    kurse.fails = True
    with pytest.raises(ConnectionError, match="unreachable"):
        alerts.run(platform)
