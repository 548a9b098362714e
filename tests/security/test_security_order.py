"""Order of checks: who is calling is checked before the body is read. Every write route of
the API answers 401/403 to a caller without valid credentials however bad the body is, and an
anonymous upload larger than the request limit is refused without reading it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from webapp.security import Role, access_table

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: Bodies no view could accept: not JSON, JSON of the wrong shape, hostile JSON.
BAD_BODIES = {
    "not json": ("{nope", "application/json"),
    "wrong shape": ('{"name": 5, "start": "yesterday", "places": -1}', "application/json"),
    "nested": ("[" * 50_000 + "]" * 50_000, "application/json"),
    "form": ("a=1&b=2", "application/x-www-form-urlencoded"),
}
#: Credentials that are present but belong to nobody.
WRONG = {
    "none": {},
    "wrong bearer": {"Authorization": "Bearer not-a-token-of-anyone"},
    "wrong editor token": {"X-Editor-Token": "not-a-token-of-anyone"},
    "malformed": {"Authorization": "Basic Zm9vOmJhcg=="},
}


def _url(rule: Rule) -> str:
    values = {
        name: 1 if type(rule._converters[name]).__name__ == "IntegerConverter" else "x"
        for name in rule.arguments
    }
    return rule.build(values, append_unknown=False)[1]  # type: ignore[index]


def _protected_writes(app: Flask) -> list[tuple[str, str, str]]:
    rules = {r.endpoint + r.rule: r for r in app.url_map.iter_rules()}
    return [
        (_url(rules[endpoint + rule]), endpoint, method)
        for (rule, endpoint, method), role in sorted(access_table(app).items())
        if rule.startswith("/api/") and method in WRITE_METHODS and role is not Role.PUBLIC
    ]


@pytest.mark.parametrize("credential", WRONG, ids=list(WRONG))
@pytest.mark.parametrize("body", BAD_BODIES, ids=list(BAD_BODIES))
def test_write_routes_refuse_bad_callers_before_reading_the_body(
    app: Flask, credential: str, body: str
) -> None:
    client = app.test_client()
    data, content_type = BAD_BODIES[body]
    routes = _protected_writes(app)
    assert len(routes) >= 20
    answers = {}
    for n, (url, endpoint, method) in enumerate(routes):
        # each call from its own address: the attempt limit on token checks (429) would
        # otherwise answer before the route itself shows what it checks first
        response = client.open(
            url,
            method=method,
            data=data,
            content_type=content_type,
            headers=WRONG[credential],
            environ_base={"REMOTE_ADDR": f"10.{len(body)}.{len(credential)}.{n + 1}"},
        )
        answers[f"{method} {url} ({endpoint})"] = response.status_code
    # 429: the attempt limit on token checks refuses a caller who keeps guessing tokens
    wrong = {route: status for route, status in answers.items() if status not in (401, 403, 429)}
    assert wrong == {}


class _Counting(io.RawIOBase):
    """A request body of ``size`` bytes that counts how much of it the server reads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.position = 0
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # the test client measures the body by seeking to its end and back

    def seek(self, offset: int, whence: int = 0) -> int:
        self.position = offset if whence == 0 else self.size + offset
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        n = max(0, min(len(buffer), self.size - self.position))
        buffer[:n] = b"a" * n
        self.position += n
        self.read_bytes += n
        return n


@pytest.mark.parametrize(
    "url",
    ["/admin/daten/childcare.kitas/import", "/admin/daten/transit.stops/import", "/admin/anmelden"],
)
def test_an_anonymous_19_mb_upload_is_refused_unread(
    app: Flask, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CSRF on, as in production: its check reads the form, which must not happen for strangers
    monkeypatch.setitem(app.config, "WTF_CSRF_METHODS", ["POST", "PUT", "PATCH", "DELETE"])
    body = _Counting(19 * 1024 * 1024)
    response = app.test_client().post(
        url,
        input_stream=body,
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code in (302, 303, 401, 403, 413), response.status_code
    assert body.read_bytes == 0
