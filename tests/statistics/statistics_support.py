"""Helpers of the statistics tests: apps on throwaway databases of the engine under test, an
operator login, crafted companies and submissions, and SQL written here, apart from
``core.portal.statistics``, to check its figures against."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from core.io.demo import demo_rows
from core.persistence import companies as repo
from core.persistence.tables import ContactRow, LogoRow, SubmissionRow
from core.platform import Platform
from core.portal import accounts

OPERATOR = ("statistikerin", "ein-langes-passwort")
UTC = dt.UTC


def platform_of(app: Flask) -> Platform:
    platform: Platform = app.extensions["regiokarte"]
    return platform


def build_app(
    url: str, folder: Path, *, companies: int = 0, seed: int = 5, **sections: Any
) -> Flask:
    """The real app on the database ``url`` with an operator account and ``companies`` demo
    companies; the environment's REGIOKARTE_* settings are ignored."""
    from webapp.app import create_app

    config: dict[str, Any] = {
        "portal": {"database_url": url, "secret_key": "statistics-secret"},
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "limits": {"enabled": False},
    }
    for key, value in sections.items():
        config[key] = {**config.get(key, {}), **value}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config)
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    platform = platform_of(app)
    platform.upgrade_database()
    with platform.session(write=True) as session:
        if accounts_missing(session):
            accounts.create_operator(session, *OPERATOR, role=accounts.Role.ADMIN)
        if companies:
            repo.bulk_insert_rows(session, demo_rows(platform.region, companies, seed))
    platform.engine.refresh(force=True)
    return app


def accounts_missing(session: Any) -> bool:
    count = session.execute(sa.text("SELECT COUNT(*) FROM core_operators")).scalar_one()
    return int(count) == 0


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def login(client: FlaskClient) -> None:
    """Log the operator in."""
    token = _csrf(client.get("/admin/anmelden").get_data(as_text=True))
    response = client.post(
        "/admin/anmelden",
        data={"csrf_token": token, "username": OPERATOR[0], "password": OPERATOR[1]},
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def csv_figures(text: str) -> dict[str, dict[str, str]]:
    """The CSV export as figure -> key -> value (the text of the cell)."""
    rows = list(csv.DictReader(io.StringIO(text)))
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        assert set(row) == {"figure", "key", "label", "value"}
        assert row["key"] not in out.get(row["figure"], {}), row
        out.setdefault(row["figure"], {})[row["key"]] = row["value"]
    return out


def ints(values: dict[str, str]) -> dict[str, int]:
    return {k: int(v) for k, v in values.items()}


# --- crafted data ---------------------------------------------------------------------------


def at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=UTC)


def crafted_company(number: int, **values: Any) -> dict[str, Any]:
    """A company row for ``repo.bulk_insert_rows`` (published unless ``status`` says)."""
    row: dict[str, Any] = {
        "id": 900_000 + number,
        "slug": f"gemacht-{number}",
        "name": f"Gemachte Firma {number}",
        "description": "",
        "street": "",
        "postcode": "",
        "town": "",
        "ags": "",
        "lat": None,
        "lon": None,
        "industry": "",
        "industry_division": None,
        "professions": [],
        "employees": 1,
        "family": [],
        "certificates": [],
        "offers": [],
        "benefits": [],
        "website": "",
        "status": "published",
        "is_demo": False,
        "extensions": {},
    }
    row.update(values)
    return row


#: Companies the demo generator never makes: old ones, empty ones, hidden ones, big ones.
CRAFTED = [
    crafted_company(1, created_at=at("2026-01-15"), town="Marl", employees=0),
    crafted_company(2, created_at=at("2026-01-31", 23), town="Marl", industry="C", employees=10),
    crafted_company(3, created_at=at("2026-02-01", 0), employees=49, website="https://a.example"),
    crafted_company(4, created_at=at("2026-03-10"), employees=50, professions=["29"]),
    crafted_company(5, created_at=at("2026-03-11"), employees=250, offers=["ausbildung"]),
    crafted_company(6, created_at=at("2025-06-01"), employees=5000, industry="Q"),
    crafted_company(7, created_at=at("2026-02-02"), status="draft", town="Marl"),
    crafted_company(8, created_at=at("2026-02-03"), status="archived", industry="C"),
    crafted_company(
        9,
        created_at=at("2026-02-04"),
        description="Alles ausgefüllt.",
        street="Hauptstraße 1",
        postcode="45768",
        town="Marl",
        lat=51.65,
        lon=7.09,
        industry="C",
        industry_division="10",
        professions=["29", "26"],
        family=["part_time"],
        certificates=["audit_berufundfamilie"],
        offers=["praktikum"],
        benefits=["job_ticket"],
        website="https://voll.example",
    ),
]


def add_crafted(platform: Platform) -> None:
    """Insert ``CRAFTED`` with a contact for two of them and a published logo for one."""
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, [dict(r) for r in CRAFTED])
        session.add(ContactRow(company_id=900_009, name="Erika", email="", phone=""))
        session.add(ContactRow(company_id=900_003, name="", email="", phone=""))  # empty
        session.add(
            LogoRow(
                submission_id=None,
                company_id=900_009,
                mimetype="image/png",
                width=1,
                height=1,
                sha256="0" * 64,
                data=b"png",
            )
        )
        # a draft logo does not count for the published profile
        session.add(
            LogoRow(
                submission_id=77,
                company_id=None,
                mimetype="image/png",
                width=1,
                height=1,
                sha256="1" * 64,
                data=b"png",
            )
        )
    platform.engine.refresh(force=True)


def add_submission(
    platform: Platform,
    *,
    created: dt.datetime,
    answers: dict[str, Any],
    status: str = "draft",
    company_id: int | None = None,
    submitted: dt.datetime | None = None,
) -> int:
    """A submission row as the questionnaire leaves it, at a chosen time."""
    with platform.session(write=True) as session:
        row = SubmissionRow(
            company_id=company_id,
            status=status,
            email="inhaber@example.org",
            lang="de",
            answers=answers,
            step=next(iter(answers), ""),
            message="",
            created_at=created,
            updated_at=created,
            submitted_at=submitted,
            decided_at=None,
        )
        session.add(row)
        session.flush()
        return int(row.id)


# --- independent SQL ------------------------------------------------------------------------


def sql(platform: Platform, statement: str, **params: Any) -> list[Any]:
    """The rows of a plain SQL statement (datetime parameters bound as timestamps)."""
    query = sa.text(statement)
    for name, value in params.items():
        if isinstance(value, dt.datetime):
            query = query.bindparams(sa.bindparam(name, type_=sa.DateTime(timezone=True)))
    with platform.db.connect() as connection:
        return list(connection.execute(query, params))


def dialect(platform: Platform) -> str:
    return platform.db.dialect.name


def month_sql(platform: Platform, column: str) -> str:
    """A column's month as YYYY-MM in UTC, in the database's own dialect."""
    if dialect(platform) == "postgresql":
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM')"
    return f"strftime('%Y-%m', {column})"


def has_key_sql(platform: Platform, column: str, key: str) -> str:
    """Whether the JSON object in ``column`` has ``key`` (a trusted literal)."""
    if dialect(platform) == "postgresql":
        return f"(CAST({column} AS jsonb) ? '{key}')"
    return f"(json_type({column}, '$.\"{key}\"') IS NOT NULL)"


def _list_filled(column: str) -> str:
    return f"CAST(c.{column} AS TEXT) NOT IN ('[]', 'null')"


#: When a company row ``c`` fills each profile field, as SQL conditions.
FIELD_SQL = {
    "description": "c.description <> ''",
    "street": "c.street <> ''",
    "postcode": "c.postcode <> ''",
    "location": "c.lat IS NOT NULL",
    "industry": "c.industry <> ''",
    "industry_division": "c.industry_division IS NOT NULL AND c.industry_division <> ''",
    "professions": _list_filled("professions"),
    "family": _list_filled("family"),
    "certificates": _list_filled("certificates"),
    "offers": _list_filled("offers"),
    "benefits": _list_filled("benefits"),
    "website": "c.website <> ''",
    "contact": (
        "EXISTS (SELECT 1 FROM core_company_contacts k WHERE k.company_id = c.id "
        "AND (k.name <> '' OR k.email <> '' OR k.phone <> ''))"
    ),
    "logo": (
        "EXISTS (SELECT 1 FROM core_logos g WHERE g.company_id = c.id AND g.submission_id IS NULL)"
    ),
}


def filled_fields_sql() -> str:
    """How many profile fields a company row ``c`` fills, as one SQL expression."""
    return " + ".join(f"(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in FIELD_SQL.values())


def usage_rows(platform: Platform) -> Counter[tuple[str, str]]:
    """(kind, key) -> stored count, summed over the days."""
    rows = sql(
        platform,
        "SELECT kind, key, SUM(count) FROM core_usage_counts GROUP BY kind, key",
    )
    return Counter({(kind, key): int(n) for kind, key, n in rows})


def wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Poll ``condition`` until it holds (True) or ``seconds`` pass (False)."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
