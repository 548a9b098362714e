"""Position imports: every record checked, matched and reported, then all written or none.

``check_text`` reads a file's text (the own CSV or JSON format, or an answer of the Jobsuche
of the Bundesagentur für Arbeit), turns every record into a validated ``Position``
(``values``), matches
its employer to a company (``matching``) and reports each record: created, updated, unchanged
or invalid with every reason, in English and German. One invalid record refuses the whole
file (``PositionImportError`` carries the report) unless invalid records are to be skipped.

``write_checked`` then writes in the caller's transaction: a position whose
``(source, external_id)`` is stored is updated (what the file leaves out, such as a Jobsuche
answer's missing description or an operator's ``filled_on``, keeps its stored value; an
operator's match stays), the others are added. A *full* import (a complete feed of its source)
also closes the source's open positions the file no longer lists. The report is kept in
``jobs_imports``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from attrs import define
from core import ImportError_
from core import ImportProblem
from core import ImportRecord
from core import ImportReport
from core import NotFound
from core import Sentence
from core import Status
from core import ValidationError
from core import check_in_region
from core import fold
from core import read_bounded
from core import utcnow
from sqlalchemy import insert

from plugins.jobs import tables as t
from plugins.jobs import vocabulary as jv
from plugins.jobs.ba import read_ba
from plugins.jobs.formats import FIELDS
from plugins.jobs.formats import FORMATS
from plugins.jobs.formats import MAX_FILE_BYTES
from plugins.jobs.formats import Record
from plugins.jobs.formats import decode
from plugins.jobs.formats import detect_format
from plugins.jobs.formats import file_error
from plugins.jobs.formats import read_csv
from plugins.jobs.formats import read_json
from plugins.jobs.matching import CompanyDirectory
from plugins.jobs.matching import Listing
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from plugins.jobs.values import position_from_values

if TYPE_CHECKING:
    from core import Platform
    from sqlalchemy.orm import Session

__all__ = [
    "DEFAULT_SOURCE",
    "Checked",
    "PositionImportError",
    "check_text",
    "company_directory",
    "import_file",
    "import_text",
    "read_text",
    "rematch",
    "write_checked",
]

#: The source each format's positions are kept under (``Position.source``).
DEFAULT_SOURCE = {"csv": "import", "json": "import", "ba": "ba"}
#: The kind of a Jobsuche position whose page and title name none (most are jobs).
BA_DEFAULT_KIND = "full_time"
#: Fields compared to tell an updated position from an unchanged one.
_KEPT_AS_STORED = ("id", "is_demo", "created_at", "updated_at")
_MATCH_FIELDS = ("company_id", "match", "match_candidates")


@define
class Checked:
    """A checked and matched position, its line of the report, and the fields its record
    gave (a field it left out keeps its stored value when the position is updated)."""

    position: Position
    entry: ImportRecord
    given: frozenset[str]


class PositionImportError(ImportError_):
    """An import with invalid records; nothing was written. ``report`` lists every record,
    the message names the first five problems, in English and German."""

    def __init__(self, report: ImportReport) -> None:
        bad = [r for r in report.records if r.outcome == "invalid"]
        shown = bad[:5]
        more_en = f" And {len(bad) - 5} more." if len(bad) > 5 else ""
        more_de = f" Und {len(bad) - 5} weitere." if len(bad) > 5 else ""
        en = " ".join(f"{r.where}: {_sentences(r.problems, 'en')}" for r in shown)
        de = " ".join(f"{_where_de(r.where)}: {_sentences(r.problems, 'de')}" for r in shown)
        message = Sentence(
            f"{report.file_name}: {len(bad)} of {len(report.records)} records are invalid; "
            f"nothing was imported. {en}{more_en}",
            f"{report.file_name}: {len(bad)} von {len(report.records)} Datensätzen sind "
            f"fehlerhaft; es wurde nichts importiert. {de}{more_de}",
        )
        super().__init__(message, {r.where: r.problems for r in bad})
        self.report = report


def _sentences(problems: list[str], lang: str) -> str:
    """A record's problems as sentences one after the other (each may hold a semicolon)."""
    return " ".join(Sentence.of(p, lang).rstrip(". ") + "." for p in problems)


def _where_de(where: str) -> str:
    return re.sub(r"^line (\d+)", r"Zeile \1", re.sub(r"^position (\d+)", r"Stelle \1", where))


# --- matching ---------------------------------------------------------------------------------


def company_directory(platform: Platform) -> CompanyDirectory:
    """The published companies to match employers against, with the plugin's thresholds;
    a place's town is the region's town of its postcode (else its folded name)."""
    from plugins.jobs.hooks import service_for

    settings = service_for(platform).settings
    region = platform.region

    def town_of(postcode: str, town: str) -> str:
        found = region.town_for_postcode(postcode) if postcode else None
        return fold(found.name if found is not None else town).strip()

    listings = [
        Listing(c.id, c.name, c.address.postcode, c.address.town)
        for c in platform.companies(status=Status.PUBLISHED)
        if c.id is not None
    ]
    return CompanyDirectory(
        listings,
        match_threshold=settings.match_threshold,
        review_threshold=settings.review_threshold,
        town_of=town_of,
    )


def _matched(position: Position, directory: CompanyDirectory) -> Position:
    if position.match == "manual":
        return position
    found = directory.match(
        position.employer_name, position.employer_postcode, position.employer_town
    )
    return position.evolve(
        match=found.match, company_id=found.company_id, match_candidates=found.candidates
    )


# --- the import -------------------------------------------------------------------------------


def _records(text: str, fmt: str, name: str, default_kind: str | None) -> list[Record]:
    if fmt == "csv":
        return read_csv(text, name)
    if fmt == "json":
        return read_json(text, name)
    return read_ba(text, name, default_kind=default_kind or BA_DEFAULT_KIND)


def _company_check(platform: Platform) -> Callable[[int], bool]:
    """Whether a company number names a company (asked once per number)."""
    known: dict[int, bool] = {}

    def exists(company_id: int) -> bool:
        if company_id not in known:
            try:
                platform.company(company_id)
                known[company_id] = True
            except NotFound:
                known[company_id] = False
        return known[company_id]

    return exists


def _twice(external_id: str, times: int) -> Sentence:
    return Sentence(
        f"external_id: {external_id!r} occurs {times} times in the file; each position needs "
        "its own",
        f"external_id: {external_id!r} kommt {times}-mal in der Datei vor; jede Stelle braucht "
        "ihre eigene",
    )


def _superseded(where: str) -> Sentence:
    return Sentence(
        f"the same refnr occurs again at {where}; that one is imported",
        f"dieselbe refnr steht noch einmal bei {where}; jene wird importiert",
    )


def check_records(
    records: list[Record],
    platform: Platform,
    report: ImportReport,
    *,
    today: dt.date,
    directory: CompanyDirectory | None = None,
) -> list[Checked]:
    """Each record as a checked and matched position with its line of the report (outcome
    ``created`` until it is written); invalid ones are reported with their problems, the
    records' warnings go with the report (where the admin area and command line list them)."""
    directory = directory or company_directory(platform)
    company_exists = _company_check(platform)
    ids = Counter(
        str(r.values.get("external_id") or "").strip()
        for r in records
        if not r.problem and not r.superseded_by
    )
    checked: list[Checked] = []
    for record in records:
        entry = ImportRecord(record.where, "created", str(record.values.get("title") or "")[:120])
        report.records.append(entry)
        report.warnings.extend(ImportProblem(record.where, w) for w in record.warnings)
        entry.key = str(record.values.get("external_id") or "").strip()
        if record.problem:
            entry.outcome, entry.problems = "invalid", [record.problem]
            continue
        if record.superseded_by:
            entry.outcome = "skipped"
            report.warnings.append(ImportProblem(record.where, _superseded(record.superseded_by)))
            continue
        try:
            position = position_from_values(
                record.values, source=report.source, today=today, company_exists=company_exists
            )
        except ValidationError as exc:
            entry.outcome = "invalid"
            entry.problems = list(exc.errors.get("position") or [exc.message])
            continue
        if ids[position.external_id] > 1:
            entry.outcome = "invalid"
            entry.problems = [_twice(position.external_id, ids[position.external_id])]
            continue
        checked.append(Checked(_matched(position, directory), entry, frozenset(record.values)))
    report.read = len(records)
    report.recount()
    return checked


def _check_region(
    platform: Platform, checked: list[Checked], report: ImportReport, allow_outside: bool
) -> None:
    """Refuse positions lying mostly outside the region (``core.check_in_region``); a few
    become notes. Positions without their own place are not judged."""
    located = [c for c in checked if c.position.lat is not None and c.position.lon is not None]
    check = check_in_region(
        platform.region,
        [c.position.lat for c in located],
        [c.position.lon for c in located],
        what="positions",
        name=report.file_name,
        labels=[c.entry.where for c in located],
        allow_outside=allow_outside,
    )
    report.notes.extend(check.warnings)


def _summarise(report: ImportReport, checked: list[Checked]) -> None:
    matches = Counter(c.position.match for c in checked)
    report.details["matches"] = dict(sorted(matches.items()))
    without = sum(1 for c in checked if c.position.profession is None)
    report.details["without_profession"] = without
    report.notes.append(
        Sentence(
            f"Employers: {matches['matched']} matched to a company, {matches['review']} for "
            f"review, {matches['unmatched']} unmatched, {matches['manual']} named by the file. "
            f"Positions without a profession: {without}.",
            f"Arbeitgeber: {matches['matched']} einem Unternehmen zugeordnet, "
            f"{matches['review']} zur Prüfung, {matches['unmatched']} ohne Treffer, "
            f"{matches['manual']} von der Datei genannt. Stellen ohne Beruf: {without}.",
        )
    )


def check_text(
    platform: Platform,
    text: str,
    *,
    name: str = "file",
    fmt: str | None = None,
    default_kind: str | None = None,
    allow_outside_region: bool = False,
    skip_invalid: bool = False,
    today: dt.date | None = None,
) -> tuple[ImportReport, list[Checked]]:
    """Read, check and match a file's text without writing: the report and the positions.

    ``PositionImportError`` lists the invalid records unless ``skip_invalid`` (they are then
    reported and left out); positions lying mostly outside the region are refused unless
    ``allow_outside_region``. ``default_kind`` is the kind of Jobsuche positions that name
    none (full_time when not given).
    """
    from plugins.jobs.hooks import service_for

    fmt = detect_format(name, text, fmt)
    if default_kind is not None and default_kind not in jv.KINDS:
        message = Sentence(
            f"The kind {default_kind!r} is unknown; use one of {', '.join(jv.KINDS.codes)}.",
            f"Die Art {default_kind!r} ist unbekannt; möglich sind {', '.join(jv.KINDS.codes)}.",
        )
        raise ImportError_(message, {"kind": [message]})
    records = _records(text, fmt, name, default_kind)
    if not records:
        raise file_error(name, "contains no positions.", "enthält keine Stellen.")
    report = ImportReport(name, fmt, DEFAULT_SOURCE[fmt])
    day = today or service_for(platform).today()
    checked = check_records(records, platform, report, today=day)
    if report.invalid and (not skip_invalid or not checked):
        raise PositionImportError(report)
    if report.invalid:
        report.notes.append(
            Sentence(
                f"{report.invalid} of {len(report.records)} records were left out "
                "(--skip-invalid); they are listed as invalid.",
                f"{report.invalid} von {len(report.records)} Datensätzen wurden ausgelassen "
                "(--skip-invalid); sie sind als fehlerhaft aufgeführt.",
            )
        )
    _check_region(platform, checked, report, allow_outside_region)
    _summarise(report, checked)
    return report, checked


def _merged(stored: Position, new: Position, given: frozenset[str]) -> Position:
    """``new`` written over ``stored``: fields the file did not give keep their stored value,
    and so does a match an operator (or the company) decided."""
    changes = {
        name: getattr(stored, name)
        for name in FIELDS
        if name not in given and name not in ("external_id", "company_id")
    }
    if stored.match == "manual" and new.match != "manual":
        changes.update({name: getattr(stored, name) for name in _MATCH_FIELDS})
    return new.evolve(id=stored.id, is_demo=stored.is_demo, **changes)


def _same(old: Position, new: Position) -> bool:
    a, b = old.to_dict(), new.to_dict()
    return all(a[k] == b[k] for k in a if k not in _KEPT_AS_STORED)


def _close_missing(
    repo: PositionRepository, report: ImportReport, listed: set[str], today: dt.date
) -> None:
    """Close the source's positions open on ``today`` (or to be published) that a full feed
    no longer lists: they run out yesterday (or on their day of publication)."""
    yesterday = today - dt.timedelta(days=1)
    for position in repo.of_source(report.source):
        if position.external_id in listed or position.filled_on is not None:
            continue
        if position.valid_through is not None and position.valid_through < today:
            continue
        closed = repo.update(
            position.evolve(valid_through=max(yesterday, position.published)), bump=False
        )
        report.records.append(
            ImportRecord(
                f"id {closed.id}",
                "removed",
                closed.title[:120],
                key=closed.external_id,
                record_id=closed.id,
            )
        )
        report.warnings.append(
            ImportProblem(
                f"id {closed.id}",
                Sentence(
                    f"{closed.external_id!r} is no longer listed by the complete feed; closed",
                    f"{closed.external_id!r} wird von der vollständigen Quelle nicht mehr "
                    "genannt; geschlossen",
                ),
            )
        )


def write_checked(
    session: Session,
    report: ImportReport,
    checked: list[Checked],
    *,
    today: dt.date,
    full: bool = False,
) -> None:
    """Write checked positions in the caller's session (see the module). ``full``: the
    file is the whole feed of its source, whose other open positions are closed."""
    repo = PositionRepository(session)
    stored = {p.external_id: p for p in repo.of_source(report.source)}
    for item in checked:
        old = stored.get(item.position.external_id)
        if old is None:
            item.entry.record_id = repo.add(item.position, bump=False).id
            continue
        new = _merged(old, item.position, item.given)
        item.entry.record_id = old.id
        if _same(old, new):
            item.entry.outcome = "unchanged"
        else:
            item.entry.outcome = "updated"
            repo.update(new, bump=False)
    if full:
        _close_missing(repo, report, {c.position.external_id for c in checked}, today)
    report.recount()
    report.written = True
    repo.changed()
    session.execute(
        insert(t.imports).values(
            source=report.source,
            file_name=report.file_name[:500],
            format=report.format,
            imported_at=utcnow(),
            report=report.as_dict(),
        )
    )


def import_text(
    platform: Platform,
    text: str,
    *,
    full: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
    **options: Any,
) -> ImportReport:
    """Import a file's text (options as for ``check_text``); all or nothing. ``dry_run``
    checks and matches without writing."""
    from plugins.jobs.hooks import service_for

    day = today or service_for(platform).today()
    report, checked = check_text(platform, text, today=day, **options)
    if dry_run:
        report.dry_run = True
        return report
    with platform.session(write=True) as session:
        write_checked(session, report, checked, today=day, full=full)
    return report


def read_text(path: Path) -> str:
    """The text of a position file (bounded, decoded); ``ImportError_`` when it cannot be
    read."""
    try:
        data = read_bounded(path, max_bytes=MAX_FILE_BYTES)
    except OSError as exc:
        raise file_error(
            path.name,
            f"cannot be read ({exc.strerror}).",
            f"kann nicht gelesen werden ({exc.strerror}).",
        ) from None
    return decode(data, path.name)


def import_file(platform: Platform, path: str | Path, **options: Any) -> ImportReport:
    """Import the file at ``path`` (format from ``fmt``, the extension or the content;
    options as for ``import_text``)."""
    file = Path(path)
    return import_text(platform, read_text(file), name=file.name, **options)


def rematch(platform: Platform, *, dry_run: bool = False) -> dict[str, int]:
    """Match the employers of the positions without a company (``review`` and ``unmatched``)
    against the published companies again, as after new companies were published; what an
    operator decided (``manual``) stays. Counts: ``checked`` and the new states."""
    directory = company_directory(platform)
    counts: Counter[str] = Counter()
    with platform.session(write=not dry_run) as session:
        repo = PositionRepository(session)
        waiting = repo.review_list()
        changed = False
        for position in waiting:
            new = _matched(position, directory)
            counts[new.match] += 1
            same = all(getattr(new, f) == getattr(position, f) for f in _MATCH_FIELDS)
            if not same and not dry_run:
                repo.update(new, bump=False)
                changed = True
        if changed:
            repo.changed()
    return {
        "checked": len(waiting),
        **{state: counts[state] for state in ("matched", "review", "unmatched")},
    }


assert set(DEFAULT_SOURCE) == set(FORMATS)
