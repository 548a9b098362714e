"""Consent texts (versioned) for the questionnaire, and what counts as personal data.

The texts themselves live in the ``questionnaire`` catalog (``consents.<kind>.title`` and
``.text``), so a company reads them in its language.

Every consent a company gives is stored with its kind, the version of the text it was shown
and the time (``core_consents``). A new version of a text gets a new version string; consents
given to an older version stay recorded as they were.
"""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from core.errors import NotFound
from core.formatting import format_date
from core.i18n import Text, catalog

#: The catalog domain of the consent texts (core/portal/locale).
DOMAIN = "questionnaire"

__all__ = ["CONSENTS", "PERSONAL_FIELDS", "ConsentText", "consent_text"]


@frozen
class ConsentText:
    """The text a consent refers to, in every language of the ``questionnaire`` catalog,
    with its version.

    The version names the German text (the one given legal weight); a translation follows
    it. Changing what a consent says means a new version here and new catalog texts.
    """

    kind: str
    version: str

    @property
    def title(self) -> Text:
        return Text.message(DOMAIN, f"consents.{self.kind}.title")

    @property
    def text(self) -> Text:
        return Text.message(DOMAIN, f"consents.{self.kind}.text")

    def version_text(self, lang: str) -> str:
        """The version as a reader of ``lang`` writes it: a day in the language's way ("1. Nov.
        2026"), any other version string as it is."""
        try:
            return format_date(dt.date.fromisoformat(self.version), lang)
        except ValueError:
            return self.version

    def as_dict(self) -> dict[str, str]:
        """Kind, version, and title and text in each language (``title_de``, ``text_tr`` ...)."""
        out = {"kind": self.kind, "version": self.version}
        for lang in catalog(DOMAIN).languages():
            out[f"title_{lang}"] = self.title(lang)
            out[f"text_{lang}"] = self.text(lang)
        return out


CONSENTS: dict[str, ConsentText] = {
    c.kind: c
    for c in (
        ConsentText(kind="processing", version="2026-11-01"),
        ConsentText(kind="publish_contact", version="2026-11-01"),
    )
}

#: Personal data kept by core, per table and column (export and erasure cover all of them).
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "core_company_contacts": ("name", "email", "phone"),
    "core_submissions": ("email", "answers", "message"),
}


def consent_text(kind: str) -> ConsentText:
    """The current text of a consent kind."""
    try:
        return CONSENTS[kind]
    except KeyError:
        raise NotFound(
            f"There is no consent {kind!r}; known are: {', '.join(sorted(CONSENTS))}."
        ) from None
