"""Importing offers: the sample OpenImmo feed, CSV and JSON; duplicates; bad files change
nothing and every problem names its position."""

from __future__ import annotations

import datetime as dt

import pytest
from housing_support import (
    EXAMPLES,
    TODAY,
    import_bytes,
    import_file,
    make_platform,
    stored_offers,
)

from core import ImportError_
from plugins.housing.formats import detect_format


@pytest.fixture
def platform(new_database):
    platform = make_platform(new_database("import"))
    yield platform
    platform.db.dispose()


def test_openimmo_sample(platform):
    report = import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    assert report.details["sources"] == ["wgm-marl-fiktiv", "bauverein-el-fiktiv"]
    assert report.created == 5 and report.removed == 0
    # the object sent twice is stored once, with the values of the later copy
    duplicates = [w for w in report.warnings if "the later one is kept" in w.message]
    assert len(duplicates) == 1 and "immobilie[3]" in duplicates[0].where
    assert any("not residential" in str(w) for w in report.warnings)
    offers = {o["external_id"]: o for o in stored_offers(platform)}
    assert set(offers) == {"WGM-2026-014", "WGM-2026-021", "BV-RE-0107", "BV-GE-0311",
                           "BV-DO-0009"}  # fmt: skip
    marl = offers["WGM-2026-014"]
    assert (marl["warm_rent"], marl["cold_rent"], marl["rooms"], marl["area_m2"]) == (
        545.0, 395.0, 2.0, 48.5)  # fmt: skip
    assert marl["provider_type"] == "municipal" and marl["kind"] == "flat"
    assert (marl["lat"], marl["lon"]) == (51.65712, 7.08963)
    assert marl["street"] == "Bergstraße 12" and marl["address_public"]
    assert marl["expires_on"] == dt.date(2026, 12, 31)
    # Kaltmiete + Nebenkosten + Heizkosten; address withheld -> postcode centroid
    huels = offers["WGM-2026-021"]
    assert huels["warm_rent"] == 465.0 and huels["available_from"] == dt.date(2026, 4, 1)
    assert not huels["address_public"]
    assert (round(huels["lat"], 4), round(huels["lon"], 4)) == (51.6592, 7.1448)
    assert offers["BV-GE-0311"]["kind"] == "shared_flat"
    assert offers["BV-GE-0311"]["provider_type"] == "cooperative"
    assert offers["BV-DO-0009"]["offer_type"] == "buy"
    assert offers["BV-DO-0009"]["price"] == 239000.0
    assert offers["BV-RE-0107"]["link"].startswith("https://www.bauverein-el")
    assert offers["BV-RE-0107"]["available_from"] == dt.date(2026, 5, 1)


def test_csv_and_json_samples(platform):
    report = import_file(platform, EXAMPLES / "angebote_beispiel.csv")
    assert (report.read, report.created) == (8, 7)
    assert [str(w) for w in report.warnings] == [
        "line 9: repeats line 4 (id HS-003); the later one is kept"
    ]
    offers = {o["external_id"]: o for o in stored_offers(platform)}
    assert offers["HS-003"]["description"] == "Doppelt exportiert."
    assert offers["HS-003"]["area_m2"] == 71.5 and offers["HS-003"]["warm_rent"] == 745
    assert offers["HS-006"]["price"] == 329000 and offers["HS-006"]["offer_type"] == "buy"
    assert offers["HS-002"]["warm_rent"] == 560 and not offers["HS-002"]["address_public"]
    assert offers["HS-001"]["kind"] == "apprentice_housing"
    assert offers["HS-001"]["provider_type"] == "employer"
    assert offers["HS-005"]["town"] == "Gladbeck"
    report = import_file(platform, EXAMPLES / "angebote_beispiel.json")
    assert report.details["sources"] == ["wohnen-waltrop-fiktiv"] and report.created == 2
    waltrop = {o["external_id"]: o for o in stored_offers(platform)}["WW-18"]
    assert waltrop["town"] == "Oer-Erkenschwick" and waltrop["warm_rent"] == 280


def test_import_again_updates_instead_of_adding(platform):
    import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    before = stored_offers(platform)
    again = import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert stored_offers(platform) == before
    changed = (
        (EXAMPLES / "openimmo_beispiel.xml")
        .read_bytes()
        .replace(b"<warmmiete>705</warmmiete>", b"<warmmiete>699</warmmiete>")
    )
    report = import_bytes(platform, changed, "openimmo_beispiel.xml")
    assert (report.created, report.updated) == (0, 1)
    assert len(stored_offers(platform)) == 5


def test_delete_action_and_full_transfer(platform):
    import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    extra = b"""<openimmo><anbieter><openimmo_anid>bauverein-el-fiktiv</openimmo_anid>
      <immobilie><geo><plz>45657</plz></geo><verwaltung_techn>
        <objektnr_extern>BV-RE-0107</objektnr_extern><aktion aktionart="DELETE"/>
      </verwaltung_techn></immobilie></anbieter></openimmo>"""
    report = import_bytes(platform, extra, "delete.xml")
    assert report.removed == 1
    assert "BV-RE-0107" not in {o["external_id"] for o in stored_offers(platform)}
    full = b"""<openimmo><uebertragung umfang="VOLL"/><anbieter>
      <openimmo_anid>bauverein-el-fiktiv</openimmo_anid>
      <immobilie><objektkategorie><vermarktungsart MIETE_PACHT="true"/>
        <objektart><wohnung/></objektart></objektkategorie>
        <geo><plz>45657</plz></geo><preise><warmmiete>600</warmmiete></preise>
        <freitexte><objekttitel>Neu</objekttitel></freitexte>
        <verwaltung_techn><objektnr_extern>BV-NEU</objektnr_extern></verwaltung_techn>
      </immobilie></anbieter></openimmo>"""
    report = import_bytes(platform, full, "voll.xml")
    assert (report.created, report.removed) == (1, 2)  # the other two of this provider go
    remaining = {(o["source"], o["external_id"]) for o in stored_offers(platform)}
    assert ("bauverein-el-fiktiv", "BV-NEU") in remaining
    assert {s for s, _ in remaining} == {"wgm-marl-fiktiv", "bauverein-el-fiktiv"}
    # an offer without an expiry date gets the default lifetime
    new = [o for o in stored_offers(platform) if o["external_id"] == "BV-NEU"][0]
    assert new["expires_on"] == TODAY + dt.timedelta(days=60)


BAD_CSV = """external_id;title;kind;warm_rent_eur;postcode;expires_on;contact_email
A1;Gute Wohnung;flat;500;45768;2026-08-01;a@example.org
A2;;flat;500;45768;2026-08-01;
A3;Wohnung;schloss;fünfhundert;4576;31.02.2026;kein-mail
A4;Wohnung;flat;500;45768
A5;Wohnung;flat;;45768;2026-08-01;
"""


def test_bad_csv_changes_nothing_and_names_every_line(platform):
    import_file(platform, EXAMPLES / "angebote_beispiel.csv")
    before = stored_offers(platform)
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, BAD_CSV.encode(), "bad.csv")
    errors = caught.value.errors
    assert set(errors) == {"line 3", "line 4", "line 5", "line 6"}
    assert errors["line 3"] == ["title: A title is required."]
    line4 = " ".join(errors["line 4"])
    for field in ("kind:", "warm_rent_eur:", "postcode:", "expires_on:", "contact_email:"):
        assert field in line4
    assert "the header has 7" in errors["line 5"][0]
    assert "warm_rent_eur or cold_rent_eur" in errors["line 6"][0]
    assert stored_offers(platform) == before
    # the good first line was not written either
    assert "A1" not in {o["external_id"] for o in stored_offers(platform)}


def test_bad_header_and_unknown_columns(platform):
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, b"titel;plz;farbe\nx;45768;rot\n", "s.csv")
    assert "'farbe' is not a known column" in caught.value.errors["line 1"][0]
    assert caught.value.errors["line 2"] == [
        "warm_rent_eur: A rent offer needs warm_rent_eur or cold_rent_eur."
    ]


def test_malformed_xml_reports_line(platform):
    import_file(platform, EXAMPLES / "openimmo_beispiel.xml")
    before = stored_offers(platform)
    broken = (
        (EXAMPLES / "openimmo_beispiel.xml")
        .read_text("utf-8")
        .replace("</kaltmiete>", "</kaltmiet>", 1)
    )
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, broken.encode(), "broken.xml")
    (position,) = caught.value.errors
    line = broken[: broken.index("</kaltmiet>")].count("\n") + 1
    assert position.startswith(f"line {line},")
    assert stored_offers(platform) == before


def test_invalid_xml_values_report_element_paths(platform):
    text = (EXAMPLES / "openimmo_beispiel.xml").read_text("utf-8")
    bad = text.replace("<warmmiete>705</warmmiete>", "<warmmiete>viel</warmmiete>").replace(
        "<plz>45879</plz>", "<plz>4587</plz>"
    )
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, bad.encode(), "bad.xml")
    errors = caught.value.errors

    def line(snippet: str) -> int:
        return bad[: bad.index(snippet)].count("\n") + 1

    assert errors == {
        f"/openimmo/anbieter[2]/immobilie[1]/preise/warmmiete (line {line('>viel<')})": [
            "warm_rent_eur: 'viel' is not a number."
        ],
        f"/openimmo/anbieter[2]/immobilie[2]/geo/plz (line {line('>4587<')})": [
            "postcode: '4587' is not a German postcode; use five digits such as 45657."
        ],
    }
    assert stored_offers(platform) == []


def test_xml_entities_are_not_expanded(platform, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("geheim")
    feed = f"""<?xml version="1.0"?>
<!DOCTYPE openimmo [<!ENTITY x SYSTEM "file://{secret}">]>
<openimmo><anbieter><openimmo_anid>x</openimmo_anid><immobilie>
<objektkategorie><objektart><wohnung/></objektart></objektkategorie>
<geo><plz>45768</plz></geo><preise><warmmiete>500</warmmiete></preise>
<freitexte><objekttitel>Titel &x;</objekttitel></freitexte>
</immobilie></anbieter></openimmo>"""
    import_bytes(platform, feed.encode(), "xxe.xml")
    (offer,) = stored_offers(platform)
    assert "geheim" not in offer["title"]


def test_bad_json_reports_positions(platform):
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, b'{"offers": [\n {"title": "x",}\n]}', "bad.json")
    assert list(caught.value.errors) == ["line 2, column 16"]
    data = (
        b'{"offers": [{"title": "Gut", "postcode": "45768", "warm_rent_eur": 400}, 7,'
        b' {"title": "x", "postcode": "45768", "rooms": "zwei", "warm_rent_eur": 1}]}'
    )
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, data, "bad.json")
    assert caught.value.errors == {
        "offers[1]": ["an object {...} expected"],
        "offers[2].rooms": ["rooms: 'zwei' is not a number."],
    }
    data = data.replace(b" 7,", b"")
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, data, "bad.json")
    assert caught.value.errors == {"offers[1].rooms": ["rooms: 'zwei' is not a number."]}
    assert stored_offers(platform) == []


def test_format_detection():
    assert detect_format("a.xml", b"") == "openimmo"
    assert detect_format("upload", b'\xef\xbb\xbf  {"offers": []}') == "json"
    assert detect_format("upload", b"<?xml") == "openimmo"
    assert detect_format("upload", b"title;postcode") == "csv"


def test_cli_import(platform, tmp_path):
    from click.testing import CliRunner

    from plugins.housing.cli import housing_group

    group = housing_group(platform)
    runner = CliRunner()
    result = runner.invoke(group, ["import", str(EXAMPLES / "angebote_beispiel.csv")])
    assert result.exit_code == 0, result.output
    assert "7 neu (created)" in result.output and "line 9: repeats line 4" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, "utf-8")
    result = runner.invoke(group, ["import", str(bad)])
    assert result.exit_code == 1 and "line 4: kind:" in result.output
    result = runner.invoke(group, ["info"])
    assert "7 Angebote sichtbar" in result.output
