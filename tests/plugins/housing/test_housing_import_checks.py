"""Housing offers in the wrong region: offers at the public addresses of real Flensburg Kitas
(from the Flensburg open data) are refused in the Emscher-Lippe portal, naming the distance,
and imported with --allow-outside-region; a single outlier is a warning."""

from __future__ import annotations

import pytest
from dumps import database_dump
from flensburg_data import offers_csv
from housing_support import import_bytes, make_platform


def test_offers_in_another_region_are_refused_unless_allowed(new_database, tmp_path):
    from webapp import create_app

    platform = make_platform(new_database("housing-region"))
    path = tmp_path / "wohnungen.csv"
    path.write_bytes(offers_csv(10))
    runner = create_app(platform=platform).test_cli_runner()
    before = database_dump(platform)
    result = runner.invoke(args=["housing", "import", str(path)])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "10 of 10 offers lie outside Emscher-Lippe" in text
    assert "median distance from the region is 35" in text and "--allow-outside-region" in text
    assert database_dump(platform) == before
    result = runner.invoke(args=["housing", "import", str(path), "--allow-outside-region"])
    assert result.exit_code == 0, result.output
    assert "10 neu (created)" in result.output
    platform.db.dispose()


def test_one_offer_far_away_is_a_warning(new_database):
    platform = make_platform(new_database("housing-outlier"))
    report = import_bytes(
        platform, offers_csv(1, in_region=5), "wohnungen.csv", region=platform.region
    )
    assert report.created == 6
    [warning] = report.warnings
    assert "1 of 6 offers lie more than 25 km outside Emscher-Lippe: line 7 (35" in str(warning)
    platform.db.dispose()


def test_a_file_without_offers_is_refused(new_database):
    from housing_support import EXAMPLES, import_file

    from core import ImportError_

    platform = make_platform(new_database("housing-empty"))
    import_file(platform, EXAMPLES / "angebote_beispiel.csv", source="beispiel")
    before = database_dump(platform)
    for data, name in ((b"[]", "leer.json"), (b"external_id;title;postcode\n", "leer.csv")):
        with pytest.raises(ImportError_, match="holds no offers; nothing was imported"):
            import_bytes(platform, data, name, source="beispiel", replace=True)
        assert database_dump(platform) == before
    platform.db.dispose()


def test_a_csv_cut_mid_record_changes_nothing(new_database):
    from housing_support import EXAMPLES

    from core import ImportError_

    platform = make_platform(new_database("housing-cut"))
    data = (EXAMPLES / "angebote_beispiel.csv").read_bytes().rstrip(b"\n")
    import_bytes(platform, data, "angebote.csv", source="beispiel")
    before = database_dump(platform)
    cut = data[: data.rindex(b";", 0, data.rindex(b";")) - 2]
    with pytest.raises(ImportError_) as caught:
        import_bytes(platform, cut, "angebote.csv", source="beispiel")
    assert "the file ends in the middle of this record" in caught.value.message
    assert "--skip-invalid" in caught.value.message
    assert database_dump(platform) == before
    # the explicit partial import lists what was left out; never together with --replace
    with pytest.raises(ImportError_, match="cannot be combined"):
        import_bytes(
            platform, cut, "angebote.csv", source="beispiel", replace=True, skip_invalid=True
        )
    assert database_dump(platform) == before
    report = import_bytes(platform, cut, "angebote.csv", source="beispiel", skip_invalid=True)
    # 8 rows in the sample; the cut one is left out, the rest is in the database already
    assert report.read == 7 and report.imported == 7
    assert any("the file ends in the middle of this record" in str(p) for p in report.rejected)
    assert "those records were left out (--skip-invalid)" in report.notes[-1]
    platform.db.dispose()
