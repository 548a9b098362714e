"""The company questionnaire section on childcare, declared with core's classes, and how
its answers are stored.

Core's questionnaire shows and checks the section; ``apply_answers`` stores the checked answers
in ``Company.extensions["childcare"]`` (each under its question's key) and keeps core's
work-family filter (``family=childcare_support``) in step. The answers feed the plugin's
filters (``childcare_support``, ``childcare_offer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import AnswerType
from core import Company
from core import Option
from core import Question
from core import Section

__all__ = [
    "AGES",
    "CHILDCARE_SECTION",
    "EXTENSION",
    "FAMILY_CODE",
    "OFFERS",
    "OFFER_CODES",
    "apply_answers",
    "childcare_section",
    "offers_of",
]

#: The key of ``Company.extensions`` the answers live in.
EXTENSION = "childcare"
#: Core's work-family code that the answers switch on and off.
FAMILY_CODE = "childcare_support"

#: The kinds of childcare support an employer can offer: (filter value, de, en).
OFFERS: tuple[tuple[str, str, str], ...] = (
    ("company_kita", "Betriebskita", "Company Kita"),
    ("reserved_places", "Belegplätze in einer Kita", "Reserved places in a Kita"),
    ("allowance", "Zuschuss zur Kinderbetreuung", "Childcare allowance"),
    ("holiday_care", "Ferienbetreuung", "Holiday care"),
    ("emergency_care", "Notfallbetreuung", "Emergency childcare"),
)
OFFER_CODES = tuple(code for code, _, _ in OFFERS)


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


def apply_answers(company: Company, answers: Mapping[str, Any]) -> Company:
    """Store the answers core checked in ``company.extensions["childcare"]`` and switch core's
    work-family code ``childcare_support`` on exactly when an offer is answered yes."""
    stored = {key: value for key, value in answers.items() if value is not None}
    company.extensions = {**company.extensions, EXTENSION: stored}
    family = [f for f in company.family if f != FAMILY_CODE]
    if offers_of(stored):
        family.append(FAMILY_CODE)
    company.family = tuple(family)
    return company


#: The age groups a company Kita takes.
AGES = (
    Option("u3", "Unter 3 Jahre", "Under 3"),
    Option("3to6", "3 bis 6 Jahre", "3 to 6"),
    Option("school", "Schulkinder", "School children"),
)

# Kinderbetreuung: what the company does so that parents can work. Declarative data (the
# questions in the order the form shows them), kept as one value. The yes/no questions whose
# key is one of OFFER_CODES switch the offer filter on.
CHILDCARE_SECTION = Section(
    key="childcare",
    plugin="childcare",
    extension=EXTENSION,
    order=60,
    apply=apply_answers,
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
            key="company_kita",
            label_de="Hat Ihr Unternehmen eine eigene Kita (Betriebskita)?",
            label_en="Does your company run its own Kita (company Kita)?",
            answer=AnswerType.BOOL,
        ),
        Question(
            key="company_kita_places",
            label_de="Wie viele Plätze hat die Betriebskita?",
            label_en="How many places does the company Kita have?",
            answer=AnswerType.NUMBER,
            show_if=("company_kita", True),
            minimum=0,
            maximum=1000,
        ),
        Question(
            key="company_kita_ages",
            label_de="Für welches Alter?",
            label_en="For which ages?",
            answer=AnswerType.MULTICHOICE,
            options=AGES,
            show_if=("company_kita", True),
        ),
        Question(
            key="reserved_places",
            label_de="Haben Sie Belegplätze in einer Kita für Kinder Ihrer Beschäftigten?",
            label_en="Do you hold reserved places in a Kita for your staff's children?",
            answer=AnswerType.BOOL,
        ),
        Question(
            key="reserved_places_count",
            label_de="Wie viele Belegplätze?",
            label_en="How many reserved places?",
            answer=AnswerType.NUMBER,
            show_if=("reserved_places", True),
            minimum=0,
            maximum=1000,
        ),
        Question(
            key="allowance",
            label_de="Zahlen Sie einen Zuschuss zu den Kinderbetreuungskosten?",
            label_en="Do you pay an allowance towards childcare costs?",
            answer=AnswerType.BOOL,
            help_de=(
                "Zuschüsse für nicht schulpflichtige Kinder sind steuerfrei (§ 3 Nr. 33 EStG)."
            ),
            help_en="Allowances for children below school age are tax-free in Germany.",
        ),
        Question(
            key="allowance_eur_month",
            label_de="Zuschuss pro Kind und Monat (Euro)",
            label_en="Allowance per child and month (euros)",
            answer=AnswerType.NUMBER,
            show_if=("allowance", True),
            minimum=0,
            maximum=2000,
        ),
        Question(
            key="holiday_care",
            label_de="Bieten Sie Ferienbetreuung für Schulkinder an?",
            label_en="Do you offer holiday care for school children?",
            answer=AnswerType.BOOL,
        ),
        Question(
            key="emergency_care",
            label_de="Gibt es eine Notfallbetreuung (z. B. wenn die Kita ausfällt)?",
            label_en="Is there emergency childcare (e.g. when the Kita is closed)?",
            answer=AnswerType.BOOL,
        ),
        Question(
            key="details",
            label_de="Was sollten Eltern sonst noch wissen?",
            label_en="What else should parents know?",
            answer=AnswerType.TEXT,
            max_length=1000,
        ),
    ),
)


def childcare_section() -> Section:
    """Kinderbetreuung: what the company does so that parents can work."""
    return CHILDCARE_SECTION
