"""An app with every bundled plugin enabled, on a small demo database, for the security tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from core.io.demo import demo_rows
from core.persistence import companies as repo

ALL_PLUGINS = ["childcare", "housing", "transit", "training", "events"]
OPERATOR_TOKEN = "security-test-operator-token"


def build_app(database_url: str, **portal: Any) -> Flask:
    from webapp.app import create_app

    app = create_app(
        {
            "portal": {
                "database_url": database_url,
                "operator_token": OPERATOR_TOKEN,
                "contact_email": "security@example.org",
                **portal,
            },
            "plugins": {"enabled": ALL_PLUGINS},
            "limits": {"enabled": False},
        }
    )
    # the access tests ask whether a route lets an anonymous caller in, not whether the CSRF
    # token is missing: with no method to protect, csrf_protect() lets every request through
    app.config["WTF_CSRF_METHODS"] = []
    return app


@pytest.fixture(scope="module")
def app(new_module_database: Callable[[str], str]) -> Iterator[Flask]:
    app = build_app(new_module_database("security"))
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        repo.bulk_insert_rows(session, demo_rows(platform.region, 120, 3))
    platform.engine.refresh(force=True)
    yield app
    platform.db.dispose()


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()
