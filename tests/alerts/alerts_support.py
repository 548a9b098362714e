"""Helpers of the search alert tests: apps on throwaway databases, mails, links, companies."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from flask import Flask

from core import Company, Location, Platform, Status
from core.io.demo import demo_rows
from core.model import Address
from core.persistence import companies as repo
from core.portal.mail import SentMail

BASE_URL = "http://portal.test"
#: the towns of the default region the tests use: (AGS, name, a postcode of the town)
MARL = ("05562024", "Marl", "45768")
HERTEN = ("05562020", "Herten", "45699")


def make_alert_app(
    url: str, folder: Path, *, plugins: list[str] | None = None, **sections: Any
) -> Flask:
    """The real app on the database ``url``, mails into ``folder/outbox``, 300 demo companies;
    REGIOKARTE_* env ignored."""
    from webapp.app import create_app

    config: dict[str, Any] = {
        "portal": {"database_url": url, "secret_key": "alerts-test", "base_url": BASE_URL},
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "limits": {"enabled": False},
        "alerts": {"max_listed": 1000},
        "plugins": {"enabled": plugins or []},
    }
    for key, value in sections.items():
        config[key] = {**config.get(key, {}), **value}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config)
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 5))
    platform.engine.refresh(force=True)
    return app


def platform_of(app: Flask) -> Platform:
    platform: Platform = app.extensions["regiokarte"]
    return platform


def mails(platform: Platform, to: str | None = None) -> list[SentMail]:
    """The mails in the outbox folder (to ``to``), oldest first."""
    box: Any = platform.outbox
    found = list(reversed(box.messages(limit=10_000)))
    return [m for m in found if to is None or m.to == to]


def links(body: str, path: str) -> list[str]:
    """Every link in ``body`` whose path starts with ``path``."""
    return re.findall(rf"{re.escape(BASE_URL)}{re.escape(path)}[^\s]*", body)


def token_of(link: str) -> str:
    return link.split("?", 1)[0].rsplit("/", 1)[1]


def confirm_link(platform: Platform, to: str) -> str:
    (link,) = links(mails(platform, to)[-1].body, "/suche/abonnieren/bestaetigen/")
    return link


def profile_slugs(body: str) -> set[str]:
    return {link.split("?", 1)[0].rsplit("/", 1)[1] for link in links(body, "/unternehmen/")}


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def new_company(
    platform: Platform,
    name: str,
    *,
    postcode: str = MARL[2],
    location: tuple[float, float] = (51.65671, 7.09038),
    industry: str = "F",
    employees: int = 5,
    status: Status = Status.PUBLISHED,
) -> Company:
    """Save a company (town and AGS completed from the postcode) and return it with its id."""
    company = Company(
        name=name,
        address=Address(street="Hauptstraße 1", postcode=postcode),
        location=Location(*location),
        industry=industry,
        employees=employees,
        status=status,
    )
    return platform.save_company(company)


def later(days: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
