"""The company questionnaire section on childcare, read from data (``questionnaire.toml``)
into core's classes, and how its answers are stored.

Core's questionnaire shows and checks the section; ``apply_answers`` stores the checked answers
in ``Company.extensions["childcare"]`` (each under its question's key) and keeps core's
work-family filter (``family=childcare_support``) in step. The answers feed the plugin's
filters (``childcare_support``, ``childcare_offer``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core import Company
from core import Section
from core import read_data_file

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

_DATA = read_data_file(__package__, "questionnaire.toml")
#: The kinds of childcare support an employer can offer (value: the filter value and the key
#: of the yes/no question that switches it on).
OFFERS = _DATA.choices("offers")
OFFER_CODES = tuple(offer.value for offer in OFFERS)


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
AGES = _DATA.options("ages")
#: Kinderbetreuung: what the company does so that parents can work. The yes/no questions
#: whose key is one of OFFER_CODES switch the offer filter on.
CHILDCARE_SECTION = _DATA.section(apply=apply_answers)


def childcare_section() -> Section:
    """Kinderbetreuung: what the company does so that parents can work."""
    return CHILDCARE_SECTION
