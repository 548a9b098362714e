"""Questions that take several records (``AnswerType.ITEMS``) and days (``AnswerType.DATE``):
checking each record, problems named by record and question in every language, the records
as the moderation page reads them, and sections that keep their answers in their own tables
(``Section.load`` / ``publish``)."""

from __future__ import annotations

from typing import Any

import pytest

from core import Company
from core.errors import ConfigError
from core.i18n import Text
from core.portal.answer_texts import answer_text
from core.portal.questionnaire import (
    DOMAIN,
    AnswerType,
    Option,
    Question,
    Questionnaire,
    Section,
    check,
    check_items,
    item_field,
)

TITLE = Question(
    key="title", label=Text.literal(de="Titel", en="Title"), answer="text", required=True
)
KIND = Question(
    key="kind",
    label=Text.literal(de="Art", en="Kind"),
    answer="choice",
    options=(Option("a", Text.literal(de="Ausbildung", en="Apprenticeship")), Option("b", "B")),
    required=True,
)
START = Question(key="start", label=Text.literal(de="Beginn", en="Start"), answer="date")
RECORDS = Question(
    key="positions",
    label=Text.literal(de="Stellen", en="Positions"),
    answer="items",
    items=(TITLE, KIND, START),
    item_name=Text.literal(de="Stelle {n}", en="Position {n}"),
    maximum=3,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.8.2027", "2027-08-01"),
        ("01.08.2027", "2027-08-01"),
        ("2027-08-01", "2027-08-01"),
        ("", None),
    ],
)
def test_a_day_is_read_in_german_and_iso_form(raw: str, value: str | None) -> None:
    assert check(START, raw) == (value, None)


@pytest.mark.parametrize("raw", ["31.2.2027", "morgen", "2027/08/01"])
def test_a_bad_day_is_kept_as_entered_with_a_problem(raw: str) -> None:
    value, problem = check(START, raw)
    assert value == raw
    assert problem is not None
    assert problem.text("de") == (
        "„Beginn“: Bitte geben Sie ein Datum in der Form TT.MM.JJJJ ein, zum Beispiel 1.8.2027."
    )


def test_records_are_checked_one_by_one_and_blank_rows_left_out() -> None:
    raw = [
        {"title": " Kfz-Mechatroniker/in ", "kind": "a", "start": "1.8.2027", "id": "7"},
        {"title": "", "kind": "", "start": "", "id": ""},  # the form's blank row
        {"title": "", "kind": "z", "start": "bald", "id": "x"},
    ]
    records, problems = check_items(RECORDS, raw)
    assert records == [
        {"id": 7, "title": "Kfz-Mechatroniker/in", "kind": "a", "start": "2027-08-01"},
        # the bad answers as entered, so the form shows them again; no id that is no number
        {"kind": "z", "start": "bald"},
    ]
    # every problem of the second record, each named by the record and the question
    assert {k: m.text("de") for k, m in problems.items()} == {
        "positions-1-kind": "„Stelle 2: Art“: Bitte wählen Sie eine der angebotenen Möglichkeiten.",
        "positions-1-start": "„Stelle 2: Beginn“: Bitte geben Sie ein Datum in der Form "
        "TT.MM.JJJJ ein, zum Beispiel 1.8.2027.",
        "positions-1-title": "„Stelle 2: Titel“: Diese Angabe fehlt. "
        "Bitte füllen Sie das Feld aus.",
    }
    assert problems["positions-1-title"].text("en").startswith("“Position 2: Title”: ")
    assert item_field(RECORDS, 1, TITLE) == "positions-1-title"


def test_more_records_than_allowed_are_a_problem_of_the_question() -> None:
    raw = [{"title": f"Stelle {n}", "kind": "a"} for n in range(4)]
    records, problems = check_items(RECORDS, raw)
    assert len(records) == 4
    assert list(problems) == ["positions"]
    assert "höchstens 3" in problems["positions"].text("de")


@pytest.mark.parametrize("raw", ["Kfz", 12, [1, 2], {"a": "b"}])
def test_an_answer_that_is_no_list_of_records_is_refused_not_crashed(raw: Any) -> None:
    records, problems = check_items(RECORDS, raw)
    assert records == []
    assert list(problems) == ["positions"]


def section(**kwargs: Any) -> Section:
    return Section(
        key="jobs", title="Stellen", questions=(RECORDS,), plugin="jobs", order=80, **kwargs
    )


def test_a_section_of_records_is_cleaned_with_every_problem_at_once() -> None:
    questionnaire = Questionnaire.build([section()])
    values, problems = questionnaire.clean_section(
        "jobs",
        {"positions": [{"title": "A", "kind": "a"}, {"kind": "b"}, {"title": "C", "start": "x"}]},
    )
    assert [r.get("title") for r in values["positions"]] == ["A", None, "C"]
    assert sorted(problems) == ["positions-1-title", "positions-2-kind", "positions-2-start"]


def test_records_read_with_labels_never_codes() -> None:
    value = [{"id": 3, "title": "Bäcker/in", "kind": "a", "start": "2027-08-01"}, {"title": "B"}]
    assert answer_text(RECORDS, value, "de") == (
        "Stelle 1\nTitel: Bäcker/in\nArt: Ausbildung\nBeginn: 1. Aug. 2027\n\nStelle 2\nTitel: B"
    )
    assert answer_text(RECORDS, value, "en").startswith(
        "Position 1\nTitle: Bäcker/in\nKind: Apprenticeship\nStart: 1 Aug 2027"
    )


def test_a_section_with_its_own_tables_stays_out_of_the_profile() -> None:
    published: list[dict[str, Any]] = []

    def load(company: Company) -> dict[str, Any]:
        return {"positions": [{"id": 1, "title": "Alt", "kind": "a"}]}

    def publish(**kwargs: Any) -> None:
        published.append(kwargs)

    questionnaire = Questionnaire.build([section(load=load, publish=publish)])
    answers = {"jobs": {"positions": [{"title": "Neu", "kind": "b"}]}}
    company = questionnaire.apply(answers)
    assert "jobs" not in company.extensions
    # editing a published company starts from what the section loads
    assert questionnaire.answers_from(Company(name="X", id=5)) == {
        "jobs": {"positions": [{"id": 1, "title": "Alt", "kind": "a"}]}
    }


def test_load_and_publish_come_together() -> None:
    with pytest.raises(ConfigError, match="both load and publish"):
        section(load=lambda company: {})


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ((), "lists the questions of its records"),
        (
            (Question(key="pin", label="Pin", answer="location"),),
            "must be a plain question",
        ),
        ((Question(key="id", label="Id", answer="text"),), "the record's own id"),
    ],
)
def test_a_records_question_is_checked_when_declared(items: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Question(key="positions", label="Stellen", answer=AnswerType.ITEMS, items=items)


def test_core_names_records_when_the_plugin_does_not() -> None:
    plain = Question(key="rows", label="Zeilen", answer="items", items=(TITLE,))
    _, problems = check_items(plain, [{"title": ""}, {"title": ""}, {"kind": "a"}])
    assert problems == {}  # blank rows and unknown answers: nothing to check
    _, problems = check_items(plain, [{"title": "x" * 300}])
    assert problems["rows-0-title"].text("de").startswith("„Eintrag 1: Titel“: ")
    assert Text.message(DOMAIN, "item_name", n=2)("en") == "Entry 2"


def test_previews_leave_out_the_bad_answers_of_a_record_only() -> None:
    questionnaire = Questionnaire.build([section()])
    checked = questionnaire.checked(
        {"jobs": {"positions": [{"id": 4, "title": "A", "kind": "a", "start": "bald"}]}}
    )
    assert checked == {"jobs": {"positions": [{"id": 4, "title": "A", "kind": "a"}]}}
