"""Attempt limits on every check of the operator token.

The attack: the operator token (``Authorization: Bearer`` on core's and the plugins' APIs)
could be guessed without limit. Now ten wrong tokens from one address
lock that address (429 with Retry-After, then even for the right token) for a minute,
doubling up to an hour; other addresses are not affected. The count lives in the database
and is shared by every place that checks the token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from accounts_security_support import OPERATOR_TOKEN, AppMaker, platform_of
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from core.persistence.tables import FailedAttemptRow

GUESSER = "203.0.113.9"
OPERATOR = "192.0.2.44"
WRONG = "geraten-0000"

#: (name, how to send a token from an address) -> the answer
Send = Callable[[FlaskClient, str, str], Any]


def bearer(method: str, path: str, **body: Any) -> Send:
    def send(client: FlaskClient, token: str, address: str) -> Any:
        return client.open(
            path,
            method=method,
            headers={"Authorization": f"Bearer {token}"},
            environ_base={"REMOTE_ADDR": address},
            **body,
        )

    return send


CHECKS: dict[str, tuple[Send, int]] = {
    # name: (request, status of the right token)
    "core API": (bearer("GET", "/api/v1/submissions"), 200),
    "housing API": (bearer("POST", "/api/v1/housing/offers", json={}), 422),
    "training API": (bearer("GET", "/api/v1/training/imports"), 200),
    "events API": (
        bearer(
            "POST",
            "/api/v1/events/organisations",
            json={"name": "IHK Nord", "type": "chamber", "postcode": "45657"},
        ),
        201,
    ),
}


@pytest.fixture
def plugin_app(make_app: AppMaker) -> Flask:
    return make_app(plugins=["housing", "training", "events"])


@pytest.mark.parametrize("check", list(CHECKS))
def test_ten_wrong_tokens_lock_the_address(plugin_app: Flask, check: str) -> None:
    send, right_status = CHECKS[check]
    client = plugin_app.test_client()
    wrong = [send(client, WRONG, GUESSER).status_code for _ in range(10)]
    assert wrong[:9] == [wrong[0]] * 9 and wrong[0] in (401, 403), wrong
    assert wrong[9] == 429
    locked = send(client, OPERATOR_TOKEN, GUESSER)
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 60
    # the operator elsewhere is not affected
    assert send(client, OPERATOR_TOKEN, OPERATOR).status_code == right_status


def test_every_token_check_counts_against_one_budget(plugin_app: Flask) -> None:
    """Spreading the guesses over the places that check the token gains nothing."""
    client = plugin_app.test_client()
    statuses = [send(client, WRONG, GUESSER).status_code for send, _ in list(CHECKS.values()) * 3][
        :10
    ]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    core_api, _ = CHECKS["core API"]
    assert core_api(client, OPERATOR_TOKEN, GUESSER).status_code == 429


def test_the_lock_doubles_and_a_right_token_afterwards_clears_the_count(
    plugin_app: Flask,
) -> None:
    send, right = CHECKS["core API"]
    client = plugin_app.test_client()
    for _ in range(10):
        send(client, WRONG, GUESSER)

    def let_the_lock_pass() -> None:
        past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        with platform_of(plugin_app).session(write=True) as session:
            session.execute(update(FailedAttemptRow).values(locked_until=past))

    let_the_lock_pass()
    doubled = send(client, WRONG, GUESSER)  # the eleventh in a row: two minutes
    assert doubled.status_code == 429
    assert 60 < int(doubled.headers["Retry-After"]) <= 120
    let_the_lock_pass()
    assert send(client, OPERATOR_TOKEN, GUESSER).status_code == right
    # counted from zero again: nine wrong ones are answered 401, not 429
    assert {send(client, WRONG, GUESSER).status_code for _ in range(9)} == {401}
