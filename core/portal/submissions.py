"""The questionnaire's life cycle: start, save each step, submit, moderate, export, erase.

::

    start ──> draft ──submit──> submitted ──approve──> approved (profile published)
               ^  │                  │ ├──reject────> rejected
               │  └─ save_section    │ └──request_changes──> changes_requested ─┐
               └──────── reopen ─────┘<─────────────── (editor edits again) ─────┘

A new company exists only as a submission until an operator approves it; an edit of a
published company waits as a submission too, while the published version stays visible
(the search index holds published companies only). Every change is written to the audit log
(without personal data), mails go through ``platform.outbox``. Functions here own their
units of work (``platform.session(write=True)``); web views and the command line call them.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from core.classifications import industry_divisions
from core.errors import Conflict, NotFound, ValidationError
from core.i18n import Text, catalog, current_language
from core.model import Company, Status
from core.persistence import accounts as token_repo
from core.persistence import companies as company_repo
from core.persistence import submissions as repo
from core.persistence.tables import SubmissionRow, utcnow
from core.portal import accounts, audit
from core.portal.answer_texts import answer_text, location_text, term_text, value_text
from core.portal.logos import process_logo
from core.portal.mail import Mail
from core.portal.placing import PlacementError, place_address
from core.portal.privacy import CONSENTS, consent_text
from core.portal.questionnaire import COMPANY_TARGETS, DOMAIN, AnswerType, Message, Question

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.platform import Platform

__all__ = [
    "EXPORT_FORMAT",
    "Change",
    "EditorState",
    "Links",
    "Started",
    "Submission",
    "SubmissionInvalid",
    "SubmissionStatus",
    "approve",
    "changes",
    "editor_state",
    "erase",
    "export_data",
    "get",
    "invite",
    "invite_new_company",
    "locate",
    "logo_of",
    "preview",
    "problems",
    "queue",
    "reject",
    "remove_logo",
    "reopen",
    "request_changes",
    "save_logo",
    "save_section",
    "start",
    "start_edit",
    "submit",
]

EXPORT_FORMAT = "regiokarte-company-export/1"


class SubmissionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"


EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.CHANGES_REQUESTED)
OPEN = (*EDITABLE, SubmissionStatus.SUBMITTED)


class SubmissionInvalid(ValidationError):
    """The answers are not complete or not valid; ``problems`` says what, per section."""

    def __init__(self, problems: Mapping[str, Mapping[str, Message]]) -> None:
        self.problems = {s: dict(p) for s, p in problems.items()}
        errors = {f"{s}.{q}": [m.text("en")] for s, p in problems.items() for q, m in p.items()}
        count = len(errors)
        super().__init__(
            f"{count} answer{'s' if count != 1 else ''} must be completed or corrected: "
            + "; ".join(f"{k}: {v[0]}" for k, v in errors.items()),
            errors,
        )


class Links:
    """Builds the addresses mails point to (the web app knows its URLs, core does not)."""

    def __init__(
        self, editor: Callable[[str], str], profile: Callable[[str], str] | None = None
    ) -> None:
        self.editor = editor
        self._profile = profile

    def profile(self, slug: str) -> str:
        return self._profile(slug) if self._profile else ""


@frozen
class Submission:
    """A submission as the flow sees it."""

    id: int
    company_id: int | None
    status: SubmissionStatus
    email: str
    lang: str
    answers: Mapping[str, Any]
    step: str
    message: str
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    has_logo: bool = False

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_edit(self) -> bool:
        """An edit of a published company (not a new one)."""
        return self.company_id is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "company_id": self.company_id,
            "status": self.status.value,
            "lang": self.lang,
            "step": self.step,
            "message": self.message,
            "answers": dict(self.answers),
            "has_logo": self.has_logo,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            "submitted_at": _iso(self.submitted_at),
            "decided_at": _iso(self.decided_at),
        }


@frozen
class Started:
    submission: Submission
    token: str


@frozen
class EditorState:
    """What an editor link opens: the latest submission and the published profile, if any."""

    token: accounts.EditorToken
    submission: Submission | None
    company: Company | None


@frozen
class Change:
    """One difference between the published profile and a submission."""

    field: str
    #: the question's label (``label(lang)`` in a language)
    label: Text
    old: Any
    new: Any
    #: the title of the questionnaire section the field is asked in (empty: none)
    section: Text = Text.plain("")
    #: how a value of the field reads to a person: ``shown(value, lang)``
    shown: Callable[[Any, str], str] = attrs.field(default=value_text, eq=False, repr=False)

    def old_text(self, lang: str | None = None) -> str:
        """The published value, labelled and formatted in ``lang``."""
        return self.shown(self.old, lang or current_language())

    def new_text(self, lang: str | None = None) -> str:
        """The submitted value, labelled and formatted in ``lang``."""
        return self.shown(self.new, lang or current_language())


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _submission(session: Session, row: SubmissionRow) -> Submission:
    created, updated = _aware(row.created_at), _aware(row.updated_at)
    assert created is not None and updated is not None
    return Submission(
        id=row.id,
        company_id=row.company_id,
        status=SubmissionStatus(row.status),
        email=row.email,
        lang=row.lang,
        answers=dict(row.answers or {}),
        step=row.step,
        message=row.message,
        created_at=created,
        updated_at=updated,
        submitted_at=_aware(row.submitted_at),
        decided_at=_aware(row.decided_at),
        has_logo=repo.draft_logo(session, row.id) is not None,
    )


def _row(session: Session, submission_id: int, *, lock: bool = False) -> SubmissionRow:
    row = repo.submission_row(session, submission_id, lock=lock)
    if row is None:
        raise NotFound(f"There is no submission {submission_id}.")
    return row


def _subject(submission_id: int) -> str:
    return f"submission:{submission_id}"


def _lifetime(platform: Platform) -> dt.timedelta:
    return dt.timedelta(days=platform.settings.accounts.editor_link_days)


def _send(platform: Platform, to: str, subject: str, body: str) -> None:
    if to:
        platform.outbox.send(Mail(to=to, subject=subject, body=body))


def _mail(platform: Platform, submission: Submission, name: str, **values: Any) -> None:
    """Send the company the mail ``name`` of the catalog (``mail.<name>.subject`` and
    ``.body``) in the language it started in; ``{title}`` is the portal's title."""
    texts = catalog(DOMAIN)
    values["title"] = platform.settings.portal.title
    _send(
        platform,
        submission.email,
        texts.text(f"mail.{name}.subject", submission.lang, **values),
        texts.text(f"mail.{name}.body", submission.lang, **values),
    )


def get(platform: Platform, submission_id: int) -> Submission:
    with platform.session() as session:
        return _submission(session, _row(session, submission_id))


# --- start and resume -----------------------------------------------------------------------------


def _check_email(email: str) -> str:
    from core.portal.questionnaire import Question, check

    question = Question(
        key="email",
        label=Text.message(DOMAIN, "email"),
        answer=AnswerType.EMAIL,
        required=True,
    )
    value, problem = check(question, email)
    if problem is not None:
        message = problem.text("en")
        raise ValidationError(message, {"email": [message]})
    return str(value)


def start(
    platform: Platform,
    *,
    email: str,
    lang: str,
    consent: bool,
    links: Links,
    actor: str = "public",
) -> Started:
    """A new draft for a new company, its personal link (mailed to ``email``), the consent to
    processing recorded with its version."""
    email = _check_email(email)
    if consent is not True:
        text = consent_text("processing")
        raise ValidationError(
            f"Agree to “{text.title('en')}” to start.", {"consent": ["consent required"]}
        )
    # the company's language: its mails are written in it
    offered = platform.settings.portal.languages or ["de"]
    lang = lang if lang in offered else offered[0]
    first = platform.questionnaire.keys[0]
    with platform.session(write=True) as session:
        row = repo.add_submission(session, email=email, lang=lang, answers={}, step=first)
        text = consent_text("processing")
        repo.add_consent(
            session,
            kind=text.kind,
            version=text.version,
            given=True,
            submission_id=row.id,
            company_id=None,
        )
        token = accounts.issue_token(session, submission_id=row.id, lifetime=_lifetime(platform))
        audit.log_action(session, actor, "submission.start", _subject(row.id))
        submission = _submission(session, row)
    _mail_link(platform, submission, links.editor(token))
    return Started(submission, token)


def _mail_link(platform: Platform, submission: Submission, link: str) -> None:
    _mail(platform, submission, "link", link=link, days=platform.settings.accounts.editor_link_days)


def invite(
    platform: Platform, company_id: int, email: str, *, links: Links, actor: str = "cli"
) -> str:
    """Send a personal link to a company already in the directory, so it can complete its
    profile; the link (secret) is returned too."""
    email = _check_email(email)
    with platform.session(write=True) as session:
        company = company_repo.get_company(session, company_id)
        token = accounts.issue_token(session, company_id=company_id, lifetime=_lifetime(platform))
        audit.log_action(session, actor, "company.invite", f"company:{company_id}")
    title = platform.settings.portal.title
    _send(
        platform,
        email,
        f"{title}: Ihr Unternehmensprofil / your company profile",
        f"Guten Tag,\n\n{company.name} steht im {title}. Mit diesem persönlichen Link können "
        f"Sie das Profil ergänzen und ändern:\n\n{links.editor(token)}\n\n"
        f"Der Link gilt {platform.settings.accounts.editor_link_days} Tage.\n\n"
        f"Viele Grüße\n{title}\n",
    )
    return token


def invite_new_company(
    platform: Platform,
    email: str,
    *,
    name: str,
    lang: str,
    answers: Mapping[str, Mapping[str, Any]],
    editor_link: Callable[[str], str],
    actor: str,
    note: str = "",
) -> int:
    """Invite an employer that is not in the directory yet (known from a job feed, say) to
    the questionnaire: a draft for a new company, started with ``answers`` (its name and
    place, so it need not type them again), and the personal link mailed to ``email`` in
    ``lang``. ``name`` is the employer's name as the mail addresses it; ``note`` a line of
    the operator's saying why (open positions under its name). The employer gives its
    consents in the questionnaire itself; nothing is published before an operator approves.
    ``editor_link(secret)`` is the link's address (the web kit's ``editor_link``). Returns
    the new submission's id; a bad e-mail address is a ``ValidationError`` naming it.
    """
    email = _check_email(email)
    offered = platform.settings.portal.languages or ["de"]
    lang = lang if lang in offered else offered[0]
    questionnaire = platform.questionnaire
    started: dict[str, dict[str, Any]] = {}
    for key, given in answers.items():
        values, problems = questionnaire.clean_section(key, given, partial=True)
        started[key] = {k: v for k, v in values.items() if k not in problems}
    with platform.session(write=True) as session:
        row = repo.add_submission(
            session, email=email, lang=lang, answers=started, step=questionnaire.keys[0]
        )
        token = accounts.issue_token(session, submission_id=row.id, lifetime=_lifetime(platform))
        audit.log_action(session, actor, "submission.invite", _subject(row.id))
        submission = _submission(session, row)
    _mail(
        platform,
        submission,
        "invite_new",
        employer=name,
        note=note,
        link=editor_link(token),
        days=platform.settings.accounts.editor_link_days,
    )
    return submission.id


def editor_state(platform: Platform, token: accounts.EditorToken) -> EditorState:
    """The latest submission and the published profile an editor link opens."""
    with platform.session() as session:
        row = None
        company_id = token.company_id
        if token.submission_id is not None:
            row = repo.submission_row(session, token.submission_id)
            if row is not None and row.company_id is not None:
                company_id = row.company_id
        if company_id is not None:
            row = repo.latest_for_company(session, company_id) or row
        company = None
        if company_id is not None:
            try:
                company = company_repo.get_company(session, company_id, with_contact=True)
            except NotFound:
                company = None
        submission = _submission(session, row) if row is not None else None
    return EditorState(token, submission, company)


def start_edit(platform: Platform, token: accounts.EditorToken) -> Submission:
    """A new draft to change a published profile, filled with its current data (or the open
    one, if there is one already)."""
    state = editor_state(platform, token)
    if state.submission is not None and state.submission.status in OPEN:
        return state.submission
    if state.company is None:
        raise NotFound("There is no published profile to edit with this link.")
    company = state.company
    assert company.id is not None
    answers = platform.questionnaire.answers_from(company)
    _without_derived_pin(platform, company, answers)
    with platform.session(write=True) as session:
        consented = company.id in repo.contact_consented(session, [company.id])
        for section, question in platform.questionnaire.questions(AnswerType.CONSENT):
            if question.consent == "publish_contact" and consented:
                answers.setdefault(section.key, {})[question.key] = True
        email = state.submission.email if state.submission is not None else ""
        lang = state.submission.lang if state.submission is not None else "de"
        row = repo.add_submission(
            session,
            email=email,
            lang=lang,
            answers=answers,
            step=platform.questionnaire.keys[0],
            company_id=company.id,
        )
        logo = repo.company_logo(session, company.id)
        if logo is not None:
            repo.set_draft_logo(
                session,
                row.id,
                data=logo.data,
                width=logo.width,
                height=logo.height,
                sha256=logo.sha256,
            )
        audit.log_action(
            session, token.actor, "submission.start_edit", _subject(row.id), {"company": company.id}
        )
        return _submission(session, row)


def _without_derived_pin(
    platform: Platform, company: Company, answers: dict[str, dict[str, Any]]
) -> None:
    """Leave out of ``answers`` a location that the address gives anyway: it is no pin the
    company moved, so the edit's pages say the address places it, and a new address moves it."""
    if company.location is None or not company.address.postcode:
        return
    try:
        placed = place_address(platform, company.address).location
    except PlacementError:
        return
    here = company.location
    if abs(placed.lat - here.lat) > 1e-6 or abs(placed.lon - here.lon) > 1e-6:
        return
    for section, question in platform.questionnaire.questions(AnswerType.LOCATION):
        if section.plugin == "core" and question.target == "location":
            answers.get(section.key, {}).pop(question.key, None)


# --- the steps ------------------------------------------------------------------------------


def _editable_row(session: Session, submission_id: int) -> SubmissionRow:
    row = _row(session, submission_id, lock=True)
    if SubmissionStatus(row.status) not in EDITABLE:
        raise Conflict(
            f"Submission {submission_id} is {row.status} and cannot be changed now; "
            "reopen it first.",
            {"status": [row.status]},
        )
    return row


def save_section(
    platform: Platform,
    submission_id: int,
    section_key: str,
    raw: Mapping[str, Any],
    *,
    actor: str,
    partial: bool = False,
) -> dict[str, Message]:
    """Store one section's answers, valid or not (bad ones as entered, so nothing typed is
    lost), and return its problems per question."""
    try:
        section = platform.questionnaire.section(section_key)
    except KeyError:
        raise NotFound(
            f"There is no questionnaire section {section_key!r}; sections are: "
            f"{', '.join(platform.questionnaire.keys)}."
        ) from None
    with platform.session(write=True) as session:
        row = _editable_row(session, submission_id)
        answers = {k: dict(v) for k, v in (row.answers or {}).items()}
        given = {k: v for k, v in raw.items() if k in _keys(section)}
        merged = {**answers.get(section_key, {}), **given} if partial else given
        values, problems = platform.questionnaire.clean_section(section_key, merged)
        if repo.draft_logo(session, submission_id) is not None:
            for question in section.questions:
                if question.answer is AnswerType.IMAGE:
                    values[question.key] = True
                    problems.pop(question.key, None)
        answers[section_key] = values
        row.answers = answers
        row.step = section_key
        row.updated_at = utcnow()
        audit.log_action(
            session,
            actor,
            "submission.save",
            _subject(submission_id),
            {"section": section_key, "fields": sorted(values), "problems": sorted(problems)},
        )
    return problems


def _keys(section: Any) -> set[str]:
    return {q.key for q in section.questions}


def save_logo(platform: Platform, submission_id: int, data: bytes, *, actor: str) -> None:
    """Check, shrink and re-encode an uploaded logo and keep it with the submission."""
    settings = platform.settings.questionnaire
    logo = process_logo(data, max_bytes=settings.logo_max_kb * 1024, max_px=settings.logo_max_px)
    with platform.session(write=True) as session:
        _editable_row(session, submission_id)
        repo.set_draft_logo(
            session,
            submission_id,
            data=logo.data,
            width=logo.width,
            height=logo.height,
            sha256=logo.sha256,
        )
        audit.log_action(session, actor, "submission.logo", _subject(submission_id))


def remove_logo(platform: Platform, submission_id: int, *, actor: str) -> None:
    with platform.session(write=True) as session:
        _editable_row(session, submission_id)
        repo.remove_draft_logo(session, submission_id)
        audit.log_action(session, actor, "submission.logo_removed", _subject(submission_id))


def logo_of(
    platform: Platform, *, submission_id: int | None = None, company_id: int | None = None
) -> bytes | None:
    """The PNG bytes of a submission's draft logo or a company's published one."""
    with platform.session() as session:
        if submission_id is not None:
            row = repo.draft_logo(session, submission_id)
        elif company_id is not None:
            row = repo.company_logo(session, company_id)
        else:
            row = None
        return bytes(row.data) if row is not None else None


def preview(platform: Platform, submission: Submission) -> Company:
    """The profile the answers would publish (invalid answers left out)."""
    base = None
    if submission.company_id is not None:
        with platform.session() as session:
            try:
                base = company_repo.get_company(session, submission.company_id, with_contact=True)
            except NotFound:
                base = None
    company = platform.questionnaire.apply(submission.answers, base)
    return locate(platform, company)


def locate(platform: Platform, company: Company) -> Company:
    """``company`` placed by its address when its editor moved no pin (``place_address``:
    the configured geocoder, the postcode's centre when that finds nothing), town and
    municipality key filled in; a company whose address places nothing keeps no location."""
    if company.location is None and company.address.postcode:
        try:
            company.location = place_address(platform, company.address).location
        except PlacementError:
            return company
    return platform.complete_company(company) if company.address.postcode else company


def problems(platform: Platform, submission: Submission) -> dict[str, dict[str, Message]]:
    """Every problem of every section, with a logo counting as given when one is stored."""
    found = platform.questionnaire.validate(submission.answers)
    if submission.has_logo:
        for section, question in platform.questionnaire.questions(AnswerType.IMAGE):
            found.get(section.key, {}).pop(question.key, None)
    return {k: v for k, v in found.items() if v}


def submit(
    platform: Platform, submission_id: int, *, actor: str, links: Links | None = None
) -> Submission:
    """Hand the answers to the operators; every problem of every section stops it."""
    current = get(platform, submission_id)
    found = problems(platform, current)
    if found:
        raise SubmissionInvalid(found)
    consents = platform.questionnaire.consents(current.answers)
    with platform.session(write=True) as session:
        row = _editable_row(session, submission_id)
        for kind, given in consents.items():
            text = CONSENTS[kind]
            # a withdrawal counts at once; a consent to a pending edit when it is approved
            repo.add_consent(
                session,
                kind=kind,
                version=text.version,
                given=given,
                submission_id=row.id,
                company_id=row.company_id if not given else None,
            )
        row.status = SubmissionStatus.SUBMITTED.value
        row.submitted_at = row.updated_at = utcnow()
        row.message = ""
        audit.log_action(session, actor, "submission.submit", _subject(row.id))
        submission = _submission(session, row)
    _mail(platform, submission, "submitted")
    _tell_operator(platform, submission)
    return submission


def _tell_operator(platform: Platform, submission: Submission) -> None:
    """The "new submission" mail to the operator's address, German then English (an
    operator's language is not known; the admin area speaks both)."""
    operator = platform.settings.mail.operator_address
    if not operator:
        return
    texts = catalog(DOMAIN)
    name = (submission.answers.get("unternehmen") or {}).get("name") or "–"
    values = {"title": platform.settings.portal.title, "id": submission.id, "name": name}
    subject, body = (
        [texts.text(f"mail.operator_new.{part}", lang, **values) for lang in ("de", "en")]
        for part in ("subject", "body")
    )
    _send(platform, operator, " / ".join(subject), "\n\n".join(b.strip() for b in body) + "\n")


def reopen(platform: Platform, submission_id: int, *, actor: str) -> Submission:
    """Take a submitted (or rejected) submission back to draft, to change it."""
    with platform.session(write=True) as session:
        row = _row(session, submission_id, lock=True)
        status = SubmissionStatus(row.status)
        if status in EDITABLE:
            return _submission(session, row)
        if status not in (SubmissionStatus.SUBMITTED, SubmissionStatus.REJECTED):
            raise Conflict(
                f"Submission {submission_id} is {status}; only submitted or rejected ones can "
                "be reopened.",
                {"status": [status.value]},
            )
        row.status = SubmissionStatus.DRAFT.value
        row.updated_at = utcnow()
        audit.log_action(session, actor, "submission.reopen", _subject(row.id))
        return _submission(session, row)


# --- moderation -----------------------------------------------------------------------------


def queue(
    platform: Platform, statuses: tuple[SubmissionStatus, ...] = (SubmissionStatus.SUBMITTED,)
) -> list[Submission]:
    with platform.session() as session:
        rows = repo.list_submissions(session, [s.value for s in statuses])
        return [_submission(session, r) for r in rows]


def _submitted_row(session: Session, submission_id: int) -> SubmissionRow:
    row = _row(session, submission_id, lock=True)
    if row.status != SubmissionStatus.SUBMITTED.value:
        raise Conflict(
            f"Submission {submission_id} is {row.status}; only submitted ones can be decided.",
            {"status": [row.status]},
        )
    return row


def approve(platform: Platform, submission_id: int, *, actor: str, links: Links) -> Company:
    """Publish the submission: a new company, or the new version of a published one."""
    submission = get(platform, submission_id)
    found = problems(platform, submission)
    if found:
        raise SubmissionInvalid(found)
    company = preview(platform, submission)
    company.status = Status.PUBLISHED
    if company.location is None and company.address.postcode:
        company = platform.complete_company(company)
    with platform.session(write=True) as session:
        row = _submitted_row(session, submission_id)
        if row.company_id is not None:
            company.id = row.company_id
            saved = company_repo.update_company(session, company)
        else:
            saved = company_repo.add_company(session, company)
        assert saved.id is not None
        _publish_sections(platform, session, submission, saved)
        row.company_id = saved.id
        row.status = SubmissionStatus.APPROVED.value
        row.decided_at = row.updated_at = utcnow()
        token_repo.tokens_follow_company(session, row.id, saved.id)
        repo.consents_follow_company(session, row.id, saved.id)
        repo.publish_logo(session, row.id, saved.id)
        token = accounts.issue_token(session, company_id=saved.id, lifetime=_lifetime(platform))
        audit.log_action(
            session,
            actor,
            "submission.approve",
            _subject(row.id),
            {"company": saved.id, "fields": sorted(c.field for c in changes(platform, submission))},
        )
    platform.pm.hook.company_changed(platform=platform, company_id=saved.id, deleted=False)
    platform.engine.refresh(force=True)
    _mail(
        platform,
        submission,
        "published",
        profile=links.profile(saved.slug),
        link=links.editor(token),
    )
    return saved


def _publish_sections(
    platform: Platform, session: Session, submission: Submission, company: Company
) -> None:
    """Hand the sections that keep their answers in their plugin's tables (``Section.publish``)
    their checked answers, in the approval's transaction: a failure publishes nothing."""
    checked = platform.questionnaire.checked(submission.answers)
    for section in platform.questionnaire.sections:
        if section.publish is not None:
            section.publish(
                session=session,
                company=company,
                submission_id=submission.id,
                answers=checked.get(section.key, {}),
            )


def reject(platform: Platform, submission_id: int, *, actor: str, reason: str) -> Submission:
    """Turn the submission down, with a reason the company is mailed."""
    return _decide(platform, submission_id, SubmissionStatus.REJECTED, actor, reason, None)


def request_changes(
    platform: Platform, submission_id: int, *, actor: str, message: str, links: Links
) -> Submission:
    """Send the submission back to the company with what to change."""
    return _decide(
        platform, submission_id, SubmissionStatus.CHANGES_REQUESTED, actor, message, links
    )


def _decide(
    platform: Platform,
    submission_id: int,
    status: SubmissionStatus,
    actor: str,
    text: str,
    links: Links | None,
) -> Submission:
    from core.portal.questionnaire import clean_text

    text = clean_text(text or "", multiline=True)
    if not text or len(text) > 2000:
        raise ValidationError(
            "Give the company a reason of 1 to 2000 characters.",
            {"reason": ["1 to 2000 characters"]},
        )
    with platform.session(write=True) as session:
        row = _submitted_row(session, submission_id)
        row.status = status.value
        row.message = text
        row.decided_at = row.updated_at = utcnow()
        token = None
        if links is not None:
            token = accounts.issue_token(
                session,
                submission_id=row.id,
                company_id=row.company_id,
                lifetime=_lifetime(platform),
            )
        audit.log_action(session, actor, f"submission.{status.value}", _subject(row.id))
        submission = _submission(session, row)
    if status is SubmissionStatus.REJECTED:
        _mail(platform, submission, "rejected", reason=text)
    else:
        assert links is not None and token is not None
        _mail(platform, submission, "changes", reason=text, link=links.editor(token))
    return submission


#: profile fields that are part of the address, shown as one row with the position
_ADDRESS = ("street", "postcode", "town", "lat", "lon")
_ADDRESS_TARGETS = frozenset({"street", "postcode", "town", "location"})


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("id", "slug", "status", "size", "created_at", "updated_at", "is_demo", "ags"):
            continue
        if key in _ADDRESS:
            out.setdefault("location", {})[key] = value
        elif key == "extensions":
            for namespace, values in (value or {}).items():
                for name, item in (values or {}).items():
                    out[f"extensions.{namespace}.{name}"] = item
        elif key == "contact":
            for name, item in (value or {}).items():
                out[f"contact.{name}"] = item
        else:
            out[key] = value
    return out


def changes(platform: Platform, submission: Submission) -> list[Change]:
    """What approving the submission would change in the published profile, field by field,
    in the order the questionnaire asks (the address and position as one field ``location``)."""
    proposed = _flatten(preview(platform, submission).to_dict(with_contact=True))
    published: dict[str, Any] = {}
    current: Company | None = None
    consented: bool | None = None  # a new company has given or refused nothing yet
    if submission.company_id is not None:
        with platform.session() as session:
            try:
                current = company_repo.get_company(
                    session, submission.company_id, with_contact=True
                )
                published = _flatten(current.to_dict(with_contact=True))
            except NotFound:
                pass
            consented = submission.company_id in repo.contact_consented(
                session, [submission.company_id]
            )
    _own_tables(platform, submission, current, proposed, published)
    wanted = platform.questionnaire.consents(submission.answers).get("publish_contact")
    if wanted is not None:
        proposed["consent.publish_contact"] = wanted
        published["consent.publish_contact"] = consented
    fields = _fields(platform)
    order = {key: i for i, key in enumerate(fields)}
    out = []
    for key in sorted(set(proposed) | set(published), key=lambda k: (order.get(k, len(order)), k)):
        old, new = published.get(key), proposed.get(key)
        old, new = (None if _blank(old) else old), (None if _blank(new) else new)
        if old == new:
            continue
        found = fields.get(key) or _other_field(platform, key)
        out.append(Change(key, found.label, old, new, found.section, found.shown))
    return out


def _own_tables(
    platform: Platform,
    submission: Submission,
    current: Company | None,
    proposed: dict[str, Any],
    published: dict[str, Any],
) -> None:
    """Add the answers of sections that keep them in their plugin's tables
    (``Section.load``) to the compared fields: the published ones as the section loads
    them, checked the same way as the submitted ones, so unchanged records compare equal."""
    questionnaire = platform.questionnaire
    checked = questionnaire.checked(submission.answers)
    for section in questionnaire.sections:
        if section.load is None:
            continue
        old: Mapping[str, Any] = {}
        if current is not None:
            old, _ = questionnaire.clean_section(section.key, section.load(current))
        new = checked.get(section.key, {})
        for question in section.questions:
            key = f"{section.key}.{question.key}"
            proposed[key], published[key] = new.get(question.key), old.get(question.key)


def _blank(value: Any) -> bool:
    if isinstance(value, Mapping):
        return all(_blank(v) for v in value.values())
    return value in (None, "", [], {})


@frozen
class _Field:
    """How the diff names a profile field and shows its values."""

    label: Text
    section: Text
    shown: Callable[[Any, str], str]


def _fields(platform: Platform) -> dict[str, _Field]:
    """Every field a question fills, in the questionnaire's order, keyed as ``_flatten``
    keys them; the address questions and the map pin make one field ``location``."""
    out: dict[str, _Field] = {}
    for section, question in platform.questionnaire.questions():
        target = question.target
        if question.answer is AnswerType.IMAGE:
            continue  # the logo is shown as a picture, not as a field
        if question.answer is AnswerType.CONSENT:
            key = f"consent.{question.consent}"
        elif section.load is not None:
            key = f"{section.key}.{question.key}"
        elif section.plugin == "core" and target in _ADDRESS_TARGETS:
            label = Text.message(DOMAIN, "moderation.location")
            out.setdefault("location", _Field(label, section.title, location_text))
            continue
        elif section.plugin == "core" and target in COMPANY_TARGETS:
            key = target
        else:
            key = f"extensions.{section.namespace}.{target or question.key}"
        out.setdefault(key, _Field(question.label, section.title, _answer_shown(question)))
        if key == "industry":
            # the finer WZ division an import or the demo may have set beside the section
            out["industry_division"] = _Field(
                Text.message("core", "filter.industry_division.label"),
                section.title,
                partial(term_text, industry_divisions()),
            )
    return out


def _answer_shown(question: Question) -> Callable[[Any, str], str]:
    return partial(answer_text, question)


def _other_field(platform: Platform, key: str) -> _Field:
    """A field no question fills (data a plugin or an import stored): named by the
    section of its plugin, its values shown as they are (yes/no, numbers formatted)."""
    if key.startswith("consent.") and key[8:] in CONSENTS:
        return _Field(CONSENTS[key[8:]].title, Text.plain(""), value_text)
    namespace = key.split(".")[1] if key.startswith("extensions.") else ""
    for section in platform.questionnaire.sections:
        if namespace and section.namespace == namespace:
            return _Field(Text.message(DOMAIN, "moderation.other_field"), section.title, value_text)
    return _Field(Text.message(DOMAIN, "moderation.other_field"), Text.plain(""), value_text)


# --- the company's own data: export and erasure -------------------------------------------------


def _scope(
    session: Session, company_id: int | None, submission_id: int | None
) -> tuple[int | None, list[int]]:
    """The company and every submission that belong to the same company."""
    ids: list[int] = []
    if submission_id is not None:
        row = _row(session, submission_id)
        ids.append(row.id)
        company_id = company_id or row.company_id
    if company_id is not None:
        ids += [i for i in repo.submission_ids_of_company(session, company_id) if i not in ids]
    return company_id, sorted(ids)


def export_data(
    platform: Platform, *, company_id: int | None = None, submission_id: int | None = None
) -> dict[str, Any]:
    """Everything stored about a company (GDPR Art. 15/20), core's and the plugins', as JSON."""
    with platform.session() as session:
        company_id, ids = _scope(session, company_id, submission_id)
        company = None
        if company_id is not None:
            try:
                company = company_repo.get_company(session, company_id, with_contact=True)
            except NotFound:
                company = None
        rows = [_row(session, i) for i in ids]
        submissions = [{**_submission(session, r).as_dict(), "email": r.email} for r in rows]
        shown_in = {r.id: r.lang for r in rows}
        consents = [
            {
                "kind": c.kind,
                "version": c.version,
                "given": c.given,
                "at": _iso(_aware(c.at)),
                "submission_id": c.submission_id,
                "company_id": c.company_id,
                "text_de": CONSENTS[c.kind].text("de") if c.kind in CONSENTS else "",
                "text_en": CONSENTS[c.kind].text("en") if c.kind in CONSENTS else "",
                # the translation the company read, when it used another language
                "text_shown": CONSENTS[c.kind].text(shown_in.get(c.submission_id or 0, "de"))
                if c.kind in CONSENTS
                else "",
            }
            for c in repo.consent_rows(session, ids, company_id)
        ]
        links = [
            {
                "id": t.id,
                "created_at": _iso(_aware(t.created_at)),
                "expires_at": _iso(_aware(t.expires_at)),
                "revoked_at": _iso(_aware(t.revoked_at)),
                "last_used_at": _iso(_aware(t.last_used_at)),
            }
            for t in token_repo.token_rows(session, ids, company_id)
        ]
        logos = [
            {
                "submission_id": logo.submission_id,
                "company_id": logo.company_id,
                "mimetype": logo.mimetype,
                "width": logo.width,
                "height": logo.height,
                "data_base64": base64.b64encode(logo.data).decode("ascii"),
            }
            for logo in repo.logo_rows(session, ids, company_id)
        ]
        subjects = [_subject(i) for i in ids] + (
            [f"company:{company_id}"] if company_id is not None else []
        )
        history = [
            {"at": _iso(_aware(e.at)), "actor": e.actor, "action": e.action, "subject": e.subject}
            for subject in subjects
            for e in audit.recent_entries(session, subject=subject, limit=1000)
        ]
    return {
        "format": EXPORT_FORMAT,
        "exported_at": utcnow().isoformat(),
        "company": company.to_dict(with_contact=True) if company is not None else None,
        "submissions": submissions,
        "consents": consents,
        "editor_links": links,
        "logos": logos,
        "history": sorted(history, key=lambda e: str(e["at"])),
        "plugins": platform.export_plugin_data(company_id) if company_id is not None else {},
    }


def erase(
    platform: Platform,
    *,
    company_id: int | None = None,
    submission_id: int | None = None,
    actor: str,
) -> None:
    """Delete a company's profile and every personal datum about it (GDPR Art. 17): the
    published company with its contact, all its submissions, consents, links and logos, the
    plugins' data (hook ``erase_company_data``), mails to it in the mail queue and the outbox
    folder; the search index drops it at once. The audit log keeps a line without personal
    data."""
    with platform.session() as session:
        company_id, ids = _scope(session, company_id, submission_id)
        emails = {r.email for r in (_row(session, i) for i in ids) if r.email}
        exists = company_id is not None and company_repo.existing_ids(session, [company_id])
    if company_id is not None:
        platform.erase_plugin_data(company_id)
    with platform.session(write=True) as session:
        counts = repo.delete_for(session, ids, company_id)
        counts["links"] = token_repo.delete_tokens(session, ids, company_id)
        if exists:
            assert company_id is not None
            company_repo.delete_company(session, company_id)
            # a patched index would keep the erased row (dead) in memory: make every process
            # rebuild its index instead
            company_repo.bump_generation(session)
        subject = f"company:{company_id}" if company_id is not None else _subject(ids[0])
        audit.log_action(session, actor, "company.erase", subject, counts)
    for email in emails:  # mails still queued to the address, and the folder's copies
        platform.forget_mail(email)
    if exists:
        assert company_id is not None
        platform.pm.hook.company_changed(platform=platform, company_id=company_id, deleted=True)
        platform.engine.refresh(force=True)


def consent_texts() -> list[dict[str, str]]:
    """The current consent texts with their versions."""
    return [c.as_dict() for c in CONSENTS.values()]
