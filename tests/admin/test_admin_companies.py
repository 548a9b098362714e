"""The company pages: list with search, filters, sorting and pages; the status change with its
audit entry and the public search following it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core import Address, Company, Location, Status
from core.persistence import companies as repo
from core.portal import audit
from webapp.admin.companies import PER_PAGE

TOWNS = ("Marl", "Herten", "Dorsten")


def _company(name: str, town: str, status: Status = Status.PUBLISHED) -> Company:
    return Company(
        name=name,
        address=Address(street="Markt 1", postcode="45657", town=town),
        location=Location(51.6141, 7.1979),
        industry="C",
        status=status,
    )


@pytest.fixture
def companies(platform: Any) -> list[Company]:
    made = [
        platform.save_company(_company("Zimmerei Nordwind", "Marl")),
        platform.save_company(_company("Bäckerei Morgenrot", "Herten")),
        platform.save_company(_company("Autohaus Morgenstern", "Dorsten", Status.SUBMITTED)),
        platform.save_company(_company("Malerbetrieb Abendrot", "Marl", Status.ARCHIVED)),
    ]
    return made


def _listed(html: str) -> list[str]:
    table = (
        html.split('id="companies"', 1)[1].split("</table>", 1)[0]
        if 'id="companies"' in html
        else ""
    )
    return re.findall(r'<a href="/admin/unternehmen/\d+[^"]*">([^<]+)</a>', table)


def test_list_shows_every_company_sorted_by_name(client: Any, token: str, companies: list) -> None:
    html = client.get("/admin/unternehmen").get_data(as_text=True)
    assert _listed(html) == sorted((c.name for c in companies), key=str.lower)
    assert f"{len(companies)} Treffer" in html
    row = html.split(f'data-company="{companies[3].id}"', 1)[1].split("</tr>", 1)[0]
    assert "Archiviert" in row and "Marl" in row and "<td>C</td>" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=morgen", {"Bäckerei Morgenrot", "Autohaus Morgenstern"}),
        ("q=MORGEN&status=published", {"Bäckerei Morgenrot"}),
        ("town=Marl", {"Zimmerei Nordwind", "Malerbetrieb Abendrot"}),
        ("status=archived&town=Marl", {"Malerbetrieb Abendrot"}),
        ("q=%25", set()),  # a LIKE wildcard is searched for as a character
    ],
)
def test_search_and_filters(
    client: Any, token: str, companies: list, query: str, expected: set[str]
) -> None:
    html = client.get(f"/admin/unternehmen?{query}").get_data(as_text=True)
    assert set(_listed(html)) == expected
    assert f"{len(expected)} Treffer" in html


def test_sorting_by_town_and_last_change(client: Any, token: str, companies: list) -> None:
    by_town = _listed(client.get("/admin/unternehmen?sort=town").get_data(as_text=True))
    expected = sorted(companies, key=lambda c: (c.address.town, c.name.lower()))
    assert by_town == [c.name for c in expected]
    newest = _listed(client.get("/admin/unternehmen?sort=updated").get_data(as_text=True))
    assert newest[0] == companies[-1].name


def test_pages(client: Any, token: str, platform: Any) -> None:
    for number in range(PER_PAGE + 3):
        platform.save_company(_company(f"Firma {number:03d}", TOWNS[number % 3]))
    first = client.get("/admin/unternehmen").get_data(as_text=True)
    assert len(_listed(first)) == PER_PAGE
    assert "Seite 1 von 2" in first
    second = client.get("/admin/unternehmen?page=2").get_data(as_text=True)
    assert _listed(second) == [f"Firma {n:03d}" for n in range(PER_PAGE, PER_PAGE + 3)]
    assert set(_listed(first)).isdisjoint(_listed(second))
    beyond = client.get("/admin/unternehmen?page=99").get_data(as_text=True)
    assert _listed(beyond) == _listed(second)


def _public_names(client: Any, word: str) -> set[str]:
    found = client.get(f"/api/v1/search?q={word}").get_json()
    return {item["name"] for item in found["items"]}


def test_status_change_is_audited_and_the_public_search_follows(
    app: Any, client: Any, token: str, companies: list, platform: Any
) -> None:
    public = app.test_client()
    bakery = companies[1]
    assert _public_names(public, "Morgenrot") == {"Bäckerei Morgenrot"}
    page = client.get(f"/admin/unternehmen/{bakery.id}").get_data(as_text=True)
    assert f'href="/unternehmen/{bakery.slug}"' in page
    answer = client.post(
        f"/admin/unternehmen/{bakery.id}/status", data={"csrf_token": token, "status": "archived"}
    )
    assert answer.status_code == 303
    assert _public_names(public, "Morgenrot") == set()
    assert public.get(f"/unternehmen/{bakery.slug}").status_code == 404
    with platform.session() as session:
        entry = audit.recent_entries(session, limit=1)[0]
    assert (entry.action, entry.subject) == ("company.status", f"company:{bakery.id}")
    assert entry.details == {"from": "published", "to": "archived"}
    assert entry.actor.startswith("operator:")
    page = client.get(f"/admin/unternehmen/{bakery.id}").get_data(as_text=True)
    assert "ist jetzt: Archiviert" in page
    # the contact data survives the status change
    with platform.session() as session:
        stored = repo.get_company(session, bakery.id, with_contact=True)
    assert stored.status is Status.ARCHIVED and stored.name == bakery.name
    client.post(
        f"/admin/unternehmen/{bakery.id}/status", data={"csrf_token": token, "status": "published"}
    )
    assert _public_names(public, "Morgenrot") == {"Bäckerei Morgenrot"}


def test_status_change_needs_csrf_and_a_known_status(
    client: Any, token: str, companies: list, platform: Any
) -> None:
    bakery = companies[1]
    url = f"/admin/unternehmen/{bakery.id}/status"
    assert client.post(url, data={"status": "archived"}).status_code == 400
    client.post(url, data={"csrf_token": token, "status": "verschwunden"})
    with platform.session() as session:
        assert repo.get_company(session, bakery.id).status is Status.PUBLISHED
        assert not [e for e in audit.recent_entries(session) if e.action == "company.status"]
    page = client.get(f"/admin/unternehmen/{bakery.id}").get_data(as_text=True)
    assert "Diesen Status gibt es nicht" in page


def test_company_page_links_its_submissions(client: Any, token: str, companies: list) -> None:
    assert client.get("/admin/unternehmen/999999").status_code == 404
    page = client.get(f"/admin/unternehmen/{companies[0].id}?lang=en").get_data(as_text=True)
    assert "No submissions." in page and "Save the status" in page
