"""Core's sections of the Leitfragebogen: their structure here, their texts in the catalog.

A bakery owner with ten employees and no website should get through them on a phone in a
quarter of an hour: few required questions, a help text and an example for every open one.
Titles, introductions, labels, help texts and examples are the keys ``sections.<key>.*`` and
``questions.<key>.*`` of the ``questionnaire`` catalog (core/portal/locale/messages.toml).
"""

from __future__ import annotations

from typing import Any

from core import classifications as vocab
from core.i18n import Text, catalog
from core.portal.questionnaire import DOMAIN, Question, Section, options_from
from core.portal.questionnaire import AnswerType as A

__all__ = ["core_sections"]


def _message(key: str) -> Text:
    """The catalog text ``key``, or no text when the catalog has none (no help, say)."""
    return Text.message(DOMAIN, key) if key in catalog(DOMAIN).keys() else Text.plain("")


def _section(key: str, **fields: Any) -> Section:
    return Section(
        key=key,
        title=Text.message(DOMAIN, f"sections.{key}.title"),
        intro=_message(f"sections.{key}.intro"),
        **fields,
    )


def _question(key: str, *, example: str = "", **fields: Any) -> Question:
    """A core question; ``example`` is one that reads the same in every language (a number,
    an address), otherwise the catalog has it."""
    return Question(
        key=key,
        label=Text.message(DOMAIN, f"questions.{key}.label"),
        help=_message(f"questions.{key}.help"),
        example=Text.plain(example) if example else _message(f"questions.{key}.example"),
        **fields,
    )


def core_sections() -> list[Section]:
    """The company, its place, its story, its offers, family, contact."""
    return [
        _section(
            "unternehmen",
            order=10,
            questions=(
                _question(
                    "name",
                    answer=A.TEXT,
                    target="name",
                    required=True,
                    max_length=200,
                ),
                _question(
                    "industry",
                    answer=A.CHOICE,
                    target="industry",
                    options=options_from(vocab.industries()),
                    required=True,
                ),
                _question(
                    "employees",
                    example="10",
                    answer=A.INTEGER,
                    target="employees",
                    required=True,
                    minimum=0,
                    maximum=1_000_000,
                ),
                _question(
                    "website",
                    answer=A.URL,
                    target="website",
                ),
            ),
        ),
        _section(
            "standort",
            order=20,
            questions=(
                _question(
                    "street",
                    example="Hauptstraße 12",
                    answer=A.TEXT,
                    target="street",
                    max_length=200,
                ),
                _question(
                    "postcode",
                    example="45699",
                    answer=A.POSTCODE,
                    target="postcode",
                    required=True,
                ),
                _question(
                    "town",
                    example="Herten",
                    answer=A.TEXT,
                    target="town",
                    max_length=100,
                ),
                _question(
                    "location",
                    answer=A.LOCATION,
                    target="location",
                ),
            ),
        ),
        _section(
            "ueber-uns",
            order=30,
            questions=(
                _question(
                    "description",
                    answer=A.LONGTEXT,
                    target="description",
                    required=True,
                    max_length=2000,
                ),
                _question(
                    "attractive",
                    answer=A.LONGTEXT,
                    max_length=1000,
                ),
                _question(
                    "typical_day",
                    answer=A.LONGTEXT,
                    max_length=1000,
                ),
                _question(
                    "learn",
                    answer=A.LONGTEXT,
                    max_length=1000,
                ),
                _question(
                    "logo",
                    answer=A.IMAGE,
                    target="logo",
                ),
            ),
        ),
        _section(
            "angebote",
            order=40,
            questions=(
                _question(
                    "offers",
                    answer=A.MULTICHOICE,
                    target="offers",
                    options=options_from(vocab.offers()),
                ),
                _question(
                    "professions",
                    answer=A.MULTICHOICE,
                    target="professions",
                    options=options_from(vocab.professions()),
                ),
                _question(
                    "benefits",
                    answer=A.MULTICHOICE,
                    target="benefits",
                    options=options_from(vocab.benefits()),
                ),
            ),
        ),
        _section(
            "familie",
            order=50,
            questions=(
                _question(
                    "family",
                    answer=A.MULTICHOICE,
                    target="family",
                    options=options_from(vocab.family_features()),
                ),
                _question(
                    "certificates",
                    answer=A.MULTICHOICE,
                    target="certificates",
                    options=options_from(vocab.certificates()),
                ),
            ),
        ),
        _section(
            "kontakt",
            order=60,
            questions=(
                _question(
                    "contact_name",
                    answer=A.TEXT,
                    target="contact.name",
                    max_length=200,
                ),
                _question(
                    "contact_email",
                    answer=A.EMAIL,
                    target="contact.email",
                ),
                _question(
                    "contact_phone",
                    example="02366 12345",
                    answer=A.PHONE,
                    target="contact.phone",
                ),
                _question(
                    "publish_contact",
                    answer=A.CONSENT,
                    consent="publish_contact",
                ),
            ),
        ),
    ]
