"""One import report for every importer: what was read, written, refused and noticed.

Importers of plugins fill an ``ImportReport`` as they go: the counts of what the import did,
``ImportRecord`` lines for importers that report record by record, ``ImportProblem`` for each
record left out and each warning (with where it is in the file), notes about the file as a
whole. Its JSON (``as_dict``, ``attrs.asdict``) is what import APIs answer and import logs
store; ``format_text`` is the one plain-text form the command lines print.
"""

from __future__ import annotations

from typing import Any

import attrs
from attrs import define, field, frozen

from core.errors import Sentence
from core.io.datasets import DatasetImport

__all__ = ["OUTCOMES", "ImportProblem", "ImportRecord", "ImportReport"]

#: What can happen to a record, with the German word the text report uses.
OUTCOMES = {
    "created": "neu",
    "updated": "aktualisiert",
    "unchanged": "unverändert",
    "removed": "entfernt",
    "invalid": "FEHLER",
    #: valid, but not written: the file was refused for other records
    "skipped": "nicht importiert",
}


@frozen
class ImportProblem:
    """A problem of an import and where it is (``line 4``, ``feature 7``, ``region``)."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def said(self) -> str:
        """``str(self)``, as a ``Sentence`` in the languages of the message when it is one
        (so a page shows the problem in its language)."""
        if not isinstance(self.message, Sentence) or not self.where:
            return self.message if not self.where else str(self)
        return Sentence(str(self), f"{self.where}: {self.message.de}")


@define
class ImportRecord:
    """What happened to one record: its ``outcome`` (one of ``OUTCOMES``) and why."""

    where: str
    outcome: str
    title: str = ""
    #: the record's id in its source (external id, iCalendar UID)
    key: str = ""
    #: the id of the stored record
    record_id: int | None = None
    problems: list[str] = field(factory=list)
    warnings: list[str] = field(factory=list)


@define
class ImportReport:
    """What an import did, record by record or in counts; ``written`` is false when nothing
    was stored (a refused file, a dry run)."""

    file_name: str
    format: str
    source: str = ""
    written: bool = False
    dry_run: bool = False
    #: records read from the file (those a record filter kept)
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    invalid: int = 0
    #: valid records not written because the file was refused for others
    skipped: int = 0
    records: list[ImportRecord] = field(factory=list)
    #: records left out, each with the reason
    rejected: list[ImportProblem] = field(factory=list)
    warnings: list[ImportProblem] = field(factory=list)
    #: sentences about the file as a whole (a record filter, the encoding, the region)
    notes: list[str] = field(factory=list)
    #: figures of one format or importer (a checksum, the files of a feed)
    details: dict[str, Any] = field(factory=dict)
    seconds: float = 0.0

    def add(self, record: ImportRecord) -> ImportRecord:
        """Append ``record`` and count its outcome."""
        if record.outcome not in OUTCOMES:
            raise ValueError(f"{record.outcome!r} is no outcome; use one of {', '.join(OUTCOMES)}")
        self.records.append(record)
        setattr(self, record.outcome, getattr(self, record.outcome) + 1)
        return record

    def recount(self) -> None:
        """Count the outcomes of ``records`` again (after outcomes were changed)."""
        for outcome in OUTCOMES:
            setattr(self, outcome, sum(1 for r in self.records if r.outcome == outcome))

    @property
    def imported(self) -> int:
        """Records now stored as the file has them."""
        return self.created + self.updated + self.unchanged

    def as_dict(self) -> dict[str, Any]:
        """The JSON of the report (every field; ``seconds`` to the millisecond)."""
        data = attrs.asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data

    def dataset_import(self) -> DatasetImport:
        """What the admin area shows of the import (the answer of a dataset's
        ``import_file``): the counts, then the source and the records read, the notes, each
        record left out and each warning, one line each (a ``Sentence`` keeps its
        languages)."""
        lines = [f"Quelle/source {self.source!r}: {self.read} records"] if self.source else []
        lines += self.notes
        lines += [problem.said() for problem in (*self.rejected, *self.warnings)]
        return DatasetImport(
            created=self.created,
            updated=self.updated,
            deleted=self.removed,
            unchanged=self.unchanged,
            rejected=len(self.rejected),
            messages=tuple(lines),
        )

    def format_text(self, what_de: str = "Datensätze", what_en: str = "records") -> str:
        """The report as the command line prints it, German first, English in brackets;
        ``what_de``/``what_en`` name the records ("Kitas", "Kitas")."""
        source = f", Quelle/source {self.source}" if self.source else ""
        counts = ", ".join(
            f"{getattr(self, outcome)} {german} ({outcome})"
            for outcome, german in OUTCOMES.items()
            if getattr(self, outcome) or outcome in ("created", "updated")
        )
        lines = [
            f"Import {what_de} ({what_en}) {self.file_name} [{self.format}{source}]: "
            f"{self.read} gelesen (read), {counts}."
        ]
        lines += [f"  Hinweis (note): {note}" for note in self.notes]
        for record in self.records:
            title = f" {record.title!r}" if record.title else ""
            german = OUTCOMES[record.outcome]
            lines.append(f"  {record.where}:{title} {german} ({record.outcome})")
            lines += [f"      - {problem}" for problem in record.problems]
            lines += [f"      ~ {warning}" for warning in record.warnings]
        lines += [f"  Abgelehnt (rejected) {problem}" for problem in self.rejected]
        lines += [f"  Warnung (warning) {problem}" for problem in self.warnings]
        if self.dry_run:
            lines.append("Probelauf: nichts gespeichert (dry run: nothing stored).")
        elif not self.written:
            lines.append("Nichts gespeichert (nothing stored).")
        return "\n".join(lines)
