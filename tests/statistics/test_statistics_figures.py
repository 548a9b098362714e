"""Every figure of the dashboard equals a count the test computes itself with SQL, on demo data
plus companies and submissions made for the purpose; the page, its tables, its charts and the
CSV export show the same numbers."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from statistics_support import (
    FIELD_SQL,
    add_crafted,
    add_submission,
    at,
    csv_figures,
    filled_fields_sql,
    has_key_sql,
    ints,
    login,
    month_sql,
    platform_of,
    sql,
)

from core.platform import Platform
from core.portal import submissions as flow

LINKS = flow.Links(
    lambda token: f"http://x/fragebogen/link/{token}", lambda slug: f"http://x/{slug}"
)
ALL_STEPS = ("unternehmen", "standort", "ueber-uns", "angebote", "familie", "kontakt")


def _answers(*steps: str) -> dict[str, Any]:
    return {step: {"filled": True} for step in steps}


def _submissions(platform: Platform) -> None:
    """Questionnaires at every stage, old ones at chosen times and one through the real flow."""
    add_submission(platform, created=at("2026-02-05"), answers=_answers("unternehmen"))
    add_submission(
        platform,
        created=at("2026-02-06"),
        answers=_answers("unternehmen", "standort", "ueber-uns"),
    )
    add_submission(
        platform,
        created=at("2026-03-01"),
        answers=_answers(*ALL_STEPS),
        status="submitted",
        submitted=at("2026-03-01", 15),
    )
    # a new company: approved, its company created at the approval (after the start)
    add_submission(
        platform,
        created=at("2026-03-02"),
        answers=_answers(*ALL_STEPS),
        status="approved",
        submitted=at("2026-03-03"),
        company_id=900_004,
    )
    # an edit of a company that existed before: no questionnaire for a new profile
    add_submission(
        platform,
        created=at("2026-03-03"),
        answers=_answers(*ALL_STEPS),
        status="approved",
        submitted=at("2026-03-03", 13),
        company_id=900_001,
    )
    add_submission(
        platform,
        created=at("2026-02-10"),
        answers=_answers(*ALL_STEPS),
        status="changes_requested",
        submitted=at("2026-02-11"),
    )
    add_submission(platform, created=at("2026-04-15"), answers=_answers("unternehmen"))
    add_submission(
        platform,
        created=dt.datetime(2025, 5, 31, 23, 59, tzinfo=dt.UTC),
        answers=_answers("unternehmen"),
    )
    started = flow.start(
        platform, email="real@example.org", lang="de", consent=True, links=LINKS
    ).submission
    flow.save_section(
        platform,
        started.id,
        "unternehmen",
        {"name": "Echte Bäckerei", "industry": "C", "employees": "4"},
        actor="public",
    )
    flow.save_section(platform, started.id, "standort", {"postcode": "45768"}, actor="public")


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    app = make_app(companies=400)
    platform = platform_of(app)
    add_crafted(platform)
    _submissions(platform)
    return app


def _bounds(start: str, end: str) -> dict[str, dt.datetime]:
    return {
        "start": at(start, 0),
        "end": at(end, 0) + dt.timedelta(days=1),
    }


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _default_period() -> tuple[str, str]:
    today = _today()
    index = today.year * 12 + today.month - 1 - 11
    return dt.date(index // 12, index % 12 + 1, 1).isoformat(), today.isoformat()


def _expected(platform: Platform, start: str, end: str) -> dict[str, dict[str, int]]:
    """Every figure, counted with SQL written here."""
    published = "status = 'published'"
    out: dict[str, dict[str, int]] = {}
    out["towns"] = {
        town: n
        for town, n in sql(
            platform, f"SELECT town, COUNT(*) FROM core_companies WHERE {published} GROUP BY town"
        )
    }
    out["industries"] = {
        code: n
        for code, n in sql(
            platform,
            f"SELECT industry, COUNT(*) FROM core_companies WHERE {published} GROUP BY industry",
        )
    }
    sizes = {"micro": 0, "small": 0, "medium": 0, "large": 0}
    for size, n in sql(
        platform,
        "SELECT CASE WHEN employees <= 9 THEN 'micro' WHEN employees <= 49 THEN 'small' "
        "WHEN employees <= 249 THEN 'medium' ELSE 'large' END AS size, COUNT(*) "
        f"FROM core_companies WHERE {published} GROUP BY 1",
    ):
        sizes[size] = n
    out["sizes"] = sizes
    bounds = _bounds(start, end)
    months = {
        month: n
        for month, n in sql(
            platform,
            f"SELECT {month_sql(platform, 'created_at')} AS month, COUNT(*) FROM core_companies "
            f"WHERE {published} AND created_at >= :start AND created_at < :end GROUP BY 1",
            **bounds,
        )
    }
    out["months"] = months
    filled = filled_fields_sql()
    bands = {"0-20": 0, "20-40": 0, "40-60": 0, "60-80": 0, "80-100": 0}
    fields = len(FIELD_SQL)
    for band, n in sql(
        platform,
        f"SELECT CASE WHEN f * 100 < 20 * {fields} THEN '0-20' "
        f"WHEN f * 100 < 40 * {fields} THEN '20-40' WHEN f * 100 < 60 * {fields} THEN '40-60' "
        f"WHEN f * 100 < 80 * {fields} THEN '60-80' ELSE '80-100' END AS band, COUNT(*) "
        f"FROM (SELECT {filled} AS f FROM core_companies c WHERE c.{published}) t GROUP BY 1",
    ):
        bands[band] = n
    out["completeness"] = bands
    out["fields"] = {
        name: sql(
            platform,
            f"SELECT COUNT(*) FROM core_companies c WHERE c.{published} AND {condition}",
        )[0][0]
        for name, condition in FIELD_SQL.items()
    }
    new = (
        "FROM core_submissions s WHERE s.created_at >= :start AND s.created_at < :end "
        "AND NOT EXISTS (SELECT 1 FROM core_companies c WHERE c.id = s.company_id "
        "AND c.created_at <= s.created_at)"
    )

    def count(condition: str = "1 = 1") -> int:
        return int(sql(platform, f"SELECT COUNT(*) {new} AND {condition}", **bounds)[0][0])

    funnel = {"started": count()}
    for step in platform.questionnaire.keys:
        funnel[f"step:{step}"] = count(has_key_sql(platform, "s.answers", step))
    funnel["submitted"] = count("s.submitted_at IS NOT NULL")
    funnel["approved"] = count("s.status = 'approved'")
    out["funnel"] = funnel
    return out


def _nonzero(values: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in values.items() if v}


@pytest.mark.parametrize(
    "period",
    [("2025-06-01", "2026-03-31"), ("2026-02-01", "2026-02-28"), None],
    ids=["crafted-months", "one-month", "default"],
)
def test_every_figure_equals_an_sql_count(app: Flask, period: tuple[str, str] | None) -> None:
    platform = platform_of(app)
    client = app.test_client()
    login(client)
    query = f"?von={period[0]}&bis={period[1]}" if period else ""
    start, end = period or _default_period()
    response = client.get("/admin/statistik/statistik.csv" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    got = csv_figures(response.get_data(as_text=True))
    expected = _expected(platform, start, end)

    assert got["period"] == {"start": start, "end": end}
    published = sql(platform, "SELECT COUNT(*) FROM core_companies WHERE status = 'published'")
    assert int(got["summary"]["published"]) == published[0][0] > 300
    assert ints(got["towns"]) == expected["towns"]
    assert ints(got["industries"]) == expected["industries"]
    assert ints(got["sizes"]) == expected["sizes"]
    # every month of the period is listed, the empty ones with 0
    assert _nonzero(ints(got["months"])) == expected["months"]
    assert list(got["months"]) == sorted(got["months"])
    assert list(got["months"])[0] == start[:7] and list(got["months"])[-1] == end[:7]
    assert int(got["summary"]["new_profiles"]) == sum(expected["months"].values())
    assert ints(got["completeness"]) == expected["completeness"]
    assert ints(got["fields"]) == expected["fields"]
    filled = filled_fields_sql()
    mean = sql(
        platform,
        f"SELECT AVG(({filled}) * 1.0) FROM core_companies c WHERE c.status = 'published'",
    )[0][0]
    assert abs(float(got["summary"]["completeness_mean_percent"]) - float(mean) * 100 / 14) <= 0.051
    assert ints(got["funnel"]) == expected["funnel"]
    assert int(got["summary"]["started"]) == expected["funnel"]["started"]
    assert int(got["summary"]["approved"]) == expected["funnel"]["approved"]


def test_the_crafted_period_has_the_counts_worked_out_by_hand(app: Flask) -> None:
    """Guards the SQL above: the figures a person counts in the crafted data."""
    client = app.test_client()
    login(client)
    text = client.get("/admin/statistik/statistik.csv?von=2025-06-01&bis=2026-03-31")
    got = csv_figures(text.get_data(as_text=True))
    # published crafted companies by month: 2025-06 one, 2026-01 two (the 31st at 23:00 UTC
    # too), 2026-02 two, 2026-03 two
    assert _nonzero(ints(got["months"])) == {
        "2025-06": 1,
        "2026-01": 2,
        "2026-02": 2,
        "2026-03": 2,
    }
    # started: the two drafts, the submitted one, the approved new one, the returned one
    assert ints(got["funnel"])["started"] == 5
    assert ints(got["funnel"])["step:unternehmen"] == 5
    assert ints(got["funnel"])["step:ueber-uns"] == 4
    assert ints(got["funnel"])["step:kontakt"] == 3
    assert ints(got["funnel"])["submitted"] == 3
    assert ints(got["funnel"])["approved"] == 1


def _html_tables(page: str) -> dict[str, dict[str, int]]:
    """Per figure section of the page: row label -> number, from its data table."""
    out: dict[str, dict[str, int]] = {}
    for key, body in re.findall(
        r'<section class="stat-figure" id="figure-([a-z_]+)"(.*?)</section>', page, re.S
    ):
        rows = re.findall(r'<th scope="row">(.*?)</th><td class="num">([\d.]+)</td>', body)
        out[key] = {html.unescape(label): int(value.replace(".", "")) for label, value in rows}
    return out


def _csv_labels(text: str) -> dict[str, dict[str, int]]:
    import csv
    import io

    out: dict[str, dict[str, int]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["figure"] not in ("period", "summary"):
            out.setdefault(row["figure"], {})[row["label"]] = int(row["value"])
    return out


@pytest.mark.parametrize("lang", ["de", "en"])
def test_the_page_tables_and_charts_show_the_exported_numbers(app: Flask, lang: str) -> None:
    client = app.test_client()
    login(client)
    args = "?von=2025-06-01&bis=2026-03-31" + ("&lang=en" if lang == "en" else "")
    page = client.get("/admin/statistik" + args)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    exported = client.get("/admin/statistik/statistik.csv" + args).get_data(as_text=True)
    tables = _html_tables(text)
    for figure, rows in _csv_labels(exported).items():
        if any(rows.values()):
            assert tables[figure] == rows, figure
    # one bar per table row, each chart with a title and a description
    for key, body in re.findall(
        r'<section class="stat-figure" id="figure-([a-z_]+)"(.*?)</section>', text, re.S
    ):
        if key in tables and tables[key]:
            assert body.count('<rect class="chart-bar"') == len(tables[key]), key
            assert f'aria-labelledby="chart-{key}-title chart-{key}-desc"' in body
            assert f'<desc id="chart-{key}-desc">' in body
    assert f'<html lang="{lang}" dir="ltr">' in text
    assert ("Profiles by town" in text) == (lang == "en")
    assert ("Profile nach Ort" in text) == (lang == "de")
    # no inline style or script: the CSP forbids them
    assert "style=" not in text
    # (page data in JSON elements, which run nothing, and script files are allowed)
    scripts = re.sub(r'<script type="application/json" id="rk-[a-z]+">|<script src=', "", text)
    assert "<script>" not in text and "<script " not in scripts


def test_the_report_is_printable_and_names_region_and_period(app: Flask) -> None:
    platform = platform_of(app)
    client = app.test_client()
    login(client)
    page = client.get("/admin/statistik/bericht?von=2026-01-01&bis=2026-03-31")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert platform.region.name in text
    assert "01.01.2026 bis 31.03.2026" in text
    assert text.count('<svg class="chart') >= 6
    css = client.get(re.search(r'href="([^"]*statistics\.css[^"]*)"', text).group(1))  # type: ignore[union-attr]
    assert css.status_code == 200
    assert "@media print" in css.get_data(as_text=True)


def test_an_invalid_period_is_explained_and_the_default_shown(app: Flask) -> None:
    client = app.test_client()
    login(client)
    for query in ("?von=gestern", "?von=2026-03-01&bis=2026-01-01"):
        page = client.get("/admin/statistik" + query)
        assert page.status_code == 400
        assert 'role="alert"' in page.get_data(as_text=True)
        assert client.get("/admin/statistik/statistik.csv" + query).status_code == 400


@pytest.mark.parametrize(
    "path", ["/admin/statistik", "/admin/statistik/bericht", "/admin/statistik/statistik.csv"]
)
def test_anonymous_visitors_are_sent_to_the_login(app: Flask, path: str) -> None:
    response = app.test_client().get(path + "?lang=en")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/admin/anmelden")
    assert "next=" in response.headers["Location"]


def test_completeness_of_the_crafted_companies_counted_by_hand(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(name="crafted")
    add_crafted(platform_of(app))
    client = app.test_client()
    login(client)
    got = csv_figures(client.get("/admin/statistik/statistik.csv").get_data(as_text=True))
    # seven published: five fill one field, one none, one all 14 (an empty contact row and a
    # draft logo do not count)
    assert ints(got["completeness"]) == {"0-20": 6, "20-40": 0, "40-60": 0, "60-80": 0, "80-100": 1}
    assert got["summary"]["completeness_mean_percent"] == "19.4"  # 19 of 7 x 14 fields
    assert ints(got["fields"]) == {
        "description": 1,
        "street": 1,
        "postcode": 1,
        "location": 1,
        "industry": 3,
        "industry_division": 1,
        "professions": 2,
        "family": 1,
        "certificates": 1,
        "offers": 2,
        "benefits": 1,
        "website": 2,
        "contact": 1,
        "logo": 1,
    }
    assert ints(got["sizes"]) == {"micro": 2, "small": 2, "medium": 1, "large": 2}
    assert ints(got["towns"]) == {"": 4, "Marl": 3}
    assert ints(got["industries"]) == {"": 4, "C": 2, "Q": 1}
