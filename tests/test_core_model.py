"""The company model: validation names every bad field, size classes, slugs, round trips."""

from __future__ import annotations

import pytest

from core import Address, Company, Contact, Location, Status, ValidationError, slugify
from core.classifications import size_class_for


def test_validate_reports_every_problem_with_its_field() -> None:
    company = Company(
        name="",
        slug="Kein Slug!",
        employees=-1,
        industry="Z",
        website="ftp://example.org",
        professions=("99",),
        family=("free_beer",),
        certificates=("gold",),
        offers=("nothing",),
        benefits=("yacht",),
        description="x" * 10_001,
    )
    with pytest.raises(ValidationError) as caught:
        company.validate()
    fields = {
        "name",
        "slug",
        "employees",
        "industry",
        "website",
        "professions",
        "family",
        "certificates",
        "offers",
        "benefits",
        "description",
    }
    assert set(caught.value.errors) == fields
    for field in fields:
        assert field in caught.value.message


@pytest.mark.parametrize(
    ("changes", "field", "needle"),
    [
        ({"name": "   "}, "name", "required"),
        ({"name": "N" * 201}, "name", "200"),
        ({"slug": "doppel--strich"}, "slug", "hyphen"),
        ({"employees": -3}, "employees", "0 or more"),
        ({"industry": "c"}, "industry", "WZ 2008"),
        ({"industry": "F", "industry_division": "10"}, "industry_division", "section C"),
        ({"industry_division": "00"}, "industry_division", "division"),
        ({"website": "www.example.org"}, "website", "http"),
        ({"professions": ("11", "1")}, "professions", "'1'"),
        ({"family": ("part_time", "PART_TIME")}, "family", "'PART_TIME'"),
        ({"offers": ("ausbildung", "lehre")}, "offers", "'lehre'"),
        ({"benefits": ("canteen", "kantine")}, "benefits", "'kantine'"),
        ({"certificates": ("iso9001",)}, "certificates", "'iso9001'"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, object], field: str, needle: str) -> None:
    base = {"name": "Gültig GmbH", "industry": "C", "status": Status.PUBLISHED}
    with pytest.raises(ValidationError) as caught:
        Company(**{**base, **changes}).validate()  # type: ignore[arg-type]
    assert set(caught.value.errors) == {field}
    assert any(needle in message for message in caught.value.errors[field])
    assert field in caught.value.message


def test_a_valid_company_passes() -> None:
    company = Company(
        name="Gültig GmbH",
        industry="C",
        industry_division="10",
        professions=("29",),
        family=("part_time",),
        offers=("ausbildung",),
        benefits=("canteen",),
        website="https://example.org",
        employees=0,
    )
    assert company.validate() is company


@pytest.mark.parametrize(
    ("employees", "size"),
    [
        (0, "micro"),
        (1, "micro"),
        (9, "micro"),
        (10, "small"),
        (49, "small"),
        (50, "medium"),
        (249, "medium"),
        (250, "large"),
        (100_000, "large"),
    ],
)
def test_size_classes_follow_the_eu_definition(employees: int, size: str) -> None:
    assert Company(name="X", employees=employees).size_class == size
    assert size_class_for(employees) == size


def test_negative_head_count_has_no_size_class() -> None:
    with pytest.raises(ValidationError):
        size_class_for(-1)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Bäckerei Müller", "baeckerei-mueller"),
        ("Großhandel Öztürk & Söhne GmbH", "grosshandel-oeztuerk-soehne-gmbh"),
        ("ÄRZTEHAUS ÜBERRUHR", "aerztehaus-ueberruhr"),
        ("Café Crème", "cafe-creme"),
        ("Şahin Yılmaz KG", "sahin-yilmaz-kg"),
        ("Michał Wiśniewski", "michal-wisniewski"),
        ("Søren Ærø", "soren-aero"),
        ("  --Mehr   Raum--  ", "mehr-raum"),
        ("Straße 7", "strasse-7"),
        ("!!!", "unternehmen"),
        ("", "unternehmen"),
    ],
)
def test_slugify_transliterates_umlauts(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_a_company_gets_a_slug_from_its_name() -> None:
    assert Company(name="  Gärtnerei Büscher  ").slug == "gaertnerei-buescher"
    assert Company(name="Gärtnerei Büscher").name == "Gärtnerei Büscher"


@pytest.mark.parametrize("postcode", ["4565", "456577", "45a57"])
def test_postcode_must_have_five_digits(postcode: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Address(postcode=postcode)
    assert "postcode" in caught.value.errors


@pytest.mark.parametrize("ags", ["0556203", "05562O32"])
def test_municipality_key_must_have_eight_digits(ags: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Address(ags=ags)
    assert "ags" in caught.value.errors


@pytest.mark.parametrize(("lat", "lon"), [(91, 7), (-91, 7), (51, 181), (51, -181)])
def test_location_must_lie_on_earth(lat: float, lon: float) -> None:
    with pytest.raises(ValidationError):
        Location(lat, lon)


def test_dict_round_trip_keeps_every_field() -> None:
    company = Company(
        id=7,
        name="Rund & Reise GmbH",
        description="Hin und zurück",
        address=Address("Am Markt 1", "45657", "Recklinghausen", "05562032"),
        location=Location(51.61, 7.19),
        industry="C",
        industry_division="10",
        professions=("29", "62"),
        employees=12,
        family=("part_time",),
        certificates=("audit_berufundfamilie",),
        offers=("ausbildung",),
        benefits=("canteen",),
        website="https://example.org",
        contact=Contact("Frau Test", "test@example.org", "0123"),
        status=Status.PUBLISHED,
        is_demo=True,
        extensions={"fake": {"nearby": True}},
    )
    data = company.to_dict(with_contact=True)
    assert data["size"] == "small"
    again = Company.from_dict(data)
    assert again.to_dict(with_contact=True) == data
    assert "contact" not in company.to_dict()


def test_unknown_fields_are_named() -> None:
    with pytest.raises(ValidationError) as caught:
        Company.from_dict({"name": "X", "colour": "blau", "emploees": 3})
    assert set(caught.value.errors) == {"colour", "emploees"}
    assert "colour" in caught.value.message and "emploees" in caught.value.message


def test_non_numeric_coordinates_are_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        Company.from_dict({"name": "X", "lat": "Nord", "lon": "7.1"})
    assert "lat" in caught.value.errors
