"""Course imports: each sample format, per-record reports, all or nothing, re-imports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from training_support import BA_SAMPLE, CSV_SAMPLE, JSON_SAMPLE, TODAY

from core import ImportError_, plugin_version
from plugins.training import repository as repo
from plugins.training.formats import ba_values, detect_format
from plugins.training.importer import CourseImportError, import_file, import_text


def _courses(platform):
    with platform.session() as session:
        return {c.external_id: c for c in repo.load_courses(session)}


def _state(platform):
    with platform.session() as session:
        return repo.count_courses(session), plugin_version(session, "training")


@pytest.mark.parametrize(
    "sample, fmt, source, count",
    [
        (CSV_SAMPLE, "csv", "import", 6),
        (JSON_SAMPLE, "json", "import", 3),
        (BA_SAMPLE, "ba", "ba", 4),
    ],
)
def test_each_sample_imports_with_a_report_per_record(fresh, sample, fmt, source, count):
    platform = fresh()
    report = import_file(platform, sample)
    assert report.format == fmt and report.source == source and report.written
    assert [r.outcome for r in report.records] == ["created"] * count
    assert all(r.record_id for r in report.records) and len(report.records) == count
    stored = _courses(platform)
    assert len(stored) == count
    for record in report.records:
        assert stored[record.key].id == record.record_id
        assert stored[record.key].title == record.title
    with platform.session() as session:
        (entry,) = repo.list_imports(session)
    assert (entry["created"], entry["format"], entry["source"]) == (count, fmt, source)
    # importing the same file again matches every course instead of adding it twice
    again = import_file(platform, sample)
    assert [r.outcome for r in again.records] == ["unchanged"] * count
    assert len(_courses(platform)) == count


def test_csv_values_are_read_as_documented(fresh):
    platform = fresh()
    import_file(platform, CSV_SAMPLE)
    courses = _courses(platform)
    company = courses["firma-2027-2"]
    # German dates and amounts, "nein", a postcode geocoded, the town from the region
    assert company.start_date == dt.date(2027, 3, 15) and company.end_date == dt.date(2027, 3, 19)
    assert company.cost_eur == 1190 and company.on_demand is False
    assert company.town == "Marl" and company.location is not None
    assert company.provider_type == "unternehmen" and company.funding == ("beschaeftigte",)
    retraining = courses["akad-2027-7"]
    assert retraining.on_demand and retraining.start_date is None
    assert retraining.professions == ("26", "25") and retraining.cost_eur is None
    online = courses["vhs-re-2027-102"]
    assert online.format == "online" and online.location is None
    gelsenkirchen = courses["ihk-2027-13"]
    assert (gelsenkirchen.location.lat, gelsenkirchen.location.lon) == (51.5301, 7.0812)


def test_weiterbildungssuche_answers_are_mapped(fresh):
    platform = fresh()
    import_file(platform, BA_SAMPLE, source="ba-gelsenkirchen")
    courses = _courses(platform)
    assert set(courses) == {"190000101", "190000102", "190000103", "190000104"}
    retraining = courses["190000101"]
    # milliseconds since 1970 are German calendar days
    assert retraining.start_date == dt.date(2027, 3, 1) and retraining.end_date == dt.date(
        2029, 6, 29
    )
    assert retraining.kind == "umschulung" and retraining.format == "praesenz"
    assert retraining.professions == ("26",) and retraining.funding == ("bildungsgutschein",)
    assert retraining.cost_eur == 0 and retraining.link.startswith("https://www.example.org/")
    assert retraining.town == "Gelsenkirchen" and retraining.postcode == "45879"
    master = courses["190000102"]
    # ISO text dates, a D systematics code, "Blended Learning", Aufstiegs-BAföG in the text
    assert master.start_date == dt.date(2027, 9, 4) and master.kind == "aufstieg"
    assert master.format == "blended" and master.funding == ("aufstiegs_bafoeg",)
    assert master.cost_eur == 5890
    online = courses["190000103"]
    assert online.format == "online" and online.on_demand and online.location is None
    assert set(online.funding) == {"bildungsgutschein", "beschaeftigte"}
    assert online.professions == ("72",)
    essen = courses["190000104"]
    assert essen.kind == "sprache" and essen.cost_eur is None and essen.town == "Essen"
    assert all(c.source == "ba-gelsenkirchen" for c in courses.values())


def test_ba_warnings_are_reported_per_record():
    termin = json.loads(BA_SAMPLE.read_text("utf-8"))["_embedded"]["termine"][3]
    values, warnings = ba_values(termin)
    assert values["cost_eur"] is None
    assert warnings == ["costs given as text only (kostenBemerkung)"]
    termin = {**termin, "angebot": {**termin["angebot"], "titel": "Kreatives Schreiben"}}
    termin["angebot"]["suchworte"] = []
    termin["angebot"]["abschlussbezeichnung"] = ""
    _, warnings = ba_values(termin)
    assert any("no KldB profession" in w for w in warnings)


def test_a_bad_record_means_nothing_is_imported(fresh):
    platform = fresh()
    import_file(platform, JSON_SAMPLE)
    before = _state(platform)
    lines = CSV_SAMPLE.read_text("utf-8").splitlines()
    # line 3: unknown kind and bad date; line 5: a course in person without a place
    lines[2] = lines[2].replace(",weiterbildung,", ",kaffeekurs,").replace("2027-03-08", "morgen")
    lines[4] = lines[4].replace("Gladbecker Straße 40,46236,Bottrop", ",,")
    with pytest.raises(CourseImportError) as caught:
        import_text(platform, "\n".join(lines), name="kaputt.csv")
    report = caught.value.report
    assert not report.written and len(report.records) == 6
    assert [r.outcome for r in report.records] == [
        "created",
        "invalid",
        "created",
        "invalid",
        "created",
        "created",
    ]
    bad = report.records[1]
    assert bad.where == "line 3"
    assert any(p.startswith("start_date:") for p in bad.problems)
    assert any("kaffeekurs" in p for p in bad.problems)
    assert any(p.startswith("location:") for p in report.records[3].problems)
    assert set(caught.value.errors) == {"line 3", "line 5"}
    assert _state(platform) == before, "nothing changed, not even the change counter"
    assert "FEHLER" in report.format_text("Kurse", "courses")


def test_duplicate_ids_in_one_file_are_invalid(fresh):
    platform = fresh()
    data = json.loads(JSON_SAMPLE.read_text("utf-8"))
    data["courses"][2]["external_id"] = data["courses"][0]["external_id"]
    with pytest.raises(CourseImportError) as caught:
        import_text(platform, json.dumps(data), name="doppelt.json")
    statuses = [r.outcome for r in caught.value.report.records]
    assert statuses == ["invalid", "created", "invalid"]
    assert _state(platform)[0] == 0


@pytest.mark.parametrize(
    "text, name, message",
    [
        ("title,colour\nKurs,blau\n", "x.csv", "unknown column"),
        ("", "x.csv", "is empty"),
        ('{"courses": 5}', "x.json", "not a list of courses"),
        ('{"_embedded": {"termine": 3}}', "x.json", "not a Weiterbildungssuche answer"),
        ("{nope", "x.json", "not valid JSON"),
        ("kurs", "x.txt", "Cannot tell the format"),
    ],
)
def test_broken_files_are_refused_as_a_whole(fresh, text, name, message):
    platform = fresh()
    with pytest.raises(ImportError_, match=message):
        import_text(platform, text, name=name)
    assert _state(platform)[0] == 0


def test_the_format_is_told_from_name_and_content():
    assert detect_format("a.csv", "title\n") == "csv"
    assert detect_format("a.json", BA_SAMPLE.read_text("utf-8")) == "ba"
    assert detect_format("upload", JSON_SAMPLE.read_text("utf-8")) == "json"
    assert detect_format("a.json", "{}", "ba") == "ba"


def test_command_line_import_reports_and_aborts(make_app, tmp_path):
    app = make_app(True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["training", "import", str(BA_SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "4 neu (created)" in result.output and "termin 4 (id 190000104)" in result.output
    bad = tmp_path / "bad.json"
    bad.write_text('{"courses": [{"title": "Ohne alles"}]}', "utf-8")
    result = runner.invoke(args=["training", "import", str(bad), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output[: result.output.rindex("}") + 1])
    assert report["invalid"] == 1 and report["records"][0]["outcome"] == "invalid"
    result = runner.invoke(args=["training", "info"])
    assert f"aktuell am (current on) {TODAY.isoformat()}: 4" in result.output
