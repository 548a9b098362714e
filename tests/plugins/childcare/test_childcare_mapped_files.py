"""Foreign-shaped Kita files made from the real Flensburg data: a nested JSON array with ages
in months, opening times in milliseconds and Kitas mixed with childminders; a ';'-separated
copy; files cut off in the middle of a record; the whole file in a portal of another region.
Each import is compared with the import of the original GeoJSON; every refused import leaves
the database byte for byte as it was."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from childcare_files import FLENSBURG, FLENSBURG_COLUMNS, FLENSBURG_REGION
from dumps import database_dump
from test_childcare_import import all_kitas, run_import

from core import ImportError_, OutsideRegionError
from core.search.geocoding import postcode_centroids

#: The mapping an operator writes for the nested file (TOML: [plugins.childcare.columns] and
#: [plugins.childcare.convert]), as in the plugin's README.
NESTED_COLUMNS = {
    "id": ["id"],
    "name": ["name"],
    "operator": ["provider.name"],
    "street": ["address.street"],
    "postcode": ["address.postalcode"],
    "lat": ["address.latitude"],
    "lon": ["address.longitude"],
    "age_from": ["careFrom"],
    "age_to": ["careTo"],
    "opens": ["openingTime"],
    "closes": ["closingTime"],
    "kind": ["type"],
    "places": ["capacity"],
}
NESTED_CONVERT = {
    "age_from": "months",
    "age_to": "months",
    "opens": "milliseconds",
    "closes": "milliseconds",
    "kind": {"KITA": "kita", "TPP": "childminder"},
}
#: Kitas whose coordinates the nested file leaves out (their postcode is kept).
WITHOUT_COORDINATES = range(0, 70, 7)
CHILDMINDERS = 5


def features() -> list[dict[str, Any]]:
    return json.loads(FLENSBURG.read_text(encoding="utf-8"))["features"]


def care_months(p: dict[str, Any]) -> tuple[int, int]:
    """The age range (months) of a Kita from its group counts."""
    under3 = p["group_0_3"] + p["group_1_6"] > 0
    three = p["group_3_6"] + p["group_1_6"] + p["nature_3_6"] > 0
    school = p["group_6_14"] > 0
    start = (12 if p["group_0_3"] == 0 else 0) if under3 else 36 if three else 72
    end = 168 if school else 72 if three else 36
    return start, end


def milliseconds(clock: str) -> int:
    hours, minutes = clock.replace(".", ":").split(":")
    return (int(hours) * 60 + int(minutes)) * 60_000


def nested_records(without_coordinates: range = WITHOUT_COORDINATES) -> list[dict[str, Any]]:
    """The Flensburg file as a publisher's JSON array: nested address, months, milliseconds,
    a type, and childminders (copies of the first five, placed at their addresses)."""
    records = []
    for number, feature in enumerate(features()):
        p = feature["properties"]
        lon, lat = feature["geometry"]["coordinates"]
        start, end = p["opening_hours"].split("-")
        care_from, care_to = care_months(p)
        address: dict[str, Any] = {"street": p["address"], "postalcode": p["postal_code"]}
        if number not in without_coordinates:
            address |= {"latitude": lat, "longitude": lon}
        records.append(
            {
                "id": p["slug"],
                "name": p["facility"],
                "type": "KITA",
                "provider": {"name": p["institution"]},
                "address": address,
                "careFrom": care_from,
                "careTo": care_to,
                "openingTime": milliseconds(start),
                "closingTime": milliseconds(end),
                "capacity": p["childcare_places"],
            }
        )
    for record in [dict(r) for r in records[1 : CHILDMINDERS + 1]]:
        record |= {
            "id": f"tpp-{record['id']}",
            "type": "TPP",
            "name": f"Tagespflege {record['name']}",
        }
        records.append(record)
    return records


@pytest.fixture
def nested_platform(childcare_platform):
    return childcare_platform(
        columns=NESTED_COLUMNS, convert=NESTED_CONVERT, region=FLENSBURG_REGION
    )


@pytest.fixture
def nested_file(tmp_path: Path) -> Path:
    path = tmp_path / "kitas-flensburg.json"
    path.write_text(json.dumps(nested_records(), ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def reference(childcare_platform) -> dict[str, Any]:
    """The Kitas of the original GeoJSON, imported with the documented mapping."""
    platform = childcare_platform(columns=FLENSBURG_COLUMNS, region=FLENSBURG_REGION)
    run_import(platform, FLENSBURG)
    return {k.source_id: k for k in all_kitas(platform)}


def test_the_nested_array_imports_like_the_geojson(nested_platform, nested_file, reference):
    report = run_import(nested_platform, nested_file, where=["type=KITA"])
    assert report.format == "json" and report.rejected == []
    assert report.created == 70
    assert f"type=KITA: 70 of {70 + CHILDMINDERS} records kept" in " ".join(report.notes)
    kitas = {k.source_id: k for k in all_kitas(nested_platform)}
    assert set(kitas) == set(reference)
    centres = postcode_centroids()
    placed = [f["properties"]["slug"] for n, f in enumerate(features()) if n in WITHOUT_COORDINATES]
    for source_id, expected in reference.items():
        kita = kitas[source_id]
        assert kita.name == expected.name and kita.operator == expected.operator
        assert kita.street == expected.street and kita.postcode == expected.postcode
        assert kita.places == expected.places
        # months -> age groups, milliseconds -> clock times: what the group and hours columns say
        assert kita.age_groups == expected.age_groups, source_id
        assert (kita.opens, kita.closes) == (expected.opens, expected.closes), source_id
        assert kita.extra["kind"] == "kita"
        if source_id in placed:
            centre = centres[expected.postcode]
            assert (kita.lat, kita.lon) == (centre.lat, centre.lon)
        else:
            assert (kita.lat, kita.lon) == (expected.lat, expected.lon)
    # a warning for each Kita placed at its postcode's centre
    placed_warnings = [w for w in report.warnings if "postcode's centre" in w.message]
    assert len(placed_warnings) == len(placed) == 10
    # the age-group and closing-time filters find what they find in the original
    for group in ("u3", "3to6", "school"):
        count = sum(group in k.age_groups for k in kitas.values())
        assert count == sum(group in k.age_groups for k in reference.values()) > 0
    late = sum((k.closes or 0) >= 17 * 60 for k in kitas.values())
    assert late == sum((k.closes or 0) >= 17 * 60 for k in reference.values()) > 0


def test_childminders_are_told_apart_by_the_value_map(nested_platform, nested_file):
    report = run_import(nested_platform, nested_file)
    assert report.created == 70 + CHILDMINDERS
    kinds = [k.extra["kind"] for k in all_kitas(nested_platform)]
    assert kinds.count("childminder") == CHILDMINDERS and kinds.count("kita") == 70


def test_the_array_read_as_geojson_names_the_fix(nested_platform, nested_file, tmp_path):
    wrong = tmp_path / "kitas.geojson"
    wrong.write_bytes(nested_file.read_bytes())
    before = database_dump(nested_platform)
    with pytest.raises(ImportError_) as caught:
        run_import(nested_platform, wrong)
    message = caught.value.message
    assert "this is a JSON array, not a GeoJSON FeatureCollection" in message
    assert "--format json" in message and "column mapping" in message
    assert database_dump(nested_platform) == before


def test_no_location_names_the_columns_looked_at_and_the_setting(childcare_platform, nested_file):
    # only the name is mapped: the nested coordinates and postcode are not found
    platform = childcare_platform(columns={"name": ["name"]}, region=FLENSBURG_REGION)
    before = database_dump(platform)
    with pytest.raises(ImportError_) as caught:
        run_import(platform, nested_file)
    assert len(caught.value.errors) == 70 + CHILDMINDERS
    reason = caught.value.errors["record 1"][0]
    assert "it has no location" in reason
    assert "none of lat, latitude" in reason and "none of postcode, plz" in reason
    assert "plugins.childcare.columns.lat" in reason and "address.postalcode" in reason
    assert database_dump(platform) == before


def test_a_record_filter_naming_no_field_is_refused(nested_platform, nested_file):
    with pytest.raises(ImportError_, match="'typ', which no record has; fields are: .*type"):
        run_import(nested_platform, nested_file, where=["typ=KITA"])
    with pytest.raises(ImportError_, match="not of the form field=value"):
        run_import(nested_platform, nested_file, where=["type"])
    assert all_kitas(nested_platform) == []


def test_ages_in_months_without_the_conversion_are_reported(childcare_platform, nested_file):
    convert = {k: v for k, v in NESTED_CONVERT.items() if k not in ("age_to", "closes")}
    platform = childcare_platform(columns=NESTED_COLUMNS, convert=convert, region=FLENSBURG_REGION)
    report = run_import(platform, nested_file, where=["type=KITA"])
    text = " ".join(w.message for w in report.warnings)
    assert "age_to: 72 is no age in years" in text
    assert "plugins.childcare.convert.age_to = 'months'" in text
    assert "plugins.childcare.convert.closes = 'milliseconds'" in text


def test_a_bad_conversion_setting_stops_the_start(childcare_platform):
    from core import PluginError

    with pytest.raises(PluginError, match="convert.opens: 'hours' is no conversion"):
        childcare_platform(columns=NESTED_COLUMNS, convert={"opens": "hours"})
    with pytest.raises(PluginError, match="convert.colour: 'colour' is no mapped field"):
        childcare_platform(convert={"colour": "clock"})


def flensburg_rows() -> tuple[list[str], list[list[Any]]]:
    header = [*features()[0]["properties"], "lat", "lon"]
    rows = []
    for feature in features():
        lon, lat = feature["geometry"]["coordinates"]
        rows.append([*(feature["properties"][h] for h in header[:-2]), lat, lon])
    return header, rows


def write_csv(path: Path, delimiter: str) -> Path:
    header, rows = flensburg_rows()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_semicolon_separated_copy_imports_the_same_kitas(childcare_platform, tmp_path, reference):
    platform = childcare_platform(columns=FLENSBURG_COLUMNS, region=FLENSBURG_REGION)
    path = write_csv(tmp_path / "kitas-flensburg.csv", ";")
    report = run_import(platform, path)
    assert report.created == 70 and report.rejected == []
    assert "fields separated by ';'" in " ".join(report.notes)
    kitas = {k.source_id: k for k in all_kitas(platform)}
    for source_id, expected in reference.items():
        kita = kitas[source_id]
        assert (kita.name, kita.lat, kita.lon) == (expected.name, expected.lat, expected.lon)
        assert (kita.age_groups, kita.closes) == (expected.age_groups, expected.closes)


def cut(path: Path, fraction: float = 0.6) -> Path:
    data = path.read_bytes()
    end = int(len(data) * fraction)
    # in the middle of a line, not at its end
    while data[end - 1 : end + 1].count(b"\n"):
        end += 1
    path.write_bytes(data[:end])
    return path


def test_a_csv_cut_mid_record_changes_nothing(childcare_platform, tmp_path, reference):
    platform = childcare_platform(columns=FLENSBURG_COLUMNS, region=FLENSBURG_REGION)
    run_import(platform, FLENSBURG, source="flensburg")
    before = database_dump(platform)
    path = cut(write_csv(tmp_path / "kitas-flensburg.csv", ","))
    lines = path.read_bytes().count(b"\n")
    with pytest.raises(ImportError_) as caught:
        run_import(platform, path, source="flensburg")
    message = caught.value.message
    assert f"1 of {lines} records are invalid, nothing was imported" in message
    assert (
        f"line {lines + 1}: " in message and "the file ends in the middle of this record" in message
    )
    assert "--skip-invalid" in message
    assert database_dump(platform) == before
    # the explicit partial import: the cut record and the Kitas after it are reported
    report = run_import(platform, path, source="flensburg", skip_invalid=True)
    assert report.imported == lines - 1 and report.removed == 70 - (lines - 1)
    assert [p.where for p in report.rejected] == [f"line {lines + 1}"]
    assert f"1 of {lines} records were left out (--skip-invalid)" in " ".join(report.notes)


def test_a_json_file_cut_mid_record_changes_nothing(nested_platform, nested_file):
    run_import(nested_platform, nested_file, where=["type=KITA"])
    before = database_dump(nested_platform)
    cut(nested_file)
    with pytest.raises(ImportError_, match="ends in the middle of a record .* looks cut off"):
        run_import(nested_platform, nested_file, where=["type=KITA"])
    assert database_dump(nested_platform) == before


def test_kitas_of_another_region_are_refused_naming_the_distance(childcare_platform):
    # the default region, Emscher-Lippe; Flensburg is about 355 km from its border
    platform = childcare_platform(columns=FLENSBURG_COLUMNS)
    before = database_dump(platform)
    with pytest.raises(OutsideRegionError) as caught:
        run_import(platform, FLENSBURG)
    assert "70 of 70 Kitas lie outside Emscher-Lippe" in caught.value.message
    assert "median distance from the region is 355 km" in caught.value.message
    assert "--allow-outside-region" in caught.value.message
    assert database_dump(platform) == before
    report = run_import(platform, FLENSBURG, allow_outside_region=True)
    assert report.created == 70
    assert any("imported because data outside" in w.message for w in report.warnings)


def test_the_command_line(nested_platform, nested_file, tmp_path):
    from webapp import create_app

    runner = create_app(platform=nested_platform).test_cli_runner()
    before = database_dump(nested_platform)
    wrong = tmp_path / "kitas.geojson"
    wrong.write_bytes(nested_file.read_bytes())
    result = runner.invoke(args=["childcare", "import", str(wrong)])
    assert result.exit_code == 1
    assert "import it with the format json (--format json)" in result.output.replace("\n", " ")
    assert database_dump(nested_platform) == before
    result = runner.invoke(
        args=["childcare", "import", str(nested_file), "--where", "type=KITA", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["created"] == 70 and report["format"] == "json"


def test_the_command_line_refuses_another_region_unless_allowed(childcare_platform, nested_file):
    from webapp import create_app

    # a portal of Emscher-Lippe (the default region)
    platform = childcare_platform(columns=NESTED_COLUMNS, convert=NESTED_CONVERT)
    runner = create_app(platform=platform).test_cli_runner()
    before = database_dump(platform)
    args = ["childcare", "import", str(nested_file), "--where", "type=KITA"]
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "70 of 70 Kitas lie outside Emscher-Lippe" in output
    assert "355 km" in output and "--allow-outside-region" in output
    assert database_dump(platform) == before
    result = runner.invoke(args=[*args, "--allow-outside-region"])
    assert result.exit_code == 0, result.output
    assert len(all_kitas(platform)) == 70


def test_the_age_and_closing_time_filters_count_as_with_the_geojson(childcare_platform, tmp_path):
    from core import Company, Location, Status

    # an employer 300 m north of every Flensburg Kita
    companies = [
        Company(
            name=f"Betrieb {n}",
            location=Location(
                f["geometry"]["coordinates"][1] + 0.0027, f["geometry"]["coordinates"][0]
            ),
            status=Status.PUBLISHED,
        )
        for n, f in enumerate(features())
    ]
    original = childcare_platform(companies, columns=FLENSBURG_COLUMNS, region=FLENSBURG_REGION)
    run_import(original, FLENSBURG)
    nested = childcare_platform(
        companies, columns=NESTED_COLUMNS, convert=NESTED_CONVERT, region=FLENSBURG_REGION
    )
    path = tmp_path / "kitas.json"
    path.write_text(json.dumps(nested_records(without_coordinates=range(0))), encoding="utf-8")
    run_import(nested, path, where=["type=KITA"])
    counts = []
    for platform in (original, nested):
        result = platform.search(platform.parse_query({}))
        counts.append({f.value: f.count for f in result.facets["childcare_kita"]})
    assert counts[0] == counts[1]
    # the age-group and closing-time choices find employers, as they do with the GeoJSON
    assert any("u3" in value and count > 0 for value, count in counts[1].items())
    assert any("until" in value and count > 0 for value, count in counts[1].items())
