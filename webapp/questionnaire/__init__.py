"""The Leitfragebogen for companies: start, one page per section, review, status, own data.

``init_questionnaire(app, limiter)`` registers the pages under ``/fragebogen/``; templates live
under ``questionnaire/`` and extend the portal's base template.
"""

from webapp.questionnaire.views import init_questionnaire

__all__ = ["init_questionnaire"]
