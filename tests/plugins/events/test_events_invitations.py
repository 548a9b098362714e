"""Co-organisers: an organisation that names another one as co-organiser only invites it.

The invited organisation organises (changes the event, sees its participants, has it in its
calendar filter, on its company profile, on the event page) only after it accepted. Either side
ends it: the invitation is withdrawn or declined, a co-organiser leaves, the first organiser
removes a co-organiser.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from events_support import (
    OPERATOR_TOKEN,
    Clock,
    add_organisation,
    service,
    settings_overrides,
)
from sqlalchemy import insert, select

from core import Address, Company, Platform, Status, load_settings
from core.persistence.migrate import upgrade
from plugins.events import tables as t
from webapp import create_app

OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}
NOW = dt.datetime(2026, 10, 1, 8, 0, tzinfo=dt.UTC)
EVENT = {
    "title": "Ausbildungsbörse Marl",
    "kind": "apprenticeship_fair",
    "start": "2026-10-25T10:00",
    "end": "2026-10-25T14:00",
    "postcode": "45768",
    "street": "Creiler Platz 1",
    "audiences": ["pupils"],
    "registration": "portal",
    "capacity": 20,
}


@pytest.fixture
def world(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A chamber (IHK), a company that is an organisation (firm), a school; their tokens."""
    outbox = tmp_path / "outbox"
    app = create_app(settings_overrides(new_database("invitations"), outbox=outbox))
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    svc = service(platform, Clock(NOW))
    company = platform.save_company(
        Company(
            name="Muster Metallbau GmbH",
            address=Address(street="Industriestr. 5", postcode="45768"),
            industry="C",
            employees=40,
            status=Status.PUBLISHED,
        )
    )
    organisations = {
        "ihk": add_organisation(svc, email="veranstaltungen@ihk.example"),
        "firm": add_organisation(
            svc,
            name=company.name,
            type="company",
            company_id=company.id,
            postcode="45768",
            email="personal@muster-metallbau.example",
        ),
        "school": add_organisation(svc, name="Berufskolleg Marl", type="school"),
    }
    client = app.test_client()
    headers = {}
    for key, organisation in organisations.items():
        answer = client.post(
            f"/api/v1/events/organisations/{organisation.id}/token", headers=OPERATOR
        )
        headers[key] = {"Authorization": f"Bearer {answer.get_json()['token']}"}
    platform.engine.refresh(force=True)
    yield {
        "app": app,
        "client": client,
        "company": company,
        "outbox": outbox,
        **{f"{k}_id": o.id for k, o in organisations.items()},
        **{f"{k}_slug": o.slug for k, o in organisations.items()},
        "as": headers,
    }
    platform.db.dispose()


def organiser_ids(client: Any, event_id: int) -> list[int]:
    return [o["id"] for o in client.get(f"/api/v1/events/{event_id}").get_json()["organisers"]]


def mails_to(outbox: Path, address: str) -> list[str]:
    """Subject and text of the mails in the folder outbox sent to ``address``."""
    found = []
    for path in sorted(outbox.rglob("*")) if outbox.exists() else []:
        if path.is_file():
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if mail["To"] == address:
                body = mail.get_body(preferencelist=("plain",))
                found.append(f"{mail['Subject']}\n{body.get_content() if body else ''}")
    return found


def ihk_event_naming_the_firm(world: dict[str, Any]) -> int:
    client = world["client"]
    made = client.post(
        "/api/v1/events",
        json={**EVENT, "organisers": [world["firm_slug"]]},
        headers=world["as"]["ihk"],
    )
    assert made.status_code == 201, made.get_json()
    return int(made.get_json()["id"])


def pending_invitation(world: dict[str, Any], event_id: int) -> dict[str, Any]:
    received = world["client"].get("/api/v1/events/invitations", headers=world["as"]["firm"])
    assert received.status_code == 200
    (invitation,) = [i for i in received.get_json() if i["event_id"] == event_id]
    return dict(invitation)


def test_an_unaccepted_invitation_grants_nothing(world: dict[str, Any]) -> None:
    client, firm = world["client"], world["as"]["firm"]
    event_id = ihk_event_naming_the_firm(world)
    # the event is the IHK's alone; the firm is invited
    assert organiser_ids(client, event_id) == [world["ihk_id"]]
    invitation = pending_invitation(world, event_id)
    assert invitation["status"] == "pending"
    assert invitation["organisation_id"] == world["firm_id"]
    assert invitation["invited_by"] == world["ihk_id"]
    listed = client.get(f"/api/v1/events/{event_id}/invitations", headers=world["as"]["ihk"])
    assert [i["organisation_id"] for i in listed.get_json()] == [world["firm_id"]]
    # the invited organisation gets a mail naming the event and how to answer
    (mail,) = mails_to(world["outbox"], "personal@muster-metallbau.example")
    assert "Ausbildungsbörse Marl" in mail and "/accept" in mail

    # ... and no right of an organiser
    assert client.put(f"/api/v1/events/{event_id}", json=EVENT, headers=firm).status_code == 403
    assert client.get(f"/api/v1/events/{event_id}/participants", headers=firm).status_code == 403
    assert client.get(f"/api/v1/events/{event_id}/invitations", headers=firm).status_code == 403
    assert (
        client.delete(
            f"/api/v1/events/{event_id}/organisers/{world['ihk_id']}", headers=firm
        ).status_code
        == 403
    )
    # nor is it shown as organiser anywhere
    by_firm = client.get(f"/api/v1/events?organisation={world['firm_slug']}").get_json()
    assert by_firm["total"] == 0
    page = client.get(f"/veranstaltungen/{event_id}", follow_redirects=True).get_data(as_text=True)
    assert "Ausbildungsbörse Marl" in page and "Muster Metallbau" not in page
    feed = client.get(f"/api/v1/events/{event_id}/calendar.ics").get_data(as_text=True)
    assert "BEGIN:VEVENT" in feed and "Muster Metallbau" not in feed
    profile = client.get(f"/unternehmen/{world['company'].slug}").get_data(as_text=True)
    assert 'id="section-events"' not in profile


def test_accepting_makes_the_organisation_a_co_organiser(world: dict[str, Any]) -> None:
    client, firm = world["client"], world["as"]["firm"]
    event_id = ihk_event_naming_the_firm(world)
    invitation = pending_invitation(world, event_id)
    # only the invited organisation answers, not a third one, not the operator
    for other in (world["as"]["school"], OPERATOR):
        answer = client.post(f"/api/v1/events/invitations/{invitation['id']}/accept", headers=other)
        assert answer.status_code == 403
    accepted = client.post(f"/api/v1/events/invitations/{invitation['id']}/accept", headers=firm)
    assert accepted.status_code == 200
    assert [o["id"] for o in accepted.get_json()["organisers"]] == [
        world["ihk_id"],
        world["firm_id"],
    ]
    assert client.get("/api/v1/events/invitations", headers=firm).get_json() == []
    # now it organises: it changes the event (the IHK stays first), sees the participants
    changed = client.put(
        f"/api/v1/events/{event_id}", json={**EVENT, "title": "Ausbildungsbörse"}, headers=firm
    )
    assert changed.status_code == 200
    assert organiser_ids(client, event_id) == [world["ihk_id"], world["firm_id"]]
    assert client.get(f"/api/v1/events/{event_id}/participants", headers=firm).status_code == 200
    assert client.get(f"/api/v1/events?organisation={world['firm_slug']}").get_json()["total"] == 1
    assert "Muster Metallbau" in client.get(
        f"/veranstaltungen/{event_id}", follow_redirects=True
    ).get_data(as_text=True)
    world["app"].extensions["regiokarte"].engine.refresh(force=True)
    profile = client.get(f"/unternehmen/{world['company'].slug}").get_data(as_text=True)
    assert 'id="section-events"' in profile


def test_a_declined_invitation_stays_declined_until_invited_again(world: dict[str, Any]) -> None:
    client, ihk, firm = world["client"], world["as"]["ihk"], world["as"]["firm"]
    event_id = ihk_event_naming_the_firm(world)
    invitation = pending_invitation(world, event_id)
    declined = client.post(f"/api/v1/events/invitations/{invitation['id']}/decline", headers=firm)
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    # the organiser's next PUT with the same list neither adds nor asks again
    again = client.put(
        f"/api/v1/events/{event_id}",
        json={**EVENT, "organisers": [world["firm_slug"]]},
        headers=ihk,
    )
    assert again.status_code == 200
    assert organiser_ids(client, event_id) == [world["ihk_id"]]
    assert pending_invitation(world, event_id)["status"] == "declined"
    assert len(mails_to(world["outbox"], "personal@muster-metallbau.example")) == 1
    accept = client.post(f"/api/v1/events/invitations/{invitation['id']}/accept", headers=firm)
    assert accept.status_code == 409
    # an explicit invitation asks again
    renewed = client.post(
        f"/api/v1/events/{event_id}/invitations",
        json={"organisation": str(world["firm_id"])},
        headers=ihk,
    )
    assert renewed.status_code == 201 and renewed.get_json()["status"] == "pending"
    assert len(mails_to(world["outbox"], "personal@muster-metallbau.example")) == 2


def test_an_organiser_withdraws_an_invitation(world: dict[str, Any]) -> None:
    client, ihk, firm = world["client"], world["as"]["ihk"], world["as"]["firm"]
    event_id = ihk_event_naming_the_firm(world)
    invitation = pending_invitation(world, event_id)
    path = f"/api/v1/events/invitations/{invitation['id']}"
    # a stranger can neither withdraw nor see it
    assert client.delete(path, headers=world["as"]["school"]).status_code == 403
    school_view = client.get(
        f"/api/v1/events/{event_id}/invitations", headers=world["as"]["school"]
    )
    assert school_view.status_code == 403
    assert client.delete(path, headers=ihk).status_code == 204
    assert client.post(f"{path}/accept", headers=firm).status_code == 404
    assert organiser_ids(client, event_id) == [world["ihk_id"]]
    # only an organiser invites: the school cannot invite itself into the IHK's event
    self_invite = client.post(
        f"/api/v1/events/{event_id}/invitations",
        json={"organisation": world["school_slug"]},
        headers=world["as"]["school"],
    )
    assert self_invite.status_code == 403
    twice = client.post(
        f"/api/v1/events/{event_id}/invitations",
        json={"organisation": world["ihk_slug"]},
        headers=ihk,
    )
    assert twice.status_code == 409


def test_either_side_ends_the_co_organisation(world: dict[str, Any]) -> None:
    client, ihk, firm = world["client"], world["as"]["ihk"], world["as"]["firm"]
    event_id = ihk_event_naming_the_firm(world)

    def accept() -> None:
        invitation = pending_invitation(world, event_id)
        path = f"/api/v1/events/invitations/{invitation['id']}/accept"
        assert client.post(path, headers=firm).status_code == 200

    def invite() -> None:
        answer = client.post(
            f"/api/v1/events/{event_id}/invitations",
            json={"organisation": world["firm_slug"]},
            headers=ihk,
        )
        assert answer.status_code == 201

    organisers = f"/api/v1/events/{event_id}/organisers"
    accept()
    # a co-organiser cannot remove the first organiser
    assert client.delete(f"{organisers}/{world['ihk_id']}", headers=firm).status_code == 403
    # the co-organiser leaves on its own
    assert client.delete(f"{organisers}/{world['firm_id']}", headers=firm).status_code == 204
    assert organiser_ids(client, event_id) == [world["ihk_id"]]
    assert client.put(f"/api/v1/events/{event_id}", json=EVENT, headers=firm).status_code == 403
    # the first organiser removes a co-organiser
    invite()
    accept()
    assert client.delete(f"{organisers}/{world['firm_id']}", headers=ihk).status_code == 204
    assert organiser_ids(client, event_id) == [world["ihk_id"]]
    # the last organiser cannot leave (it cancels the event instead)
    last = client.delete(f"{organisers}/{world['ihk_id']}", headers=ihk)
    assert last.status_code == 409 and "only organiser" in last.get_data(as_text=True)
    # the first organiser may leave while another one stays, which then comes first
    invite()
    accept()
    assert client.delete(f"{organisers}/{world['ihk_id']}", headers=ihk).status_code == 204
    assert organiser_ids(client, event_id) == [world["firm_id"]]
    assert client.put(f"/api/v1/events/{event_id}", json=EVENT, headers=ihk).status_code == 403
    # the operator names organisers directly and removes any of them
    named = client.put(
        f"/api/v1/events/{event_id}",
        json={**EVENT, "organisers": [world["firm_slug"], world["school_slug"]]},
        headers=OPERATOR,
    )
    assert [o["id"] for o in named.get_json()["organisers"]] == [
        world["firm_id"],
        world["school_id"],
    ]
    assert client.delete(f"{organisers}/{world['school_id']}", headers=OPERATOR).status_code == 204


def test_the_upgrade_turns_unasked_co_organisers_into_invitations(
    new_database: Callable[[str], str], tmp_path: Path
) -> None:
    url = new_database("invitation-upgrade")
    platform = Platform(load_settings(env={}, overrides=settings_overrides(url, outbox=tmp_path)))
    locations = [f for fs in platform.migration_folders().values() for f in fs]
    upgrade(platform.db, locations, ["core@head", "events_0001"])
    now = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    place = {"place_name": "", "street": "", "postcode": "", "town": "", "ags": ""}
    organisation = {"description": "", "email": "", "phone": "", "website": "", **place}
    event = {
        "kind": "network",
        "description": "",
        "starts_at": now,
        "ends_at": now,
        "timezone": "Europe/Berlin",
        "audiences": [],
        **place,
        "online_url": "",
        "registration": "none",
        "registration_url": "",
        "taken": 0,
        "waiting_list": False,
        "status": "scheduled",
        "created_at": now,
        "updated_at": now,
    }
    with platform.db.begin() as connection:
        for number, slug in enumerate(("ihk", "firma", "schule"), start=1):
            connection.execute(
                insert(t.organisations).values(
                    id=number,
                    slug=slug,
                    name=slug,
                    type="chamber",
                    verified=True,
                    show_on_map=True,
                    created_at=now,
                    **organisation,
                )
            )
        # event 1: saved by the IHK, naming the firm; event 2: the operator named both
        for number, source in ((1, "organisation:ihk"), (2, "api")):
            connection.execute(
                insert(t.events).values(
                    id=number,
                    uid=f"e{number}",
                    slug="e",
                    title=f"E{number}",
                    source=source,
                    **event,
                )
            )
            for position, organisation_id in enumerate((1, 2)):
                connection.execute(
                    insert(t.organisers).values(
                        event_id=number, organisation_id=organisation_id, position=position
                    )
                )
    platform.upgrade_database()
    with platform.db.connect() as connection:
        organisers = connection.execute(
            select(t.organisers.c.event_id, t.organisers.c.organisation_id).order_by(
                t.organisers.c.event_id, t.organisers.c.position
            )
        ).all()
        invited = connection.execute(
            select(
                t.invitations.c.event_id,
                t.invitations.c.organisation_id,
                t.invitations.c.invited_by,
                t.invitations.c.status,
            )
        ).all()
    assert [tuple(r) for r in organisers] == [(1, 1), (2, 1), (2, 2)]
    assert [tuple(r) for r in invited] == [(1, 2, 1, "pending")]
    platform.db.dispose()
