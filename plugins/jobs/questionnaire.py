"""The Leitfragebogen's step "Offene Stellen": a company adds, changes and removes its open
positions through its editor link.

The section is data (``questionnaire.toml``): one question of core's answer type ``items``,
one record per position. Its answers never enter the profile: they wait in the submission,
and only when an operator approves it does core call ``publish`` (inside the approval's
transaction), which writes them to ``jobs_positions`` as positions of source ``editor``.
``load`` gives an edit the company's own open positions (each with its id), so the
moderation page shows old -> new by labels, and a removed record deletes its position.
Positions from imports and the Jobsuche are kept by their feed and are not part of the step.

An employer that is only known from a feed (an unmatched position) can be invited
(``invite_employer``): a prefilled draft of the questionnaire is mailed to it, and approving
that draft makes the positions under its name the new company's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

import attrs
from core import Company
from core import Option
from core import Section
from core import Text
from core import format_date
from core import invite_new_company
from core import read_data_file
from core import vocabulary
from sqlalchemy import delete
from sqlalchemy import insert
from sqlalchemy import select

from plugins.jobs import tables as t
from plugins.jobs.matching import employer_key
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from plugins.jobs.texts import message
from plugins.jobs.texts import text
from plugins.jobs.vocabulary import KINDS

if TYPE_CHECKING:
    from core import Platform
    from sqlalchemy.orm import Session

__all__ = [
    "QUESTION",
    "SECTION",
    "SOURCE",
    "editable_positions",
    "employer_positions",
    "invite_employer",
    "jobs_section",
    "publish_positions",
    "record_of",
]

#: Where positions entered through the Leitfragebogen come from.
SOURCE = "editor"
#: The question that takes the positions.
QUESTION = "positions"
#: The record's answers and the position's fields they fill (the same names).
FIELDS = (
    "title",
    "kind",
    "profession",
    "start_date",
    "valid_through",
    "description",
    "apply_url",
    "apply_email",
    "apply_phone",
)
_DATES = ("start_date", "valid_through")

_DATA = read_data_file(__package__, "questionnaire.toml")
#: The step as data; ``load``, ``publish`` and ``check`` are added per platform (``jobs_section``).
SECTION = _DATA.section(
    options={
        "kinds": [Option(term.code, term.label) for term in KINDS],
        "professions": [
            Option(term.code, term.label, group=term.parent) for term in vocabulary("professions")
        ],
    }
)


def editable_positions(positions: list[Position], today: dt.date) -> list[Position]:
    """The positions a company keeps through the Leitfragebogen: those it entered itself
    that have not closed (run out or been filled) by ``today``; by id."""
    return [
        p
        for p in positions
        if p.source == SOURCE
        and p.filled_on is None
        and (p.valid_through is None or p.valid_through >= today)
    ]


def record_of(position: Position) -> dict[str, Any]:
    """A position as a record of the step's answer (dates as ``YYYY-MM-DD``)."""
    record: dict[str, Any] = {"id": position.id}
    for name in FIELDS:
        value = getattr(position, name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        if value not in (None, ""):
            record[name] = value
    return record


def _values(record: Mapping[str, Any]) -> dict[str, Any]:
    """A checked record as the position's fields (empty answers as the model's defaults)."""
    values: dict[str, Any] = {}
    for name in FIELDS:
        value = record.get(name)
        if name in _DATES:
            values[name] = dt.date.fromisoformat(value) if value else None
        elif name == "profession":
            values[name] = value or None
        else:
            values[name] = value or ""
    return values


def publish_positions(
    session: Session,
    company: Company,
    records: list[Mapping[str, Any]],
    *,
    today: dt.date,
    submission_id: int,
) -> tuple[int, int, int]:
    """Make the company's own open positions what ``records`` say: a record with the id of
    one of them changes it, a record without one (or with an id that is not one of them) is
    a new position published ``today``, and a position no record names is deleted. An
    invitation of this submission hands the company the positions under the invited
    employer's name as well. Returns (added, changed, deleted); never commits."""
    assert company.id is not None
    repo = PositionRepository(session)
    mine = {p.id: p for p in editable_positions(repo.of_company(company.id), today)}
    added = changed = 0
    kept: set[int] = set()
    place = {
        "employer_name": company.name,
        "employer_postcode": company.address.postcode,
        "employer_town": company.address.town,
    }
    for record in records:
        values = _values(record)
        own = mine.get(record.get("id"))  # type: ignore[arg-type]
        if own is not None and own.id not in kept:
            assert own.id is not None
            kept.add(own.id)
            updated = own.evolve(**values, **place)
            if updated != own:
                repo.update(updated, bump=False)
                changed += 1
            continue
        repo.add(
            Position(
                **values,
                **place,
                company_id=company.id,
                published=today,
                source=SOURCE,
                match="manual",
            ),
            bump=False,
        )
        added += 1
    gone = [i for i in mine if i not in kept]
    for position_id in gone:
        assert position_id is not None
        repo.delete(position_id, bump=False)
    handed = _take_invited(session, company, submission_id)
    if added or changed or gone or handed:
        repo.changed()
    return added, changed, len(gone)


# --- the section ---------------------------------------------------------------------------


def jobs_section(platform: Platform) -> Section:
    """The step with what is code: reading, publishing and checking positions."""
    from plugins.jobs.hooks import service_for

    def today() -> dt.date:
        return service_for(platform).today()

    def load(company: Company) -> dict[str, Any]:
        assert company.id is not None
        with platform.session() as session:
            positions = PositionRepository(session).of_company(company.id)
        records = [record_of(p) for p in editable_positions(positions, today())]
        return {QUESTION: records} if records else {}

    def publish(
        *, session: Session, company: Company, submission_id: int, answers: Mapping[str, Any]
    ) -> None:
        records = answers.get(QUESTION) or []
        publish_positions(
            session, company, list(records), today=today(), submission_id=submission_id
        )

    def check(values: Mapping[str, Any]) -> dict[str, Text]:
        return date_problems(values, today())

    return attrs.evolve(SECTION, load=load, publish=publish, check=check)


def date_problems(values: Mapping[str, Any], today: dt.date) -> dict[str, Text]:
    """Problems of a position's two dates together: an end already past (the position would
    never be seen) or before the start; keyed by the record's field."""
    found: dict[str, Text] = {}
    for index, record in enumerate(values.get(QUESTION) or []):
        end, start = _day(record.get("valid_through")), _day(record.get("start_date"))
        key = f"{QUESTION}-{index}-valid_through"
        if end is not None and end < today:
            found[key] = message("questionnaire.problems.valid_through_past")
        elif end is not None and start is not None and end < start:
            found[key] = _before_start(start)
    return found


def _before_start(start: dt.date) -> Text:
    """The problem "ends before it starts", the start written in the page's language."""
    return Text.literal(
        **{
            lang: text("questionnaire.problems.valid_through_before_start", lang, day=day)
            for lang, day in ((lang, format_date(start, lang)) for lang in _languages())
        }
    )


def _languages() -> tuple[str, ...]:
    from core import catalog

    from plugins.jobs.texts import DOMAIN

    return tuple(catalog(DOMAIN).languages())


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None  # a bad day has its own problem already


# --- inviting an employer known only from a feed -------------------------------------------


def invite_employer(
    platform: Platform,
    *,
    employer_name: str,
    employer_postcode: str,
    employer_town: str,
    email: str,
    lang: str,
    editor_link: Callable[[str], str],
    actor: str,
) -> int:
    """Mail the employer of unmatched positions (by name and postcode, as the feed gave them)
    a Leitfragebogen started with its name and place; when an operator approves it, those
    positions become the new company's. Returns the draft's submission id; a bad address is
    a ``ValidationError`` that names it, and nothing is stored then."""
    with platform.session() as session:
        count = len(employer_positions(session, employer_name, employer_postcode))
    answers: dict[str, dict[str, Any]] = {}
    given = {"name": employer_name, "postcode": employer_postcode, "town": employer_town}
    for section in platform.questionnaire.sections:
        if section.plugin != "core":
            continue
        for question in section.questions:
            if question.target in given and given[question.target]:
                answers.setdefault(section.key, {})[question.key] = given[question.target]
    submission_id = invite_new_company(
        platform,
        email,
        name=employer_name,
        lang=lang,
        answers=answers,
        editor_link=editor_link,
        actor=actor,
        note=text("invite.note", lang, n=count) if count else "",
    )
    with platform.session(write=True) as session:
        session.execute(
            insert(t.invitations).values(
                submission_id=submission_id,
                employer_name=employer_name,
                employer_postcode=employer_postcode,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
    return submission_id


def employer_positions(session: Session, name: str, postcode: str) -> list[Position]:
    """Positions no company has yet of this employer: the same postcode and the same name
    as matching compares names (``employer_key``: legal forms, umlauts and punctuation
    aside), as the review list groups them."""
    c = t.positions.c
    key = employer_key(name)
    ids = session.execute(
        select(c.id, c.employer_name).where(
            c.company_id.is_(None),
            c.employer_postcode == postcode,
            c.match.in_(("unmatched", "review")),
        )
    ).all()
    repo = PositionRepository(session)
    return [repo.get(int(i)) for i, named in ids if employer_key(named) == key]


def _take_invited(session: Session, company: Company, submission_id: int) -> int:
    """The positions of the employer this submission was invited for become the company's
    (decided by the company itself: ``manual``); the invitation is used up. Returns how
    many."""
    c = t.invitations.c
    row = session.execute(select(t.invitations).where(c.submission_id == submission_id)).first()
    if row is None:
        return 0
    repo = PositionRepository(session)
    found = employer_positions(session, row.employer_name, row.employer_postcode)
    for position in found:
        repo.update(
            position.evolve(company_id=company.id, match="manual", match_candidates=()),
            bump=False,
        )
    session.execute(delete(t.invitations).where(c.submission_id == submission_id))
    return len(found)
