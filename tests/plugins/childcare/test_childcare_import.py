"""Importing Kitas: the real Flensburg GeoJSON, CSV with a column mapping, OSM XML and PBF;
re-imports update instead of duplicating; a bad file changes nothing."""

from __future__ import annotations

import csv
import hashlib
import json
import re

import pytest
from childcare_files import FLENSBURG, FLENSBURG_COLUMNS, FLENSBURG_REGION, MARL_OSM

from core import ImportError_
from plugins.childcare import repository as repo
from plugins.childcare.hooks import service_for
from plugins.childcare.importers import import_file
from plugins.childcare.model import parse_opening_hours


def run_import(platform, path, **options):
    service = service_for(platform)
    options.setdefault("where", service.settings.where)
    with platform.session(write=True) as session:
        return import_file(
            session,
            path,
            mapping=service.settings.columns,
            locate=platform.locate,
            region=platform.region,
            conversions=service.settings.conversions(),
            **options,
        )


def all_kitas(platform):
    with platform.session() as session:
        return repo.load_kitas(session)


@pytest.fixture
def flensburg_platform(childcare_platform):
    """A portal of the region Flensburg, mapping the Flensburg file's columns."""
    return childcare_platform(columns=FLENSBURG_COLUMNS, region=FLENSBURG_REGION)


def test_flensburg_imports_completely(flensburg_platform):
    raw = json.loads(FLENSBURG.read_text(encoding="utf-8"))["features"]
    report = run_import(flensburg_platform, FLENSBURG)
    # every feature is either imported or reported with its reason
    assert report.read == len(raw) == 70
    assert report.imported + len(report.rejected) == report.read
    assert report.rejected == [] and report.created == 70
    kitas = {k.source_id: k for k in all_kitas(flensburg_platform)}
    assert len(kitas) == 70
    for feature in raw:
        p = feature["properties"]
        kita = kitas[p["slug"]]
        lon, lat = feature["geometry"]["coordinates"]
        assert (kita.lat, kita.lon) == (lat, lon)
        assert kita.name == p["facility"] and kita.operator == p["institution"]
        assert kita.street == p["address"] and kita.postcode == p["postal_code"]
        # the file has no town column: the town comes from the postcode, where it is known
        if p["postal_code"] == "24942":
            assert kita.town == ""
            assert "postcode 24942 is unknown" in str(report.warnings)
        else:
            assert kita.town == "Flensburg"
        assert kita.places == p["childcare_places"]
        assert kita.lunch is p["lunch_offer"]
        assert kita.inclusion is (p["integrational"] > 0)
        assert ("u3" in kita.age_groups) == (p["group_0_3"] + p["group_1_6"] > 0)
        assert ("3to6" in kita.age_groups) == (
            p["group_3_6"] + p["group_1_6"] + p["nature_3_6"] > 0
        )
        assert ("school" in kita.age_groups) == (p["group_6_14"] > 0)
        start, end = p["opening_hours"].replace(".", ":").split("-")
        assert kita.opening_hours == p["opening_hours"]
        assert kita.closes == int(end[:2]) * 60 + int(end[3:])
        assert kita.opens == int(start[:2]) * 60 + int(start[3:])
        # unmapped properties are kept
        assert kita.district == p["district"]
        assert kita.extra["phone_number"] == p["phone_number"]


def test_flensburg_twice_gives_the_same_kitas(flensburg_platform):
    run_import(flensburg_platform, FLENSBURG)
    first = {k.source_id: k for k in all_kitas(flensburg_platform)}
    report = run_import(flensburg_platform, FLENSBURG)
    assert (report.created, report.updated, report.unchanged, report.removed) == (0, 0, 70, 0)
    second = {k.source_id: k for k in all_kitas(flensburg_platform)}
    assert second == first  # same rows, same ids
    with flensburg_platform.session() as session:
        assert repo.count_kitas(session) == 70
        assert len(repo.list_imports(session)) == 2


def test_reimport_updates_and_removes(flensburg_platform, flensburg_copy):
    run_import(flensburg_platform, flensburg_copy, source="flensburg")
    data = json.loads(flensburg_copy.read_text(encoding="utf-8"))
    removed = data["features"].pop(0)["properties"]["slug"]
    data["features"][0]["properties"]["opening_hours"] = "07:00-18:30"
    changed = data["features"][0]["properties"]["slug"]
    flensburg_copy.write_text(json.dumps(data), encoding="utf-8")
    report = run_import(flensburg_platform, flensburg_copy, source="flensburg")
    assert (report.created, report.updated, report.unchanged, report.removed) == (0, 1, 68, 1)
    kitas = {k.source_id: k for k in all_kitas(flensburg_platform)}
    assert len(kitas) == 69 and removed not in kitas
    assert kitas[changed].closes == 18 * 60 + 30
    # --keep-missing keeps what a partial file leaves out
    data["features"] = data["features"][:5]
    flensburg_copy.write_text(json.dumps(data), encoding="utf-8")
    report = run_import(flensburg_platform, flensburg_copy, source="flensburg", prune=False)
    assert report.removed == 0 and len(all_kitas(flensburg_platform)) == 69


def test_a_bad_file_changes_nothing(flensburg_platform, flensburg_copy):
    run_import(flensburg_platform, FLENSBURG, source="flensburg")
    before = all_kitas(flensburg_platform)
    data = json.loads(flensburg_copy.read_text(encoding="utf-8"))
    data["features"][0]["properties"]["opening_hours"] = "07:00-19:00"  # a valid change
    data["features"][2]["properties"]["facility"] = ""
    data["features"][4]["geometry"] = {"type": "LineString", "coordinates": [[9, 54], [9, 55]]}
    data["features"][6]["properties"]["slug"] = data["features"][5]["properties"]["slug"]
    data["features"][8]["geometry"]["coordinates"] = [954000.0, 6070000.0]
    flensburg_copy.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportError_) as caught:
        run_import(flensburg_platform, flensburg_copy, source="flensburg")
    assert set(caught.value.errors) == {"feature 3", "feature 5", "feature 7", "feature 9"}
    assert "feature 6" in caught.value.errors["feature 7"][0]
    assert "no name" in caught.value.errors["feature 3"][0]
    assert all_kitas(flensburg_platform) == before
    # the valid rest goes in when asked to, and the rejects are reported
    report = run_import(flensburg_platform, flensburg_copy, source="flensburg", skip_invalid=True)
    assert [p.where for p in report.rejected] == [
        "feature 3",
        "feature 5",
        "feature 7",
        "feature 9",
    ]
    assert report.imported + len(report.rejected) == 70
    assert report.updated == 1 and report.removed == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"type": "Feature"}', "FeatureCollection"),
        (
            '{"type": "FeatureCollection", "crs": {"type": "name", "properties": '
            '{"name": "urn:ogc:def:crs:EPSG::25832"}}, "features": []}',
            "EPSG:4326",
        ),
        ('{"type": "FeatureCollection", "features": []}', "holds no Kita"),
    ],
)
def test_unreadable_files_are_refused(flensburg_platform, tmp_path, content, message):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportError_, match=message):
        run_import(flensburg_platform, path)
    assert all_kitas(flensburg_platform) == []


def test_csv_with_german_columns(childcare_platform, tmp_path):
    """A semicolon CSV in Windows-1252 with German headers, mapped by the default candidates
    plus one configured column."""
    platform = childcare_platform(columns={"places": ["Genehmigte Plätze"]})
    rows = [
        [
            "Kita-Nr.",
            "Einrichtung",
            "Träger",
            "Straße",
            "PLZ",
            "Ort",
            "Breitengrad",
            "Längengrad",
            "Altersgruppen",
            "Genehmigte Plätze",
            "Öffnungszeiten",
            "Sprachen",
            "Mittagessen",
            "Bemerkung",
        ],
        [
            "17",
            "Kita Sonnenschein",
            "AWO",
            "Hauptstraße 3",
            "45768",
            "Marl",
            "51,6561",
            "7,0902",
            "1-6 Jahre",
            "65",
            "7.00 - 16.30 Uhr",
            "de; tr",
            "ja",
            "Waldgruppe",
        ],
        [
            "18",
            "Kita Pusteblume",
            "Stadt",
            "Lipper Weg 10",
            "45770",
            "",
            "",
            "",
            "Krippe, Kindergarten",
            "ca. 40",
            "nach Vereinbarung",
            "",
            "nein",
            "",
        ],
        [
            "19",
            "Hort am Markt",
            "Caritas",
            "Markt 1",
            "45657",
            "Recklinghausen",
            "51.6140",
            "7.1970",
            "Hort",
            "30",
            "Mo-Fr 11:30-17:00",
            "",
            "",
            "",
        ],
    ]
    path = tmp_path / "kitas_marl.csv"
    with path.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    report = run_import(platform, path)
    assert report.created == 3 and report.rejected == []
    assert report.notes and "Windows-1252" in report.notes[0]
    warnings = {(w.where, w.message.split(" ")[0]) for w in report.warnings}
    assert ("line 3", "no") in warnings  # placed at the postcode's centre
    assert ("line 3", "opening") in warnings
    kitas = {k.source_id: k for k in all_kitas(platform)}
    sonne = kitas["17"]
    assert sonne.name == "Kita Sonnenschein" and sonne.operator == "AWO"
    assert (sonne.lat, sonne.lon) == (51.6561, 7.0902)
    assert sonne.age_groups == ("u3", "3to6") and sonne.places == 65
    assert (sonne.opens, sonne.closes) == (7 * 60, 16 * 60 + 30)
    assert sonne.languages == ("de", "tr") and sonne.lunch is True
    assert sonne.extra == {"Bemerkung": "Waldgruppe"}
    puste = kitas["18"]
    assert puste.town == "Marl" and puste.places == 40 and puste.closes is None
    assert puste.age_groups == ("u3", "3to6") and puste.lunch is False
    assert kitas["19"].age_groups == ("school",) and kitas["19"].closes == 17 * 60


def test_csv_problems_name_their_lines(childcare_platform, tmp_path):
    platform = childcare_platform()
    path = tmp_path / "kitas.csv"
    path.write_text(
        "id,name,lat,lon\n1,Kita A,51.6,7.1\n2,,51.6,7.1\n3,Kita C,north,7.1\n4,Kita D,51.6\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportError_) as caught:
        run_import(platform, path)
    assert set(caught.value.errors) == {"line 3", "line 4", "line 5"}
    assert all_kitas(platform) == []
    path.write_text("nummer,ort\n1,Marl\n", encoding="utf-8")
    with pytest.raises(ImportError_, match="no column holds the Kita's name"):
        run_import(platform, path)


def check_marl(kitas):
    by_id = {k.source_id: k for k in kitas}
    assert set(by_id) == {"node/1001", "node/1002", "node/1004", "way/500", "relation/700"}
    regenbogen = by_id["node/1001"]
    assert regenbogen.name == "Kita Regenbogen" and regenbogen.operator == "Stadt Marl"
    assert regenbogen.street == "Creiler Platz 1" and regenbogen.town == "Marl"
    assert regenbogen.age_groups == ("u3", "3to6") and regenbogen.places == 85
    # the closing time that holds on every working day: Friday's 15:00
    assert regenbogen.closes == 15 * 60
    assert regenbogen.languages == ("de", "tr")
    assert by_id["node/1002"].name == "Kindergarten" and by_id["node/1002"].age_groups == ("3to6",)
    hort = by_id["node/1004"]
    assert hort.age_groups == ("school",) and hort.places is None and hort.closes == 18 * 60
    krippe = by_id["way/500"]
    assert krippe.age_groups == ("u3",)
    assert krippe.lat == pytest.approx(51.6505) and krippe.lon == pytest.approx(7.076)
    family = by_id["relation/700"]
    assert family.lat == pytest.approx(51.644) and family.lon == pytest.approx(7.092)
    assert family.closes == 17 * 60 and family.age_groups == ("3to6",)


def test_osm_xml_and_pbf(childcare_platform, tmp_path):
    import osmium

    platform = childcare_platform()
    report = run_import(platform, MARL_OSM)
    assert report.source == "osm" and report.created == 5 and report.read == 5
    positions = {w.where for w in report.warnings}
    assert positions == {"node/1002", "node/1004"}  # no name; capacity no number
    check_marl(all_kitas(platform))
    # the same extract as PBF, written by pyosmium: the same Kitas, nothing new
    pbf = tmp_path / "kitas_marl.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as writer:
        for obj in osmium.FileProcessor(str(MARL_OSM)):
            writer.add(obj)
    report = run_import(platform, pbf)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    check_marl(all_kitas(platform))
    # an edited extract updates in place
    edited = tmp_path / "edited.osm"
    edited.write_text(
        MARL_OSM.read_text(encoding="utf-8").replace('v="85"', 'v="90"'), encoding="utf-8"
    )
    report = run_import(platform, edited)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert len(all_kitas(platform)) == 5


def test_broken_osm_is_refused(childcare_platform, tmp_path):
    platform = childcare_platform()
    path = tmp_path / "broken.osm"
    path.write_text("<osm version='0.6'><node id='1' lat='51", encoding="utf-8")
    with pytest.raises(ImportError_, match="no readable OSM file"):
        run_import(platform, path)


def test_the_command_line(flensburg_platform, tmp_path):
    from webapp import create_app

    app = create_app(platform=flensburg_platform)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["childcare", "import", str(FLENSBURG), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["created"] == 70
    result = runner.invoke(args=["childcare", "sources"])
    assert "kitas-flensburg\t70" in result.output
    bad = tmp_path / "bad.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"geometry": null, "properties": {"facility": "X"}}]}',
        encoding="utf-8",
    )
    result = runner.invoke(args=["childcare", "import", str(bad)])
    assert result.exit_code == 1 and "feature 1" in result.output
    assert "nothing changed" in result.output
    result = runner.invoke(args=["childcare", "remove", "kitas-flensburg"])
    assert "70" in result.output and all_kitas(flensburg_platform) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:00-16:00", (420, 960)),
        ("07:00-17.00", (420, 1020)),
        ("7.30 - 17 Uhr", (450, 1020)),
        ("Mo-Th 07:00-17:00; Fr 07:00-14:00; Sa off", (420, 840)),
        ("Mo-Fr 06:30-12:00,13:00-18:00", (390, 1080)),
        ("Mo-Fr 07:00-17:00; Sa 08:00-20:00", (420, 1020)),
        ("Mo 07:00-19:00; Tu-Fr 07:00-16:00", (420, 960)),
        ("nach Vereinbarung", None),
        ("", None),
    ],
)
def test_opening_hours(text, expected):
    hours = parse_opening_hours(text)
    assert (None if hours is None else (hours.opens, hours.closes)) == expected


def test_flensburg_test_copy_is_the_documented_file():
    # the copy must stay the file SOURCE.md describes (only the director names removed)
    source = (FLENSBURG.parent / "SOURCE.md").read_text(encoding="utf-8")
    documented = re.search(r"SHA-256 of the copy here: `([0-9a-f]{64})`", source)[1]
    assert hashlib.sha256(FLENSBURG.read_bytes()).hexdigest() == documented
