"""The company questionnaire section on housing for staff, declared as data.

The questionnaire framework (a ``register_questionnaire_sections`` hook) does not exist yet;
the section is declared here, served at ``/api/v1/housing/questionnaire``, and the answers
live in ``Company.extensions["housing"]`` (checked by ``check_answers``). The company filter
``housing_staff`` and the profile section read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import asdict, field, frozen

from core import ValidationError

__all__ = ["ANSWER_TYPES", "Option", "Question", "Section", "check_answers", "housing_section"]

ANSWER_TYPES = ("bool", "choice", "multichoice", "number", "text")


@frozen
class Option:
    value: str
    label_de: str
    label_en: str


@frozen
class Question:
    """One question: key (the key in the answers), labels, answer type, options, help."""

    key: str
    label_de: str
    label_en: str
    answer: str
    options: tuple[Option, ...] = ()
    help_de: str = ""
    help_en: str = ""
    required: bool = False
    #: shown only when the question ``show_if[0]`` has the answer ``show_if[1]``
    show_if: tuple[str, Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 1000

    def __attrs_post_init__(self) -> None:
        if self.answer not in ANSWER_TYPES:
            raise ValueError(f"question {self.key!r}: unknown answer type {self.answer!r}")
        if self.answer in ("choice", "multichoice") and not self.options:
            raise ValueError(f"question {self.key!r}: a {self.answer} question needs options")


@frozen
class Section:
    key: str
    title_de: str
    title_en: str
    questions: tuple[Question, ...] = field(default=())
    intro_de: str = ""
    intro_en: str = ""
    plugin: str = "housing"
    #: where the answers are stored: Company.extensions[<extension>]
    extension: str = "housing"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


STAFF_HOUSING_KINDS = (
    Option("company_flat", "Werkswohnung / Mitarbeiterwohnung", "Company flat"),
    Option("apprentice_housing", "Azubi-Wohnen / Wohnheimplatz", "Apprentice housing"),
    Option("shared_flat", "Zimmer in einer WG", "Room in a shared flat"),
    Option("temporary", "Übergangswohnung für die ersten Monate", "Temporary flat for newcomers"),
    Option("search_help", "Hilfe bei der Wohnungssuche", "Help with finding a flat"),
)


def housing_section() -> Section:
    """Wohnen: what the employer offers staff and apprentices who need a home nearby."""
    return Section(
        key="housing_staff",
        title_de="Wohnen für Beschäftigte und Auszubildende",
        title_en="Housing for staff and apprentices",
        intro_de=(
            "Wer für die Ausbildung oder den Job umzieht, braucht eine Wohnung. Zeigen Sie, "
            "ob und wie Sie dabei helfen."
        ),
        intro_en=(
            "People who move for an apprenticeship or a job need a home. Show whether and "
            "how you help."
        ),
        questions=(
            Question(
                "offers_housing",
                "Bieten Sie Beschäftigten oder Auszubildenden Wohnraum an?",
                "Do you offer housing to staff or apprentices?",
                "bool",
                required=True,
            ),
            Question(
                "kinds",
                "Welche Art von Wohnraum?",
                "What kind of housing?",
                "multichoice",
                STAFF_HOUSING_KINDS,
                show_if=("offers_housing", True),
            ),
            Question(
                "places",
                "Wie viele Plätze oder Wohnungen gibt es etwa?",
                "About how many places or flats are there?",
                "number",
                minimum=0,
                maximum=10_000,
                show_if=("offers_housing", True),
            ),
            Question(
                "rent_from_eur",
                "Miete ab (Euro pro Monat, warm)",
                "Rent from (euros per month, including running costs)",
                "number",
                minimum=0,
                maximum=5000,
                show_if=("offers_housing", True),
            ),
            Question(
                "for_apprentices",
                "Auch für Auszubildende unter 18 Jahren?",
                "Also for apprentices under 18?",
                "bool",
                show_if=("offers_housing", True),
            ),
            Question(
                "details",
                "Was sollten Bewerberinnen und Bewerber noch wissen?",
                "What else should applicants know?",
                "text",
                max_length=1000,
                show_if=("offers_housing", True),
            ),
        ),
    )


def _valid(question: Question, value: Any) -> bool:
    options = {o.value for o in question.options}
    if question.answer == "bool":
        return isinstance(value, bool)
    if question.answer == "choice":
        return value in options
    if question.answer == "multichoice":
        return isinstance(value, list | tuple) and set(value) <= options
    if question.answer == "number":
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (question.minimum is None or value >= question.minimum)
            and (question.maximum is None or value <= question.maximum)
        )
    return isinstance(value, str) and len(value) <= question.max_length


def check_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers of the section, checked; ``ValidationError`` names every bad one."""
    section = housing_section()
    by_key = {q.key: q for q in section.questions}
    problems: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key, value in answers.items():
        question = by_key.get(key)
        if question is None:
            problems.setdefault(key, []).append(
                f"not a question of this section; questions are: {', '.join(by_key)}"
            )
            continue
        if not _valid(question, value):
            problems.setdefault(key, []).append(f"not a valid {question.answer} answer")
            continue
        out[key] = list(value) if question.answer == "multichoice" else value
    for question in section.questions:
        if question.required and question.key not in answers:
            problems.setdefault(question.key, []).append("an answer is required")
    if problems:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items())
        raise ValidationError(f"The housing answers are invalid: {details}.", problems)
    return out
