"""Fixtures of the browser tests (see browser_support.py); all are skipped without chromium."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FUNCTIONAL_COMPANIES,
    SCALE_COMPANIES,
    TILE_HOSTS,
    LiveServer,
    Outside,
    build_app,
    new_page,
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if CHROMIUM is None:
                item.add_marker(
                    pytest.mark.skip(
                        reason="Debian chromium is not installed "
                        "(apt-get install chromium chromium-driver); browser tests skipped."
                    )
                )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db = tmp_path_factory.mktemp("portal") / "portal.db"
    server = LiveServer(build_app(db, FUNCTIONAL_COMPANIES))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def big_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    started = time.perf_counter()
    db = tmp_path_factory.mktemp("portal-big") / "portal.db"
    server = LiveServer(build_app(db, SCALE_COMPANIES, with_test_plugin=False))
    print(f"\n{SCALE_COMPANIES} demo companies ready in {time.perf_counter() - started:.1f} s")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def outside() -> Outside:
    return Outside()


@pytest.fixture
def page(
    browser: Any, live_server: LiveServer, outside: Outside, page_errors: list[str]
) -> Iterator[Any]:
    page = new_page(browser, live_server, outside=outside, errors=page_errors)
    yield page
    page.context.close()
    assert page_errors == [], "\n".join(page_errors)
    assert outside.hosts() <= TILE_HOSTS, f"third-party requests: {sorted(outside.hosts())}"
