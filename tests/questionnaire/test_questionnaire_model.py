"""The questionnaire as data: answer types, messages in every catalog language, mapping to the
profile and back, plugin sections, the deprecated language pairs."""

from __future__ import annotations

from typing import Any

import pytest

from core import Company
from core.errors import ConfigError
from core.i18n import Text
from core.portal.core_sections import core_sections
from core.portal.questionnaire import (
    DOMAIN,
    AnswerType,
    Option,
    Question,
    Questionnaire,
    Section,
    check,
    clean_text,
    section_from_data,
)
from plugins.transit.questionnaire import commuting_section

LANGUAGES = ("de", "en", "tr", "ar")
#: the label of core's first question, as each language quotes it in front of a problem
QUOTED = {
    "de": "„Name des Unternehmens“: ",
    "en": "“Company name”: ",
    "tr": "“İşletmenin adı”: ",
    "ar": "«اسم الشركة»: ",
}


def q(answer: AnswerType, **kwargs: Any) -> Question:
    label = Text.message(DOMAIN, "questions.name.label")
    return Question(key="field", label=label, answer=answer, **kwargs)


@pytest.mark.parametrize(
    ("question", "raw", "value"),
    [
        (q(AnswerType.TEXT), "  Bäckerei   Sonne ", "Bäckerei Sonne"),
        (q(AnswerType.TEXT), "<b>Fett</b> & gut", "Fett & gut"),
        (q(AnswerType.TEXT), "Preis < 10 €", "Preis < 10 €"),
        (q(AnswerType.LONGTEXT), "Eins.\r\n\r\n\r\nZwei.", "Eins.\n\nZwei."),
        (q(AnswerType.INTEGER), "12", 12),
        (q(AnswerType.INTEGER), 12, 12),
        (q(AnswerType.NUMBER), "2,5", 2.5),
        (q(AnswerType.BOOL), "yes", True),
        (q(AnswerType.BOOL), False, False),
        (q(AnswerType.URL), "www.example.org", "https://www.example.org"),
        (q(AnswerType.EMAIL), "a@b.de", "a@b.de"),
        (q(AnswerType.PHONE), "+49 2361 12-34", "+49 2361 12-34"),
        (q(AnswerType.POSTCODE), "45657", "45657"),
        (q(AnswerType.LOCATION), {"lat": "51,6", "lon": "7.1"}, {"lat": 51.6, "lon": 7.1}),
        (
            q(AnswerType.MULTICHOICE, options=(Option("a", "A"), Option("b", "B"))),
            ["b", "a"],
            ["a", "b"],
        ),
        (q(AnswerType.TEXT), "", None),
    ],
)
def test_answers_are_checked_and_normalised(question: Question, raw: Any, value: Any) -> None:
    assert check(question, raw) == (value, None)


@pytest.mark.parametrize(
    ("question", "raw", "de", "en"),
    [
        (q(AnswerType.TEXT, required=True), "", "fehlt", "missing"),
        (q(AnswerType.TEXT, max_length=5), "sechs!", "höchstens 5 Zeichen", "at most 5"),
        (q(AnswerType.INTEGER), "zehn", "ganze Zahl", "whole number"),
        (q(AnswerType.NUMBER, minimum=0, maximum=200), "250", "von 0 bis 200", "from 0 to 200"),
        (q(AnswerType.EMAIL), "kein-at", "name@beispiel.de", "name@example.com"),
        (q(AnswerType.PHONE), "ruf an", "nur Ziffern", "digits"),
        (q(AnswerType.URL), "mein laden", "https://", "https://"),
        (q(AnswerType.POSTCODE), "4565", "fünfstellige", "five-digit"),
        (q(AnswerType.POSTCODE), "00000", "gibt es nicht", "does not exist"),
        (q(AnswerType.CHOICE, options=(Option("a", "A"),)), "z", "angebotenen", "options"),
        (q(AnswerType.LOCATION), {"lat": "hier", "lon": "7"}, "Markierung", "pin"),
        (q(AnswerType.CONSENT, consent="processing", required=True), "false", "zu", "agree"),
        (q(AnswerType.BOOL), "vielleicht", "Ja oder Nein", "yes or no"),
    ],
)
def test_every_problem_names_the_field_and_the_fix_in_every_language(
    question: Question, raw: Any, de: str, en: str
) -> None:
    value, problem = check(question, raw)
    assert problem is not None
    assert de in problem.text("de") and en in problem.text("en")
    texts = problem.as_dict()
    assert set(LANGUAGES) <= set(texts)
    for lang in LANGUAGES:
        assert texts[lang].startswith(QUOTED[lang]), texts[lang]
        assert len(texts[lang]) > len(QUOTED[lang]) + 10, "the fix follows the label"
    assert len({texts[lang].removeprefix(QUOTED[lang]) for lang in LANGUAGES}) == 4
    assert value not in (None, "") or raw in ("", "false"), "the entered value is kept"


def test_markup_and_control_characters_never_reach_the_profile() -> None:
    text = clean_text('Hallo<script>alert(1)</script><img src=x onerror="x()">\x00Welt')
    assert text == "HalloWelt"
    assert clean_text("&lt;b&gt; bleibt Text") == "&lt;b&gt; bleibt Text"


def test_core_sections_cover_filters_story_and_contact() -> None:
    questionnaire = Questionnaire.build(core_sections())
    targets = {question.target for _, question in questionnaire.questions()}
    assert {"name", "industry", "employees", "professions", "family", "offers", "benefits"} <= (
        targets
    )
    assert {"contact.name", "contact.email", "contact.phone", "location", "logo"} <= targets
    keys = {question.key for _, question in questionnaire.questions()}
    assert {"attractive", "typical_day", "learn"} <= keys
    opened = [q for _, q in questionnaire.questions() if q.answer is AnswerType.LONGTEXT]
    for lang in LANGUAGES:
        for section in questionnaire.sections:
            assert section.title(lang) and section.intro(lang)
        for _, question in questionnaire.questions():
            assert question.label(lang), (question.key, lang)
        assert all(q.example(lang) for q in opened), "open questions have examples"
    # every language has its own words (none is a copy of the German one)
    for lang in ("en", "tr", "ar"):
        labels = [question.label(lang) for _, question in questionnaire.questions()]
        german = [question.label("de") for _, question in questionnaire.questions()]
        assert sum(a == b for a, b in zip(labels, german, strict=True)) <= 2, lang


def test_answers_make_the_profile_and_the_profile_gives_the_answers_back() -> None:
    questionnaire = Questionnaire.build(
        [*core_sections(), section_from_data(commuting_section(), plugin="transit")]
    )
    answers = {
        "unternehmen": {"name": "Tischlerei Holz", "industry": "C", "employees": 4},
        "standort": {"postcode": "45657", "location": {"lat": 51.61, "lon": 7.2}},
        "ueber-uns": {"description": "Möbel nach Maß.", "learn": "Holz lesen."},
        "angebote": {"offers": ["ausbildung"]},
        "kontakt": {"contact_name": "Jan", "publish_contact": True},
        "transit_commuting": {"job_ticket": "deutschlandticket_job", "job_ticket_subsidy_eur": 30},
    }
    company = questionnaire.apply(answers)
    assert company.name == "Tischlerei Holz" and company.slug == "tischlerei-holz"
    assert company.employees == 4 and company.offers == ("ausbildung",)
    assert company.location is not None and company.location.lat == 51.61
    assert company.contact is not None and company.contact.name == "Jan"
    assert company.extensions["core"] == {"learn": "Holz lesen."}
    assert company.extensions["transit"] == {
        "job_ticket": "deutschlandticket_job",
        "job_ticket_subsidy_eur": 30,
    }
    again = questionnaire.answers_from(company)
    assert again["unternehmen"]["name"] == "Tischlerei Holz"
    assert again["transit_commuting"]["job_ticket_subsidy_eur"] == 30
    assert questionnaire.apply(again).to_dict() == company.to_dict()


def test_hidden_questions_are_dropped() -> None:
    questionnaire = Questionnaire.build([section_from_data(commuting_section(), plugin="transit")])
    values, problems = questionnaire.clean_section(
        "transit_commuting", {"job_ticket": "no", "job_ticket_subsidy_eur": "999"}
    )
    assert values == {"job_ticket": "no"} and problems == {}


def test_an_edit_keeps_what_the_questionnaire_does_not_ask() -> None:
    questionnaire = Questionnaire.build(core_sections())
    base = Company(name="Alt GmbH", id=7, slug="alt-gmbh", extensions={"other": {"x": 1}})
    company = questionnaire.apply({"unternehmen": {"name": "Neu GmbH"}}, base)
    assert company.id == 7 and company.slug == "alt-gmbh"
    assert company.extensions == {"other": {"x": 1}}


def test_plugin_sections_in_their_own_shapes_are_converted() -> None:
    childcare_like = {
        "key": "childcare",
        "title": "Kinderbetreuung",
        "plugin": "childcare",
        "extension": "childcare",
        "questions": [
            {
                "key": "company_kita",
                "label": Text.message(DOMAIN, "yes"),
                "answer": "bool",
                "target": "company_kita",
                "offer": "company_kita",
                "show_if": None,
                "options": [],
            }
        ],
    }
    section = section_from_data(childcare_like, plugin="childcare")
    assert section.namespace == "childcare"
    assert section.questions[0].extra == {"offer": "company_kita"}
    assert section.title("tr") == "Kinderbetreuung", "a plain string reads the same everywhere"
    assert section.questions[0].label("tr") == "Evet"
    with pytest.raises(ConfigError, match="unknown field"):
        section_from_data({**childcare_like, "colour": "blue"})


@pytest.mark.parametrize(
    "make",
    [
        lambda: Question(key="Bad Key", label="x", answer=AnswerType.TEXT),
        lambda: Question(key="csrf_token", label="x", answer=AnswerType.TEXT),
        lambda: Question(key="c", label="x", answer=AnswerType.CHOICE),
        lambda: Section(key="s", title="S", questions=(q(AnswerType.TEXT, target="nonsense"),)),
        lambda: Questionnaire.build(core_sections() + core_sections()[:1]),
    ],
)
def test_bad_definitions_are_refused(make: Any) -> None:
    with pytest.raises(ConfigError):
        make()


def test_the_deprecated_language_pairs_still_work_and_warn() -> None:
    with pytest.warns(DeprecationWarning):
        option = Option("a", label_de="Ja", label_en="Yes")
    with pytest.warns(DeprecationWarning):
        question = Question(
            key="kita",
            label_de="Kita?",
            label_en="Kita?",
            help_de="Hilfe",
            help_en="Help",
            answer=AnswerType.BOOL,
        )
    with pytest.warns(DeprecationWarning):
        section = section_from_data(
            {"key": "s", "title_de": "Schritt", "title_en": "Step", "questions": [question]}
        )
    assert (option.label("de"), option.label("en")) == ("Ja", "Yes")
    assert (question.help("de"), question.help("en")) == ("Hilfe", "Help")
    assert (section.title("de"), section.title("en")) == ("Schritt", "Step")
    with pytest.warns(DeprecationWarning):
        assert section.title_en == "Step"
