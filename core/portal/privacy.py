"""Consent texts (versioned) for the questionnaire, and what counts as personal data.

Every consent a company gives is stored with its kind, the version of the text it was shown
and the time (``core_consents``). A new version of a text gets a new version string; consents
given to an older version stay recorded as they were.
"""

from __future__ import annotations

from attrs import frozen

from core.errors import NotFound

__all__ = ["CONSENTS", "PERSONAL_FIELDS", "ConsentText", "consent_text"]


@frozen
class ConsentText:
    """The text a consent refers to, in German and English, with its version."""

    kind: str
    version: str
    title_de: str
    title_en: str
    text_de: str
    text_en: str

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_de

    def text(self, lang: str) -> str:
        return self.text_en if lang == "en" else self.text_de

    def as_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "version": self.version,
            "title_de": self.title_de,
            "title_en": self.title_en,
            "text_de": self.text_de,
            "text_en": self.text_en,
        }


CONSENTS: dict[str, ConsentText] = {
    c.kind: c
    for c in (
        ConsentText(
            kind="processing",
            version="2026-11-01",
            title_de="Einwilligung in die Verarbeitung Ihrer Angaben",
            title_en="Consent to processing your answers",
            text_de=(
                "Ich bin damit einverstanden, dass der Betreiber dieses Portals meine Angaben "
                "(auch meine E-Mail-Adresse) speichert, um das Unternehmensprofil zu erstellen, "
                "zu prüfen und nach der Freigabe zu veröffentlichen, und mir dazu E-Mails "
                "schickt. Ich kann meine Angaben jederzeit herunterladen und das Profil "
                "löschen."
            ),
            text_en=(
                "I agree that the operator of this portal stores my answers (including my "
                "e-mail address) to create, review and, after approval, publish the company "
                "profile, and sends me e-mails about it. I can download my answers and delete "
                "the profile at any time."
            ),
        ),
        ConsentText(
            kind="publish_contact",
            version="2026-11-01",
            title_de="Ansprechperson veröffentlichen",
            title_en="Publish the contact person",
            text_de=(
                "Name, E-Mail-Adresse und Telefonnummer der Ansprechperson dürfen im Profil "
                "öffentlich gezeigt werden. Die Ansprechperson ist damit einverstanden. Ohne "
                "diese Einwilligung zeigen wir keine Ansprechperson."
            ),
            text_en=(
                "The contact person's name, e-mail address and phone number may be shown "
                "publicly on the profile. The contact person agrees. Without this consent we "
                "show no contact person."
            ),
        ),
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
