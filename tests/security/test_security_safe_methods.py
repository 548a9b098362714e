"""No state change through GET: every GET route of core and all plugins leaves the data alone.

The database is fingerprinted (every row of every table) before and after calling every GET
route of the URL map as an anonymous visitor, with the operator token and as a logged-in
operator. Only the anonymous daily usage counters may grow: counting a visit is their purpose
and they hold no state a user changes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask
from sqlalchemy import MetaData, select
from werkzeug.routing import Rule

from core.portal import accounts

#: Tables a GET may write to, with the reason.
COUNTERS = {"core_usage_counts"}  # anonymous daily totals of searches, layers, profile views
OPERATOR = ("sicherheit", "Kaffeetasse-Fahrrad-Nordsee")


def fingerprint(app: Flask) -> dict[str, str]:
    """Table -> SHA-256 of all its rows (ordered), for every table but the counters."""
    platform = app.extensions["regiokarte"]
    metadata = MetaData()
    metadata.reflect(platform.db)
    out = {}
    with platform.db.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            if name in COUNTERS:
                continue
            digest = hashlib.sha256()
            # sorted here: PostgreSQL cannot order by JSON columns
            rows = sorted(repr(tuple(row)) for row in connection.execute(select(table)))
            for row in rows:
                digest.update(row.encode())
            out[name] = f"{len(rows)}:{digest.hexdigest()}"
    return out


def _urls(rule: Rule) -> list[str]:
    """The rule filled with an id that exists (1) and a word; one URL per variant."""
    urls = []
    for number, word in ((1, "x"), (2, "kita")):
        values: dict[str, Any] = {}
        for name in rule.arguments:
            converter = type(rule._converters[name]).__name__
            values[name] = number if converter == "IntegerConverter" else word
        urls.append(rule.build(values, append_unknown=False)[1])  # type: ignore[index]
    return urls


def test_no_get_route_changes_any_data(app: Flask) -> None:
    platform = app.extensions["regiokarte"]
    with platform.session(write=True) as session:
        if not any(o.username == OPERATOR[0] for o in accounts.list_operators(session)):
            accounts.create_operator(session, *OPERATOR, accounts.Role.OPERATOR)
    anonymous = app.test_client()
    operator = app.test_client()
    login = operator.post(
        "/admin/anmelden", data={"username": OPERATOR[0], "password": OPERATOR[1]}
    )
    assert login.status_code == 303, "the operator could not log in"
    token = {"Authorization": f"Bearer {platform.settings.portal.operator_token}"}

    rules = [r for r in app.url_map.iter_rules() if "GET" in (r.methods or set())]
    assert len(rules) > 50, "every plugin's routes are in the map"
    before = fingerprint(app)
    answered: dict[int, int] = {}
    for rule in sorted(rules, key=lambda r: r.rule):
        for url in _urls(rule):
            for client, headers in ((anonymous, {}), (operator, token)):
                response = client.get(url, headers=headers)
                answered[response.status_code] = answered.get(response.status_code, 0) + 1
                assert response.status_code < 500, f"GET {url}: {response.status_code}"
    after = fingerprint(app)
    changed = {
        name: (before[name], after.get(name)) for name in before if before[name] != after.get(name)
    }
    assert changed == {}, f"GET requests changed these tables: {sorted(changed)}"
    # the walk reached real pages, not only refusals
    assert answered.get(200, 0) > 100, answered
