"""Importing offer files: all or nothing, duplicates folded, every problem with its position.

``import_offers(session, data, ...)`` reads a CSV, JSON or OpenImmo file, checks every record
with the same rules as the operator API, and only when no record has a problem writes them
inside the caller's transaction (the caller commits). Offers are matched by (source,
external_id): importing a file again updates its offers instead of adding them twice; an
offer that appears twice in one file is kept once (the later one).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from attrs import define
from core import ImportError_
from core import ImportProblem
from core import ImportReport
from core import InputTooLarge
from core import Region
from core import check_in_region
from core import check_lines
from sqlalchemy import insert
from sqlalchemy.orm import Session

from plugins.housing import repository as repo
from plugins.housing import tables as t
from plugins.housing.formats import ParsedFile
from plugins.housing.formats import detect_format
from plugins.housing.formats import read_file
from plugins.housing.model import FieldProblems
from plugins.housing.model import Offer
from plugins.housing.model import offer_from_fields

__all__ = ["check_file", "import_offers"]

#: Problems listed in the message of an ImportError_ (all of them are in ``errors``).
SHOWN = 8


@define
class _Checked:
    parsed: ParsedFile
    offers: dict[str, dict[str, Offer]]
    deletes: dict[str, set[str]]
    report: ImportReport


Locate = Callable[..., Any]


def _problem(text: str) -> ImportProblem:
    """A reader's warning "position: message" as a problem."""
    where, _, message = text.partition(": ")
    return ImportProblem(where, message) if message else ImportProblem("", text)


def check_file(
    data: bytes,
    *,
    file_name: str,
    fmt: str | None,
    source: str,
    replace: bool,
    today: dt.date,
    lifetime_days: int,
    locate: Locate,
    max_bytes: int,
    region: Region | None = None,
    allow_outside_region: bool = False,
    skip_invalid: bool = False,
) -> _Checked:
    """Read and check a file without writing; ``ImportError_`` lists every problem. With a
    ``region`` the offers must lie in it (``core.check_in_region``) unless
    ``allow_outside_region``. ``skip_invalid`` leaves bad records out (listed as warnings);
    it cannot be combined with ``replace``, which would delete the offers left out."""
    if skip_invalid and replace:
        raise ImportError_(
            f"{file_name}: --skip-invalid and --replace cannot be combined: the offers of the "
            "records left out would be deleted. Fix the file, or import without --replace.",
            {"file": ["--skip-invalid with --replace"]},
        )
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"{file_name} has {len(data)} bytes; at most {max_bytes} are accepted "
            "(setting plugins.housing.max_import_bytes).",
            {"file": ["too large"]},
        )
    check_lines(data, source=file_name)
    fmt = fmt or detect_format(file_name, data)
    parsed = read_file(data, fmt, source or "import", replace=replace)
    # a dry run until import_offers writes the checked offers
    report = ImportReport(file_name, fmt, dry_run=True, details={"sources": [], "expired": 0})
    report.warnings += [_problem(w) for w in parsed.warnings]
    problems: dict[str, list[str]] = {k: list(v) for k, v in parsed.problems.items()}
    offers, deletes, positions = _offers(
        parsed, report, problems, locate=locate, today=today, lifetime_days=lifetime_days
    )
    if not problems and report.read == 0:
        # an empty file would import "successfully" and, with --replace, delete every offer
        raise ImportError_(
            f"{file_name} holds no offers; nothing was imported. Check that it is the right "
            "file (a CSV with a header line and rows, a JSON array of offers or an OpenImmo "
            "feed); to remove a source's offers, delete them in the admin area.",
            {"file": ["no offers"]},
        )
    _refuse_or_leave_out(file_name, problems, report, skip_invalid, bool(any(offers.values())))
    if region is not None:
        located = [
            (positions.get((source, key), key), offer)
            for source, group_offers in offers.items()
            for key, offer in group_offers.items()
        ]
        check = check_in_region(
            region,
            [o.lat for _, o in located],
            [o.lon for _, o in located],
            what="offers",
            name=file_name,
            labels=[p for p, _ in located],
            allow_outside=allow_outside_region,
        )
        report.warnings += [ImportProblem("region", w) for w in check.warnings]
    report.source = ", ".join(report.details["sources"])
    expired = sum(
        1 for group in offers.values() for offer in group.values() if not offer.is_active(today)
    )
    report.details["expired"] = expired
    if expired:
        report.notes.append(f"{expired} offer(s) expired already and are not shown.")
    return _Checked(parsed, offers, deletes, report)


def _offers(
    parsed: ParsedFile,
    report: ImportReport,
    problems: dict[str, list[str]],
    *,
    locate: Locate,
    today: dt.date,
    lifetime_days: int,
) -> tuple[dict[str, dict[str, Offer]], dict[str, set[str]], dict[tuple[str, str], str]]:
    """The checked offers and deletions per source, and where each offer was in the file;
    every bad record goes to ``problems``, every repeated one to the report's duplicates."""
    offers: dict[str, dict[str, Offer]] = {}
    deletes: dict[str, set[str]] = {}
    positions: dict[tuple[str, str], str] = {}
    for group in parsed.groups:
        report.details["sources"].append(group.source)
        kept: dict[str, Offer] = offers.setdefault(group.source, {})
        seen_at: dict[str, str] = {}
        for record in group.records:
            report.read += 1
            if record.action == "delete":
                external_id = str(record.fields.get("external_id") or "").strip()
                if not external_id:
                    problems.setdefault(record.position, []).append(
                        "external_id: a deletion needs the offer's id (objektnr_extern)"
                    )
                else:
                    deletes.setdefault(group.source, set()).add(external_id)
                continue
            try:
                offer = offer_from_fields(
                    record.fields,
                    locate=locate,
                    today=today,
                    lifetime_days=lifetime_days,
                    source=group.source,
                )
            except FieldProblems as exc:
                for name, messages in exc.problems.items():
                    position = record.where(name)
                    problems.setdefault(position, []).extend(f"{name}: {m}" for m in messages)
                continue
            key = offer.external_id
            if key in kept:
                report.warnings.append(
                    ImportProblem(
                        record.position, f"repeats {seen_at[key]} (id {key}); the later one is kept"
                    )
                )
                del kept[key]  # re-inserted below, so the order follows the file
            kept[key] = offer
            seen_at[key] = record.position
        positions.update({(group.source, k): p for k, p in seen_at.items()})
    return offers, deletes, positions


def _refuse_or_leave_out(
    file_name: str,
    problems: dict[str, list[str]],
    report: ImportReport,
    skip_invalid: bool,
    any_offer: bool,
) -> None:
    """Refuse the file for its problems (``ImportError_``), or with ``skip_invalid`` list
    the records left out as warnings."""
    if not problems:
        return
    count = sum(len(v) for v in problems.values())
    # a bad header spoils every row; only problems of single records can be left out
    if skip_invalid and "line 1" not in problems and any_offer:
        report.rejected += [ImportProblem(p, m) for p, ms in problems.items() for m in ms]
        report.notes.append(
            f"{count} problem(s) in {len(problems)} place(s) of the file; those records were "
            "left out (--skip-invalid)"
        )
        return
    shown = "; ".join(f"{p}: {m}" for p, ms in problems.items() for m in ms)
    if count > SHOWN:
        shown = (
            "; ".join(f"{p}: {m}" for p, ms in list(problems.items())[:SHOWN] for m in ms[:1])
            + f"; ... ({count - SHOWN} more)"
        )
    raise ImportError_(
        f"{file_name}: {count} problem(s), nothing was imported. {shown} Fix them, or "
        "import the rest with --skip-invalid.",
        problems,
    )


def import_offers(
    session: Session,
    data: bytes,
    *,
    file_name: str,
    fmt: str | None = None,
    source: str = "import",
    replace: bool = False,
    today: dt.date,
    lifetime_days: int = 60,
    locate: Locate,
    max_bytes: int = 20_000_000,
    region: Region | None = None,
    allow_outside_region: bool = False,
    skip_invalid: bool = False,
) -> ImportReport:
    """Import ``data`` (the file's bytes) inside the caller's transaction; see the module."""
    started = time.perf_counter()
    checked = check_file(
        data,
        file_name=file_name,
        fmt=fmt,
        source=source,
        replace=replace,
        today=today,
        lifetime_days=lifetime_days,
        locate=locate,
        max_bytes=max_bytes,
        region=region,
        allow_outside_region=allow_outside_region,
        skip_invalid=skip_invalid,
    )
    report = checked.report
    report.dry_run = False
    for group in checked.parsed.groups:
        counts = repo.save_offers(
            session,
            group.source,
            checked.offers.get(group.source, {}).values(),
            deleted=checked.deletes.get(group.source, ()),
            replace=group.replace,
        )
        report.created += counts["added"]
        report.updated += counts["updated"]
        report.unchanged += counts["unchanged"]
        report.removed += counts["deleted"]
    report.seconds = time.perf_counter() - started
    report.written = True
    session.execute(
        insert(t.imports).values(
            imported_at=dt.datetime.now(dt.UTC),
            file_name=file_name[:500],
            format=report.format,
            source=",".join(report.details["sources"])[:100],
            report=report.as_dict(),
        )
    )
    return report
