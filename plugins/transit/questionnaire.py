"""The company questionnaire section on commuting: job ticket, shuttle, bike leasing.

The section is declared here as plain data and handed to core's questionnaire by the
``register_questionnaire_sections`` hook (``hooks.py``); core checks the answers and stores
them in ``Company.extensions["transit"]``.
"""

from __future__ import annotations

from typing import Any

from attrs import asdict, field, frozen

__all__ = ["ANSWER_TYPES", "Question", "Section", "commuting_section"]

#: Answer types the section uses.
ANSWER_TYPES = ("bool", "choice", "multichoice", "number", "text")


@frozen
class Option:
    value: str
    label_de: str
    label_en: str


@frozen
class Question:
    """One question: its key, labels, answer type, options and help."""

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
    plugin: str = "transit"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def commuting_section() -> Section:
    """Arbeitsweg: what the company does for staff who come by bus, train or bike."""
    yes_no_partly = (
        Option("yes", "Ja", "Yes"),
        Option("planned", "In Planung", "Planned"),
        Option("no", "Nein", "No"),
    )
    return Section(
        key="transit_commuting",
        title_de="Arbeitsweg: Bus, Bahn und Fahrrad",
        title_en="Commuting: bus, train and bike",
        intro_de=(
            "Viele junge Menschen haben kein Auto. Zeigen Sie, wie man Sie ohne Auto erreicht "
            "und was Sie dafür tun."
        ),
        intro_en=(
            "Many young people have no car. Show how to reach you without one and what you "
            "offer for it."
        ),
        questions=(
            Question(
                "job_ticket",
                "Bieten Sie ein Jobticket oder das Deutschlandticket Job an?",
                "Do you offer a job ticket or the Deutschlandticket Job?",
                "choice",
                (
                    Option(
                        "deutschlandticket_job", "Deutschlandticket Job", "Deutschlandticket Job"
                    ),
                    Option("job_ticket", "Anderes Jobticket (z. B. VRR)", "Other job ticket"),
                    Option("planned", "In Planung", "Planned"),
                    Option("no", "Nein", "No"),
                ),
                required=True,
            ),
            Question(
                "job_ticket_subsidy_eur",
                "Zuschuss des Arbeitgebers pro Monat (Euro)",
                "Employer's monthly subsidy (euros)",
                "number",
                minimum=0,
                maximum=200,
                help_de="Beim Deutschlandticket Job mindestens 25 % des Ausgabepreises.",
                help_en="For the Deutschlandticket Job at least 25 % of the ticket price.",
                show_if=("job_ticket", "deutschlandticket_job"),
            ),
            Question(
                "job_ticket_for_trainees",
                "Gilt das Ticket auch für Auszubildende und Praktikanten?",
                "Does the ticket cover apprentices and interns too?",
                "bool",
                show_if=("job_ticket", "deutschlandticket_job"),
            ),
            Question(
                "shuttle",
                "Gibt es einen Werksbus oder Shuttle (z. B. vom Bahnhof)?",
                "Is there a company bus or shuttle (e.g. from the station)?",
                "choice",
                yes_no_partly,
            ),
            Question(
                "shuttle_details",
                "Von wo und zu welchen Zeiten fährt der Shuttle?",
                "Where from and when does the shuttle run?",
                "text",
                show_if=("shuttle", "yes"),
            ),
            Question(
                "bike_leasing",
                "Bieten Sie Dienstrad-Leasing (z. B. JobRad) an?",
                "Do you offer bike leasing?",
                "choice",
                yes_no_partly,
            ),
            Question(
                "bike_facilities",
                "Was gibt es für Radfahrende?",
                "What is there for cyclists?",
                "multichoice",
                (
                    Option("parking", "Überdachte Fahrradstellplätze", "Covered bike parking"),
                    Option("charging", "Lademöglichkeit für E-Bikes", "E-bike charging"),
                    Option("showers", "Duschen und Umkleiden", "Showers and changing rooms"),
                ),
            ),
            Question(
                "shift_times_fit_transit",
                "Passen Schicht- bzw. Arbeitszeiten zu Bus und Bahn?",
                "Do shift or working times fit the bus and train timetable?",
                "choice",
                yes_no_partly,
                help_de="Zum Beispiel Schichtbeginn kurz nach Ankunft der Linie.",
                help_en="For example shifts starting just after the bus arrives.",
            ),
        ),
    )
