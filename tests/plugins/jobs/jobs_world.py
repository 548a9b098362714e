"""A world for the jobs API tests: an app with demo companies (one unpublished) and random
positions of every kind and state, plus the rules as the issue states them, for brute-force
comparisons (which positions the public sees, their town, their order)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from flask import Flask
from jobs_support import TODAY, TOKEN, is_open, jobs_config, position

from core import Company, Location, Platform, Region, Status
from core.io.demo import demo_rows
from core.model import Address
from core.persistence import companies as company_repo
from plugins.jobs import vocabulary as jv
from plugins.jobs.hooks import service_for
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from webapp.app import create_app

AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: KldB codes of several lengths in a few Berufshauptgruppen (26 Mechatronik, 81 Gesundheit,
#: 52 Fahrzeugführung, 71 Unternehmensorganisation)
PROFESSIONS = [None, "26", "263", "2631", "26312", "81302", "81313", "52122", "71402"]
OUTSIDE = ("10115", "Berlin")  # a postcode outside the region


class World:
    """An app with demo companies (one of them unpublished) and random positions."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.platform: Platform = app.extensions["regiokarte"]
        self.service = service_for(self.platform)
        self.service.clock = lambda: TODAY
        with self.platform.session() as session:
            self.companies = company_repo.list_companies(session)
            self.positions = PositionRepository(session).all()

    @property
    def region(self) -> Region:
        return self.platform.region

    @property
    def on_map(self) -> set[int]:
        """Companies the public sees: published, with a place."""
        return {c.id for c in self.companies if c.is_public and c.location is not None}

    def public(self, day: dt.date = TODAY) -> list[Position]:
        """Open positions, but none of a company off the map (not matched ones are shown)."""
        return [
            p
            for p in self.positions
            if (p.company_id is None or p.company_id in self.on_map) and is_open(p, day)
        ]


def town_of(p: Position, region: Region) -> str:
    for town in region.towns:
        if p.employer_postcode in town.postcodes:
            return town.ags
    for town in region.towns:
        if p.employer_town.casefold() == town.name.casefold():
            return town.ags
    return "other"


def order(positions: list[Position]) -> list[int]:
    return [p.id for p in sorted(positions, key=lambda p: (-p.published.toordinal(), p.id))]


def _random_positions(rng: random.Random, companies: list[Company], hidden: int) -> list[Position]:
    out = []
    for i in range(300):
        company = rng.choice(companies)
        postcode, town = company.address.postcode, company.address.town
        if rng.random() < 0.1:
            postcode, town = OUTSIDE
        published = TODAY + dt.timedelta(days=rng.randint(-60, 3))
        roll = rng.random()
        values: dict[str, Any] = {"company_id": company.id, "match": "matched"}
        if roll < 0.08:
            values = {"company_id": None, "match": rng.choice(["unmatched", "review"])}
        elif roll < 0.12:
            values = {"company_id": hidden, "match": "manual"}
        out.append(
            position(
                **values,
                employer_name=company.name,
                employer_postcode=postcode,
                employer_town=town,
                title=f"Stelle {i}",
                kind=rng.choice(jv.KINDS.codes),
                profession=rng.choice(PROFESSIONS),
                published=published,
                valid_through=rng.choice([None, published + dt.timedelta(days=rng.randint(0, 80))]),
                filled_on=rng.choice(
                    [None] * 6 + [published + dt.timedelta(days=rng.randint(0, 20))]
                ),
                start_date=rng.choice([None, TODAY + dt.timedelta(days=rng.randint(-5, 90))]),
                external_id=f"api-{i}",
                apply_email=rng.choice(["", f"bewerbung{i}@example.org"]),
                apply_phone=rng.choice(["", "02361 12345"]),
            )
        )
    return out


def build_world(url: str, **config: Any) -> World:
    """The app on the database ``url`` (``config``: more settings sections) with its world."""
    app = create_app({**jobs_config(url), **config})
    app.config["TESTING"] = True
    platform: Platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, 80, 11))
    hidden = platform.save_company(
        Company(
            name="Entwurf Bau GmbH",
            address=Address(street="Hauptstraße 1", postcode="45768"),
            location=Location(51.65671, 7.09038),
            industry="F",
            employees=5,
            status=Status.DRAFT,
        )
    )
    companies = [c for c in platform.companies() if c.is_public and c.location is not None]
    assert hidden.id is not None
    with platform.session(write=True) as session:
        repository = PositionRepository(session)
        for p in _random_positions(random.Random(5), companies, hidden.id):
            repository.add(p)
        # its last day is today
        repository.add(
            position(
                company_id=companies[0].id,
                match="matched",
                title="Letzter Tag",
                published=TODAY - dt.timedelta(days=20),
                valid_through=TODAY,
                external_id="api-last-day",
            )
        )
    platform.engine.refresh(force=True)
    return World(app)
