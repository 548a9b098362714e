"""Fixtures of the web app tests: apps on throwaway databases, demo data, a test plugin.

The helpers (``AppFactory``, ``RatingPlugin``, ``AUTH``) live in ``webapp_support``, which test
modules import directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webapp_support import AppFactory, RatingPlugin


@pytest.fixture
def make_app(new_database: Callable[[str], str]) -> Iterator[AppFactory]:
    """``make_app(companies=N, plugin=RatingPlugin(), search={...})`` -> a Flask app."""
    factory = AppFactory(new_database)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def rating() -> RatingPlugin:
    return RatingPlugin()


@pytest.fixture(scope="module")
def search_app(new_module_database: Callable[[str], str], rating: RatingPlugin) -> Iterator[Flask]:
    """An app with 1,500 demo companies and the rating plugin; tests must not write to it."""
    factory = AppFactory(new_module_database)
    yield factory(companies=1500, seed=7, plugin=rating)
    factory.close()


@pytest.fixture
def client(search_app: Flask) -> FlaskClient:
    return search_app.test_client()


@pytest.fixture
def get_json(client: FlaskClient) -> Callable[..., Any]:
    """GET a URL that must answer 200 with JSON; the decoded body."""

    def get(url: str, **kwargs: Any) -> Any:
        response = client.get(url, **kwargs)
        assert response.status_code == 200, (url, response.get_json())
        return response.get_json()

    return get
