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

from attrs import define, field
from sqlalchemy import insert
from sqlalchemy.orm import Session

from core import (
    ImportError_,
    InputTooLarge,
    Region,
    check_in_region,
    check_lines,
)
from plugins.housing import repository as repo
from plugins.housing import tables as t
from plugins.housing.formats import ParsedFile, detect_format, read_file
from plugins.housing.model import FieldProblems, Offer, offer_from_fields

__all__ = ["ImportReport", "check_file", "import_offers"]

#: Problems listed in the message of an ImportError_ (all of them are in ``errors``).
SHOWN = 8


@define
class ImportReport:
    """What an import did."""

    file_name: str
    format: str
    sources: list[str] = field(factory=list)
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    expired: int = 0
    duplicates: list[str] = field(factory=list)
    warnings: list[str] = field(factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "format": self.format,
            "sources": list(self.sources),
            "read": self.read,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "expired": self.expired,
            "duplicates": list(self.duplicates),
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
        }

    def format_text(self) -> str:
        """A plain-text report (German first, English in brackets)."""
        lines = [
            f"Wohnungsangebote importiert (housing offers imported) aus {self.file_name} "
            f"({self.format}, Quelle/source {', '.join(self.sources)}): {self.read} gelesen "
            f"(read), {self.added} neu (added), {self.updated} geändert (updated), "
            f"{self.unchanged} unverändert (unchanged), {self.deleted} gelöscht (deleted).",
        ]
        if self.expired:
            lines.append(f"{self.expired} bereits abgelaufen (already expired, not shown).")
        lines += [f"Doppelt (duplicate): {d}" for d in self.duplicates]
        lines += [f"Hinweis (warning): {w}" for w in self.warnings]
        return "\n".join(lines)


@define
class _Checked:
    parsed: ParsedFile
    offers: dict[str, dict[str, Offer]]
    deletes: dict[str, set[str]]
    report: ImportReport


Locate = Callable[..., Any]


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
    report = ImportReport(file_name, fmt, warnings=list(parsed.warnings))
    problems: dict[str, list[str]] = {k: list(v) for k, v in parsed.problems.items()}
    offers: dict[str, dict[str, Offer]] = {}
    deletes: dict[str, set[str]] = {}
    positions: dict[tuple[str, str], str] = {}
    for group in parsed.groups:
        report.sources.append(group.source)
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
                report.duplicates.append(
                    f"{record.position} repeats {seen_at[key]} (id {key}); the later one is kept"
                )
                del kept[key]  # re-inserted below, so the order follows the file
            kept[key] = offer
            seen_at[key] = record.position
        positions.update({(group.source, k): p for k, p in seen_at.items()})
    if not problems and report.read == 0:
        # an empty file would import "successfully" and, with --replace, delete every offer
        raise ImportError_(
            f"{file_name} holds no offers; nothing was imported. Check that it is the right "
            "file (a CSV with a header line and rows, a JSON array of offers or an OpenImmo "
            "feed); to remove a source's offers, delete them in the admin area.",
            {"file": ["no offers"]},
        )
    count = sum(len(v) for v in problems.values())
    # a bad header spoils every row; only problems of single records can be left out
    if problems and skip_invalid and "line 1" not in problems and any(offers.values()):
        report.warnings.extend(f"{p}: {m} (left out)" for p, ms in problems.items() for m in ms)
        report.warnings.append(
            f"{count} problem(s) in {len(problems)} place(s) of the file; those records were "
            "left out (--skip-invalid)"
        )
    elif problems:
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
        report.warnings.extend(check.warnings)
    report.expired = sum(
        1 for group in offers.values() for offer in group.values() if not offer.is_active(today)
    )
    return _Checked(parsed, offers, deletes, report)


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
    for group in checked.parsed.groups:
        counts = repo.save_offers(
            session,
            group.source,
            checked.offers.get(group.source, {}).values(),
            deleted=checked.deletes.get(group.source, ()),
            replace=group.replace,
        )
        report.added += counts["added"]
        report.updated += counts["updated"]
        report.unchanged += counts["unchanged"]
        report.deleted += counts["deleted"]
    report.seconds = time.perf_counter() - started
    session.execute(
        insert(t.imports).values(
            imported_at=dt.datetime.now(dt.UTC),
            file_name=file_name[:500],
            format=report.format,
            source=",".join(report.sources)[:100],
            report=report.as_dict(),
        )
    )
    return report
