"""Fixtures of the XSS tests: one portal whose text fields hold the corpus (xss_corpus.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from databases import Databases
from flask import Flask
from flask.testing import FlaskClient
from xss_corpus import Seeded, build_app, login, seed


@pytest.fixture(scope="module")
def xss_portal(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[tuple[Flask, Seeded]]:
    """The portal on a database of the engine under test (REGIOKARTE_TEST_ENGINE)."""
    folder = tmp_path_factory.mktemp("xss-portal")
    app = build_app(folder, databases.new("xss", folder))
    yield app, seed(app, folder)
    app.extensions["regiokarte"].db.dispose()


@pytest.fixture(scope="module")
def seeded(xss_portal: tuple[Flask, Seeded]) -> Seeded:
    return xss_portal[1]


@pytest.fixture(scope="module")
def client(xss_portal: tuple[Flask, Seeded]) -> FlaskClient:
    return xss_portal[0].test_client()


@pytest.fixture(scope="module")
def operator_client(xss_portal: tuple[Flask, Seeded]) -> FlaskClient:
    client = xss_portal[0].test_client()
    login(client)
    return client


@pytest.fixture(scope="module")
def editor_clients(xss_portal: tuple[Flask, Seeded]) -> dict[str, Any]:
    """A client per questionnaire editor, logged in with the personal link."""
    app, seeded = xss_portal
    clients = {}
    for who, link in seeded.editor_links.items():
        client = app.test_client()
        assert client.get(link).status_code in (302, 303)
        clients[who] = client
    return clients
