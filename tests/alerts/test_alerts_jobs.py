"""Open positions in alert mails: the jobs plugin contributes the positions that appeared
after a search alert was confirmed at the companies of its search (hook ``alert_matches``),
through the real ``regiokarte alerts run`` command; each is mailed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alerts_support import (
    BASE_URL,
    HERTEN,
    MARL,
    confirm_link,
    mails,
    make_alert_app,
    new_company,
    platform_of,
    token_of,
)
from flask import Flask

from core import Company, Platform
from core.portal import alerts
from plugins.jobs.hooks import service_for
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from webapp.cli import cli

EMAIL = "jana@example.org"


@pytest.fixture
def app(new_database: Any, tmp_path: Path) -> Iterator[Flask]:
    app = make_alert_app(new_database("jobs"), tmp_path, plugins=["jobs"])
    yield app
    platform_of(app).db.dispose()


def add_position(platform: Platform, company: Company, title: str, **values: Any) -> int:
    today = service_for(platform).today()
    fields: dict[str, Any] = {
        "company_id": company.id,
        "match": "matched",
        "employer_name": company.name,
        "employer_postcode": company.address.postcode,
        "employer_town": company.address.town,
        "title": title,
        "kind": "apprenticeship",
        "profession": "26312",
        "published": today,
        "source": "import",
        "external_id": title,
        **values,
    }
    with platform.session(write=True) as session:
        stored = PositionRepository(session).add(Position(**fields))
    assert stored.id is not None
    return stored.id


def run(app: Flask) -> str:
    result = app.test_cli_runner().invoke(cli, ["alerts", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def test_new_positions_of_the_searched_companies_are_mailed_once(app: Flask) -> None:
    platform = platform_of(app)
    today = service_for(platform).today()
    marl = new_company(platform, "Mechatronik Marl GmbH", postcode=MARL[2])
    herten = new_company(
        platform, "Herten Technik KG", postcode=HERTEN[2], location=(51.5953, 7.1412)
    )
    add_position(platform, marl, "Alte Stelle", published=today - dt.timedelta(days=3))
    alerts.subscribe(platform, email=EMAIL, query=f"town={MARL[0]}", lang="de", consent=True)
    alerts.confirm(platform, token_of(confirm_link(platform, EMAIL)))

    new = add_position(
        platform, marl, "Kfz-Mechatroniker/in", start_date=today + dt.timedelta(days=40)
    )
    add_position(
        platform,
        marl,
        "Abgelaufene Stelle",
        published=today - dt.timedelta(days=30),
        valid_through=today - dt.timedelta(days=1),
    )
    add_position(platform, marl, "Besetzte Stelle", filled_on=today)
    add_position(platform, herten, "Stelle in Herten")
    later = add_position(platform, marl, "Stelle ab morgen", published=today + dt.timedelta(days=1))

    assert "(1 new: 0 companies, 1 other items;" in run(app)
    body = mails(platform, EMAIL)[-1].body
    heading = platform.plugin("jobs").manifest.title("de")
    assert f"{heading} (1):" in body
    assert "Kfz-Mechatroniker/in" in body and "Mechatronik Marl GmbH" in body
    assert "Ausbildung" in body
    assert body.count(f"{BASE_URL}/stellen/{new}") == 1
    for absent in ("Alte Stelle", "Abgelaufene", "Besetzte", "Herten", "ab morgen"):
        assert absent not in body, absent
    assert f"/stellen/{later}" not in body

    sent = len(mails(platform, EMAIL))
    run(app)
    assert len(mails(platform, EMAIL)) == sent, "nothing new: no second mail"

    # the next day the position published then is new; the first is not mailed again
    # (the portal's clock: the search index and the jobs plugin follow it)
    platform.clock = lambda: today + dt.timedelta(days=1)
    run(app)
    body = mails(platform, EMAIL)[-1].body
    assert "Stelle ab morgen" in body and "Kfz-Mechatroniker/in" not in body
    assert len(mails(platform, EMAIL)) == sent + 1


def test_the_jobs_filters_of_the_search_narrow_the_positions_mailed(app: Flask) -> None:
    platform = platform_of(app)
    today = service_for(platform).today()
    marl = new_company(platform, "Kfz-Technik Marl GmbH", postcode=MARL[2])
    search = f"town={MARL[0]}&jobs_kind=apprenticeship&jobs_profession=26&jobs_start=..30"
    alerts.subscribe(platform, email=EMAIL, query=search, lang="en", consent=True)
    alerts.confirm(platform, token_of(confirm_link(platform, EMAIL)))

    wanted = add_position(platform, marl, "Mechatronik sofort")
    add_position(platform, marl, "Mechatronik in Vollzeit", kind="full_time")
    add_position(platform, marl, "Pflege-Ausbildung", profession="81302")
    add_position(platform, marl, "Mechatronik im Herbst", start_date=today + dt.timedelta(days=60))
    soon = add_position(
        platform, marl, "Mechatronik bald", start_date=today + dt.timedelta(days=30)
    )

    run(app)
    body = mails(platform, EMAIL)[-1].body
    heading = platform.plugin("jobs").manifest.title("en")
    assert f"{heading} (2):" in body
    assert "Mechatronik sofort – Kfz-Technik Marl GmbH (Apprenticeship, " in body
    assert f"/stellen/{wanted}?lang=en" in body and f"/stellen/{soon}?lang=en" in body
    for absent in ("Vollzeit", "Pflege", "Herbst"):
        assert absent not in body, absent
