"""The training section of the Leitfragebogen: its data, core's handling, the stored shape."""

from __future__ import annotations

import pytest

from core import Company, Location, Status, ValidationError
from plugins.training.questionnaire import (
    TrainingOffer,
    apply_answers,
    normalise_answers,
    training_section,
)

ANSWERS = {
    "trains_apprentices": True,
    "apprenticeship_professions": ["26", "25"],
    "apprenticeship_titles": "Mechatroniker/in, Industriemechaniker/in",
    "apprenticeship_places": 4,
    "dual_study": True,
    "dual_study_partner": "Westfälische Hochschule",
    "dual_study_programmes": "Elektrotechnik (B.Eng.)",
    "further_training_budget_eur": 1200,
    "further_training_days": 3,
}


def _company(**changes):
    values = dict(
        id=1,
        name="Beispiel Elektro GmbH",
        location=Location(51.65, 7.09),
        professions=("26",),
        offers=("jobs",),
        status=Status.PUBLISHED,
    )
    values.update(changes)
    return Company(**values)


def test_the_platform_takes_the_section_through_core_hook(fresh):
    platform = fresh()
    section = platform.questionnaire.section("training")
    assert section.plugin == "training" and section.namespace == "training"
    assert [q.key for q in section.questions] == [q["key"] for q in training_section()["questions"]]
    professions = section.question("apprenticeship_professions")
    assert professions.answer.value == "multichoice" and len(professions.options) == 37
    assert section.question("dual_study_partner").show_if == ("dual_study", True)


def test_core_checks_answers_and_the_plugin_stores_them(fresh):
    platform = fresh()
    questionnaire = platform.questionnaire
    raw = {
        **{k: str(v) if isinstance(v, int) else v for k, v in ANSWERS.items()},
        "trains_apprentices": "ja",
    }
    values, problems = questionnaire.clean_section("training", raw)
    assert problems == {}
    company = questionnaire.apply({"training": values}, base=_company())
    stored = company.extensions["training"]
    assert stored["apprenticeship_professions"] == ["25", "26"]
    assert stored["apprenticeship_places"] == 4 and stored["dual_study"] is True
    assert "ausbildung" in company.offers and "duales_studium" in company.offers
    assert "further_training" in company.benefits
    # editing again starts from the stored answers
    assert questionnaire.answers_from(company)["training"]["apprenticeship_places"] == 4
    # a required field left out is core's message, naming the question, in both languages
    _, problems = questionnaire.clean_section(
        "training", {"trains_apprentices": True, "apprenticeship_places": "viele"}
    )
    assert set(problems) == {"apprenticeship_professions", "apprenticeship_places"}
    assert problems["apprenticeship_places"].de and problems["apprenticeship_places"].en


def test_previews_of_unfinished_answers_do_not_fail(fresh):
    platform = fresh()
    company = platform.questionnaire.apply(
        {"training": {"trains_apprentices": True}}, base=_company()
    )
    offer = TrainingOffer.from_extension(company.extensions.get("training"))
    assert offer.trains_apprentices and offer.professions == ()


def test_normalise_answers_checks_like_core_and_drops_hidden_answers():
    stored = normalise_answers(
        {
            "trains_apprentices": "false",
            "apprenticeship_professions": ["26"],
            "dual_study": True,
            "dual_study_partner": "  Hochschule Ruhr West ",
            "further_training_days": "2,5",
        }
    )
    assert stored == {
        "trains_apprentices": False,
        "dual_study": True,
        "dual_study_partner": "Hochschule Ruhr West",
        "further_training_days": 2.5,
    }
    with pytest.raises(ValidationError) as caught:
        normalise_answers(
            {
                "trains_apprentices": True,
                "apprenticeship_professions": ["99"],
                "further_training_budget_eur": "teuer",
                "dual_study": "vielleicht",
            }
        )
    assert set(caught.value.errors) == {
        "apprenticeship_professions",
        "further_training_budget_eur",
        "dual_study",
    }


def test_apply_answers_switches_core_codes_on_but_never_off():
    company = apply_answers(_company(benefits=("pension",)), ANSWERS)
    assert company.offers == ("ausbildung", "duales_studium", "jobs")
    assert company.benefits == ("pension", "further_training")
    offer = TrainingOffer.from_extension(company.extensions["training"])
    assert offer.titles == ("Mechatroniker/in", "Industriemechaniker/in")
    assert offer.supports_further_training and offer.places == 4
    cleared = apply_answers(company, {})
    assert "training" not in cleared.extensions
    assert "ausbildung" in cleared.offers, "core's own answer stays"
