"""The jobs pages as a job seeker meets them: open positions right under a company's name on
its profile, each with an apply button; the list of open positions with its filters; a page per
position with schema.org ``JobPosting`` markup (checked against Google's required and
recommended properties as a JSON Schema); a closed position answers 410 and leads to its
employer, an unknown or not yet published one 404."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pytest
from databases import Databases
from jobs_support import TODAY, is_open, jobs_config, position

from core import Address, Company, Status, fold, vocabulary
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from plugins.jobs.vocabulary import EMPLOYMENT_TYPE, KINDS

SCHEMA = json.loads((Path(__file__).parent / "jobposting.schema.json").read_text("utf-8"))
DAY = dt.timedelta(days=1)


class Portal:
    """The app with the plugin, four companies (one not published) and positions of every
    state: open, run out, filled, not yet published, unmatched."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.platform = app.extensions["regiokarte"]
        self.client = app.test_client()

        def save(name: str, street: str, postcode: str, industry: str, **more: Any) -> Company:
            address = Address(street=street, postcode=postcode)
            more.setdefault("status", Status.PUBLISHED)
            company = Company(name=name, address=address, industry=industry, **more)
            return self.platform.save_company(company)

        self.autohaus = save(
            "Autohaus Kruse GmbH & Co. KG", "Hertener Str. 12", "45657", "G", employees=45,
            website="https://www.autohaus-kruse.example",
        )  # fmt: skip
        self.pflege = save("Pflegedienst Sonnenschein", "Marktplatz 3", "45768", "Q", employees=30)
        self.quiet = save("Bäckerei Ohne Stellen", "Kirchweg 1", "45699", "C", employees=8)
        self.draft = save(
            "Entwurf Metall GmbH", "Feldweg 2", "46282", "C", employees=20, status=Status.DRAFT
        )
        a, p, d = self.autohaus, self.pflege, self.draft

        def of(company: Company, **values: Any) -> Position:
            return position(
                company_id=company.id,
                employer_name=company.name,
                employer_postcode=company.address.postcode,
                employer_town=company.address.town,
                match="matched",
                **values,
            )

        wanted = {
            # the car dealer: applications on its own site (direct), by mail, by phone
            "mechatronik": of(
                a,
                title="Kfz-Mechatroniker/in (m/w/d)",
                profession="25212",
                kind="apprenticeship",
                external_id="A-1",
                start_date=TODAY + 140 * DAY,
                valid_through=TODAY + 60 * DAY,
                description="Wir bilden aus.\n\nDrei Jahre, mit Übernahme.\nIn Recklinghausen.",
                apply_url="https://karriere.autohaus-kruse.example/bewerben?stelle=1",
                apply_email="bewerbung@autohaus-kruse.example",
                apply_phone="02361 12345",
            ),
            "verkauf": of(
                a,
                title="Automobilverkäufer/in",
                profession="62",
                kind="full_time",
                external_id="A-2",
                published=TODAY - 3 * DAY,
                apply_email="verkauf@autohaus-kruse.example",
            ),
            "minijob": of(
                a,
                title="Fahrzeugaufbereiter/in",
                kind="minijob",
                external_id="A-3",
                published=TODAY,
                valid_through=TODAY,
                apply_phone="02361 98765",
            ),
            "expired": of(
                a, title="Serviceberater/in", external_id="A-4", valid_through=TODAY - DAY
            ),
            "filled": of(
                a, title="Lagerist/in", profession="51", external_id="A-5", filled_on=TODAY - DAY
            ),
            "future": of(a, title="Azubi 2028", external_id="A-6", published=TODAY + DAY),
            # the care service: applications on a job board (not direct)
            "pflege": of(
                p,
                title="Pflegefachkraft (m/w/d)",
                profession="81302",
                kind="part_time",
                external_id="P-1",
                valid_through=TODAY + 30 * DAY,
                apply_url="https://jobs.example.org/pflege/77",
                lat=51.58,
                lon=7.05,
            ),
            # a company whose profile is not public
            "draft": of(d, title="Zerspanungsmechaniker/in", external_id="D-1", kind="full_time"),
            # imported, no company found yet
            "unmatched": position(
                employer_name="Stadtwerke Muster",
                employer_postcode="45964",
                employer_town="Gladbeck",
                title="Elektroniker/in für Betriebstechnik",
                profession="26",
                kind="apprenticeship",
                external_id="U-1",
                description="",
            ),
        }
        with self.platform.session(write=True) as session:
            repo = PositionRepository(session)
            self.positions = {key: repo.add(p) for key, p in wanted.items()}
        self.platform.engine.refresh(force=True)

    def get(self, path: str, status: int = 200) -> str:
        answer = self.client.get(path)
        assert answer.status_code == status, (path, answer.status_code)
        return str(answer.get_data(as_text=True))

    def open_of(self, company: Company) -> list[Position]:
        return [
            p for p in self.positions.values() if p.company_id == company.id and is_open(p, TODAY)
        ]


@pytest.fixture(scope="module")
def portal(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    from webapp import create_app

    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        url = databases.new("jobs-pages", tmp_path_factory.mktemp("jobs-pages"))
        app = create_app(jobs_config(url))
    finally:
        os.environ.update(saved)
    app.extensions["regiokarte"].upgrade_database()
    yield Portal(app)
    app.extensions["regiokarte"].db.dispose()


def _json_ld(html: str) -> dict[str, Any]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1, "one JobPosting block"
    data: dict[str, Any] = json.loads(found[0])
    return data


def _section(html: str, section: str) -> str:
    found = re.search(rf'<section id="section-{section}".*?</section>', html, re.S)
    assert found, f"the profile has the section {section}"
    return found.group(0)


# --- the profile ---------------------------------------------------------------------------


def test_open_positions_stand_under_the_name_before_the_profile_text(portal: Portal) -> None:
    html = portal.get(f"/unternehmen/{portal.autohaus.slug}")
    head, jobs, about = (html.index(s) for s in ("<h1>", 'id="section-jobs"', 'id="section-about"'))
    assert head < jobs < about, "the positions come right under the name and key facts"
    section = _section(html, "jobs")
    expected = portal.open_of(portal.autohaus)
    assert f"Offene Stellen ({len(expected)})" in section
    listed = [int(i) for i in re.findall(r'data-position="(\d+)"', section)]
    assert sorted(listed) == sorted(p.id for p in expected)
    for key in ("expired", "filled", "future"):
        assert f'data-position="{portal.positions[key].id}"' not in section, key
    # "ab sofort" first, then by start; every one with its kind and an apply button
    assert listed[-1] == portal.positions["mechatronik"].id
    item = re.search(rf'data-position="{listed[-1]}".*?</li>', section, re.S)
    assert item is not None
    assert "Ausbildung" in item.group(0) and "ab 2. Aug. 2027" in item.group(0)
    button = re.search(r'<a class="button primary jobs-apply" href="([^"]+)"', item.group(0))
    assert button and unescape(button.group(1)) == portal.positions["mechatronik"].apply_url


@pytest.mark.parametrize(
    ("key", "way", "href"),
    [
        ("verkauf", "email", "mailto:verkauf@autohaus-kruse.example?subject="),
        ("minijob", "phone", "tel:0236198765"),
    ],
)
def test_the_apply_button_takes_the_first_way_the_position_names(
    portal: Portal, key: str, way: str, href: str
) -> None:
    section = _section(portal.get(f"/unternehmen/{portal.autohaus.slug}"), "jobs")
    item = re.search(rf'data-position="{portal.positions[key].id}".*?</li>', section, re.S)
    assert item is not None
    found = re.search(r'href="([^"]+)"[^>]*data-way="(\w+)"', item.group(0).split("</h3>")[1])
    assert found and found.group(2) == way and unescape(found.group(1)).startswith(href)


def test_a_profile_without_open_positions_shows_no_section(portal: Portal) -> None:
    assert 'id="section-jobs"' not in portal.get(f"/unternehmen/{portal.quiet.slug}")


def test_the_profile_section_speaks_english(portal: Portal) -> None:
    section = _section(portal.get(f"/unternehmen/{portal.autohaus.slug}?lang=en"), "jobs")
    assert "Open positions (3)" in section and "Apply now" in section
    assert "starting immediately" in section and "Apprenticeship" in section
    # the title is the employer's German text: marked so, and its page keeps the language
    assert f'href="/stellen/{portal.positions["verkauf"].id}?lang=en" lang="de"' in section


# --- a position's page ---------------------------------------------------------------------


def test_a_position_page_shows_facts_and_every_way_to_apply(portal: Portal) -> None:
    p = portal.positions["mechatronik"]
    html = portal.get(f"/stellen/{p.id}")
    # a line may break after each slash ("Mechatroniker/" + "in"), not inside a word
    assert "<h1>Kfz-Mechatroniker/<wbr>in (m/w/d)</h1>" in html
    assert (
        f'<a href="/unternehmen/{portal.autohaus.slug}">Autohaus Kruse GmbH &amp; Co. KG</a>'
        in (html)
    )
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", html))
    assert facts["Art der Stelle"] == "Ausbildung"
    assert facts["Beginn"] == "ab 2. Aug. 2027"
    assert facts["Arbeitsort"] == "45657 Recklinghausen"
    assert facts["Berufsfeld"] == vocabulary("professions").label("25", "de")
    assert facts["Ausgeschrieben bis"] == "14. Mai 2027"
    assert "<p>Wir bilden aus.</p><p>Drei Jahre, mit Übernahme.<br>In Recklinghausen.</p>" in html
    ways = dict(re.findall(r'<li data-way="(\w+)">[^<]*<a href="([^"]+)"', html))
    assert unescape(ways["email"]) == (
        "mailto:bewerbung@autohaus-kruse.example?subject=Bewerbung%3A%20Kfz-Mechatroniker%2Fin"
        "%20%28m%2Fw%2Fd%29"
    )
    assert ways["phone"] == "tel:0236112345"
    apply = re.search(r'class="button primary jobs-apply" href="([^"]+)"', html)
    assert apply and unescape(apply.group(1)) == p.apply_url
    # the employer's other open positions, not this one, not closed ones
    others = re.search(r'id="h-others".*?</section>', html, re.S)
    assert others is not None
    shown = {int(i) for i in re.findall(r'data-position="(\d+)"', others.group(0))}
    assert shown == {q.id for q in portal.open_of(portal.autohaus)} - {p.id}


def test_an_unmatched_position_names_its_employer_without_a_link(portal: Portal) -> None:
    html = portal.get(f"/stellen/{portal.positions['unmatched'].id}")
    assert "Stadtwerke Muster" in html and "/unternehmen/" not in html.split("<main", 1)[1]
    assert "Keine Beschreibung angegeben." in html
    assert "Die Stelle nennt keinen Bewerbungsweg." in html


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("expired", "Die Ausschreibung lief am 14. März 2027 ab."),
        ("filled", "Sie wurde am 14. März 2027 besetzt."),
    ],
)
def test_a_closed_position_is_gone_and_leads_to_its_employer(
    portal: Portal, key: str, reason: str
) -> None:
    html = portal.get(f"/stellen/{portal.positions[key].id}", 410)
    assert "Stelle nicht mehr ausgeschrieben" in html and reason in html
    assert '<meta name="robots" content="noindex">' in html
    assert f'href="/unternehmen/{portal.autohaus.slug}"' in html
    assert "application/ld+json" not in html, "no JobPosting for a closed position"
    english = portal.get(f"/stellen/{portal.positions[key].id}?lang=en", 410)
    assert "Position no longer advertised" in english


@pytest.mark.parametrize("key", ["future", "draft"])
def test_a_position_not_yet_published_or_of_a_hidden_company_is_not_found(
    portal: Portal, key: str
) -> None:
    html = portal.get(f"/stellen/{portal.positions[key].id}", 404)
    assert portal.positions[key].title.split("/")[0] not in html


def test_an_unknown_position_is_not_found(portal: Portal) -> None:
    assert "Stelle nicht gefunden" in portal.get("/stellen/999999", 404)
    assert portal.client.get("/stellen/99999999999999999999999").status_code == 404


def test_the_position_closes_by_itself_the_day_after_it_runs_out(portal: Portal) -> None:
    from plugins.jobs.hooks import service_for

    service = service_for(portal.platform)
    p = portal.positions["minijob"]  # valid through today
    assert portal.client.get(f"/stellen/{p.id}").status_code == 200
    clock = service.clock
    service.clock = lambda: TODAY + DAY
    try:
        assert portal.client.get(f"/stellen/{p.id}").status_code == 410
        profile = portal.get(f"/unternehmen/{portal.autohaus.slug}")
        assert f'data-position="{p.id}"' not in profile
        assert f'data-position="{p.id}"' not in portal.get("/stellen")
    finally:
        service.clock = clock


# --- JobPosting markup ---------------------------------------------------------------------


def test_the_schema_refuses_what_google_would_refuse() -> None:
    """The schema of the test is no rubber stamp: each required property counts."""
    good = {
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": "Koch/Köchin",
        "description": "<p>Küche</p>",
        "datePosted": "2027-03-01",
        "employmentType": "FULL_TIME",
        "hiringOrganization": {"@type": "Organization", "name": "Gasthof"},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "postalCode": "45657",
                "addressLocality": "Recklinghausen",
                "addressCountry": "DE",
            },
        },
        "identifier": {"@type": "PropertyValue", "name": "Portal", "value": "1"},
    }
    jsonschema.validate(good, SCHEMA, format_checker=jsonschema.FormatChecker())
    for key in SCHEMA["required"]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({k: v for k, v in good.items() if k != key}, SCHEMA)
    for bad in (
        {"datePosted": "1.3.2027"},
        {"employmentType": "Vollzeit"},
        {"jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress"}}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, **bad}, SCHEMA, format_checker=jsonschema.FormatChecker())


@pytest.mark.parametrize("key", ["mechatronik", "verkauf", "minijob", "pflege", "unmatched"])
def test_json_ld_of_every_open_position_is_a_valid_job_posting(portal: Portal, key: str) -> None:
    p = portal.positions[key]
    data = _json_ld(portal.get(f"/stellen/{p.id}"))
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    assert data["title"] == p.title
    assert data["datePosted"] == p.published.isoformat()
    assert data["employmentType"] == EMPLOYMENT_TYPE[p.kind]
    assert data.get("validThrough") == (p.valid_through.isoformat() if p.valid_through else None)
    assert data["identifier"]["value"] == p.external_id
    assert data["url"].endswith(f"/stellen/{p.id}")
    address = data["jobLocation"]["address"]
    assert (address["postalCode"], address["addressLocality"]) == (
        p.employer_postcode,
        p.employer_town,
    )
    organisation = data["hiringOrganization"]
    assert organisation["name"] == (p.employer_name if p.company_id else "Stadtwerke Muster")
    company = {c.id: c for c in (portal.autohaus, portal.pflege)}.get(p.company_id)
    if company is None:
        assert "sameAs" not in organisation and "streetAddress" not in address
    else:
        assert organisation["sameAs"] == f"http://localhost/unternehmen/{company.slug}"
        assert address["streetAddress"] == company.address.street
        geo = data["jobLocation"]["geo"]
        expected = (
            (p.lat, p.lon)
            if p.lat is not None
            else (
                company.location.lat,
                company.location.lon,  # type: ignore[union-attr]
            )
        )
        assert (geo["latitude"], geo["longitude"]) == pytest.approx(expected)
    # the application lies on the employer's own site only for the car dealer's apprenticeship
    assert data.get("directApply", False) is (key == "mechatronik")


# --- the list ------------------------------------------------------------------------------


def _listed(portal: Portal) -> list[tuple[Position, str]]:
    """What the list shows, by brute force: open positions of public companies and
    unmatched ones, with their towns."""
    public = {portal.autohaus.id, portal.pflege.id, portal.quiet.id}
    return [
        (p, p.employer_town)
        for p in portal.positions.values()
        if is_open(p, TODAY) and (p.company_id is None or p.company_id in public)
    ]


QUERIES = [
    {},
    {"kind": ["apprenticeship"]},
    {"kind": ["apprenticeship", "part_time"]},
    {"profession": ["25", "81"]},
    {"town": ["Recklinghausen"], "kind": ["full_time", "minijob"]},
    {"q": ["kruse"]},
    {"q": ["pflege"], "profession": ["81"]},
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_list_and_its_counts_equal_brute_force(
    portal: Portal, query: dict[str, list[str]]
) -> None:
    from urllib.parse import urlencode

    html = portal.get("/stellen?" + urlencode(query, doseq=True))
    listed = _listed(portal)
    read = {"kind": lambda p: p.kind, "profession": lambda p: p.profession_group or ""}
    read["town"] = lambda p: p.employer_town

    def passes(p: Position, skip: str = "") -> bool:
        for key, values in query.items():
            if key == "q":
                words = fold(values[0]).split()
                hay = fold(f"{p.title} {p.employer_name} {p.employer_town}")
                if not all(w in hay for w in words):
                    return False
            elif key != skip and read[key](p) not in values:
                return False
        return True

    expected = {p.id for p, _ in listed if passes(p)}
    shown = {int(i) for i in re.findall(r'class="kit-card jobs-item" data-position="(\d+)"', html)}
    assert shown == expected
    total = re.search(r'data-total="(\d+)"', html)
    assert total and int(total.group(1)) == len(expected)
    for key in ("kind", "profession"):
        counts = Counter(read[key](p) for p, _ in listed if passes(p, skip=key))
        options = re.findall(
            rf'name="{key}" value="(\w+)"[^>]*>\s*<label[^>]*>[^<]*<span class="count">\((\d+)\)',
            html,
        )
        for value, count in options:
            assert int(count) == counts.get(value, 0), (key, value)
        if key == "kind":  # every kind is offered, with 0 where none is open
            assert {v for v, _ in options} == set(KINDS.codes)
        else:  # the professions that give a result (or are chosen)
            chosen = set(query.get(key, ()))
            assert {v for v, _ in options} == {v for v, n in counts.items() if n} | chosen
    towns = Counter(read["town"](p) for p, _ in listed if passes(p, skip="town"))
    options = re.findall(r'<option value="([^"]+)"[^>]*>[^<]*\((\d+)\)</option>', html)
    assert {unescape(t) for t, _ in options} == {p.employer_town for p, _ in listed}
    for town, count in options:
        assert int(count) == towns.get(unescape(town), 0), town


def test_the_list_pages_and_keeps_the_filters(portal: Portal) -> None:
    from plugins.jobs.hooks import service_for

    service = service_for(portal.platform)
    per_page = service.settings.per_page
    service.settings = service.settings.__class__(**{**_fields(service.settings), "per_page": 2})
    try:
        first = portal.get(
            "/stellen?kind=apprenticeship&kind=full_time&kind=part_time&kind=minijob"
        )
        link = re.search(r'<a href="([^"]+)" rel="next">', first)
        assert link, "a next page"
        args = parse_qs(urlsplit(unescape(link.group(1))).query)
        assert args["kind"] == ["apprenticeship", "full_time", "part_time", "minijob"]
        assert args["page"] == ["2"]
        second = portal.get(unescape(link.group(1)))
        one = set(re.findall(r'jobs-item" data-position="(\d+)"', first))
        two = set(re.findall(r'jobs-item" data-position="(\d+)"', second))
        assert len(one) == 2 and two and not one & two
    finally:
        service.settings = service.settings.__class__(
            **{**_fields(service.settings), "per_page": per_page}
        )


def _fields(settings: Any) -> dict[str, Any]:
    import attrs

    return attrs.asdict(settings, recurse=False)


def test_a_company_link_lists_only_its_positions(portal: Portal) -> None:
    html = portal.get(f"/stellen?company={portal.autohaus.id}")
    shown = {int(i) for i in re.findall(r'jobs-item" data-position="(\d+)"', html)}
    assert shown == {p.id for p in portal.open_of(portal.autohaus)}
    assert "Autohaus Kruse GmbH &amp; Co. KG" in html


def test_a_long_list_of_positions_on_a_profile_ends_with_a_link_to_all(portal: Portal) -> None:
    from plugins.jobs.hooks import service_for

    service = service_for(portal.platform)
    saved = service.settings
    expected = portal.open_of(portal.autohaus)
    service.settings = saved.__class__(**{**_fields(saved), "profile_max_positions": 2})
    try:
        section = _section(portal.get(f"/unternehmen/{portal.autohaus.slug}"), "jobs")
        assert f"Offene Stellen ({len(expected)})" in section
        assert len(re.findall(r'<li class="jobs-position"', section)) == 2
        link = re.search(r'<a href="([^"]+)">Alle 3 offenen Stellen</a>', section)
        assert link, "a link to all of them"
        listed = portal.get(unescape(link.group(1)))
        shown = {int(i) for i in re.findall(r'jobs-item" data-position="(\d+)"', listed)}
        assert shown == {p.id for p in expected}
        service.settings = saved.__class__(**{**_fields(saved), "profile_max_positions": 0})
        profile = portal.get(f"/unternehmen/{portal.autohaus.slug}")
        assert 'id="section-jobs"' not in profile, "0: the profile lists none"
    finally:
        service.settings = saved
