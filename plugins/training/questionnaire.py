"""The company questionnaire section on training (Ausbildung, duales Studium, Weiterbildung).

The section is declared as plain data in the shape of ``Section`` (``from core import Section``)
and handed to core's Leitfragebogen through ``register_questionnaire_sections`` (``hooks.py``);
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
from core import Company
from core import ValidationError
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
MAX_LONGTEXT = 2000


def _question(
    key: str,
    label_de: str,
    label_en: str,
    answer: str,
    **extra: Any,
) -> dict[str, Any]:
    return {"key": key, "label_de": label_de, "label_en": label_en, "answer": answer, **extra}


#: The questions on dual study and further training (declarative data, in the form's order).
DUAL_AND_FURTHER_TRAINING = (
    _question(
        "dual_study",
        "Bieten Sie ein duales Studium an?",
        "Do you offer a dual study programme?",
        "bool",
    ),
    _question(
        "dual_study_partner",
        "Mit welcher Hochschule?",
        "With which university?",
        "text",
        example_de="Westfälische Hochschule, Campus Gelsenkirchen",
        example_en="Westfälische Hochschule, Gelsenkirchen campus",
        show_if=["dual_study", True],
        max_length=MAX_TEXT,
    ),
    _question(
        "dual_study_programmes",
        "Welche Studiengänge?",
        "Which study programmes?",
        "text",
        example_de="Elektrotechnik (B.Eng.)",
        example_en="Electrical engineering (B.Eng.)",
        show_if=["dual_study", True],
        max_length=MAX_TEXT,
    ),
    _question(
        "further_training_budget_eur",
        "Weiterbildungsbudget pro Beschäftigtem und Jahr (Euro)",
        "Further training budget per employee and year (euros)",
        "number",
        minimum=0,
        maximum=100_000,
    ),
    _question(
        "further_training_days",
        "Weiterbildungstage pro Beschäftigtem und Jahr",
        "Further training days per employee and year",
        "number",
        minimum=0,
        maximum=60,
        help_de="Freistellung für Kurse, zusätzlich zum Bildungsurlaub nach AWbG NRW.",
        help_en="Time off for courses, on top of educational leave (AWbG NRW).",
    ),
    _question(
        "further_training_notes",
        "Was bieten Sie sonst für Weiterbildung?",
        "What else do you offer for further training?",
        "longtext",
        example_de="Interne Akademie, Meisterkurs wird bezahlt, Mentoring",
        example_en="In-house academy, master craftsperson course paid, mentoring",
        max_length=MAX_LONGTEXT,
    ),
)


def training_section() -> dict[str, Any]:
    """The section as data (JSON-ready; the fields of ``core.portal.questionnaire.Section``)."""
    options = [
        {"value": c.value, "label_de": c.label_de, "label_en": c.label_en, "group": None}
        for c in apprenticeship_choices()
    ]
    return {
        "key": SECTION_KEY,
        "title_de": "Ausbildung und Weiterbildung",
        "title_en": "Apprenticeships and further training",
        "intro_de": (
            "Wer bei Ihnen lernen und wachsen kann, bleibt. Zeigen Sie, in welchen Berufen Sie "
            "ausbilden, ob Sie ein duales Studium ermöglichen und wie Sie Weiterbildung fördern."
        ),
        "intro_en": (
            "People stay where they can learn and grow. Show which apprenticeships you offer, "
            "whether you are a dual-study partner and how you support further training."
        ),
        "plugin": "training",
        "extension": EXTENSION,
        "order": 70,
        "questions": [
            _question(
                "trains_apprentices",
                "Sind Sie Ausbildungsbetrieb?",
                "Do you train apprentices (Ausbildungsbetrieb)?",
                "bool",
                required=True,
            ),
            _question(
                "apprenticeship_professions",
                "In welchen Berufsfeldern bilden Sie aus?",
                "In which occupational fields do you train apprentices?",
                "multichoice",
                options=options,
                help_de="Berufshauptgruppen der Klassifikation der Berufe (KldB 2010).",
                help_en="Main occupational groups of the German classification (KldB 2010).",
                show_if=["trains_apprentices", True],
                required=True,
            ),
            _question(
                "apprenticeship_titles",
                "Welche Ausbildungsberufe genau?",
                "Which apprenticeships exactly?",
                "text",
                example_de="Mechatroniker/in, Elektroniker/in für Betriebstechnik",
                example_en="Mechatroniker/in, Elektroniker/in für Betriebstechnik",
                help_de="Durch Kommas getrennt, wie sie in der Ausbildungsordnung heißen.",
                help_en="Separated by commas, as the training regulations name them.",
                show_if=["trains_apprentices", True],
                max_length=MAX_TEXT,
            ),
            _question(
                "apprenticeship_places",
                "Wie viele Ausbildungsplätze bieten Sie pro Jahr an?",
                "How many apprenticeship places do you offer per year?",
                "integer",
                minimum=0,
                maximum=500,
                show_if=["trains_apprentices", True],
            ),
            *(dict(question) for question in DUAL_AND_FURTHER_TRAINING),
        ],
    }


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
