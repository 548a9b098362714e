"""The one import report: counts follow the records, JSON is ``attrs.asdict``, one text."""

from __future__ import annotations

import json

import pytest

from core import OUTCOMES, ImportProblem, ImportRecord, ImportReport


def _report() -> ImportReport:
    report = ImportReport("kurse.csv", "csv", source="import", read=4)
    report.add(ImportRecord("line 2", "created", title="Schweißen", key="k-1", record_id=7))
    report.add(ImportRecord("line 3", "updated", title="Pflege", warnings=["no town"]))
    report.add(ImportRecord("line 4", "invalid", problems=["title: required"]))
    report.rejected.append(ImportProblem("line 5", "it has no name"))
    report.warnings.append(ImportProblem("region", "2 courses lie outside the region"))
    report.notes.append("fields separated by ';'")
    report.details["sha256"] = "ab" * 32
    report.seconds = 1.23456
    return report


def test_add_counts_each_outcome_and_refuses_unknown_ones() -> None:
    report = _report()
    assert (report.created, report.updated, report.invalid, report.unchanged) == (1, 1, 1, 0)
    assert report.imported == 2
    with pytest.raises(ValueError, match="'valid' is no outcome; use one of created"):
        report.add(ImportRecord("line 9", "valid"))
    report.records[0].outcome = "unchanged"
    report.recount()
    assert (report.created, report.unchanged) == (0, 1)


def test_json_is_every_field_and_reads_back() -> None:
    data = json.loads(json.dumps(_report().as_dict()))
    assert data["records"][0] == {
        "where": "line 2",
        "outcome": "created",
        "title": "Schweißen",
        "key": "k-1",
        "record_id": 7,
        "problems": [],
        "warnings": [],
    }
    assert data["rejected"] == [{"where": "line 5", "message": "it has no name"}]
    assert data["seconds"] == 1.235 and data["details"]["sha256"] == "ab" * 32
    assert (data["read"], data["created"], data["written"]) == (4, 1, False)


def test_text_is_german_first_and_names_every_problem() -> None:
    text = _report().format_text("Kurse", "courses")
    lines = text.splitlines()
    assert lines[0] == (
        "Import Kurse (courses) kurse.csv [csv, Quelle/source import]: 4 gelesen (read), "
        "1 neu (created), 1 aktualisiert (updated), 1 FEHLER (invalid)."
    )
    assert "  Hinweis (note): fields separated by ';'" in lines
    assert "  line 4: FEHLER (invalid)" in lines and "      - title: required" in lines
    assert "      ~ no town" in lines
    assert "  Abgelehnt (rejected) line 5: it has no name" in lines
    assert "  Warnung (warning) region: 2 courses lie outside the region" in lines
    assert lines[-1] == "Nichts gespeichert (nothing stored)."


def test_outcomes_have_german_words() -> None:
    assert list(OUTCOMES) == ["created", "updated", "unchanged", "removed", "invalid", "skipped"]
    assert str(ImportProblem("", "the file is empty")) == "the file is empty"


def test_the_admin_areas_answer_has_the_counts_and_a_line_per_problem() -> None:
    report = _report()
    report.removed, report.unchanged = 2, 3
    answer = report.dataset_import()
    assert (answer.created, answer.updated, answer.deleted, answer.unchanged) == (1, 1, 2, 3)
    assert answer.rejected == 1
    assert answer.messages == (
        "Quelle/source 'import': 4 records",
        "fields separated by ';'",
        "line 5: it has no name",
        "region: 2 courses lie outside the region",
    )
    # a report without a source (a whole feed) starts with its notes
    assert ImportReport("feed.zip", "gtfs", notes=["n"]).dataset_import().messages == ("n",)


def test_the_admin_areas_answer_keeps_the_languages_of_each_problem() -> None:
    from core import Sentence

    report = ImportReport("x.csv", "csv")
    report.warnings.append(ImportProblem("line 3", Sentence("no profession", "ohne Beruf")))
    report.notes.append(Sentence("2 matched", "2 zugeordnet"))
    messages = report.dataset_import().messages
    assert messages == ("2 matched", "line 3: no profession")
    assert [Sentence.of(m, "de") for m in messages] == ["2 zugeordnet", "line 3: ohne Beruf"]
