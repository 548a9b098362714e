"""The company questionnaire section on childcare, as data, and its answers.

The questionnaire framework (a ``register_questionnaire_sections`` hook) does not exist in core
yet; the section is declared here as plain data, ready to be handed over by that hook. Each
question names the field of ``Company.extensions["childcare"]`` its answer fills. The answers
feed the plugin's filters (``childcare_support``, ``childcare_offer``) and core's work-family
filter (``family=childcare_support``, see ``apply_answers``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from attrs import asdict, field, frozen

from core import Company, ValidationError

__all__ = [
    "ANSWER_TYPES",
    "EXTENSION",
    "FAMILY_CODE",
    "OFFERS",
    "Option",
    "Question",
    "Section",
    "apply_answers",
    "childcare_section",
    "normalise_answers",
    "offers_of",
]

#: The key of ``Company.extensions`` the answers live in.
EXTENSION = "childcare"
#: Core's work-family code that the answers switch on and off.
FAMILY_CODE = "childcare_support"
ANSWER_TYPES = ("bool", "number", "multichoice", "text")


@frozen
class Option:
    value: str
    label_de: str
    label_en: str


@frozen
class Question:
    """One question: key, labels, answer type and the extensions field it fills."""

    key: str
    label_de: str
    label_en: str
    answer: str
    #: where the answer is stored: ``extensions["childcare"][target]``
    target: str
    options: tuple[Option, ...] = ()
    help_de: str = ""
    help_en: str = ""
    #: shown only when the question ``show_if[0]`` has the answer ``show_if[1]``
    show_if: tuple[str, Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    #: an offer filter value this question switches on when answered yes
    offer: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.answer not in ANSWER_TYPES:
            raise ValueError(f"question {self.key!r}: unknown answer type {self.answer!r}")
        if self.answer == "multichoice" and not self.options:
            raise ValueError(f"question {self.key!r}: a multichoice question needs options")

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_de


@frozen
class Section:
    """A questionnaire section: key, titles, intro and questions, in order."""

    key: str
    title_de: str
    title_en: str
    questions: tuple[Question, ...] = field(default=())
    intro_de: str = ""
    intro_en: str = ""
    plugin: str = "childcare"
    extension: str = EXTENSION

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)


#: The kinds of childcare support an employer can offer: (filter value, de, en).
OFFERS: tuple[tuple[str, str, str], ...] = (
    ("company_kita", "Betriebskita", "Company Kita"),
    ("reserved_places", "Belegplätze in einer Kita", "Reserved places in a Kita"),
    ("allowance", "Zuschuss zur Kinderbetreuung", "Childcare allowance"),
    ("holiday_care", "Ferienbetreuung", "Holiday care"),
    ("emergency_care", "Notfallbetreuung", "Emergency childcare"),
)
OFFER_CODES = tuple(code for code, _, _ in OFFERS)


def childcare_section() -> Section:
    """Kinderbetreuung: what the company does so that parents can work."""
    ages = (
        Option("u3", "Unter 3 Jahre", "Under 3"),
        Option("3to6", "3 bis 6 Jahre", "3 to 6"),
        Option("school", "Schulkinder", "School children"),
    )
    return Section(
        key="childcare",
        title_de="Kinderbetreuung",
        title_en="Childcare",
        intro_de=(
            "Eltern suchen Arbeitgeber, bei denen Beruf und Kinder zusammenpassen. Zeigen Sie, "
            "wie Sie bei der Kinderbetreuung unterstützen."
        ),
        intro_en=(
            "Parents look for employers where work and children fit together. Show how you "
            "help with childcare."
        ),
        questions=(
            Question(
                "company_kita",
                "Hat Ihr Unternehmen eine eigene Kita (Betriebskita)?",
                "Does your company run its own Kita (company Kita)?",
                "bool",
                target="company_kita",
                offer="company_kita",
            ),
            Question(
                "company_kita_places",
                "Wie viele Plätze hat die Betriebskita?",
                "How many places does the company Kita have?",
                "number",
                target="company_kita_places",
                show_if=("company_kita", True),
                minimum=0,
                maximum=1000,
            ),
            Question(
                "company_kita_ages",
                "Für welches Alter?",
                "For which ages?",
                "multichoice",
                target="company_kita_ages",
                options=ages,
                show_if=("company_kita", True),
            ),
            Question(
                "reserved_places",
                "Haben Sie Belegplätze in einer Kita für Kinder Ihrer Beschäftigten?",
                "Do you hold reserved places in a Kita for your staff's children?",
                "bool",
                target="reserved_places",
                offer="reserved_places",
            ),
            Question(
                "reserved_places_count",
                "Wie viele Belegplätze?",
                "How many reserved places?",
                "number",
                target="reserved_places_count",
                show_if=("reserved_places", True),
                minimum=0,
                maximum=1000,
            ),
            Question(
                "allowance",
                "Zahlen Sie einen Zuschuss zu den Kinderbetreuungskosten?",
                "Do you pay an allowance towards childcare costs?",
                "bool",
                target="allowance",
                offer="allowance",
                help_de=(
                    "Zuschüsse für nicht schulpflichtige Kinder sind steuerfrei (§ 3 Nr. 33 EStG)."
                ),
                help_en="Allowances for children below school age are tax-free in Germany.",
            ),
            Question(
                "allowance_eur_month",
                "Zuschuss pro Kind und Monat (Euro)",
                "Allowance per child and month (euros)",
                "number",
                target="allowance_eur_month",
                show_if=("allowance", True),
                minimum=0,
                maximum=2000,
            ),
            Question(
                "holiday_care",
                "Bieten Sie Ferienbetreuung für Schulkinder an?",
                "Do you offer holiday care for school children?",
                "bool",
                target="holiday_care",
                offer="holiday_care",
            ),
            Question(
                "emergency_care",
                "Gibt es eine Notfallbetreuung (z. B. wenn die Kita ausfällt)?",
                "Is there emergency childcare (e.g. when the Kita is closed)?",
                "bool",
                target="emergency_care",
                offer="emergency_care",
            ),
            Question(
                "details",
                "Was sollten Eltern sonst noch wissen?",
                "What else should parents know?",
                "text",
                target="details",
                max_length=1000,
            ),
        ),
    )


def _is_yes(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value > 0
    if isinstance(value, str):
        return value.strip().casefold() in ("true", "yes", "ja", "1")
    return False


def offers_of(extension: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The offer codes an ``extensions["childcare"]`` value switches on (tolerant: it may have
    been written through the companies API without this plugin's checks)."""
    if not isinstance(extension, Mapping):
        return ()
    return tuple(code for code in OFFER_CODES if _is_yes(extension.get(code)))


def normalise_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Checked answers keyed by target field; ValidationError names every bad one at once.

    Answers of questions hidden by ``show_if`` are dropped.
    """
    section = childcare_section()
    known = {q.key: q for q in section.questions}
    problems: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in answers:
        if key not in known:
            problems.setdefault(key, []).append(
                f"unknown question; questions are: {', '.join(known)}"
            )
    for question in section.questions:
        if question.key not in answers or answers[question.key] is None:
            continue
        value = answers[question.key]
        if question.answer == "bool":
            if not isinstance(value, bool):
                problems.setdefault(question.key, []).append("true or false expected")
                continue
        elif question.answer == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                problems.setdefault(question.key, []).append("a number expected")
                continue
            low = question.minimum if question.minimum is not None else -math.inf
            high = question.maximum if question.maximum is not None else math.inf
            if not (math.isfinite(value) and low <= value <= high):
                problems.setdefault(question.key, []).append(
                    f"must lie between {question.minimum:g} and {question.maximum:g}"
                )
                continue
        elif question.answer == "multichoice":
            valid = [o.value for o in question.options]
            if not isinstance(value, list | tuple) or any(v not in valid for v in value):
                problems.setdefault(question.key, []).append(
                    f"a list of {', '.join(valid)} expected"
                )
                continue
            value = [v for v in valid if v in value]
        elif question.answer == "text":
            if not isinstance(value, str):
                problems.setdefault(question.key, []).append("text expected")
                continue
            value = value.strip()
            if question.max_length is not None and len(value) > question.max_length:
                problems.setdefault(question.key, []).append(
                    f"at most {question.max_length} characters"
                )
                continue
        out[question.target] = value
    for question in section.questions:
        if question.show_if is not None and question.target in out:
            parent = known[question.show_if[0]]
            if out.get(parent.target) != question.show_if[1]:
                del out[question.target]
    if problems:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items())
        raise ValidationError(f"The childcare answers are invalid: {details}.", problems)
    return out


def apply_answers(company: Company, answers: Mapping[str, Any]) -> Company:
    """Store checked answers in ``company.extensions["childcare"]`` and switch core's
    work-family code ``childcare_support`` on exactly when an offer is answered yes."""
    checked = normalise_answers(answers)
    company.extensions = {**company.extensions, EXTENSION: checked}
    family = [f for f in company.family if f != FAMILY_CODE]
    if offers_of(checked):
        family.append(FAMILY_CODE)
    company.family = tuple(family)
    return company
