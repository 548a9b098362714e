"""The plugin as a whole: settings checked at start-up, questionnaire section, profile
section, model rules, and the privacy hooks (export and erase a company's data)."""

from __future__ import annotations

import datetime as dt

import pytest
from housing_support import TODAY, make_platform

from core import AnswerType, PluginError
from core.portal.questionnaire import Questionnaire
from plugins.housing.model import FieldProblems, Offer, offer_from_fields, parse_number
from plugins.housing.questionnaire import housing_section


@pytest.mark.parametrize(
    ("bad", "key"),
    [
        ({"default_lifetime_days": 0}, "default_lifetime_days"),
        ({"max_radius_km": 1000.0}, "max_radius_km"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"colour": "red"}, "colour"),
        ({"profile_offers": "five"}, "profile_offers"),
    ],
)
def test_settings_are_validated_at_start(new_database, bad, key):
    with pytest.raises(PluginError, match=key):
        make_platform(new_database("x"), **bad)


def test_questionnaire_section_is_well_formed():
    section = housing_section()
    keys = [q.key for q in section.questions]
    assert len(keys) == len(set(keys)) and section.namespace == "housing"
    for question in section.questions:
        assert question.answer in AnswerType and all(
            question.label(lang) for lang in ("de", "en", "tr", "ar")
        )
        if question.show_if is not None:
            assert question.show_if[0] in keys
    # core checks the answers: hidden questions and unknown keys are dropped
    questionnaire = Questionnaire.build([section])
    values, problems = questionnaire.clean_section(
        "housing_staff", {"offers_housing": True, "kinds": ["company_flat"], "places": 4}
    )
    assert problems == {}
    assert values == {"offers_housing": True, "kinds": ["company_flat"], "places": 4}
    _, problems = questionnaire.clean_section(
        "housing_staff", {"offers_housing": True, "kinds": ["castle"], "places": -1, "x": 1}
    )
    assert set(problems) == {"kinds", "places"}
    values, problems = questionnaire.clean_section("housing_staff", {"kinds": ["castle"]})
    assert set(problems) == {"offers_housing"} and values == {}


def test_questionnaire_section_is_handed_to_core(new_database):
    platform = make_platform(new_database("q"))
    sections = [s for s in platform.questionnaire.sections if s.plugin == "housing"]
    assert [s.key for s in sections] == ["housing_staff"]
    assert sections[0].extension == "housing"


def test_profile_section(new_database):
    from housing_support import EXAMPLES, add_companies, companies, import_file

    platform = make_platform(new_database("p"))
    items = companies(3, seed=4)
    company = items[1]
    company.location = type(company.location)(51.6571, 7.0896)  # Marl, next to two offers
    company.extensions = {
        "housing": {"offers_housing": True, "kinds": ["apprentice_housing"], "rent_from_eur": 290}
    }
    add_companies(platform, items)
    import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    (section,) = [s for s in platform.profile_sections(company, "de") if s.plugin == "housing"]
    assert section.id == "housing" and "Wohnraum für Beschäftigte" in section.html
    assert "Azubi-Wohnen / Wohnheimplatz (ab 290\u00a0€ warm)" in section.html
    assert "2-Zimmer-Wohnung nahe Marler Stern" in section.html and "<script" not in section.html
    (english,) = [s for s in platform.profile_sections(company, "en") if s.plugin == "housing"]
    assert "Housing offers within 5 km" in english.html
    platform.db.dispose()


def locate(street, postcode, town, public, given):
    from plugins.housing.model import Place

    lat, lon = given or (51.6, 7.1)
    return Place(street if public else "", postcode, town or "Marl", public, lat, lon)


@pytest.mark.parametrize(
    ("text", "money", "value"),
    [("650", True, 650), ("650,50", True, 650.5), ("1.250,00", True, 1250), ("189.000", True,
     189000), ("1.5", False, 1.5), ("1,250.75", True, 1250.75), (" 720 € ", True, 720)],
)  # fmt: skip
def test_numbers_as_files_write_them(text, money, value):
    assert parse_number(text, money=money) == value


def test_offer_rules():
    base = {"title": "Wohnung", "postcode": "45768", "warm_rent_eur": "500"}
    offer = offer_from_fields(base, locate=locate, today=TODAY, lifetime_days=30)
    assert isinstance(offer, Offer) and offer.expires_on == TODAY + dt.timedelta(days=30)
    assert offer.external_id.startswith("auto-")
    again = offer_from_fields(base, locate=locate, today=TODAY, lifetime_days=30)
    assert again.external_id == offer.external_id  # same content, same key
    offer = offer_from_fields(
        {**base, "warm_rent_eur": "", "cold_rent_eur": "400", "additional_costs_eur": "90,5"},
        locate=locate,
        today=TODAY,
        lifetime_days=30,
    )
    assert offer.warm_rent_eur == 490.5 and offer.offer_type == "rent"
    with pytest.raises(FieldProblems) as caught:
        offer_from_fields(
            {**base, "cold_rent_eur": "600", "link": "ftp://x", "lat": "51"},
            locate=locate,
            today=TODAY,
            lifetime_days=30,
        )
    assert set(caught.value.problems) == {"warm_rent_eur", "link", "lat"}
    assert (
        offer.price_label("de") == "490,50\u00a0€ warm"
    )  # the amount and its sign stay on one line
    sale = offer_from_fields(
        {"title": "Haus", "postcode": "45768", "price_eur": "329.000"},
        locate=locate,
        today=TODAY,
        lifetime_days=30,
    )
    assert sale.offer_type == "buy" and sale.price_label("de") == "Kauf 329.000\u00a0€"
    assert sale.price_label("en") == "Purchase €329,000"  # the English way to write euros


def test_gdpr_hooks(new_database):
    from plugins.housing.datasets import checked_offer
    from plugins.housing.hooks import erase_company_data, export_company_data, service_for
    from plugins.housing.repository import add_offer

    platform = make_platform(new_database("g"))
    service = service_for(platform)
    body = {"title": "Werkswohnung", "postcode": "45768", "warm_rent_eur": 450, "company_id": 7}
    with platform.session(write=True) as session:
        add_offer(session, checked_offer(service, body, "manual"))
    exported = export_company_data(platform=platform, company_id=7)
    assert exported["housing_offers"][0]["title"] == "Werkswohnung"
    assert export_company_data(platform=platform, company_id=8) is None
    erase_company_data(platform=platform, company_id=7)
    erase_company_data(platform=platform, company_id=7)  # idempotent
    assert export_company_data(platform=platform, company_id=7) is None
    platform.db.dispose()


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_profile_section_in_turkish_and_arabic(new_database, lang):
    """The section speaks the page's language through the catalog: its headings, the staff
    housing kinds and the offers' facts, with no German text of the plugin left."""
    from housing_support import EXAMPLES, add_companies, companies, import_file
    from plugin_languages import german_left

    from core import catalog

    platform = make_platform(new_database("p"))
    items = companies(3, seed=4)
    company = items[1]
    company.location = type(company.location)(51.6571, 7.0896)
    company.extensions = {
        "housing": {"offers_housing": True, "kinds": ["apprentice_housing"], "rent_from_eur": 290}
    }
    add_companies(platform, items)
    import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    (section,) = [s for s in platform.profile_sections(company, lang) if s.plugin == "housing"]
    texts = catalog("housing").texts(lang)
    assert section.title == texts["profile.title"]
    kind = "questionnaire.kinds_options.apprentice_housing"
    for key in ("profile.staff", "profile.staff_text", kind):
        assert texts[key] in section.html
    assert "2-Zimmer-Wohnung nahe Marler Stern" in section.html  # the provider's own title
    assert german_left(section.html, "housing", texts) == []
    platform.db.dispose()


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar"])
def test_offer_checks_name_the_problem_in_the_page_language(lang):
    """A check's message is English where a string goes (API, import report) and in the
    page's language on a page."""
    from core import Sentence, catalog

    with pytest.raises(FieldProblems) as caught:
        offer_from_fields(
            {"title": "", "postcode": "4576", "warm_rent_eur": "viel"},
            locate=locate,
            today=TODAY,
            lifetime_days=30,
        )
    problems = caught.value.problems
    assert problems["title"] == ["A title is required."]  # the string itself: English
    texts = catalog("housing")
    assert Sentence.of(problems["title"][0], lang) == texts.text("check.title_required", lang)
    assert Sentence.of(problems["postcode"][0], lang) == texts.text(
        "check.bad_postcode", lang, value="'4576'"
    )
    assert Sentence.of(problems["warm_rent_eur"][0], lang) == texts.text(
        "check.not_number", lang, value="'viel'"
    )
