"""The position model: when a position is open, what a valid position is, how its text is
sanitised, and the code lists it refers to."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path

import pytest
from jobs_support import TODAY, is_open, position

from core import ValidationError, vocabulary
from plugins.jobs import vocabulary as jv

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "security_xss"))
from xss_corpus import PAYLOADS  # noqa: E402

DAYS = [TODAY + dt.timedelta(days=d) for d in range(-3, 4)]


def test_is_open_follows_the_rule_on_every_combination_of_dates():
    optional = [None, *DAYS]
    checked = 0
    for published, valid, filled in itertools.product(DAYS, optional, optional):
        p = position(published=published, valid_through=valid, filled_on=filled)
        for day in DAYS:
            assert p.is_open(day) == is_open(p, day), (published, valid, filled, day)
            checked += 1
    assert checked == len(DAYS) * len(optional) ** 2 * len(DAYS)


def test_a_position_expiring_today_is_open_today_and_closed_tomorrow():
    p = position(valid_through=TODAY)
    assert p.is_open(TODAY)
    assert not p.is_open(TODAY + dt.timedelta(days=1))
    assert not position(published=TODAY + dt.timedelta(days=1)).is_open(TODAY)
    assert not position(filled_on=TODAY).is_open(TODAY)


def test_every_kind_has_a_german_label_and_an_employment_type():
    labels = {code: jv.KINDS.label(code, "de") for code in jv.KINDS.codes}
    assert labels == {
        "apprenticeship": "Ausbildung",
        "dual_study": "Duales Studium",
        "internship": "Praktikum",
        "full_time": "Vollzeit",
        "part_time": "Teilzeit",
        "minijob": "Minijob",
    }
    assert set(jv.EMPLOYMENT_TYPE) == set(jv.KINDS.codes)
    schema_org = {"FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY", "INTERN", "VOLUNTEER",
                  "PER_DIEM", "OTHER"}  # fmt: skip
    assert set(jv.EMPLOYMENT_TYPE.values()) <= schema_org
    assert position(kind="internship").employment_type == "INTERN"
    assert jv.KINDS.label("full_time", "en") == "Full-time"


@pytest.mark.parametrize(
    "code, valid",
    [("26", True), ("261", True), ("26112", True), ("2", False), ("261120", False),
     ("2611a", False), ("00112", False), ("", False), (" 26", False)],
)  # fmt: skip
def test_a_profession_is_a_kldb_code_of_a_known_berufshauptgruppe(code, valid):
    assert jv.is_profession(code) is valid
    if valid:
        assert position(profession=code).profession_group in vocabulary("professions")


def test_every_berufshauptgruppe_is_a_valid_profession():
    groups = vocabulary("professions").codes
    assert len(groups) == 37
    assert all(jv.is_profession(g) and jv.is_profession(g + "112") for g in groups)


def test_all_problems_are_named_at_once_per_field_in_german_and_english():
    bad = position(
        title="  ",
        kind="vollzeit",
        profession="999",
        employer_postcode="4565",
        valid_through=TODAY - dt.timedelta(days=20),
        apply_url="javascript:alert(1)",
        apply_email="personal at example.org",
        apply_phone="call us",
        lat=51.6,
    )
    with pytest.raises(ValidationError) as caught:
        bad.validated()
    problems = caught.value.errors
    assert set(problems) == {
        "title", "kind", "profession", "employer_postcode", "valid_through", "apply_url",
        "apply_email", "apply_phone", "lat",
    }  # fmt: skip
    assert "vollzeit" in problems["kind"][0] and "apprenticeship" in problems["kind"][0]
    assert problems["kind"][0].text("de").startswith("„vollzeit“ ist keine Art von Stelle")
    assert "999" in str(caught.value) and "javascript:alert(1)" in str(caught.value)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"match": "matched"}, "company_id"),
        ({"match": "review", "company_id": 4}, "company_id"),
        ({"source": "editor", "match": "manual"}, "company_id"),
        ({"source": "feed"}, "source"),
        ({"match": "sure"}, "match"),
        ({"is_demo": True}, "is_demo"),
        ({"source": "demo"}, "is_demo"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_company_match_source_and_demo_rules(changes, field):
    with pytest.raises(ValidationError) as caught:
        position(**changes).validated()
    assert list(caught.value.errors) == [field]


def test_valid_positions_pass():
    assert position().validated() == position()
    editor = position(source="editor", match="manual", company_id=3, external_id="")
    assert editor.validated().company_id == 3
    assert position(match="manual").validated().company_id is None  # "no company", decided
    assert position(source="demo", is_demo=True, lat=51.6, lon=7.2).validated().is_demo


def test_text_is_sanitised_on_the_way_in_and_keeps_paragraphs():
    p = position(
        title=" <b>Koch/Köchin</b>\x00 (m/w/d) ",
        description=(
            "Wir suchen Sie.\r\n\r\n\r\n<script>alert(1)</script>Ab sofort!\n  Zweite Zeile"
        ),
        employer_name="Müller &amp; Söhne <i>GmbH</i>",
    ).validated()
    assert p.title == "Koch/Köchin (m/w/d)"
    assert p.description == "Wir suchen Sie.\n\nAb sofort!\nZweite Zeile"
    assert p.employer_name == "Müller & Söhne GmbH"


@pytest.mark.parametrize("payload", PAYLOADS[:40])
def test_no_markup_survives_in_titles_and_descriptions(payload):
    p = position(title=f"Stelle {payload}", description=f"Text\n{payload}").cleaned()
    for text in (p.title, p.description):
        assert "<script" not in text.lower() and "<img" not in text.lower()
        assert "<svg" not in text.lower() and "<iframe" not in text.lower()


def test_to_dict_has_every_field_as_json_values():
    p = position(match_candidates=[3, 3, 5], start_date=TODAY)
    data = p.to_dict()
    assert data["match_candidates"] == [3, 5]
    assert data["start_date"] == TODAY.isoformat()
    assert data["published"] == (TODAY - dt.timedelta(days=10)).isoformat()
    assert set(data) >= {"id", "company_id", "employer_name", "title", "profession", "kind",
                         "valid_through", "apply_url", "source", "external_id",
                         "filled_on"}  # fmt: skip
