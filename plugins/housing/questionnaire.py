"""The company questionnaire section on housing for staff; its questions are data
(``questionnaire.toml``) read into core's classes.

Core's questionnaire shows and checks the section (``register_questionnaire_sections``) and
stores the answers in ``Company.extensions["housing"]``; the section is also served at
``/api/v1/housing/questionnaire``. The company filter ``housing_staff`` and the profile section
read the answers.
"""

from __future__ import annotations

from core import Section
from core import read_data_file

__all__ = ["STAFF_HOUSING_KINDS", "housing_section"]

_DATA = read_data_file(__package__, "questionnaire.toml")
#: What an employer offers staff who need a home (the choices of the question ``kinds``).
STAFF_HOUSING_KINDS = _DATA.options("staff_housing_kinds")
_SECTION = _DATA.section()


def housing_section() -> Section:
    """Wohnen: what the employer offers staff and apprentices who need a home nearby."""
    return _SECTION
