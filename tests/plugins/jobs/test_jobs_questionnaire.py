"""The Leitfragebogen's step "Offene Stellen" through the real pages: a company enters, changes
and removes positions with its editor link; nothing is public before an operator approves,
a rejected submission never is, the moderation page names kinds and professions by their
labels; an employer known only from a feed is invited and gets its positions on approval."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "questionnaire"))
from questionnaire_support import (  # noqa: E402
    ANSWERS,
    SCRIPT,
    csrf,
    errors,
    fill_all,
    login,
    make_app,
    outbox_links,
    start,
    submit,
)

from core import Platform  # noqa: E402
from plugins.jobs.hooks import service_for  # noqa: E402
from plugins.jobs.model import Position  # noqa: E402
from plugins.jobs.questionnaire import invite_employer  # noqa: E402
from plugins.jobs.repository import PositionRepository  # noqa: E402

TODAY = dt.date(2027, 3, 15)
#: Two positions as the step's form sends them (German dates, as typed).
FORM = {
    "positions-rows": "3",
    "positions-0-title": "Kfz-Mechatroniker/in (m/w/d)",
    "positions-0-kind": "apprenticeship",
    "positions-0-profession": "25",
    "positions-0-start_date": "1.8.2027",
    "positions-0-valid_through": "31.8.2027",
    "positions-0-description": "Du lernst alles rund ums Auto.\n\nWir bilden seit 1990 aus.",
    "positions-0-apply_url": "www.autohaus-beispiel.de/karriere",
    "positions-1-title": "Bürokraft in Teilzeit",
    "positions-1-kind": "part_time",
    "positions-1-apply_email": "bewerbung@morgenrot.example",
    # the blank row the form always offers: no position
    "positions-2-title": "",
    "positions-2-kind": "",
}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    made = make_app(tmp_path / "app", enabled=["jobs"], portal={"base_url": "http://localhost"})
    platform_of(made).clock = lambda: TODAY  # the portal's day: the index's and the plugin's
    return made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def platform_of(app: Flask) -> Platform:
    found: Platform = app.extensions["regiokarte"]
    return found


def stored(app: Flask) -> list[Position]:
    with platform_of(app).session() as session:
        return PositionRepository(session).all()


def step(client: FlaskClient, token: str, form: dict[str, str], action: str = "next") -> Any:
    return client.post(
        "/fragebogen/schritt/jobs", data={"csrf_token": token, "action": action, **form}
    )


def approve(app: Flask, submission_id: int) -> str:
    """Approve as an operator; the moderation page as it showed the submission first."""
    operator = app.test_client()
    token = login(operator)
    page = operator.get(f"/admin/einreichung/{submission_id}").get_data(as_text=True)
    done = operator.post(
        f"/admin/einreichung/{submission_id}", data={"csrf_token": token, "action": "approve"}
    )
    assert done.status_code == 303
    return page


def company_id(app: Flask, name: str = "Morgenrot") -> int:
    platform = platform_of(app)
    hits = platform.search(platform.parse_query({"q": [name]})).items
    assert len(hits) == 1
    return int(hits[0].id)


def test_every_problem_of_every_position_is_named_at_once_and_nothing_is_lost(
    client: FlaskClient,
) -> None:
    token = start(client)
    fill_all(client, token)
    bad = {
        **FORM,
        "positions-0-kind": "",  # missing
        "positions-0-start_date": "1.8.27x",  # no day
        "positions-1-valid_through": "1.1.2027",  # past
        "positions-1-apply_email": "bewerbung(at)morgenrot",
    }
    response = step(client, token, bad)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert errors(html) == [
        "„Stelle 1: Art der Stelle“: Diese Angabe fehlt. Bitte füllen Sie das Feld aus.",
        "„Stelle 1: Beginn“: Bitte geben Sie ein Datum in der Form TT.MM.JJJJ ein, zum "
        "Beispiel 1.8.2027.",
        "„Stelle 2: Ausgeschrieben bis“: Dieses Datum ist schon vorbei: Die Stelle wäre nie "
        "zu sehen. Geben Sie ein Datum ab heute an oder lassen Sie das Feld leer.",
        "„Stelle 2: Bewerbung per E-Mail an“: Das ist keine gültige E-Mail-Adresse. Bitte "
        "schreiben Sie sie in der Form name@beispiel.de.",
    ]
    # the summary links every problem to its field
    for field in ("0-kind", "0-start_date", "1-valid_through", "1-apply_email"):
        assert f'href="#q-jobs-positions-{field}-wrap"' in html
        assert f'id="q-jobs-positions-{field}-wrap"' in html
    # what was typed stays, the good answers too
    assert 'value="1.8.27x"' in html and 'value="bewerbung(at)morgenrot"' in html
    assert "Kfz-Mechatroniker/in (m/w/d)" in html
    # the same problems in English on an English page
    english = client.get("/fragebogen/schritt/jobs?lang=en&pruefen=1").get_data(as_text=True)
    assert "“Position 1: Kind of position”: " in english


def test_the_end_of_a_position_may_not_lie_before_its_start(client: FlaskClient) -> None:
    token = start(client)
    fill_all(client, token)
    html = step(client, token, {**FORM, "positions-0-valid_through": "1.5.2027"}).get_data(
        as_text=True
    )
    assert errors(html) == [
        "„Stelle 1: Ausgeschrieben bis“: Die Ausschreibung endet vor dem Beginn "
        "(1. Aug. 2027). Bitte prüfen Sie die beiden Daten."
    ]


def test_positions_are_public_only_after_approval_with_labels_on_the_moderation_page(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    fill_all(client, token)
    assert step(client, token, FORM).status_code == 303
    review = client.get("/fragebogen/pruefen").get_data(as_text=True)
    assert "Stelle 1" in review and "Art der Stelle: Ausbildung" in review
    submit(client, token)
    assert stored(app) == []  # submitted, not approved: nothing stored, nothing public
    hiring = platform_of(app).parse_query({"jobs_hiring": ["true"]})
    assert platform_of(app).search(hiring).total == 0
    assert "Kfz-Mechatroniker" not in client.get("/stellen").get_data(as_text=True)
    page = approve(app, 1)
    # the moderation page: labels and formatted days, never codes or ISO dates
    row = re.search(r'data-field="jobs.positions".*?</tr>', page, re.S)
    assert row is not None
    shown = row.group(0)
    assert "Art der Stelle: Ausbildung" in shown
    assert "Berufsgruppe: Maschinen- und Fahrzeugtechnikberufe" in shown
    assert "Beginn: 1. Aug. 2027" in shown and "Ausgeschrieben bis: 31. Aug. 2027" in shown
    for code in ("apprenticeship", "part_time", "2027-08-01", ">25<"):
        assert code not in shown

    company = company_id(app)
    positions = stored(app)
    assert [(p.title, p.kind, p.profession, p.start_date, p.valid_through) for p in positions] == [
        (
            "Kfz-Mechatroniker/in (m/w/d)",
            "apprenticeship",
            "25",
            dt.date(2027, 8, 1),
            dt.date(2027, 8, 31),
        ),
        ("Bürokraft in Teilzeit", "part_time", None, None, None),
    ]
    first = positions[0]
    assert first.company_id == company and first.source == "editor" and first.published == TODAY
    assert first.description == "Du lernst alles rund ums Auto.\n\nWir bilden seit 1990 aus."
    assert first.apply_url == "https://www.autohaus-beispiel.de/karriere"
    assert first.employer_name == "Bäckerei Morgenrot" and first.employer_postcode == "45699"
    assert positions[1].apply_email == "bewerbung@morgenrot.example"
    # open today, so the profile, the search and the API take them from the service
    service = service_for(platform_of(app))
    service.positions(force=True)
    assert {p.id for p in service.positions_of(company)} == {p.id for p in positions}
    platform = platform_of(app)
    slug = platform.search(platform.parse_query({"q": ["Morgenrot"]})).items[0].slug
    profile = client.get(f"/unternehmen/{slug}").get_data(as_text=True)
    assert "Kfz-Mechatroniker/in (m/w/d)" in profile and "Bürokraft in Teilzeit" in profile
    assert 'href="https://www.autohaus-beispiel.de/karriere"' in profile
    # the search finds it hiring, by kind and by the profession's group
    for params in (
        {"jobs_hiring": ["true"]},
        {"jobs_kind": ["apprenticeship"]},
        {"jobs_profession": ["25"]},
    ):
        hits = platform.search(platform.parse_query(params)).items
        assert [h.id for h in hits] == [company], params


def test_an_edit_changes_adds_and_removes_positions_in_place(
    app: Flask, client: FlaskClient
) -> None:
    token = start(client)
    fill_all(client, token)
    step(client, token, FORM)
    submit(client, token)
    approve(app, 1)
    before = {p.title: p.id for p in stored(app)}

    # the link of the "published" mail opens the profile for changes
    client.get(outbox_links(app)[0])
    token = csrf(client.get("/fragebogen/status").get_data(as_text=True))
    assert client.post("/fragebogen/bearbeiten", data={"csrf_token": token}).status_code == 303
    page = client.get("/fragebogen/schritt/jobs").get_data(as_text=True)
    # the published positions come back with their ids, dates as a German page writes them
    assert 'value="01.08.2027"' in page and 'name="positions-rows" value="3"' in page
    ids = re.findall(r'name="positions-(\d)-id" value="(\d*)"', page)
    assert [(row, int(i)) for row, i in ids if i] == [
        ("0", before["Kfz-Mechatroniker/in (m/w/d)"]),
        ("1", before["Bürokraft in Teilzeit"]),
    ]
    token = csrf(page)
    changed = {
        "positions-rows": "3",
        "positions-0-id": str(before["Kfz-Mechatroniker/in (m/w/d)"]),
        "positions-0-title": "Kfz-Mechatroniker/in",
        "positions-0-kind": "apprenticeship",
        "positions-0-start_date": "01.08.2027",
        "positions-1-id": str(before["Bürokraft in Teilzeit"]),
        "positions-1-title": "Bürokraft in Teilzeit",
        "positions-1-kind": "part_time",
        "positions-1-remove": "1",  # filled: the company removes it
        "positions-2-title": "Verkäufer/in",
        "positions-2-kind": "full_time",
    }
    assert step(client, token, changed).status_code == 303
    submit(client, token)  # the other steps as they were published
    page = approve(app, 2)
    assert "Bisher" in page and "Verkäufer/in" in page
    after = {p.title: p for p in stored(app)}
    assert set(after) == {"Kfz-Mechatroniker/in", "Verkäufer/in"}
    assert after["Kfz-Mechatroniker/in"].id == before["Kfz-Mechatroniker/in (m/w/d)"]
    assert after["Kfz-Mechatroniker/in"].valid_through is None  # emptied in the form
    assert after["Verkäufer/in"].company_id == company_id(app)


def test_a_rejected_submission_never_stores_a_position(app: Any, client: FlaskClient) -> None:
    token = start(client)
    fill_all(client, token)
    step(client, token, FORM)
    submit(client, token)
    operator = app.test_client()
    admin = login(operator)
    operator.post(
        "/admin/einreichung/1",
        data={"csrf_token": admin, "action": "reject", "reason": "Kein Unternehmen der Region."},
    )
    assert stored(app) == []
    assert service_for(platform_of(app)).open_positions() == ()


def test_an_editor_cannot_take_over_another_companys_position(
    app: Flask, client: FlaskClient
) -> None:
    platform = platform_of(app)
    with platform.session(write=True) as session:
        foreign = PositionRepository(session).add(
            Position(
                employer_name="Andere GmbH",
                title="Lagerist/in",
                kind="full_time",
                published=TODAY,
                company_id=999,
                source="import",
                external_id="X-1",
                match="matched",
            )
        )
    token = start(client)
    fill_all(client, token)
    form = {**FORM, "positions-0-id": str(foreign.id)}
    step(client, token, form)
    submit(client, token)
    approve(app, 1)
    mine = {p.id: p for p in stored(app)}
    assert mine[foreign.id] == foreign  # untouched
    assert {p.title for p in mine.values() if p.company_id != 999} == {
        "Kfz-Mechatroniker/in (m/w/d)",
        "Bürokraft in Teilzeit",
    }


def test_an_invited_employer_gets_the_positions_under_its_name(app: Flask) -> None:
    platform = platform_of(app)
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        for n, (name, postcode) in enumerate(
            [
                ("Kohlenhandel Meyer", "45657"),
                ("Kohlenhandel Meyer GmbH & Co. KG", "45657"),  # the same, as a feed writes it
                ("Kohlenhandel Meyer", "44575"),  # another employer of the same name
            ]
        ):
            repo.add(
                Position(
                    employer_name=name,
                    employer_postcode=postcode,
                    employer_town="Recklinghausen",
                    title=f"Fahrer/in {n}",
                    kind="full_time",
                    published=TODAY,
                    source="ba",
                    external_id=f"BA-{n}",
                    match="unmatched",
                )
            )
    with app.test_request_context("/"):
        from webapp.kit import editor_link

        submission = invite_employer(
            platform,
            employer_name="Kohlenhandel Meyer",
            employer_postcode="45657",
            employer_town="Recklinghausen",
            email="info@kohlenhandel.example",
            lang="de",
            editor_link=editor_link("de"),
            actor="operator:chefin",
        )
    mail = platform.outbox.messages()[-1]
    assert mail.to == "info@kohlenhandel.example"
    assert "Kohlenhandel Meyer ist noch nicht" in mail.body and "(Anzahl: 2)" in mail.body
    client = app.test_client()
    client.get(outbox_links(app)[0])
    page = client.get("/fragebogen/schritt/unternehmen").get_data(as_text=True)
    assert 'value="Kohlenhandel Meyer"' in page  # started with its name
    token = csrf(page)
    answers = {**ANSWERS, "unternehmen": {**ANSWERS["unternehmen"], "name": "Kohlenhandel Meyer"}}
    answers["standort"] = {"street": "Zechenstraße 1", "postcode": "45657", "town": ""}
    fill_all(client, token, answers)
    submit(client, token)
    assert {p.company_id for p in stored(app)} == {None}  # nothing before approval
    approve(app, submission)
    company = company_id(app, "Kohlenhandel")
    owners = {p.title: (p.company_id, p.match) for p in stored(app)}
    assert owners == {
        "Fahrer/in 0": (company, "manual"),
        "Fahrer/in 1": (company, "manual"),
        "Fahrer/in 2": (None, "unmatched"),  # another postcode: another employer
    }


def test_operators_invite_an_employer_from_its_page_with_every_problem_at_once(
    app: Flask,
) -> None:
    platform = platform_of(app)
    with platform.session(write=True) as session:
        PositionRepository(session).add(
            Position(
                employer_name="Kohlenhandel Meyer",
                employer_postcode="45657",
                employer_town="Recklinghausen",
                title="Fahrer/in",
                kind="full_time",
                published=TODAY,
                source="ba",
                external_id="BA-9",
                match="unmatched",
            )
        )
    page = "/admin/stellen/einladen?arbeitgeber=Kohlenhandel+Meyer&plz=45657"
    public = app.test_client()
    assert public.get(page).status_code in (302, 303)  # operators only: to the login
    operator = app.test_client()
    login(operator)
    # the review list leads to the invitation of each employer
    review = operator.get("/admin/stellen/zuordnung").get_data(as_text=True)
    assert 'href="/admin/stellen/einladen?arbeitgeber=Kohlenhandel+Meyer&amp;plz=45657"' in review
    form = operator.get(page)
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "Kohlenhandel Meyer zum Leitfragebogen einladen" in html and "Fahrer/in" in html
    token = csrf(html)
    bad = operator.post(page, data={"csrf_token": token, "email": "meyer(at)", "lang": "xx"})
    assert bad.status_code == 422
    said = bad.get_data(as_text=True)
    assert said.count('class="field-error"') == 2
    assert "name@beispiel.de" in said and "angebotenen Sprachen" in said
    assert 'value="meyer(at)"' in said  # what was typed stays
    assert platform.outbox.messages() == []
    good = operator.post(
        page, data={"csrf_token": token, "email": "info@meyer.example", "lang": "en"}
    )
    assert good.status_code == 303
    assert "info@meyer.example" in operator.get(good.headers["Location"]).get_data(as_text=True)
    mail = platform.outbox.messages()[-1]
    assert mail.to == "info@meyer.example" and "Kohlenhandel Meyer cannot be found" in mail.body
    assert "?lang=en" in mail.body or "lang=en" in mail.body
    unknown = operator.get("/admin/stellen/einladen?arbeitgeber=Niemand&plz=45657")
    assert unknown.status_code == 404


def test_markup_in_a_position_is_plain_text_on_every_page(app: Flask, client: FlaskClient) -> None:
    token = start(client)
    fill_all(client, token)
    form = {
        "positions-rows": "1",
        "positions-0-title": f"Koch/Köchin {SCRIPT}",
        "positions-0-kind": "full_time",
        "positions-0-description": f"Gute Küche.\n\n{SCRIPT} <b>fett</b>",
    }
    assert step(client, token, form).status_code == 303
    pages = [client.get("/fragebogen/schritt/jobs"), client.get("/fragebogen/pruefen")]
    submit(client, token)
    pages.append(approve(app, 1))
    (position,) = stored(app)
    assert position.title == "Koch/Köchin" and position.description == "Gute Küche.\n\nfett"
    platform = platform_of(app)
    slug = platform.search(platform.parse_query({"q": ["Morgenrot"]})).items[0].slug
    pages += [client.get(f"/unternehmen/{slug}"), client.get(f"/stellen/{position.id}")]
    for page in pages:
        html = page if isinstance(page, str) else page.get_data(as_text=True)
        assert "Koch/Köchin" in html
        assert "__pwned" not in html and "onerror" not in html and "<b>fett" not in html
