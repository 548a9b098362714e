"""An app with the portal on a small demo database, for server-side tests of the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from portal_support import SectionPlugin

from core.io.demo import demo_rows
from core.persistence import companies as repo


@pytest.fixture(scope="module")
def portal_app(new_module_database: Callable[[str], str]) -> Iterator[Any]:
    from webapp.app import create_app

    app = create_app(
        {
            "portal": {
                "database_url": new_module_database("portal"),
                "operator": "Regionalagentur Test",
                "contact_email": "hilfe@example.org",
            },
            "plugins": {"enabled": ["sections"]},
        },
        extra_plugins={"sections": SectionPlugin()},
    )
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 200, 1))
    platform.engine.refresh(force=True)
    yield app
    platform.db.dispose()


@pytest.fixture
def client(portal_app: Any) -> Any:
    return portal_app.test_client()


@pytest.fixture
def slug(portal_app: Any) -> str:
    index = portal_app.extensions["regiokarte"].engine.index
    return str(index.slugs[int(index.name_order[0])])
