"""The jobs plugin in a real browser, as a job seeker uses it: on the start page tick "stellt
ein" and a profession, open a company of the result, see its open positions under its name,
open one, and follow "Jetzt bewerben" to the employer's application page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import (
    TILE_HOSTS,
    LiveServer,
    Outside,
    describe,
    new_page,
    open_more_filters,
    open_start,
    run_axe,
    searches,
    shown_total,
    wait_for_search,
)

TODAY = dt.date(2027, 3, 15)
COMPANIES = 600
#: What the employers' application pages answer in the test (they lie on other hosts).
APPLICATION_PAGE = "<!doctype html><title>Bewerbung</title><h1>Bewerbungsformular</h1>"


@pytest.fixture(scope="module")
def jobs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app with the jobs plugin, demo companies and their demo positions."""
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from plugins.jobs.demo import create_demo_data
    from webapp.app import create_app

    db = tmp_path_factory.mktemp("jobs-portal") / "portal.db"
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{db}"},
            "search": {"refresh_interval": 5.0},
            "plugins": {"enabled": ["jobs"], "jobs": {"today": TODAY.isoformat()}},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, COMPANIES, 1))
    create_demo_data(platform, seed=1, today=TODAY)
    platform.engine.refresh(force=True)
    server = LiveServer(app)
    yield server
    server.stop()
    platform.db.dispose()


def _open_positions(server: LiveServer) -> dict[int, list[Any]]:
    """Open positions of the companies the search shows (published, located), by company."""
    from plugins.jobs.hooks import service_for

    index = server.platform.search_index(refresh=True)
    searchable = {int(i) for i, alive in zip(index.ids, index.alive, strict=True) if alive}
    by_company: dict[int, list[Any]] = {}
    for p in service_for(server.platform).open_positions():
        if p.company_id in searchable:
            by_company.setdefault(p.company_id, []).append(p)
    return by_company


def _filter(page: Any, key: str) -> Any:
    open_more_filters(page)
    found = page.locator(f'#filter-panel [data-key="{key}"]')
    details = page.locator(f'#filter-panel details[data-key="{key}"]')
    if details.count() and details.get_attribute("open") is None:
        details.locator("summary").click()
    return found


def test_hiring_and_a_profession_then_a_profile_a_position_and_apply(
    browser: Any, jobs_server: LiveServer
) -> None:
    by_company = _open_positions(jobs_server)
    groups = Counter(
        group
        for positions in by_company.values()
        for group in {p.profession_group for p in positions if p.profession_group}
    )
    group, expected = groups.most_common(1)[0]
    assert expected >= 2, "the demo data has several employers hiring in one profession"
    errors: list[str] = []
    outside = Outside()
    page = new_page(browser, jobs_server, outside=outside, errors=errors)
    # the employers' application pages (other hosts; the last route registered answers first)
    applied: list[str] = []

    def application(route: Any) -> None:
        applied.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body=APPLICATION_PAGE)

    page.context.route("https://*.example/**", application)
    try:
        open_start(page, jobs_server)
        hiring = _filter(page, "jobs_hiring")
        done = searches(page)
        hiring.locator("input").first.check()
        wait_for_search(page, done)
        assert shown_total(page) == len(by_company)

        profession = _filter(page, "jobs_profession")
        option = profession.locator(f'.option[data-value="{group}"]')
        assert int(option.get_attribute("data-count")) == expected
        done = searches(page)
        option.locator("input").check()
        wait_for_search(page, done)
        assert shown_total(page) == expected
        listed = page.eval_on_selector_all(
            "#result-list > li", "els => els.map(e => e.dataset.slug)"
        )
        index = jobs_server.platform.search_index()
        slug_ids = {index.slugs[r]: int(index.ids[r]) for r in range(len(index.ids))}
        assert listed and all(
            any(p.profession_group == group for p in by_company[slug_ids[s]]) for s in listed
        )

        # a company whose position in that profession takes applications on a web page
        slug, position = next(
            (s, p)
            for s in listed
            for p in by_company[slug_ids[s]]
            if p.profession_group == group and p.apply_url
        )
        page.locator(f'#result-list > li[data-slug="{slug}"] h3 a').click()
        page.wait_for_url(f"**/unternehmen/{slug}*")
        section = page.locator("#section-jobs")
        assert section.is_visible()
        # right under the name, before the profile's own text
        jobs_top = section.bounding_box()["y"]
        assert jobs_top < page.locator("#section-about").bounding_box()["y"]
        titles = section.locator(".jobs-position h3 a").all_inner_texts()
        assert sorted(titles) == sorted(p.title for p in by_company[slug_ids[slug]])

        section.locator(f'.jobs-position[data-position="{position.id}"] h3 a').click()
        page.wait_for_url(f"**/stellen/{position.id}")
        assert page.locator("h1").inner_text() == position.title
        apply = page.locator(".jobs-apply-box a.jobs-apply")
        assert apply.inner_text() == "Jetzt bewerben"
        with page.expect_navigation():
            apply.click()
        assert page.url == position.apply_url and applied == [position.apply_url]
        assert page.locator("h1").inner_text() == "Bewerbungsformular"
    finally:
        page.context.close()
    assert errors == [], "\n".join(errors)
    assert outside.hosts() <= TILE_HOSTS, f"third-party requests: {sorted(outside.hosts())}"


def test_job_pages_have_no_accessibility_violations(browser: Any, jobs_server: LiveServer) -> None:
    from plugins.jobs.hooks import service_for

    positions = service_for(jobs_server.platform).positions().positions
    open_one = next(p for p in positions if p.is_open(TODAY) and p.company_id)
    closed = next(p for p in positions if p.published <= TODAY and not p.is_open(TODAY))
    index = jobs_server.platform.search_index()
    slug = index.slugs[index.row_of[open_one.company_id]]
    page = new_page(browser, jobs_server, bypass_csp=True)
    try:
        for path in (
            f"/unternehmen/{slug}",
            f"/stellen/{open_one.id}",
            f"/stellen/{closed.id}",
            "/stellen?kind=apprenticeship",
            f"/stellen/{open_one.id}?lang=en",
        ):
            page.goto(jobs_server.url + path)
            violations = run_axe(page)
            assert violations == [], f"{path}: {describe(violations)}"
    finally:
        page.context.close()
