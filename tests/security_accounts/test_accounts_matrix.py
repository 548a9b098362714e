"""Who may read and change what: roles x objects x actions over the HTML pages and the API.

Roles: the public, the editor of company A, the editor of company B, an editor whose link was
revoked or has expired, an operator; and for the events plugin its organisations. Each cell
says the answer the code intends (401, 403, 404, a redirect to a login page, or success), and
every refusal leaves the stored data as it was. No answer shows one company's data to
another's editor.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from accounts_security_support import ADMIN as _ADMIN
from accounts_security_support import (
    OPERATOR_HEADERS,
    EditedCompany,
    build_app,
    csrf,
    platform_of,
    png,
    post_login,
    published_company,
)
from attrs import frozen
from databases import NewDatabase
from flask import Flask
from flask.testing import FlaskClient

from core.persistence import companies as company_repo
from core.portal import accounts
from core.portal import submissions as flow

ROLES = ("anonymous", "editor_a", "editor_b", "revoked", "expired", "operator")


@frozen
class World:
    app: Flask
    a: EditedCompany
    b: EditedCompany
    revoked: str
    expired: str


@pytest.fixture(scope="module")
def world(
    new_module_database: NewDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    app = build_app(new_module_database("matrix"), tmp_path_factory.mktemp("matrix"))
    platform = platform_of(app)
    a = published_company(platform, "Backstube Alpha", "Kirchstraße 3", "alpha@example.org")
    b = published_company(platform, "Schreinerei Beta", "Hauptstraße 9", "beta@example.org")
    with platform.session(write=True) as session:
        revoked = accounts.issue_token(session, company_id=a.company_id)
        accounts.revoke_tokens(session, token_id=accounts.resolve_token(session, revoked).id)
        expired = accounts.issue_token(
            session, company_id=a.company_id, lifetime=dt.timedelta(seconds=-1)
        )
    yield World(app, a, b, revoked, expired)
    platform.db.dispose()


def api_headers(world: World, role: str) -> dict[str, str]:
    tokens = {
        "editor_a": world.a.token,
        "editor_b": world.b.token,
        "revoked": world.revoked,
        "expired": world.expired,
    }
    if role == "operator":
        return dict(OPERATOR_HEADERS)
    return {"X-Editor-Token": tokens[role]} if role in tokens else {}


def stored(world: World, submission_id: int) -> tuple[Any, ...]:
    """What a refused request must leave as it was: status, owner, answers, logo."""
    platform = platform_of(world.app)
    found = flow.get(platform, submission_id)
    logo = flow.logo_of(platform, submission_id=submission_id)
    return (found.status, found.company_id, dict(found.answers), found.decided_at, logo)


def published(world: World, company_id: int) -> dict[str, Any]:
    with platform_of(world.app).session() as session:
        company = company_repo.get_company(session, company_id, with_contact=True)
    return company.to_dict(with_contact=True)


def assert_private(world: World, body: str, allowed: set[str]) -> None:
    """Neither company's name nor address shows up where it is not ``allowed``."""
    for company in (world.a, world.b):
        if company.name not in allowed:
            assert company.name not in body
            assert company.name.split()[1].lower() + "@example.org" not in body


# --- the JSON API ----------------------------------------------------------------------------

#: who gets what for an operation on one company's submission: its editor and the operator
#: pass, the other editor learns nothing (404), the public and dead links get 401
OWNER_A = {
    "anonymous": 401,
    "editor_a": "ok",
    "editor_b": 404,
    "revoked": 401,
    "expired": 401,
    "operator": "ok",
}
OWNER_B = {**OWNER_A, "editor_a": 404, "editor_b": "ok"}
OPERATOR_ONLY = {**{role: 401 for role in ROLES}, "operator": "ok"}
SECTION = {
    "description": "Neu geschrieben.",
    "attractive": "Gutes Team.",
    "typical_day": "Früh los.",
    "learn": "Viel.",
}


@frozen
class ApiCase:
    name: str
    method: str
    path: str  # {a}, {b}, {a_first}, {company_a} are filled in
    expected: dict[str, int | str]
    ok: int = 200
    json: Any = None
    logo: str = ""  # colour of a PNG to upload as "logo"
    owner: str = "a"  # whose data a success shows
    shows_name: bool = True  # a success names the owner (a list of changes may be empty)


API_CASES = [
    ApiCase("read A's draft", "GET", "/api/v1/submissions/{a}", OWNER_A),
    ApiCase("read A's approved submission", "GET", "/api/v1/submissions/{a_first}", OWNER_A),
    ApiCase(
        "read A's changes", "GET", "/api/v1/submissions/{a}/changes", OWNER_A, shows_name=False
    ),
    ApiCase("read A's data export", "GET", "/api/v1/submissions/{a}/export", OWNER_A),
    ApiCase("read B's draft", "GET", "/api/v1/submissions/{b}", OWNER_B, owner="b"),
    ApiCase(
        "change A's section",
        "PUT",
        "/api/v1/submissions/{a}/sections/ueber-uns",
        OWNER_A,
        json={"answers": SECTION},
    ),
    ApiCase(
        "change B's section",
        "PUT",
        "/api/v1/submissions/{b}/sections/ueber-uns",
        OWNER_B,
        json={"answers": SECTION},
        owner="b",
    ),
    ApiCase("upload A's logo", "PUT", "/api/v1/submissions/{a}/logo", OWNER_A, 204, logo="red"),
    ApiCase("remove A's logo", "DELETE", "/api/v1/submissions/{a}/logo", OWNER_A, 204),
    ApiCase("submit A's draft", "POST", "/api/v1/submissions/{a}/submit", OWNER_A),
    ApiCase("erase A (denied only)", "DELETE", "/api/v1/submissions/{a}", OWNER_A, 204),
    ApiCase("list the moderation queue", "GET", "/api/v1/submissions?status=draft", OPERATOR_ONLY),
    ApiCase("approve A's draft", "POST", "/api/v1/submissions/{a}/approve", OPERATOR_ONLY, 409),
    ApiCase(
        "reject A's draft",
        "POST",
        "/api/v1/submissions/{a}/reject",
        OPERATOR_ONLY,
        409,
        json={"reason": "Nein."},
    ),
    ApiCase(
        "ask A for changes",
        "POST",
        "/api/v1/submissions/{a}/request-changes",
        OPERATOR_ONLY,
        409,
        json={"message": "Bitte ändern."},
    ),
    ApiCase(
        "change A's published profile",
        "PATCH",
        "/api/v1/companies/{company_a}",
        OPERATOR_ONLY,
        json={"description": "Vom Betreiber geändert."},
    ),
]


def _path(world: World, case: ApiCase) -> str:
    return case.path.format(
        a=world.a.draft_id,
        b=world.b.draft_id,
        a_first=world.a.first_id,
        company_a=world.a.company_id,
    )


def _call(client: FlaskClient, world: World, case: ApiCase, role: str) -> Any:
    """Send the case's request; an editor's write carries every privileged field too (in the
    answers, beside the upload, or as a body the operation does not read)."""
    headers = api_headers(world, role)
    path = _path(world, case)
    extra = _privileged(world) if role != "operator" and case.method != "GET" else {}
    if case.logo:
        data = {"logo": (io.BytesIO(png(case.logo)), "logo.png"), **extra}
        return client.open(path, method=case.method, headers=headers, data=data)
    body = case.json
    if extra:
        if body is None:
            body = extra
        elif "answers" in body:
            body = {**body, "answers": {**body["answers"], **extra}}
        else:
            body = {**body, **extra}
    return client.open(path, method=case.method, headers=headers, json=body)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API_CASES, ids=lambda c: c.name)
def test_api_matrix(world: World, case: ApiCase, role: str) -> None:
    expected = case.expected[role]
    if case.name.startswith("erase") and expected == "ok":
        pytest.skip("erasing is allowed here; test_the_owner_and_the_operator_may_erase runs it")
    client = world.app.test_client()
    a_before, b_before = stored(world, world.a.draft_id), stored(world, world.b.draft_id)
    profile_before = published(world, world.a.company_id)
    response = _call(client, world, case, role)
    body = response.get_data(as_text=True)
    if expected != "ok":
        assert response.status_code == expected, body
        assert response.get_json()["code"] == expected
        assert stored(world, world.a.draft_id) == a_before
        assert stored(world, world.b.draft_id) == b_before
        assert published(world, world.a.company_id) == profile_before
        assert_private(world, body, set())
        return
    assert response.status_code == case.ok, body
    owner = world.a if case.owner == "a" else world.b
    if case.ok == 200 and case.shows_name and "/submissions/" in case.path:
        assert owner.name in body
    if role != "operator":
        assert_private(world, body, {owner.name})
    other = world.b if owner is world.a else world.a
    assert stored(world, other.draft_id) == (b_before if other is world.b else a_before)
    # whatever an editor sent, only the operation itself moved the status
    status, company_id, answers, decided_at, _ = stored(world, owner.draft_id)
    before = a_before if owner is world.a else b_before
    moved = "submitted" if case.name == "submit A's draft" else before[0]
    assert (status, company_id, decided_at) == (moved, before[1], before[3])
    assert not set(PRIVILEGED) & {k for section in answers.values() for k in section}
    if case.name == "submit A's draft":
        # give the draft back for the cells that follow
        reopened = client.post(
            f"/api/v1/submissions/{world.a.draft_id}/reopen", headers=api_headers(world, role)
        )
        assert reopened.status_code == 200 and reopened.get_json()["status"] == "draft"


def test_the_owner_and_the_operator_may_erase(world: World) -> None:
    platform = platform_of(world.app)
    client = world.app.test_client()
    for role in ("editor", "operator"):
        doomed = published_company(platform, f"Gießerei {role}", "Am Markt 1", "doomed@example.org")
        headers = {"X-Editor-Token": doomed.token} if role == "editor" else dict(OPERATOR_HEADERS)
        assert (
            client.delete(f"/api/v1/submissions/{doomed.draft_id}", headers=headers).status_code
            == 204
        )
        assert client.get(f"/api/v1/companies/{doomed.company_id}").status_code == 404
    assert published(world, world.a.company_id)["name"] == world.a.name


def test_published_contact_data_is_for_operators_only(world: World) -> None:
    client = world.app.test_client()
    for role in ROLES:
        answer = client.get(
            f"/api/v1/companies/{world.a.company_id}", headers=api_headers(world, role)
        )
        assert answer.status_code == 200
        shown = "alpha@example.org" in answer.get_data(as_text=True)
        assert shown == (role == "operator"), role


# --- fields only operators set ---------------------------------------------------------------

PRIVILEGED = {
    "status": "approved",
    "company_id": "{company_b}",
    "owner": "editor:1",
    "submission_id": "{b}",
    "approved": "true",
    "decided_at": "2020-01-01T00:00:00+00:00",
    "published": "true",
    "slug": "uebernommen",
}


def _privileged(world: World) -> dict[str, str]:
    return {
        k: v.format(company_b=world.b.company_id, b=world.b.draft_id) for k, v in PRIVILEGED.items()
    }


def test_api_refuses_privileged_fields_beside_the_answers(world: World) -> None:
    client = world.app.test_client()
    before = stored(world, world.a.draft_id)
    for field, value in _privileged(world).items():
        response = client.put(
            f"/api/v1/submissions/{world.a.draft_id}/sections/unternehmen",
            json={"answers": {"name": "Übernommen"}, field: value},
            headers={"X-Editor-Token": world.a.token},
        )
        assert response.status_code == 422 and field in response.get_json()["errors"], field
    assert stored(world, world.a.draft_id) == before
    started = client.post(
        "/api/v1/submissions",
        json={"email": "neu@example.org", "consent": True, **_privileged(world)},
    )
    assert started.status_code == 422
    assert set(_privileged(world)) <= set(started.get_json()["errors"])


def test_api_ignores_privileged_fields_among_the_answers(world: World) -> None:
    client = world.app.test_client()
    before = flow.get(platform_of(world.app), world.a.draft_id)
    section = dict(before.answers["unternehmen"])
    response = client.put(
        f"/api/v1/submissions/{world.a.draft_id}/sections/unternehmen",
        json={"answers": {**section, **_privileged(world)}},
        headers={"X-Editor-Token": world.a.token},
    )
    assert response.status_code == 200, response.get_json()
    after = flow.get(platform_of(world.app), world.a.draft_id)
    assert (after.status, after.company_id, after.decided_at) == (
        before.status,
        before.company_id,
        before.decided_at,
    )
    assert set(after.answers["unternehmen"]) == set(section)
    assert not set(PRIVILEGED) & set(response.get_json()["submission"]["answers"]["unternehmen"])
    assert published(world, world.b.company_id)["name"] == world.b.name


# --- the HTML pages ----------------------------------------------------------------------------


def html_client(world: World, role: str) -> FlaskClient:
    """A browser session of ``role``: a personal link opened, or an operator logged in."""
    client = world.app.test_client()
    links = {
        "editor_a": (world.a.token, 303),
        "editor_b": (world.b.token, 303),
        "revoked": (world.revoked, 404),
        "expired": (world.expired, 404),
    }
    if role in links:
        token, status = links[role]
        assert client.get(f"/fragebogen/link/{token}").status_code == status
    if role == "operator":
        assert post_login(client, *_ADMIN).status_code == 303
    return client


#: which company's draft a role's questionnaire pages show (None: sent to the start page)
SHOWS = {"editor_a": "a", "editor_b": "b"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/fragebogen/schritt/unternehmen", "/fragebogen/status"])
def test_questionnaire_pages_show_only_the_own_draft(world: World, role: str, path: str) -> None:
    response = html_client(world, role).get(path)
    body = response.get_data(as_text=True)
    owner = SHOWS.get(role)
    if owner is None:
        assert response.status_code == 303
        assert response.headers["Location"].split("?")[0].endswith("/fragebogen/")
        assert_private(world, body, set())
        return
    company = world.a if owner == "a" else world.b
    assert response.status_code == 200
    assert company.name in body
    assert_private(world, body, {company.name})


@pytest.mark.parametrize("role", ROLES)
def test_data_export_page_holds_only_the_own_company(world: World, role: str) -> None:
    response = html_client(world, role).get("/fragebogen/daten.json")
    owner = SHOWS.get(role)
    if owner is None:
        assert response.status_code == 303
        return
    company = world.a if owner == "a" else world.b
    data = response.get_json()
    assert data["company"]["id"] == company.company_id
    assert_private(world, response.get_data(as_text=True), {company.name})


@pytest.mark.parametrize("role", ROLES)
def test_draft_logo_is_only_the_own(world: World, role: str) -> None:
    response = html_client(world, role).get("/fragebogen/logo")
    owner = SHOWS.get(role)
    if owner is None:
        assert response.status_code == 404 and response.data == b""
        return
    company = world.a if owner == "a" else world.b
    expected = flow.logo_of(platform_of(world.app), submission_id=company.draft_id)
    if expected is None:  # removed by an API cell before
        assert response.status_code == 404
    else:
        assert response.status_code == 200 and response.data == expected


@pytest.mark.parametrize("role", ROLES)
def test_questionnaire_form_changes_only_the_own_draft(world: World, role: str) -> None:
    client = html_client(world, role)
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    a_before, b_before = stored(world, world.a.draft_id), stored(world, world.b.draft_id)
    text = f"Geändert im Formular von {role}."
    response = client.post(
        "/fragebogen/schritt/ueber-uns",
        data={
            "csrf_token": token,
            "action": "save",
            "description": text,
            "attractive": "Gutes Team.",
            "typical_day": "Früh los.",
            "learn": "Viel.",
            **_privileged(world),
        },
    )
    assert response.status_code == 303
    owner = SHOWS.get(role)
    after = {"a": stored(world, world.a.draft_id), "b": stored(world, world.b.draft_id)}
    before = {"a": a_before, "b": b_before}
    for key in ("a", "b"):
        if key == owner:
            status, company_id, answers, decided_at, logo = after[key]
            assert answers["ueber-uns"]["description"] == text
            assert not set(PRIVILEGED) & {k for section in answers.values() for k in section}
            # status, owner and decision are where they were
            assert (status, company_id, decided_at, logo) == (
                before[key][0],
                before[key][1],
                before[key][3],
                before[key][4],
            )
        else:
            assert after[key] == before[key], (role, key)
    if owner is None:
        assert response.headers["Location"].split("?")[0].endswith("/fragebogen/")


@pytest.mark.parametrize("role", ["anonymous", "revoked", "expired", "operator"])
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/fragebogen/vorschau/unternehmen", 401),
        ("/fragebogen/pruefen", 303),
        ("/fragebogen/bearbeiten", 303),
        ("/fragebogen/loeschen", 303),
    ],
)
def test_questionnaire_actions_need_an_editor_session(
    world: World, role: str, path: str, status: int
) -> None:
    client = html_client(world, role)
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    before = [stored(world, c.draft_id) for c in (world.a, world.b)]
    response = client.post(path, data={"csrf_token": token, "confirm": "yes", "name": "Übernommen"})
    assert response.status_code == status
    if status == 303:
        assert response.headers["Location"].split("?")[0].endswith("/fragebogen/")
    assert [stored(world, c.draft_id) for c in (world.a, world.b)] == before
    assert_private(world, response.get_data(as_text=True), set())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/einreichung/{a}", "/admin/einreichung/{a}/logo", "/admin/protokoll"]
)
def test_moderation_pages_are_for_operators(world: World, role: str, path: str) -> None:
    response = html_client(world, role).get(path.format(a=world.a.draft_id))
    if role == "operator":
        logo = flow.logo_of(platform_of(world.app), submission_id=world.a.draft_id)
        if path.endswith("/logo"):
            assert (response.status_code, response.data) == ((200, logo) if logo else (404, b""))
        else:
            assert response.status_code == 200
        return
    assert response.status_code == 303
    assert response.headers["Location"].split("?")[0].endswith("/admin/anmelden")
    assert_private(world, response.get_data(as_text=True), set())


@pytest.mark.parametrize("role", [r for r in ROLES if r != "operator"])
@pytest.mark.parametrize("action", ["approve", "reject", "changes"])
def test_moderation_decisions_are_for_operators(world: World, role: str, action: str) -> None:
    client = html_client(world, role)
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    before = stored(world, world.a.draft_id)
    response = client.post(
        f"/admin/einreichung/{world.a.draft_id}",
        data={"csrf_token": token, "action": action, "text": "Entschieden."},
    )
    assert response.status_code == 303
    assert response.headers["Location"].split("?")[0].endswith("/admin/anmelden")
    assert stored(world, world.a.draft_id) == before


def test_a_link_revoked_during_the_session_locks_the_editor_out(world: World) -> None:
    platform = platform_of(world.app)
    with platform.session(write=True) as session:
        secret = accounts.issue_token(session, company_id=world.a.company_id)
    client = world.app.test_client()
    assert client.get(f"/fragebogen/link/{secret}").status_code == 303
    assert client.get("/fragebogen/schritt/unternehmen").status_code == 200
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    with platform.session(write=True) as session:
        accounts.revoke_tokens(session, token_id=accounts.resolve_token(session, secret).id)
    before = stored(world, world.a.draft_id)
    assert client.get("/fragebogen/schritt/unternehmen").status_code == 303
    assert client.get("/fragebogen/logo").status_code == 404
    assert client.get("/fragebogen/daten.json").status_code == 303
    client.post(
        "/fragebogen/schritt/unternehmen",
        data={"csrf_token": token, "action": "save", "name": "Übernommen"},
    )
    assert stored(world, world.a.draft_id) == before
    api = client.get(f"/api/v1/submissions/{world.a.draft_id}", headers={"X-Editor-Token": secret})
    assert api.status_code == 401


# --- the events plugin: organisation tokens --------------------------------------------------

EVENT = {
    "title": "Ausbildungsbörse Marl",
    "kind": "apprenticeship_fair",
    "start": "2026-10-25T10:00",
    "end": "2026-10-25T14:00",
    "place_name": "Rathaus Marl",
    "street": "Creiler Platz 1",
    "postcode": "45768",
    "audiences": ["pupils"],
    "registration": "portal",
    "capacity": 20,
}
EVENT_ROLES = ("anonymous", "company_editor", "org_a", "org_b", "org_a_old", "operator")


@frozen
class EventsWorld:
    app: Flask
    tokens: dict[str, str]
    org_a: int
    org_b: int
    event_a: int


@pytest.fixture(scope="module")
def events_world(
    new_module_database: NewDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EventsWorld]:
    folder: Path = tmp_path_factory.mktemp("events")
    app = build_app(new_module_database("events"), folder, plugins=["events"])
    client = app.test_client()

    def organisation(name: str) -> int:
        made = client.post(
            "/api/v1/events/organisations",
            json={"name": name, "type": "chamber", "postcode": "45657", "street": "Markt 1"},
            headers=OPERATOR_HEADERS,
        )
        assert made.status_code == 201, made.get_json()
        return int(made.get_json()["id"])

    def token(organisation_id: int) -> str:
        issued = client.post(
            f"/api/v1/events/organisations/{organisation_id}/token", headers=OPERATOR_HEADERS
        )
        assert issued.status_code == 201
        return str(issued.get_json()["token"])

    org_a, org_b = organisation("IHK Nord"), organisation("Handwerkskammer Süd")
    old = token(org_a)
    tokens = {"org_a_old": old, "org_a": token(org_a), "org_b": token(org_b)}
    # the editor token of a company (another kind of personal token) opens nothing here
    started = client.post("/api/v1/submissions", json={"email": "c@example.org", "consent": True})
    tokens["company_editor"] = started.get_json()["token"]
    created = client.post(
        "/api/v1/events", json=EVENT, headers={"Authorization": f"Bearer {tokens['org_a']}"}
    )
    assert created.status_code == 201, created.get_json()
    yield EventsWorld(app, tokens, org_a, org_b, int(created.get_json()["id"]))
    platform_of(app).db.dispose()


def event_headers(world: EventsWorld, role: str) -> dict[str, str]:
    if role == "operator":
        return dict(OPERATOR_HEADERS)
    if role in world.tokens:
        return {"Authorization": f"Bearer {world.tokens[role]}"}
    return {}


def test_an_organisation_is_the_first_organiser_of_what_it_creates(
    events_world: EventsWorld,
) -> None:
    client = events_world.app.test_client()
    headers = event_headers(events_world, "org_a")
    for named in ([], [str(events_world.org_b)]):
        made = client.post(
            "/api/v1/events",
            json={**EVENT, "title": f"Tag {len(named)}", "organisers": named},
            headers=headers,
        )
        assert made.status_code == 201, made.get_json()
        organisers = [o["id"] for o in made.get_json()["organisers"]]
        assert organisers[0] == events_world.org_a


EVENT_CASES = {
    # (method, path, body): expected answer per role
    "change A's event": (
        "PUT",
        "/api/v1/events/{event}",
        {**EVENT, "title": "Umbenannt"},
        {
            "anonymous": 401,
            "company_editor": 401,
            "org_a": 200,
            "org_b": 403,
            "org_a_old": 401,
            "operator": 200,
        },
    ),
    "read A's participants": (
        "GET",
        "/api/v1/events/{event}/participants",
        None,
        {
            "anonymous": 401,
            "company_editor": 401,
            "org_a": 200,
            "org_b": 403,
            "org_a_old": 401,
            "operator": 200,
        },
    ),
    "delete A's event": (
        "DELETE",
        "/api/v1/events/{event}",
        None,
        {
            "anonymous": 401,
            "company_editor": 401,
            "org_a": 403,
            "org_b": 403,
            "org_a_old": 401,
            "operator": "skip",
        },
    ),
    "issue an organisation token": (
        "POST",
        "/api/v1/events/organisations/{org_b}/token",
        None,
        {
            "anonymous": 401,
            "company_editor": 401,
            "org_a": 403,
            "org_b": 403,
            "org_a_old": 401,
            "operator": "skip",
        },
    ),
    "add an organisation": (
        "POST",
        "/api/v1/events/organisations",
        {"name": "Neu", "type": "association", "postcode": "45657", "street": "Markt 2"},
        {
            "anonymous": 401,
            "company_editor": 401,
            "org_a": 403,
            "org_b": 403,
            "org_a_old": 401,
            "operator": 201,
        },
    ),
}


@pytest.mark.parametrize("role", EVENT_ROLES)
@pytest.mark.parametrize("case", list(EVENT_CASES))
def test_events_matrix(events_world: EventsWorld, case: str, role: str) -> None:
    method, path, body, expected_by_role = EVENT_CASES[case]
    expected = expected_by_role[role]
    if expected == "skip":
        pytest.skip("the operator may; running it would end the other cells' data")
    client = events_world.app.test_client()
    url = path.format(event=events_world.event_a, org_b=events_world.org_b)
    before = client.get(f"/api/v1/events/{events_world.event_a}").get_json()
    if method == "PUT" and role == "operator":
        # the operator replaces the whole event, organisers included: keep A's
        body = {**body, "organisers": [str(events_world.org_a)]}
    headers = event_headers(events_world, role)
    response = client.open(url, method=method, json=body, headers=headers)
    assert response.status_code == expected, response.get_data(as_text=True)
    after = client.get(f"/api/v1/events/{events_world.event_a}").get_json()
    if expected >= 400:
        assert after == before
    elif method == "PUT":
        assert after["title"] == "Umbenannt"
        # an organiser who changes the event stays an organiser, and so does the first one
        ids = [o["id"] for o in after["organisers"]]
        assert events_world.org_a in ids


def test_a_co_organiser_cannot_remove_the_other_organisers(events_world: EventsWorld) -> None:
    client = events_world.app.test_client()
    shared = client.post(
        "/api/v1/events",
        json={
            **EVENT,
            "title": "Gemeinsam",
            "organisers": [str(events_world.org_a), str(events_world.org_b)],
        },
        headers=OPERATOR_HEADERS,
    ).get_json()
    replaced = client.put(
        f"/api/v1/events/{shared['id']}",
        json={**EVENT, "title": "Gemeinsam"},
        headers=event_headers(events_world, "org_b"),
    )
    assert replaced.status_code == 200
    participants = client.get(
        f"/api/v1/events/{shared['id']}/participants",
        headers=event_headers(events_world, "org_a"),
    )
    assert participants.status_code == 200
