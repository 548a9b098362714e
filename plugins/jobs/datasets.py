"""Positions as a dataset of the operators' admin area: search, edit, expire, mark as filled,
delete, import and export, and a link to the review list of employers to match.

An edit changes only what the form changed and checks the position as a whole
(``Position.validated``), so the form names every problem at once, in the admin page's
language. A profession is typed as a KldB 2010 code or as a Berufsbenennung the plugin's
table knows ("Kraftfahrzeugmechatroniker/in"). Setting the company by hand makes the match the
operator's (``manual``); emptying it puts the employer back on the review list. An import
reads the plugin's formats (its own CSV and JSON, an answer of the Jobsuche) exactly as
``regiokarte jobs import`` does: every record is checked first, and one invalid record
refuses the file with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from core import Dataset
from core import DatasetAction
from core import DatasetField
from core import DatasetImport
from core import DatasetLink
from core import ExportFile
from core import NotFound
from core import Sentence
from core import Text
from core import ValidationError
from core import checked_record
from core import edited_values
from core import export_file
from core import record_id
from core import table_dataset
from core import vocabulary
from sqlalchemy.orm import Session

from plugins.jobs import tables as t
from plugins.jobs import vocabulary as jv
from plugins.jobs.employers import employers
from plugins.jobs.formats import FIELDS as FILE_FIELDS
from plugins.jobs.formats import FORMATS
from plugins.jobs.importer import check_text
from plugins.jobs.importer import read_text
from plugins.jobs.importer import write_checked
from plugins.jobs.model import MAX_LENGTH
from plugins.jobs.model import Position
from plugins.jobs.professions import profession_code
from plugins.jobs.repository import PositionRepository
from plugins.jobs.texts import DOMAIN

if TYPE_CHECKING:
    from core import Platform

__all__ = [
    "POSITIONS_DATASET",
    "REVIEW_PATH",
    "export_positions",
    "positions_dataset",
]

POSITIONS_DATASET = "jobs.positions"
EXPORT_FORMATS = ("csv", "json")
#: The review list of employers to match (``review.py``), linked from the dataset's list.
REVIEW_PATH = "/admin/stellen/zuordnung"


def _label(name: str) -> Text:
    """The admin area's name of the field ``name`` (catalog ``admin.fields.<name>``)."""
    return Text.message(DOMAIN, f"admin.fields.{name}")


def _choices(vocab: Any) -> tuple[tuple[str, Text], ...]:
    # the labels stay Texts: the admin page shows them in its language
    return tuple((term.code, term.label) for term in vocab)


def _text(name: str, **options: Any) -> DatasetField:
    return DatasetField(name, _label(name), max_length=MAX_LENGTH.get(name, 500), **options)


def _date(name: str, **options: Any) -> DatasetField:
    return DatasetField(name, _label(name), kind="date", **options)


def _fixed(name: str, kind: str = "text", **options: Any) -> DatasetField:
    return DatasetField(name, _label(name), kind=kind, editable=False, **options)


FIELDS = (
    _fixed("id", listed=True),
    _text("title", required=True, listed=True),
    _text("employer_name", required=True, listed=True),
    _fixed("company"),
    DatasetField("company_id", _label("company_id"), kind="integer"),
    _fixed("match", "choice", choices=_choices(jv.MATCHES), listed=True),
    _text("employer_postcode"),
    _text("employer_town"),
    DatasetField("kind", _label("kind"), kind="choice", choices=_choices(jv.KINDS), required=True),
    # a code or a Berufsbenennung: longer than the five digits stored
    DatasetField("profession", _label("profession"), max_length=200),
    _fixed("profession_group", "choice", choices=_choices(vocabulary("professions"))),
    _date("start_date"),
    _date("published", required=True),
    _date("valid_through", listed=True),
    _date("filled_on"),
    _fixed("open", "bool", listed=True),
    _text("description", kind="textarea"),
    _text("apply_url", kind="url"),
    _text("apply_email", kind="email"),
    _text("apply_phone"),
    DatasetField("lat", _label("lat"), kind="number"),
    DatasetField("lon", _label("lon"), kind="number"),
    _fixed("source", "choice", choices=_choices(jv.SOURCES)),
    _fixed("external_id"),
    _fixed("is_demo", "bool"),
    _fixed("created_at", "datetime"),
    _fixed("updated_at", "datetime"),
)
_BY_NAME = {f.name: f for f in FIELDS}
_DATES = ("start_date", "published", "valid_through", "filled_on")
#: the text fields an edit may change (empty is "", not None); source and id are fixed
_TEXTS = tuple(name for name in MAX_LENGTH if name not in ("source", "external_id"))


def _company_name(platform: Platform, company_id: int | None) -> str:
    if company_id is None:
        return ""
    try:
        return f"{platform.company(company_id).name} (#{company_id})"
    except NotFound:
        return f"#{company_id}"


def position_row(platform: Platform, position: Position, today: dt.date) -> dict[str, Any]:
    """A position as a dataset row: every field, its company's name, whether it is open."""
    data = position.to_dict()
    row = {name: data[name] for name in _BY_NAME if name in data}
    row["id"] = str(position.id)
    row["company"] = _company_name(platform, position.company_id)
    row["profession_group"] = position.profession_group
    row["open"] = position.is_open(today)
    return row


# --- editing ---------------------------------------------------------------------------------


def _problem(key: str, **values: Any) -> Sentence:
    return Sentence.message(DOMAIN, f"admin.problems.{key}", **values)


def _changes(
    platform: Platform, existing: Position, parsed: Mapping[str, Any], problems: dict[str, Any]
) -> dict[str, Any]:
    """The position's new values of what the form changed (``parsed``); what cannot be
    turned into one is added to ``problems``."""
    changes: dict[str, Any] = {}
    for name, value in parsed.items():
        if name in problems:
            continue  # named by the form; the position keeps its value for the check
        if name in _DATES:
            changes[name] = dt.date.fromisoformat(value) if value else None
        elif name in _TEXTS:
            changes[name] = value or ""
        elif name == "profession":
            code = profession_code(value) if value else None
            if value and code is None:
                problems[name] = [_problem("profession", value=value)]
            else:
                changes[name] = code
        elif name == "company_id":
            if value is not None and not _company_exists(platform, value):
                problems[name] = [_problem("no_company", id=value)]
                continue
            # the operator decided: a company, or back to the review list without one
            changes.update(
                company_id=value,
                match="manual" if value is not None else "unmatched",
                match_candidates=() if value is not None else existing.match_candidates,
            )
        else:
            changes[name] = value
    return changes


def _company_exists(platform: Platform, company_id: int) -> bool:
    try:
        platform.company(company_id)
    except NotFound:
        return False
    return True


def update(
    platform: Platform, session: Session, position_id: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check and store what the form changed; the position is checked again as a whole."""
    from plugins.jobs.hooks import service_for

    repo = PositionRepository(session)
    existing = repo.get(record_id(position_id, "position"))
    today = service_for(platform).today()
    shown = position_row(platform, existing, today)
    parsed, problems = edited_values(FIELDS, shown, values, "a position")
    changes = _changes(platform, existing, parsed, problems)
    position = checked_record(
        lambda: existing.evolve(**changes).validated(),
        problems,
        f"Position {existing.id} ({existing.title!r}) was not changed",
        explain=lambda exc: {k: list(v) for k, v in exc.errors.items()},
    )
    return position_row(platform, repo.update(position), today)


def delete(session: Session, position_id: str) -> None:
    PositionRepository(session).delete(record_id(position_id, "position"))


def _expire(platform: Platform, session: Session, position_id: str) -> dict[str, Any]:
    """End the position's advertisement: it runs out yesterday (or on the day it is
    published, which cannot be later than its end)."""
    from plugins.jobs.hooks import service_for

    repo = PositionRepository(session)
    position = repo.get(record_id(position_id, "position"))
    today = service_for(platform).today()
    if position.valid_through is not None and position.valid_through < today:
        raise ValidationError(
            f"Position {position.id} ran out on {position.valid_through.isoformat()} already.",
            {"valid_through": [_problem("expired", day=position.valid_through.isoformat())]},
        )
    ends = max(today - dt.timedelta(days=1), position.published)
    return position_row(platform, repo.update(position.evolve(valid_through=ends)), today)


def _fill(platform: Platform, session: Session, position_id: str) -> dict[str, Any]:
    """Mark the position as filled today (the time to fill counts up to this day)."""
    from plugins.jobs.hooks import service_for

    repo = PositionRepository(session)
    position = repo.get(record_id(position_id, "position"))
    today = service_for(platform).today()
    if position.filled_on is not None:
        raise ValidationError(
            f"Position {position.id} was filled on {position.filled_on.isoformat()} already.",
            {"filled_on": [_problem("filled", day=position.filled_on.isoformat())]},
        )
    filled = position.evolve(filled_on=max(today, position.published))
    return position_row(platform, repo.update(filled), today)


# --- import and export -----------------------------------------------------------------------


def import_positions(
    platform: Platform,
    session: Session,
    path: Path,
    fmt: str,
    *,
    allow_outside_region: bool = False,
) -> DatasetImport:
    """Import a file in the caller's session, as ``regiokarte jobs import`` does: every
    record is checked and matched first; one invalid record refuses the file and nothing is
    written."""
    from plugins.jobs.hooks import service_for

    today = service_for(platform).today()
    report, checked = check_text(
        platform,
        read_text(path),
        name=path.name,
        fmt=fmt or None,
        allow_outside_region=allow_outside_region,
        today=today,
    )
    write_checked(session, report, checked, today=today)
    return report.dataset_import()


def export_positions(session: Session, fmt: str) -> ExportFile:
    """Every position, closed ones too, in the plugin's own file format (csv or json), by
    id: a file the import reads again."""
    positions = [p.to_dict() for p in PositionRepository(session).all()]
    return export_file(
        fmt, positions, FILE_FIELDS, name="positions", what="positions", formats=EXPORT_FORMATS
    )


def _waiting(session: Session) -> int:
    """Employers on the review list (as its page counts them)."""
    return len(employers(PositionRepository(session).review_list()))


def positions_dataset(platform: Platform) -> Dataset:
    """The plugin's positions for the admin area."""
    from plugins.jobs.hooks import service_for

    c = t.positions.c

    def load(session: Session, number: int) -> dict[str, Any]:
        position = PositionRepository(session).get(number)
        return position_row(platform, position, service_for(platform).today())

    return table_dataset(
        POSITIONS_DATASET,
        t.positions,
        record="position",
        search_columns=(c.title, c.employer_name, c.employer_town, c.external_id),
        order_by=(c.published.desc(), c.id.desc()),
        load=load,
        label=Text.message(DOMAIN, "admin.dataset"),
        fields=FIELDS,
        update=partial(update, platform),
        delete=delete,
        import_file=partial(import_positions, platform),
        import_region_checked=True,
        import_formats=FORMATS,
        export=export_positions,
        export_formats=EXPORT_FORMATS,
        actions=(
            DatasetAction(
                "expire",
                Text.message(DOMAIN, "admin.actions.expire"),
                partial(_expire, platform),
                help=Text.message(DOMAIN, "admin.actions.expire_help"),
            ),
            DatasetAction(
                "fill",
                Text.message(DOMAIN, "admin.actions.fill"),
                partial(_fill, platform),
                help=Text.message(DOMAIN, "admin.actions.fill_help"),
            ),
        ),
        links=(DatasetLink(Text.message(DOMAIN, "admin.review_link"), REVIEW_PATH, _waiting),),
        # this process reads the positions again now; the others follow the change counter
        # every write raised
        changed=lambda: service_for(platform).positions(force=True),
        help=Text.message(DOMAIN, "admin.help"),
    )
