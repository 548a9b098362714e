"""Links in mails never come from the request's Host header.

The attack: with ``portal.base_url`` empty, a request with ``Host: evil.example`` made the
portal mail a link to evil.example to an address of the sender's choosing. Now links point
to ``portal.base_url``; without it, only requests to this computer (a development server on
localhost) get links, and any other request is refused with a message naming the setting,
before anything is stored or sent.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from accounts_security_support import AppMaker, csrf, platform_of
from flask import Flask

from core.errors import ConfigError
from core.portal.mail import is_loopback_host, link_base

FOREIGN = "http://evil.example"
PORTAL = "https://karte.example.org"


def start_questionnaire(app: Flask, host: str, email: str) -> Any:
    """Start the questionnaire through the web form, every request sent to ``host``."""
    client = app.test_client()
    page = client.get("/fragebogen/", base_url=host)
    return client.post(
        "/fragebogen/",
        base_url=host,
        data={"csrf_token": csrf(page.get_data(as_text=True)), "email": email, "consent": "yes"},
    )


def mailed_links(app: Flask, to: str) -> list[str]:
    return [
        link
        for mail in platform_of(app).outbox.messages()
        if mail.to == to
        for link in re.findall(r"https?://[^\s>]+", mail.body)
    ]


def test_a_foreign_host_header_does_not_reach_the_links_of_a_mail(make_app: AppMaker) -> None:
    app = make_app(portal={"base_url": PORTAL})
    answer = start_questionnaire(app, FOREIGN, "opfer@example.org")
    assert answer.status_code == 303
    links = mailed_links(app, "opfer@example.org")
    assert links and all(link.startswith(f"{PORTAL}/") for link in links), links
    assert not any("evil.example" in link for link in links)


def test_without_base_url_a_foreign_host_gets_no_mail_and_a_clear_refusal(
    make_app: AppMaker,
) -> None:
    app = make_app()
    answer = start_questionnaire(app, FOREIGN, "opfer@example.org")
    assert answer.status_code == 500
    message = answer.get_json()["message"]
    assert "portal.base_url is empty" in message
    assert "REGIOKARTE_PORTAL__BASE_URL" in message
    assert platform_of(app).outbox.messages() == []
    with platform_of(app).session() as session:
        from sqlalchemy import func, select

        from core.persistence.tables import SubmissionRow

        # refused before anything was stored: no orphan draft
        assert session.scalar(select(func.count()).select_from(SubmissionRow)) == 0


@pytest.mark.parametrize("host", ["http://localhost", "http://127.0.0.1:5000", "http://[::1]:8080"])
def test_without_base_url_a_development_server_on_this_computer_links_to_itself(
    make_app: AppMaker, host: str
) -> None:
    app = make_app()
    assert start_questionnaire(app, host, "dev@example.org").status_code == 303
    links = mailed_links(app, "dev@example.org")
    assert links and all(link.startswith(f"{host}/fragebogen/link/") for link in links)


def test_search_alert_mails_ignore_the_host_header(make_app: AppMaker) -> None:
    app = make_app(portal={"base_url": PORTAL})
    client = app.test_client()
    page = client.get("/suche/abonnieren?q=Metall", base_url=FOREIGN)
    answer = client.post(
        "/suche/abonnieren",
        base_url=FOREIGN,
        data={
            "csrf_token": csrf(page.get_data(as_text=True)),
            "query": "q=Metall",
            "email": "alarm@example.org",
            "consent": "yes",
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    links = mailed_links(app, "alarm@example.org")
    assert links and all(link.startswith(f"{PORTAL}/") for link in links), links


def test_event_registration_mails_ignore_the_host_header(make_app: AppMaker) -> None:
    from plugins.events.hooks import service_for
    from plugins.events.service import Principal

    app = make_app(plugins=["events"])
    service = service_for(platform_of(app))
    event, _ = service.save_event(
        {
            "title": "Ausbildungsbörse Marl",
            "kind": "apprenticeship_fair",
            "start": "2030-10-25T10:00",
            "end": "2030-10-25T14:00",
            "place_name": "Rathaus Marl",
            "street": "Creiler Platz 1",
            "postcode": "45768",
            "audiences": ["pupils"],
            "registration": "portal",
            "capacity": 20,
        },
        Principal(operator=True),
    )
    person = {"name": "Person 1", "email": "p1@example.org", "consent": True}
    client = app.test_client()
    answer = client.post(f"/api/v1/events/{event.id}/registrations", json=person, base_url=FOREIGN)
    assert answer.status_code == 500
    assert "portal.base_url is empty" in answer.get_json()["message"]
    assert mailed_links(app, "p1@example.org") == []
    # the same through localhost (a development server) is answered with a link to itself
    done = client.post(
        f"/api/v1/events/{event.id}/registrations", json=person, base_url="http://localhost"
    )
    assert done.status_code == 201, done.get_json()
    links = mailed_links(app, "p1@example.org")
    assert links and all(link.startswith("http://localhost/") for link in links)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("portal.localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("[::1]", True),
        ("::1", True),
        ("localhost.evil.example", False),
        ("127.0.0.1.evil.example", False),
        ("10.0.0.1", False),
        ("evil.example", False),
        ("", False),
    ],
)
def test_only_this_computer_counts_as_local(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_the_configured_address_always_wins() -> None:
    assert link_base(f"{PORTAL}/", f"{FOREIGN}/") == PORTAL
    assert link_base("", "http://localhost:5000/") == "http://localhost:5000"
    with pytest.raises(ConfigError, match="portal.base_url is empty"):
        link_base("", f"{FOREIGN}/")
    with pytest.raises(ConfigError):
        link_base("", "")
