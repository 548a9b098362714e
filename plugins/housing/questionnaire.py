"""The company questionnaire section on housing for staff, declared with core's classes.

Core's questionnaire shows and checks the section (``register_questionnaire_sections``) and
stores the answers in ``Company.extensions["housing"]``; the section is also served at
``/api/v1/housing/questionnaire``. The company filter ``housing_staff`` and the profile section
read the answers.
"""

from __future__ import annotations

from core import AnswerType
from core import Option
from core import Question
from core import Section

__all__ = ["STAFF_HOUSING_KINDS", "housing_section"]

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
        plugin="housing",
        extension="housing",
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
                key="offers_housing",
                label_de="Bieten Sie Beschäftigten oder Auszubildenden Wohnraum an?",
                label_en="Do you offer housing to staff or apprentices?",
                answer=AnswerType.BOOL,
                required=True,
            ),
            Question(
                key="kinds",
                label_de="Welche Art von Wohnraum?",
                label_en="What kind of housing?",
                answer=AnswerType.MULTICHOICE,
                options=STAFF_HOUSING_KINDS,
                show_if=("offers_housing", True),
            ),
            Question(
                key="places",
                label_de="Wie viele Plätze oder Wohnungen gibt es etwa?",
                label_en="About how many places or flats are there?",
                answer=AnswerType.NUMBER,
                minimum=0,
                maximum=10_000,
                show_if=("offers_housing", True),
            ),
            Question(
                key="rent_from_eur",
                label_de="Miete ab (Euro pro Monat, warm)",
                label_en="Rent from (euros per month, including running costs)",
                answer=AnswerType.NUMBER,
                minimum=0,
                maximum=5000,
                show_if=("offers_housing", True),
            ),
            Question(
                key="for_apprentices",
                label_de="Auch für Auszubildende unter 18 Jahren?",
                label_en="Also for apprentices under 18?",
                answer=AnswerType.BOOL,
                show_if=("offers_housing", True),
            ),
            Question(
                key="details",
                label_de="Was sollten Bewerberinnen und Bewerber noch wissen?",
                label_en="What else should applicants know?",
                answer=AnswerType.TEXT,
                max_length=1000,
                show_if=("offers_housing", True),
            ),
        ),
    )
