"""The company questionnaire section on training (Ausbildung, duales Studium, Weiterbildung).

The section is data (``questionnaire.toml``) read into core's ``Section`` and handed to core's
Leitfragebogen through ``register_questionnaire_sections`` (``hooks.py``);
core checks the answers and calls ``store_answers`` with them. The answers live in
``Company.extensions["training"]``, one key per question; the plugin's company filters and the
profile section read them (``TrainingOffer``). Operators can also save a company's answers
through ``PUT /api/v1/training/companies/<id>`` (checked here by ``normalise_answers``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs
from attrs import frozen
from core import AnswerType
from core import Company
from core import Option
from core import Text
from core import ValidationError
from core import read_data_file
from core import vocabulary

from plugins.training.vocabulary import apprenticeship_choices

__all__ = [
    "EXTENSION",
    "SECTION_KEY",
    "TrainingOffer",
    "apply_answers",
    "normalise_answers",
    "store_answers",
    "training_section",
]

#: The key of ``Company.extensions`` the answers live in.
EXTENSION = "training"
SECTION_KEY = "training"
MAX_TEXT = 200

_DATA = read_data_file(__package__, "questionnaire.toml")
#: Ausbildung und Weiterbildung; ``apply`` is added where the section is registered (hooks.py).
SECTION = _DATA.section(
    options={"apprenticeship_fields": (Option(c.value, c.label) for c in apprenticeship_choices())}
)


def _data(value: Any, lang: str) -> Any:
    """A section, question or option as JSON-ready data in ``lang``, leaving out every field
    at its default (the shape ``/api/v1/training/questionnaire`` serves)."""
    if isinstance(value, Text):
        return value(lang)
    if isinstance(value, Option):  # every field, as always
        return {"value": value.value, "label": value.label(lang), "group": value.group}
    if isinstance(value, AnswerType):
        return value.value
    if isinstance(value, tuple):
        return [_data(v, lang) for v in value]
    if not attrs.has(type(value)):
        return value
    out: dict[str, Any] = {}
    for item in attrs.fields(type(value)):
        field = getattr(value, item.name)
        if item.name in ("apply", "extra") or field == item.default:
            continue
        out[item.name] = _data(field, lang)
    return out


def training_section(lang: str = "de") -> dict[str, Any]:
    """The section as data in ``lang`` (JSON-ready; the fields of ``Section`` that are not
    defaults, its texts in that language)."""
    data = _data(SECTION, lang)
    questions = data.pop("questions")
    return {**data, "questions": questions}  # the questions last, as always


@frozen
class TrainingOffer:
    """A company's training offers, read safely from ``extensions['training']``."""

    trains_apprentices: bool = False
    professions: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    places: int | None = None
    dual_study: bool = False
    dual_study_partner: str = ""
    dual_study_programmes: str = ""
    budget_eur: float | None = None
    days: float | None = None
    notes: str = ""

    @property
    def supports_further_training(self) -> bool:
        return bool((self.budget_eur or 0) > 0 or (self.days or 0) > 0)

    @property
    def is_empty(self) -> bool:
        return not (self.trains_apprentices or self.dual_study or self.supports_further_training)

    @classmethod
    def from_extension(cls, data: Any) -> TrainingOffer:
        """The offers an extension mapping states; malformed values count as not given."""
        if not isinstance(data, Mapping):
            return cls()

        def text(key: str) -> str:
            value = data.get(key)
            return value.strip() if isinstance(value, str) else ""

        def number(key: str) -> float | None:
            value = data.get(key)
            if isinstance(value, bool) or not isinstance(value, int | float):
                return None
            return float(value) if math.isfinite(value) and value >= 0 else None

        codes = data.get("apprenticeship_professions")
        professions = tuple(
            c for c in (codes if isinstance(codes, list | tuple) else ()) if isinstance(c, str)
        )
        trains = data.get("trains_apprentices")
        trains = bool(professions) if trains is None else trains is True
        places = number("apprenticeship_places")
        return cls(
            trains_apprentices=trains,
            professions=professions if trains else (),
            titles=tuple(t.strip() for t in text("apprenticeship_titles").split(",") if t.strip())
            if trains
            else (),
            places=int(places) if places is not None and trains else None,
            dual_study=data.get("dual_study") is True,
            dual_study_partner=text("dual_study_partner") if data.get("dual_study") is True else "",
            dual_study_programmes=text("dual_study_programmes")
            if data.get("dual_study") is True
            else "",
            budget_eur=number("further_training_budget_eur"),
            days=number("further_training_days"),
            notes=text("further_training_notes"),
        )


_TRUE = {"true", "yes", "ja", "on", "1"}
_FALSE = {"false", "no", "nein", "off", "0"}


def normalise_answers(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Checked answers in the stored shape; ``ValidationError`` names every bad question.

    Unknown keys are an error; empty answers are left out; answers of questions hidden by
    an earlier answer (no apprenticeships: no professions) are dropped.
    """
    section = training_section()
    questions = {q["key"]: q for q in section["questions"]}
    problems: dict[str, list[str]] = {}
    unknown = sorted(set(raw) - set(questions))
    for key in unknown:
        problems[key] = [f"unknown question; valid keys are {', '.join(questions)}"]
    out: dict[str, Any] = {}
    for key, question in questions.items():
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            continue
        kind = question["answer"]
        if kind == "bool":
            if isinstance(value, str) and value.strip().casefold() in _TRUE | _FALSE:
                value = value.strip().casefold() in _TRUE
            if not isinstance(value, bool):
                problems[key] = ["true or false expected"]
                continue
        elif kind == "multichoice":
            valid = [o["value"] for o in question["options"]]
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, list | tuple) or any(v not in valid for v in values):
                problems[key] = [
                    f"{value!r} contains unknown codes; use KldB codes such as 26 or 43"
                ]
                continue
            value = [v for v in valid if v in values]
        elif kind in ("integer", "number"):
            number = value
            if isinstance(number, str):
                try:
                    number = float(number.replace(",", "."))
                except ValueError:
                    number = None
            if isinstance(number, bool) or not isinstance(number, int | float):
                problems[key] = ["a number expected"]
                continue
            if not math.isfinite(number) or not (
                question.get("minimum", -math.inf) <= number <= question.get("maximum", math.inf)
            ):
                problems[key] = [
                    f"{value!r} out of range {question.get('minimum')}..{question.get('maximum')}"
                ]
                continue
            if kind == "integer" and number != int(number):
                problems[key] = ["a whole number expected"]
                continue
            value = int(number) if kind == "integer" or number == int(number) else float(number)
        else:
            if not isinstance(value, str):
                problems[key] = ["text expected"]
                continue
            value = value.strip()
            limit = question.get("max_length", MAX_TEXT)
            if len(value) > limit:
                problems[key] = [f"at most {limit} characters, not {len(value)}"]
                continue
        out[key] = value
    if out.get("trains_apprentices") is True and not out.get("apprenticeship_professions"):
        if "apprenticeship_professions" not in problems:
            problems["apprenticeship_professions"] = [
                "name at least one occupational field you train in"
            ]
    for question in questions.values():
        show_if = question.get("show_if")
        if show_if and out.get(show_if[0]) != show_if[1]:
            out.pop(question["key"], None)
            problems.pop(question["key"], None)
    if problems:
        details = "; ".join(f"{k}: {', '.join(v)}" for k, v in problems.items())
        raise ValidationError(f"The training answers are invalid: {details}.", problems)
    return out


def apply_answers(company: Company, answers: Mapping[str, Any]) -> Company:
    """``company`` with ``answers`` checked (``normalise_answers``) and stored."""
    return store_answers(company, normalise_answers(answers))


def store_answers(company: Company, answers: Mapping[str, Any]) -> Company:
    """``company`` with already checked answers stored in ``extensions['training']``.

    Empty answers and those hidden by an earlier answer are left out; nothing is refused, as
    core also calls this for previews of unfinished answers. The matching codes of core's
    offers (``ausbildung``, ``duales_studium``) and benefits (``further_training``) are
    switched on, so core's filters agree with the plugin's; they are never switched off here,
    since core's own questions may have set them.
    """
    questions = training_section()["questions"]
    stored = {
        q["key"]: answers[q["key"]]
        for q in questions
        if answers.get(q["key"]) not in (None, "", [])
    }
    for question in questions:
        show_if = question.get("show_if")
        if show_if and stored.get(show_if[0]) != show_if[1]:
            stored.pop(question["key"], None)
    extensions = {k: dict(v) for k, v in (company.extensions or {}).items()}
    if stored:
        extensions[EXTENSION] = stored
    else:
        extensions.pop(EXTENSION, None)
    offer = TrainingOffer.from_extension(stored)
    offers = list(company.offers)
    benefits = list(company.benefits)
    for flag, codes, code in (
        (offer.trains_apprentices, offers, "ausbildung"),
        (offer.dual_study, offers, "duales_studium"),
        (offer.supports_further_training, benefits, "further_training"),
    ):
        if flag and code not in codes:
            codes.append(code)
    order = {v: i for i, v in enumerate(vocabulary("offers").codes)}
    benefit_order = {v: i for i, v in enumerate(vocabulary("benefits").codes)}
    return attrs.evolve(
        company,
        extensions=extensions,
        offers=tuple(sorted(offers, key=lambda c: order.get(c, 99))),
        benefits=tuple(sorted(benefits, key=lambda c: benefit_order.get(c, 99))),
    )
