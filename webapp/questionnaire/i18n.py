"""Texts of the questionnaire and the operator pages, German first, English second.

Same shape as the portal's texts (``webapp/portal/i18n.py``): one dict per language with the
same keys (a test checks it); templates call ``qt("key")``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["STRINGS", "translate"]

STRINGS: dict[str, dict[str, str]] = {
    "de": {
        "nav_companies": "Für Unternehmen",
        "title": "Unternehmensprofil anlegen",
        "intro": (
            "Sie haben keine eigene Website, wollen aber, dass junge Menschen Sie als "
            "Arbeitgeber finden? Beantworten Sie ein paar Fragen – auf dem Handy in etwa einer "
            "Viertelstunde. Daraus entsteht Ihr Profil auf der Karte."
        ),
        "steps_heading": "Das erwartet Sie",
        "how_heading": "So geht es",
        "how_1": "E-Mail-Adresse angeben: Sie bekommen einen persönlichen Link zum Weitermachen.",
        "how_2": "Fragen beantworten: Ihre Angaben werden nach jedem Schritt gespeichert.",
        "how_3": "Prüfen und einreichen: Wir sehen uns das Profil an und schalten es frei.",
        "email": "Ihre E-Mail-Adresse",
        "email_help": (
            "Nur für den Link und Nachrichten zu Ihrem Profil; sie wird nicht veröffentlicht."
        ),
        "consent_yes": "Ich stimme zu.",
        "consent_version": "Fassung vom {version}",
        "start_button": "Los geht’s",
        "already_started": "Schon angefangen? Öffnen Sie den Link aus unserer E-Mail.",
        "continue_button": "Weiter ausfüllen",
        "honeypot": "Bitte dieses Feld leer lassen",
        "error_email": (
            "„Ihre E-Mail-Adresse“: Das ist keine gültige E-Mail-Adresse. Bitte schreiben Sie sie"
            " in der Form name@beispiel.de."
        ),
        "error_consent": "„Einwilligung“: Bitte stimmen Sie zu, sonst können wir nicht beginnen.",
        "errors_heading": "Bitte prüfen Sie {n} Angabe(n)",
        "errors_heading_one": "Bitte prüfen Sie eine Angabe",
        "sent_title": "Bitte prüfen Sie Ihr Postfach",
        "sent_text": "Wir haben Ihnen einen persönlichen Link geschickt.",
        "notice_link_sent": (
            "Wir haben Ihnen einen persönlichen Link geschickt. Damit können Sie jederzeit"
            " weitermachen."
        ),
        "notice_saved": "Ihre Angaben sind gespeichert.",
        "notice_submitted": (
            "Danke! Ihr Profil ist eingereicht. Wir prüfen es und melden uns per E-Mail."
        ),
        "step_of": "Schritt {n} von {total}",
        "progress": "Fortschritt",
        "step_done": "erledigt",
        "step_current": "aktueller Schritt",
        "review_step": "Prüfen und einreichen",
        "required_note": "Pflichtangabe",
        "optional": "freiwillig",
        "example": "Beispiel: {text}",
        "at_most": "Höchstens {n} Zeichen.",
        "yes": "Ja",
        "no": "Nein",
        "please_choose": "Bitte wählen",
        "back": "Zurück",
        "next": "Weiter",
        "save": "Speichern",
        "to_review": "Weiter zur Prüfung",
        "saved_automatically": "Ihre Angaben werden bei jedem Schritt gespeichert.",
        "preview": "Vorschau Ihres Profils",
        "preview_hint": "So sehen Interessierte Ihr Profil (aktualisiert sich beim Tippen).",
        "preview_empty": "Noch keine Angaben.",
        "logo_of": "Logo von {name}",
        "logo_current": "Aktuelles Logo",
        "logo_remove": "Logo entfernen",
        "latitude": "Breitengrad",
        "longitude": "Längengrad",
        "map_label": "Karte: Ihre Markierung. Ziehen Sie sie oder tippen Sie auf die Karte.",
        "map_hint": "Die Koordinaten können Sie auch direkt eingeben.",
        "review_title": "Prüfen und einreichen",
        "review_intro": (
            "Bitte prüfen Sie Ihre Angaben. Mit „Ändern“ kommen Sie zum jeweiligen Schritt."
        ),
        "change": "Ändern",
        "change_section": "{section} ändern",
        "submit": "Profil einreichen",
        "submit_hint": "Nach dem Einreichen prüfen wir Ihr Profil; vorher ist nichts öffentlich.",
        "review_errors": "Vor dem Einreichen fehlt noch etwas:",
        "none_given": "Keine Angabe",
        "status_title": "Ihr Unternehmensprofil",
        "status_draft": "Ihr Profil ist noch nicht eingereicht.",
        "status_submitted": (
            "Ihr Profil ist eingereicht und wird geprüft. Bis zur Freigabe ist es nicht öffentlich."
        ),
        "status_submitted_edit": (
            "Ihre Änderungen sind eingereicht und werden geprüft. Bis dahin ist die bisherige"
            " Fassung sichtbar."
        ),
        "status_changes_requested": "Wir bitten Sie, Ihr Profil zu ergänzen:",
        "status_approved": "Ihr Profil ist veröffentlicht.",
        "status_rejected": "Ihr Profil wurde nicht veröffentlicht. Der Grund:",
        "view_profile": "Profil ansehen",
        "edit_profile": "Profil bearbeiten",
        "continue_editing": "Weiter bearbeiten",
        "withdraw_and_edit": "Zurückholen und ändern",
        "your_data": "Ihre Daten",
        "download": "Alle Daten herunterladen (JSON)",
        "delete": "Profil und alle Daten löschen",
        "logout": "Abmelden",
        "erase_title": "Profil löschen",
        "erase_text": (
            "Damit löschen wir Ihr Profil, alle Entwürfe, Einwilligungen und Kontaktdaten"
            " unwiderruflich. Ihr Unternehmen verschwindet sofort aus Karte und Suche."
        ),
        "erase_confirm": "Ja, Profil und alle Daten endgültig löschen",
        "erase_confirm_missing": "Bitte bestätigen Sie das Löschen mit dem Häkchen.",
        "erase_button": "Endgültig löschen",
        "erased_title": "Gelöscht",
        "erased_text": "Ihr Profil und alle Daten dazu sind gelöscht.",
        "link_invalid_title": "Dieser Link gilt nicht (mehr)",
        "link_invalid_text": (
            "Der Link ist abgelaufen oder wurde zurückgezogen. Bitte wenden Sie sich an den"
            " Betreiber des Portals, um einen neuen Link zu bekommen."
        ),
        "csrf_title": "Das Formular ist abgelaufen",
        "csrf_text": (
            "Aus Sicherheitsgründen konnten wir das Formular nicht annehmen. Bitte laden Sie die"
            " Seite neu und senden Sie es noch einmal."
        ),
        "limit_title": "Zu viele Versuche",
        "limit_text": "Bitte warten Sie etwas und versuchen Sie es dann noch einmal.",
        "limit_wait": (
            "Von Ihrem Anschluss wurden in kurzer Zeit zu viele Fragebögen begonnen. Bitte "
            "versuchen Sie es in {wait} noch einmal; Ihre Eingaben bleiben stehen."
        ),
        "wait_one": "einer Minute",
        "wait_many": "{n} Minuten",
        "too_large_title": "Die Datei ist zu groß",
        "too_large_text": "Bitte laden Sie ein kleineres Bild hoch (höchstens 800 KB).",
        "back_to_start": "Zur Startseite",
        # operator pages
        "admin": "Moderation",
        "login_title": "Anmeldung für Betreiber",
        "username": "Benutzername",
        "password": "Passwort",
        "login_button": "Anmelden",
        "login_failed": (
            "Benutzername oder Passwort stimmen nicht. Bitte versuchen Sie es noch einmal."
        ),
        "queue_title": "Einreichungen",
        "queue_waiting": "Warten auf Prüfung",
        "queue_changes": "Zur Überarbeitung zurückgegeben",
        "queue_done": "Zuletzt entschieden",
        "queue_empty": "Keine.",
        "col_submission": "Nr.",
        "col_company": "Unternehmen",
        "col_kind": "Art",
        "col_status": "Status",
        "col_date": "Eingereicht",
        "kind_new": "Neu",
        "kind_edit": "Änderung",
        "submission_title": "Einreichung {id}",
        "diff_title": "Änderungen gegenüber der veröffentlichten Fassung",
        "diff_title_new": "Angaben des neuen Unternehmens",
        "col_field": "Feld",
        "col_old": "Bisher",
        "col_new": "Neu",
        "no_changes": "Keine Änderungen.",
        "approve": "Freigeben",
        "reject": "Ablehnen",
        "reject_reason": "Grund der Ablehnung (geht per E-Mail an das Unternehmen)",
        "request_changes": "Änderungen erbitten",
        "changes_message": "Was soll das Unternehmen ändern? (geht per E-Mail an das Unternehmen)",
        "decision_missing_text": "Bitte schreiben Sie einen Text für das Unternehmen.",
        "approved_notice": "Freigegeben: {name} ist jetzt öffentlich.",
        "decided_notice": "Entschieden.",
        "outbox_title": "Postausgang (Entwicklung)",
        "outbox_intro": "Solange kein SMTP-Server eingestellt ist, landen alle Mails hier.",
        "outbox_smtp": "Mails gehen über den SMTP-Server {host}; hier wird nichts aufbewahrt.",
        "col_to": "An",
        "col_subject": "Betreff",
        "audit_title": "Protokoll",
        "col_actor": "Wer",
        "col_action": "Was",
        "col_subject_ref": "Betrifft",
        "status_label_draft": "Entwurf",
        "status_label_submitted": "Eingereicht",
        "status_label_changes_requested": "Überarbeitung erbeten",
        "status_label_approved": "Freigegeben",
        "status_label_rejected": "Abgelehnt",
        "admin_nav": "Betreiber-Navigation",
        "preview_title": "Vorschau",
    },
    "en": {
        "nav_companies": "For companies",
        "title": "Create a company profile",
        "intro": (
            "You have no website of your own but want young people to find you as an employer? "
            "Answer a few questions – about a quarter of an hour on a phone. They become your "
            "profile on the map."
        ),
        "steps_heading": "What to expect",
        "how_heading": "How it works",
        "how_1": "Give your e-mail address: you get a personal link to go on later.",
        "how_2": "Answer the questions: your answers are saved after every step.",
        "how_3": "Check and submit: we review the profile and publish it.",
        "email": "Your e-mail address",
        "email_help": "Only for the link and messages about your profile; it is not published.",
        "consent_yes": "I agree.",
        "consent_version": "Version of {version}",
        "start_button": "Let’s start",
        "already_started": "Started already? Open the link from our e-mail.",
        "continue_button": "Continue",
        "honeypot": "Please leave this field empty",
        "error_email": (
            "“Your e-mail address”: this is not a valid e-mail address. Please write it as"
            " name@example.com."
        ),
        "error_consent": "“Consent”: please agree, otherwise we cannot start.",
        "errors_heading": "Please check {n} answers",
        "errors_heading_one": "Please check one answer",
        "sent_title": "Please check your inbox",
        "sent_text": "We have sent you a personal link.",
        "notice_link_sent": "We have sent you a personal link. With it you can go on at any time.",
        "notice_saved": "Your answers are saved.",
        "notice_submitted": (
            "Thank you! Your profile is submitted. We will review it and let you know by e-mail."
        ),
        "step_of": "Step {n} of {total}",
        "progress": "Progress",
        "step_done": "done",
        "step_current": "current step",
        "review_step": "Check and submit",
        "required_note": "required",
        "optional": "optional",
        "example": "Example: {text}",
        "at_most": "At most {n} characters.",
        "yes": "Yes",
        "no": "No",
        "please_choose": "Please choose",
        "back": "Back",
        "next": "Next",
        "save": "Save",
        "to_review": "On to the check",
        "saved_automatically": "Your answers are saved at every step.",
        "preview": "Preview of your profile",
        "preview_hint": "This is how people see your profile (it updates as you type).",
        "preview_empty": "Nothing given yet.",
        "logo_of": "Logo of {name}",
        "logo_current": "Current logo",
        "logo_remove": "Remove the logo",
        "latitude": "Latitude",
        "longitude": "Longitude",
        "map_label": "Map: your pin. Drag it or tap the map.",
        "map_hint": "You can also type the coordinates.",
        "review_title": "Check and submit",
        "review_intro": "Please check your answers. “Change” takes you to the step.",
        "change": "Change",
        "change_section": "Change {section}",
        "submit": "Submit the profile",
        "submit_hint": "After you submit, we review your profile; nothing is public before.",
        "review_errors": "Something is still missing before you can submit:",
        "none_given": "Not given",
        "status_title": "Your company profile",
        "status_draft": "Your profile is not submitted yet.",
        "status_submitted": (
            "Your profile is submitted and being reviewed. It is not public before approval."
        ),
        "status_submitted_edit": (
            "Your changes are submitted and being reviewed. Until then the current version"
            " stays visible."
        ),
        "status_changes_requested": "We ask you to revise your profile:",
        "status_approved": "Your profile is published.",
        "status_rejected": "Your profile was not published. The reason:",
        "view_profile": "View the profile",
        "edit_profile": "Edit the profile",
        "continue_editing": "Continue editing",
        "withdraw_and_edit": "Withdraw and change",
        "your_data": "Your data",
        "download": "Download all data (JSON)",
        "delete": "Delete the profile and all data",
        "logout": "Log out",
        "erase_title": "Delete the profile",
        "erase_text": (
            "This deletes your profile, all drafts, consents and contact data for good. Your"
            " company disappears from the map and the search at once."
        ),
        "erase_confirm": "Yes, delete the profile and all data for good",
        "erase_confirm_missing": "Please confirm the deletion with the tick box.",
        "erase_button": "Delete for good",
        "erased_title": "Deleted",
        "erased_text": "Your profile and all data about it are deleted.",
        "link_invalid_title": "This link is not valid (any more)",
        "link_invalid_text": (
            "The link has expired or was withdrawn. Please ask the operator of the portal for a"
            " new one."
        ),
        "csrf_title": "The form has expired",
        "csrf_text": (
            "For security reasons we could not accept the form. Please reload the page and send"
            " it again."
        ),
        "limit_title": "Too many attempts",
        "limit_text": "Please wait a while and try again.",
        "limit_wait": (
            "Too many questionnaires were started from your connection in a short time. Please "
            "try again in {wait}; what you typed stays here."
        ),
        "wait_one": "one minute",
        "wait_many": "{n} minutes",
        "too_large_title": "The file is too large",
        "too_large_text": "Please upload a smaller picture (at most 800 KB).",
        "back_to_start": "To the start page",
        "admin": "Moderation",
        "login_title": "Operator login",
        "username": "User name",
        "password": "Password",
        "login_button": "Log in",
        "login_failed": "User name or password are wrong. Please try again.",
        "queue_title": "Submissions",
        "queue_waiting": "Waiting for review",
        "queue_changes": "Sent back for changes",
        "queue_done": "Recently decided",
        "queue_empty": "None.",
        "col_submission": "No.",
        "col_company": "Company",
        "col_kind": "Kind",
        "col_status": "Status",
        "col_date": "Submitted",
        "kind_new": "New",
        "kind_edit": "Change",
        "submission_title": "Submission {id}",
        "diff_title": "Changes to the published version",
        "diff_title_new": "Answers of the new company",
        "col_field": "Field",
        "col_old": "Before",
        "col_new": "New",
        "no_changes": "No changes.",
        "approve": "Approve",
        "reject": "Reject",
        "reject_reason": "Reason for the rejection (mailed to the company)",
        "request_changes": "Ask for changes",
        "changes_message": "What should the company change? (mailed to the company)",
        "decision_missing_text": "Please write a text for the company.",
        "approved_notice": "Approved: {name} is public now.",
        "decided_notice": "Decided.",
        "outbox_title": "Outbox (development)",
        "outbox_intro": "As long as no SMTP server is configured, every mail lands here.",
        "outbox_smtp": "Mails go through the SMTP server {host}; nothing is kept here.",
        "col_to": "To",
        "col_subject": "Subject",
        "audit_title": "Audit log",
        "col_actor": "Who",
        "col_action": "What",
        "col_subject_ref": "Concerns",
        "status_label_draft": "Draft",
        "status_label_submitted": "Submitted",
        "status_label_changes_requested": "Changes requested",
        "status_label_approved": "Approved",
        "status_label_rejected": "Rejected",
        "admin_nav": "Operator navigation",
        "preview_title": "Preview",
    },
}


def translate(key: str, lang: str, **values: Any) -> str:
    """The text ``key`` in ``lang`` (German if ``lang`` has none), placeholders filled."""
    strings = STRINGS.get(lang, STRINGS["de"])
    text = strings.get(key) or STRINGS["de"][key]
    return text.format(**values) if values else text
