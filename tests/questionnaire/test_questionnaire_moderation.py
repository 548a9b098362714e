"""The moderation page names every answer by its label, never by its code.

Submissions are made through the real Leitfragebogen (start form, every step of core and of
the five in-tree plugins, submit) and read by an operator on the moderation page, in German
and in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from questionnaire_support import csrf, fill_all, login, make_app, start, submit

from core import classifications as vocab
from core.model import Address
from core.persistence import companies as company_repo

PLUGINS = ["childcare", "housing", "transit", "training", "events"]

#: Every step answered, with a code in every question that has options. Some codes are
#: numbers (KldB areas 1 to 9, WZ divisions and KldB groups 01 to 99): a number typed as an
#: answer is rightly shown as that number, so those (``_TYPED``) are not counted as codes.
ANSWERS: dict[str, dict[str, Any]] = {
    "unternehmen": {
        "name": "Bäckerei Morgenrot",
        "industry": "C",
        "employees": "120",
        "website": "www.morgenrot.example",
    },
    "standort": {"street": "Kirchstraße 3", "postcode": "45699", "town": "Herten"},
    "ueber-uns": {
        "description": "Wir backen Brot und Brötchen für Herten.",
        "attractive": "Kleines Team, feste Schichten.",
        "typical_day": "Um 5 Uhr geht es los.",
        "learn": "Alles vom Sauerteig bis zur Torte.",
    },
    "angebote": {
        "offers": ["ausbildung", "praktikum"],
        "professions": ["29", "62"],
        "benefits": ["job_ticket", "further_training"],
    },
    "familie": {
        "family": ["part_time", "flexible_hours"],
        "certificates": ["audit_berufundfamilie"],
    },
    "kontakt": {
        "contact_name": "Erika Mustermann",
        "contact_email": "erika@morgenrot.example",
        "contact_phone": "02366 12345",
        "publish_contact": "true",
    },
    "childcare": {
        "company_kita": "yes",
        "company_kita_places": "12,5",
        "company_kita_ages": ["u3", "3to6"],
        "reserved_places": "no",
        "allowance": "yes",
        "allowance_eur_month": "150",
        "holiday_care": "yes",
        "emergency_care": "no",
        "details": "Ferienbetreuung mit dem Sportverein.",
    },
    "training": {
        "trains_apprentices": "yes",
        "apprenticeship_professions": ["29", "62"],
        "apprenticeship_titles": "Bäcker/in, Fachverkäufer/in",
        "apprenticeship_places": "3",
        "dual_study": "no",
        "further_training_budget_eur": "1500",
        "further_training_days": "5",
    },
    "housing_staff": {
        "offers_housing": "yes",
        "kinds": ["apprentice_housing", "shared_flat"],
        "places": "4",
        "rent_from_eur": "320",
        "for_apprentices": "yes",
        "details": "Zimmer über der Backstube.",
    },
    "transit_commuting": {
        "job_ticket": "deutschlandticket_job",
        "job_ticket_subsidy_eur": "7",
        "job_ticket_for_trainees": "yes",
        "shuttle": "planned",
        "bike_leasing": "yes",
        "bike_facilities": ["parking", "showers"],
        "shift_times_fit_transit": "no",
    },
}
_TYPED = {v for values in ANSWERS.values() for v in values.values() if str(v).isdigit()}
#: what the edit changes: a code in core's and in three plugins' sections, and the street
EDIT: dict[str, dict[str, Any]] = {
    "unternehmen": {**ANSWERS["unternehmen"], "industry": "G"},
    "standort": {**ANSWERS["standort"], "street": "Marktplatz 1"},
    "angebote": {**ANSWERS["angebote"], "professions": ["62", "71"]},
    "childcare": {**ANSWERS["childcare"], "company_kita_ages": ["school"]},
    "housing_staff": {**ANSWERS["housing_staff"], "kinds": ["company_flat"]},
    "transit_commuting": {**ANSWERS["transit_commuting"], "shuttle": "yes"},
}
_VOCABULARIES = (
    vocab.industries,
    vocab.industry_divisions,
    vocab.professions,
    vocab.profession_areas,
    vocab.offers,
    vocab.benefits,
    vocab.family_features,
    vocab.certificates,
    vocab.size_classes,
)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path / "app", enabled=PLUGINS)
    yield app
    app.extensions["regiokarte"].db.dispose()


def _submitted(app: Flask) -> FlaskClient:
    """A company that went through every step and submitted (its logged-in browser)."""
    client = app.test_client()
    token = start(client)
    fill_all(client, token, ANSWERS)
    submit(client, token)
    return client


def _codes(app: Flask) -> set[str]:
    """Every code of core's vocabularies and every option value of every question."""
    codes = {code for vocabulary in _VOCABULARIES for code in vocabulary().codes}
    questionnaire = app.extensions["regiokarte"].questionnaire
    codes |= {o.value for _, q in questionnaire.questions() for o in q.options}
    return codes


def _items(element: Any) -> list[str]:
    """The values a cell shows: its lines, and the parts of a list written "a, b"."""
    text = element.text_content()
    return [item.strip() for item in re.split(r",\s|\n", text) if item.strip()]


def _page(operator: FlaskClient, number: int, lang: str) -> Any:
    response = operator.get(f"/admin/einreichung/{number}?lang={lang}")
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True))


def _label(app: Flask, section: str, question: str, code: str, lang: str) -> str:
    """The label of option ``code``, read from the question's declared options."""
    found = app.extensions["regiokarte"].questionnaire.section(section).question(question)
    labels = {o.value: o.label(lang) for o in found.options}
    return labels[code]


def _position(lat: float, lon: float, lang: str) -> str:
    """A position written out by hand: five decimals at most, the language's decimal sign."""

    def degrees(value: float) -> str:
        text = f"{value:.5f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if lang == "de" else text

    east = "O" if lang == "de" else "E"
    return f"{degrees(lat)}° N, {degrees(lon)}° {east}"


def test_every_choice_question_is_answered_by_the_test(app: Flask) -> None:
    """The checks below cover every coded question of core and the plugins."""
    questionnaire = app.extensions["regiokarte"].questionnaire
    coded = {(s.key, q.key) for s, q in questionnaire.questions() if q.options}
    answered = {(s, q) for s, values in ANSWERS.items() for q in values}
    assert coded <= answered, coded - answered
    assert {s.plugin for s in questionnaire.sections} >= {"core", *PLUGINS} - {"events"}


@pytest.mark.parametrize("lang", ["de", "en"])
def test_moderation_page_shows_labels_and_no_code(app: Flask, lang: str) -> None:
    _submitted(app)
    operator = app.test_client()
    login(operator)
    page = _page(operator, 1, lang)
    diff = page.get_element_by_id("diff")
    cells = diff.xpath(".//tbody//td")
    shown = [item for cell in cells for item in _items(cell)]
    shown += [item for e in page.find_class("q-preview") for item in _items(e)]
    shown += [e.text_content().strip() for e in page.xpath("//main//li | //main//dd")]
    leaked = sorted(_codes(app) & (set(shown) - _TYPED))
    assert not leaked, leaked
    text = diff.text_content()
    # the labels of every code answered, in the page's language
    expected = [
        vocab.industries().get("C").label(lang),
        *(vocab.professions().get(c).label(lang) for c in ("29", "62")),
        *(vocab.offers().get(c).label(lang) for c in ("ausbildung", "praktikum")),
        *(vocab.benefits().get(c).label(lang) for c in ("job_ticket", "further_training")),
        *(vocab.family_features().get(c).label(lang) for c in ("part_time", "flexible_hours")),
        vocab.certificates().get("audit_berufundfamilie").label(lang),
    ]
    for section, values in ANSWERS.items():
        if section in ("angebote", "familie", "unternehmen"):
            continue
        for question, value in values.items():
            found = app.extensions["regiokarte"].questionnaire.section(section).question(question)
            if found.options:
                for code in value if isinstance(value, list) else [value]:
                    expected.append(_label(app, section, question, code, lang))
    missing = [label for label in expected if label not in text]
    assert not missing, missing
    # yes/no answers and numbers as the language writes them
    yes, no = ("Ja", "Nein") if lang == "de" else ("Yes", "No")
    kita = diff.xpath(".//tr[@data-field='extensions.childcare.company_kita']/td")[-1]
    assert kita.text_content().strip() == yes
    emergency = diff.xpath(".//tr[@data-field='extensions.childcare.emergency_care']/td")[-1]
    assert emergency.text_content().strip() == no
    places = diff.xpath(".//tr[@data-field='extensions.childcare.company_kita_places']/td")[-1]
    assert places.text_content().strip() == ("12,5" if lang == "de" else "12.5")
    budget = diff.xpath(".//tr[@data-field='extensions.training.further_training_budget_eur']")
    assert budget[0].xpath("./td")[-1].text_content().strip() == (
        "1.500" if lang == "de" else "1,500"
    )
    # one row for the address and its position on the map, each written once
    location = diff.xpath(".//tr[@data-field='location']")
    assert len(location) == 1
    headers = [th.text_content().strip() for th in diff.xpath(".//tbody//th[@scope='row']")]
    assert len(headers) == len(set(headers)), headers
    platform = app.extensions["regiokarte"]
    pin = platform.geocoder.locate(Address("Kirchstraße 3", "45699", "Herten"))
    assert pin is not None
    assert location[0].xpath("./td")[-1].text_content().strip().split("\n") == [
        "Kirchstraße 3, 45699 Herten",
        _position(pin.lat, pin.lon, lang),
    ]
    assert not re.search(r"\b(lat|lon)\b", text)
    # each plugin's step heads its rows
    sections = [th.text_content() for th in diff.xpath(".//tr[@class='diff-section']/th")]
    questionnaire = platform.questionnaire
    for key in ("childcare", "training", "housing_staff", "transit_commuting"):
        assert questionnaire.section(key).title(lang) in sections


def test_diff_of_an_edit_shows_old_and_new_labels(app: Flask) -> None:
    company = _submitted(app)
    operator = app.test_client()
    admin_token = login(operator)
    approved = operator.post(
        "/admin/einreichung/1", data={"csrf_token": admin_token, "action": "approve"}
    )
    assert approved.status_code == 303
    # the company changes its published profile through the same steps
    token = csrf(company.get("/fragebogen/status").get_data(as_text=True))
    company.post("/fragebogen/bearbeiten", data={"csrf_token": token})
    token = csrf(company.get("/fragebogen/schritt/unternehmen").get_data(as_text=True))
    fill_all(company, token, EDIT)
    submit(company, token)
    for lang in ("de", "en"):
        diff = _page(operator, 2, lang).get_element_by_id("diff")
        rows = {
            tr.get("data-field"): (
                [e.text_content() for e in tr.xpath(".//del")],
                [e.text_content() for e in tr.xpath(".//ins")],
            )
            for tr in diff.xpath(".//tr[@data-field]")
        }

        def labels(section: str, question: str, codes: list[str], lang: str = lang) -> str:
            return ", ".join(_label(app, section, question, c, lang) for c in codes)

        industry = vocab.industries()
        professions = vocab.professions()
        assert rows["industry"] == (
            [industry.get("C").label(lang)],
            [industry.get("G").label(lang)],
        )
        assert rows["professions"] == (
            [", ".join(professions.get(c).label(lang) for c in ("29", "62"))],
            [", ".join(professions.get(c).label(lang) for c in ("62", "71"))],
        )
        assert rows["extensions.childcare.company_kita_ages"] == (
            [labels("childcare", "company_kita_ages", ["u3", "3to6"])],
            [labels("childcare", "company_kita_ages", ["school"])],
        )
        assert rows["extensions.housing.kinds"] == (
            [labels("housing_staff", "kinds", ["apprentice_housing", "shared_flat"])],
            [labels("housing_staff", "kinds", ["company_flat"])],
        )
        assert rows["extensions.transit.shuttle"] == (
            [labels("transit_commuting", "shuttle", ["planned"])],
            [labels("transit_commuting", "shuttle", ["yes"])],
        )
        old, new = rows["location"]
        assert old[0].startswith("Kirchstraße 3, 45699 Herten\n")
        assert new[0].startswith("Marktplatz 1, 45699 Herten\n")
        # what the edit left alone is not listed
        assert set(rows) == {
            "industry",
            "professions",
            "location",
            "extensions.childcare.company_kita_ages",
            "extensions.housing.kinds",
            "extensions.transit.shuttle",
        }


def test_a_decision_on_a_decided_submission_is_explained_in_the_page_language(
    app: Flask,
) -> None:
    _submitted(app)
    operator = app.test_client()
    admin_token = login(operator)
    form = {"csrf_token": admin_token, "action": "approve"}
    assert operator.post("/admin/einreichung/1", data=form).status_code == 303
    for lang, text in (
        ("de", "Über diese Einreichung ist schon entschieden (Status: Freigegeben)."),
        ("en", "This submission has been decided already (status: Approved)."),
    ):
        again = operator.post(f"/admin/einreichung/1?lang={lang}", data=form)
        assert again.status_code == 400
        summary = lxml_html.fromstring(again.get_data(as_text=True)).find_class("error-summary")
        assert text in summary[0].text_content()


def test_an_edit_to_another_industry_drops_the_old_division_and_can_be_approved(
    app: Flask,
) -> None:
    company = _submitted(app)
    operator = app.test_client()
    admin_token = login(operator)
    form = {"csrf_token": admin_token, "action": "approve"}
    assert operator.post("/admin/einreichung/1", data=form).status_code == 303
    platform = app.extensions["regiokarte"]
    # an import gave the bakery its finer WZ division (10: food products, section C)
    with platform.session(write=True) as session:
        published = company_repo.get_company(session, 1, with_contact=True)
        published.industry_division = "10"
        company_repo.update_company(session, published)
    token = csrf(company.get("/fragebogen/status").get_data(as_text=True))
    company.post("/fragebogen/bearbeiten", data={"csrf_token": token})
    token = csrf(company.get("/fragebogen/schritt/unternehmen").get_data(as_text=True))
    fill_all(company, token, {"unternehmen": {**ANSWERS["unternehmen"], "industry": "G"}})
    submit(company, token)
    diff = _page(operator, 2, "de").get_element_by_id("diff")
    row = diff.xpath(".//tr[@data-field='industry_division']")[0]
    assert row.xpath("./th")[0].text_content() == "Branche (genauer)"
    assert [e.text_content() for e in row.xpath(".//del")] == [
        vocab.industry_divisions().get("10").label("de")
    ]
    assert row.xpath("./td")[-1].text_content() == "–"
    form = {"csrf_token": admin_token, "action": "approve"}
    assert operator.post("/admin/einreichung/2", data=form).status_code == 303
    with platform.session() as session:
        approved = company_repo.get_company(session, 1)
    assert (approved.industry, approved.industry_division) == ("G", None)


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        ("de", r"\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+\.? \d{4}, \d\d:\d\d Uhr \(UTC\)"),
        ("en", r"\d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC"),
    ],
)
def test_queue_dates_read_as_the_admin_language_writes_them(
    app: Flask, lang: str, pattern: str
) -> None:
    _submitted(app)
    operator = app.test_client()
    login(operator)
    for path in ("/admin/", "/admin/protokoll"):
        page = lxml_html.fromstring(operator.get(f"{path}?lang={lang}").get_data(as_text=True))
        first = page.xpath("//main//table//tbody/tr[1]/td")
        cell = first[-1] if path == "/admin/" else first[0]
        assert re.fullmatch(pattern, cell.text_content().strip()), cell.text_content()


@pytest.mark.parametrize(
    ("lang", "places", "budget"), [("de", "12,5", "1.500"), ("en", "12.5", "1,500")]
)
def test_review_step_writes_plugin_numbers_the_language_way(
    app: Flask, lang: str, places: str, budget: str
) -> None:
    # the company checks its answers before submitting: the same numbers the operator sees
    client = app.test_client()
    token = start(client)
    fill_all(client, token, ANSWERS)
    review = client.get(f"/fragebogen/pruefen?lang={lang}")
    assert review.status_code == 200
    page = lxml_html.fromstring(review.get_data(as_text=True))
    answers = {e.text_content().strip() for e in page.find_class("q-pre")}
    assert places in answers and budget in answers, sorted(answers)
