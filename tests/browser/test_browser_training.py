"""The training plugin in a real browser: filter companies that train Mechatroniker/innen in
one town, open one, and find the apprenticeship on its profile."""

from __future__ import annotations

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

TODAY = "2027-01-11"
COMPANIES = 800


@pytest.fixture(scope="module")
def training_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app with the training plugin, demo companies with training answers and
    demo courses (``regiokarte training demo``)."""
    from core.io.demo import demo_rows
    from core.persistence import companies as repo
    from plugins.training.demo import add_demo_training
    from webapp.app import create_app

    db = tmp_path_factory.mktemp("training-portal") / "portal.db"
    app = create_app(
        {
            "portal": {"database_url": f"sqlite:///{db}"},
            "search": {"refresh_interval": 5.0},
            "plugins": {"enabled": ["training"], "training": {"today": TODAY}},
        }
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, COMPANIES, 1))
    add_demo_training(platform, seed=1, courses=40)
    server = LiveServer(app)
    yield server
    server.stop()
    platform.db.dispose()


def _titles(platform: Any, slug: str) -> set[str]:
    """The Ausbildung titles a company's training answers name."""
    from core.persistence import companies as repo

    with platform.session() as session:
        (company,) = [c for c in repo.list_companies(session) if c.slug == slug]
    text = (company.extensions.get("training") or {}).get("apprenticeship_titles") or ""
    return {t.strip() for t in text.split(",") if t.strip()}


def _trainers(platform: Any) -> dict[str, set[str]]:
    """Slugs of searchable companies that train in KldB group 26, by municipality key."""
    from core.persistence import companies as repo

    by_town: dict[str, set[str]] = {}
    with platform.session() as session:
        for company in repo.list_companies(session):
            answers = company.extensions.get("training") or {}
            if (
                company.is_public
                and company.location is not None
                and answers.get("trains_apprentices") is True
                and "26" in (answers.get("apprenticeship_professions") or [])
            ):
                by_town.setdefault(company.address.ags, set()).add(company.slug)
    return by_town


def _open_filter(page: Any, key: str) -> None:
    open_more_filters(page)
    details = page.locator(f'#filter-panel details[data-key="{key}"]')
    if details.get_attribute("open") is None:
        details.locator("summary").click()


def _option(page: Any, key: str, value: str) -> Any:
    return page.locator(f'#filter-panel [data-key="{key}"] .option[data-value="{value}"]')


def test_filter_trainers_of_mechatronics_in_a_town_and_open_one(
    browser: Any, training_server: LiveServer
) -> None:
    by_town = _trainers(training_server.platform)
    counts = Counter({ags: len(slugs) for ags, slugs in by_town.items()})
    town, expected = counts.most_common(1)[0]
    assert expected >= 2, "the demo data has trainers of group 26 in some town"
    errors: list[str] = []
    outside = Outside()
    page = new_page(browser, training_server, outside=outside, errors=errors)
    try:
        open_start(page, training_server)
        _open_filter(page, "training_apprenticeship")
        option = _option(page, "training_apprenticeship", "26")
        label = option.locator("label").inner_text()
        assert "Mechatronik-, Energie- und Elektroberufe" in label and "Mechatroniker/in" in label
        done = searches(page)
        option.locator("input").check()
        wait_for_search(page, done)
        assert shown_total(page) == sum(counts.values())

        _open_filter(page, "town")
        town_option = _option(page, "town", town)
        assert int(town_option.get_attribute("data-count")) == expected
        done = searches(page)
        town_option.locator("input").check()
        wait_for_search(page, done)
        assert shown_total(page) == expected
        listed = page.eval_on_selector_all(
            "#result-list > li", "els => els.map(e => e.dataset.slug)"
        )
        assert listed and set(listed) <= by_town[town]
        assert "training_apprenticeship=26" in page.url and f"town={town}" in page.url

        page.locator("#result-list > li h3 a").first.click()
        page.wait_for_url("**/unternehmen/**")
        assert page.url.split("/unternehmen/")[1].split("?")[0] == listed[0]
        section = page.locator("#section-training")
        assert section.locator("h2").inner_text() == "Ausbildung und Weiterbildung"
        occupations = section.locator(".training-occupations li").all_inner_texts()
        # the occupations the company gave (a demo company: those its company type trains)
        assert occupations and set(occupations) == _titles(training_server.platform, listed[0])
        fields = section.locator(".training-fields li").all_inner_texts()
        assert "Mechatronik-, Energie- und Elektroberufe" in fields
        # nearby courses for the company's professions link to their course pages
        course_link = section.locator(".training-course a").first
        if course_link.count():
            course_link.click()
            page.wait_for_url("**/weiterbildung/**")
            assert page.locator("h1").inner_text()
            assert page.locator("#course-professions").count() == 1
    finally:
        page.context.close()
    assert errors == [], "\n".join(errors)
    assert outside.hosts() <= TILE_HOSTS, f"third-party requests: {sorted(outside.hosts())}"


def test_course_pages_have_no_accessibility_violations(
    browser: Any, training_server: LiveServer
) -> None:
    platform = training_server.platform
    from plugins.training.hooks import service_for

    service = service_for(platform)
    course = next(c for c, _ in service.search(service.parse({"profession": ["26"]})).items)
    # bypass_csp lets the test inject axe-core; the pages themselves run under the strict CSP
    page = new_page(browser, training_server, bypass_csp=True)
    try:
        for path in (
            "/weiterbildung?profession=26&place=Marl&sort=distance",
            f"/weiterbildung/{course.id}",
            "/weiterbildung?lang=en",
        ):
            page.goto(training_server.url + path)
            violations = run_axe(page)
            assert violations == [], f"{path}: {describe(violations)}"
    finally:
        page.context.close()
