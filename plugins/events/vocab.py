"""The events plugin's code lists: event kinds, audiences, organisation types (de, en)."""

from __future__ import annotations

from core import Choice

__all__ = ["AUDIENCES", "KINDS", "ORGANISATION_TYPES", "label", "values"]

KINDS: tuple[Choice, ...] = (
    Choice("info", "Infoveranstaltung", "Information event"),
    Choice("training", "Weiterbildung", "Further training"),
    Choice("network", "Arbeitskreis / Netzwerktreffen", "Working group / network meeting"),
    Choice("job_fair", "Jobmesse", "Job fair"),
    Choice("open_day", "Tag der offenen Tür / Betriebsbesichtigung", "Open day / company visit"),
    Choice("apprenticeship_fair", "Ausbildungsbörse", "Apprenticeship fair"),
)

AUDIENCES: tuple[Choice, ...] = (
    Choice("pupils", "Schülerinnen und Schüler", "Pupils"),
    Choice("job_seekers", "Arbeitsuchende", "Job seekers"),
    Choice("returners", "Wiedereinsteigende", "Returners to work"),
    Choice("companies", "Unternehmen", "Companies"),
)

ORGANISATION_TYPES: tuple[Choice, ...] = (
    Choice("jobcenter", "Jobcenter", "Jobcenter (job centre)"),
    Choice("employment_agency", "Agentur für Arbeit", "Federal Employment Agency office"),
    Choice("chamber", "Kammer (IHK, HWK)", "Chamber (IHK, HWK)"),
    Choice("school", "Schule / Hochschule", "School / college"),
    Choice("municipality", "Kreis / Kommune", "District / municipality"),
    Choice("association", "Verband / Verein", "Association"),
    Choice("company", "Unternehmen", "Company"),
)


def values(choices: tuple[Choice, ...]) -> tuple[str, ...]:
    return tuple(c.value for c in choices)


def label(choices: tuple[Choice, ...], value: str, lang: str) -> str:
    """The label of ``value`` in ``lang`` (the value itself when unknown)."""
    for choice in choices:
        if choice.value == value:
            return choice.label(lang)
    return value
