"""Course imports in the wrong region: the sample courses moved to real Flensburg addresses
(from the Flensburg Kita open data) are refused in the Emscher-Lippe portal, naming the
distance, and imported with --allow-outside-region; every table stays as it was meanwhile."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from dumps import database_dump
from training_support import CSV_SAMPLE

from core import OutsideRegionError
from plugins.training.importer import import_file

FLENSBURG = Path(__file__).parents[1] / "childcare" / "data" / "kitas_flensburg.geojson"


def moved(path: Path, count: int | None = None) -> Path:
    """The sample courses with a place, the first ``count`` of them (all: None) moved to the
    addresses and coordinates of Flensburg Kitas."""
    features = json.loads(FLENSBURG.read_text("utf-8"))["features"]
    with CSV_SAMPLE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    n = 0
    for row in rows:
        if row["format"] == "online" or (count is not None and n >= count):
            continue
        p = features[n]["properties"]
        lon, lat = features[n]["geometry"]["coordinates"]
        row |= {"street": p["address"], "postcode": p["postal_code"], "town": "Flensburg"}
        row |= {"lat": str(lat), "lon": str(lon)}
        n += 1
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_courses_in_another_region_are_refused_unless_allowed(fresh, tmp_path):
    from webapp import create_app

    platform = fresh()
    path = moved(tmp_path / "kurse.csv")
    before = database_dump(platform)
    with pytest.raises(OutsideRegionError) as caught:
        import_file(platform, path)
    assert "lie outside Emscher-Lippe" in caught.value.message
    assert "median distance from the region is 35" in caught.value.message
    assert database_dump(platform) == before
    runner = create_app(platform=platform).test_cli_runner()
    result = runner.invoke(args=["training", "import", str(path)])
    assert result.exit_code == 1 and "--allow-outside-region" in result.output
    assert database_dump(platform) == before
    result = runner.invoke(args=["training", "import", str(path), "--allow-outside-region"])
    assert result.exit_code == 0, result.output
    assert "imported because data outside the region was allowed" in " ".join(result.output.split())


def test_one_course_far_away_is_a_note(fresh, tmp_path):
    platform = fresh()
    report = import_file(platform, moved(tmp_path / "kurse.csv", count=1))
    assert report.written
    [note] = report.notes
    assert note.startswith("1 of ") and "more than 25 km outside Emscher-Lippe" in note
    assert "line 2 (35" in note


def test_a_csv_cut_mid_record_changes_nothing(fresh, tmp_path):
    from plugins.training.importer import CourseImportError

    platform = fresh()
    import_file(platform, CSV_SAMPLE)
    before = database_dump(platform)
    text = CSV_SAMPLE.read_text("utf-8").rstrip("\n")
    cut = tmp_path / "courses.csv"
    cut.write_text(text[: text.rindex(",", 0, text.rindex(",")) - 2], "utf-8")
    with pytest.raises(CourseImportError) as caught:
        import_file(platform, cut)
    last = caught.value.report.records[-1]
    assert last.outcome == "invalid"
    assert "the file ends in the middle of this record" in last.problems[0]
    assert database_dump(platform) == before
    # the explicit partial import: the cut course is reported as left out
    report = import_file(platform, cut, skip_invalid=True)
    assert report.written and report.invalid == 1
    assert report.unchanged == len(report.records) - 1  # the others were imported before
    assert f"1 of {len(report.records)} records were left out (--skip-invalid)" in report.notes[0]
