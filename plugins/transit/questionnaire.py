"""The company questionnaire section on commuting: job ticket, shuttle, bike leasing.

The section is declared here with core's classes and handed to core's questionnaire by the
``register_questionnaire_sections`` hook (``hooks.py``); core checks the answers and stores
them in ``Company.extensions["transit"]``.
"""

from __future__ import annotations

from core import AnswerType
from core import Option
from core import Question
from core import Section

__all__ = ["COMMUTING_SECTION", "YES_NO_PARTLY", "commuting_section"]


#: The choice answers of the yes / planned / no questions.
YES_NO_PARTLY = (
    Option("yes", "Ja", "Yes"),
    Option("planned", "In Planung", "Planned"),
    Option("no", "Nein", "No"),
)

# Arbeitsweg: what the company does for staff who come by bus, train or bike. Declarative data
# (the questions in the order the form shows them), kept as one value.
COMMUTING_SECTION = Section(
    key="transit_commuting",
    plugin="transit",
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
            key="job_ticket",
            label_de="Bieten Sie ein Jobticket oder das Deutschlandticket Job an?",
            label_en="Do you offer a job ticket or the Deutschlandticket Job?",
            answer=AnswerType.CHOICE,
            options=(
                Option("deutschlandticket_job", "Deutschlandticket Job", "Deutschlandticket Job"),
                Option("job_ticket", "Anderes Jobticket (z. B. VRR)", "Other job ticket"),
                Option("planned", "In Planung", "Planned"),
                Option("no", "Nein", "No"),
            ),
            required=True,
        ),
        Question(
            key="job_ticket_subsidy_eur",
            label_de="Zuschuss des Arbeitgebers pro Monat (Euro)",
            label_en="Employer's monthly subsidy (euros)",
            answer=AnswerType.NUMBER,
            minimum=0,
            maximum=200,
            help_de="Beim Deutschlandticket Job mindestens 25 % des Ausgabepreises.",
            help_en="For the Deutschlandticket Job at least 25 % of the ticket price.",
            show_if=("job_ticket", "deutschlandticket_job"),
        ),
        Question(
            key="job_ticket_for_trainees",
            label_de="Gilt das Ticket auch für Auszubildende und Praktikanten?",
            label_en="Does the ticket cover apprentices and interns too?",
            answer=AnswerType.BOOL,
            show_if=("job_ticket", "deutschlandticket_job"),
        ),
        Question(
            key="shuttle",
            label_de="Gibt es einen Werksbus oder Shuttle (z. B. vom Bahnhof)?",
            label_en="Is there a company bus or shuttle (e.g. from the station)?",
            answer=AnswerType.CHOICE,
            options=YES_NO_PARTLY,
        ),
        Question(
            key="shuttle_details",
            label_de="Von wo und zu welchen Zeiten fährt der Shuttle?",
            label_en="Where from and when does the shuttle run?",
            answer=AnswerType.TEXT,
            show_if=("shuttle", "yes"),
        ),
        Question(
            key="bike_leasing",
            label_de="Bieten Sie Dienstrad-Leasing (z. B. JobRad) an?",
            label_en="Do you offer bike leasing?",
            answer=AnswerType.CHOICE,
            options=YES_NO_PARTLY,
        ),
        Question(
            key="bike_facilities",
            label_de="Was gibt es für Radfahrende?",
            label_en="What is there for cyclists?",
            answer=AnswerType.MULTICHOICE,
            options=(
                Option("parking", "Überdachte Fahrradstellplätze", "Covered bike parking"),
                Option("charging", "Lademöglichkeit für E-Bikes", "E-bike charging"),
                Option("showers", "Duschen und Umkleiden", "Showers and changing rooms"),
            ),
        ),
        Question(
            key="shift_times_fit_transit",
            label_de="Passen Schicht- bzw. Arbeitszeiten zu Bus und Bahn?",
            label_en="Do shift or working times fit the bus and train timetable?",
            answer=AnswerType.CHOICE,
            options=YES_NO_PARTLY,
            help_de="Zum Beispiel Schichtbeginn kurz nach Ankunft der Linie.",
            help_en="For example shifts starting just after the bus arrives.",
        ),
    ),
)


def commuting_section() -> Section:
    """Arbeitsweg: what the company does for staff who come by bus, train or bike."""
    return COMMUTING_SECTION
