"""The company questionnaire section on commuting: job ticket, shuttle, bike leasing.

The section is data (``questionnaire.toml``) read into core's classes and handed to core's
questionnaire by the ``register_questionnaire_sections`` hook (``hooks.py``); core checks the
answers and stores them in ``Company.extensions["transit"]``.
"""

from __future__ import annotations

from core import Section
from core import read_data_file

__all__ = ["COMMUTING_SECTION", "YES_NO_PARTLY", "commuting_section"]

_DATA = read_data_file(__package__, "questionnaire.toml")
#: The choice answers of the yes / planned / no questions.
YES_NO_PARTLY = _DATA.options("yes_no_partly")
#: Arbeitsweg: what the company does for staff who come by bus, train or bike.
COMMUTING_SECTION = _DATA.section()


def commuting_section() -> Section:
    """Arbeitsweg: what the company does for staff who come by bus, train or bike."""
    return COMMUTING_SECTION
