"""The public toolkit plugins build on: the platform's company, geocoding, index and mail
methods and the helpers ``core`` exports for them, each checked against the data files or a
computation of its own (on the engine under test)."""

from __future__ import annotations

import csv
import email
import math
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from fake_plugins.fake import FakePlugin
from reference import destination, haversine_m
from sqlalchemy import update

import core
from core import (
    EARTH_RADIUS_M,
    Address,
    Company,
    ConfigError,
    Contact,
    GeocodingError,
    InvalidQuery,
    Location,
    NotFound,
    Platform,
    Section,
    Status,
    TextIndex,
    fold,
    parse_bbox,
    parse_point,
    parse_search_params,
    postcode_towns,
    reindex_all,
    reindex_company,
    section_from_data,
    sphere_xyz,
    vocabulary,
)
from core.persistence.tables import CompanyRow

CORE_DATA = Path(core.__file__).resolve().parent / "data"
REGION_FILE = Path(core.__file__).resolve().parent / "regions" / "emscher_lippe.toml"


def _csv(name: str) -> list[dict[str, str]]:
    with (CORE_DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _centroid(postcode: str) -> Location:
    (row,) = [r for r in _csv("plz_centroids_de.csv") if r["plz"] == postcode]
    return Location(float(row["lat"]), float(row["lon"]))


def _published(name: str, lat: float = 51.61, lon: float = 7.19, **fields: object) -> Company:
    return Company(name=name, status=Status.PUBLISHED, location=Location(lat, lon), **fields)  # type: ignore[arg-type]


# --- companies --------------------------------------------------------------------------------


def test_company_reads_one_company_and_hides_contact_and_drafts(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    shown = platform.save_company(
        _published("Sichtbar GmbH", contact=Contact(name="A. Muster", email="a@example.org"))
    )
    draft = platform.save_company(Company(name="Entwurf KG"))
    assert shown.id is not None and draft.id is not None

    public = platform.company(shown.id, public_only=True)
    assert (public.name, public.contact) == ("Sichtbar GmbH", None)
    assert platform.company(shown.id, with_contact=True).contact == Contact(
        name="A. Muster", email="a@example.org"
    )
    assert platform.company(draft.id).name == "Entwurf KG"
    with pytest.raises(NotFound, match=f"no company with id {draft.id}"):
        platform.company(draft.id, public_only=True)
    for missing in (draft.id + 1000, 0, -3, 2**63, 10**30):
        with pytest.raises(NotFound):
            platform.company(missing)


def test_companies_lists_by_status_and_save_companies_tells_the_plugins(
    make_platform: Callable[..., Platform],
) -> None:
    fake = FakePlugin(blueprint=object())
    platform = make_platform(extra_plugins={"fake": fake}, plugins={"enabled": ["fake"]})
    first = platform.save_company(
        _published("Eins GmbH", contact=Contact(name="Eva Eins", email="eva@example.org"))
    )
    second = platform.save_company(_published("Zwei GmbH"))
    platform.save_company(Company(name="Drei (Entwurf)"))
    assert [c.id for c in platform.companies(status=Status.PUBLISHED)] == [first.id, second.id]
    assert len(platform.companies()) == 3

    fake.events.clear()
    changed = []
    for company in platform.companies(status=Status.PUBLISHED):
        company.description = f"Neu: {company.name}"
        changed.append(company)
    saved = platform.save_companies(changed)

    assert [c.description for c in saved] == ["Neu: Eins GmbH", "Neu: Zwei GmbH"]
    # told after the commit (the plugin's own session sees the change), once per company
    assert fake.events == [(first.id, False, True), (second.id, False, True)]
    assert first.id is not None
    # a company read without its contact keeps the stored one when saved
    kept = platform.company(first.id, with_contact=True)
    assert kept.contact == Contact(name="Eva Eins", email="eva@example.org")
    with pytest.raises(ValueError, match="existing companies"):
        platform.save_companies([Company(name="Neu GmbH")])


# --- geocoding ---------------------------------------------------------------------------------


def test_locate_takes_an_address_or_one_line(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform()  # the default geocoder: postcode centroids
    centre = _centroid("45657")
    assert platform.locate(Address("Kirchplatz 1", "45657", "Recklinghausen")) == centre
    assert platform.locate("Kirchplatz 1, 45657 Recklinghausen") == centre
    assert platform.locate("  45657   Recklinghausen ") == centre
    region = tomllib.loads(REGION_FILE.read_text(encoding="utf-8"))
    (town,) = [t for t in region["towns"] if t["name"] == "Dorsten"]
    assert platform.locate("Dorsten") == Location(*town["center"])
    with pytest.raises(GeocodingError, match="00000"):
        platform.locate("Irgendwo 5, 00000 Nirgendwo")
    with pytest.raises(GeocodingError):
        platform.locate("Atlantis")


def test_locate_postcode_and_postcode_towns_follow_the_postal_files(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    assert platform.locate_postcode("46282") == _centroid("46282")
    with pytest.raises(GeocodingError, match="five-digit German postcode"):
        platform.locate_postcode("4628")
    towns: dict[str, list[str]] = {}
    for row in _csv("plz_orte_de.csv"):
        towns.setdefault(row["plz"], []).append(row["ort"])
    for postcode in ("45657", "46282", "45721", "10115"):
        assert list(postcode_towns(postcode)) == towns[postcode]
    assert postcode_towns(" 45657 ") == postcode_towns("45657")
    assert postcode_towns("00000") == ()


# --- search index signals --------------------------------------------------------------------


def test_reindex_company_makes_the_index_reread_one_company(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform([_published("Bleibt GmbH"), _published("Geht KG", 51.6, 7.0)])
    index = platform.search_index(refresh=True)
    (gone,) = [c.id for c in platform.companies() if c.name == "Geht KG"]
    assert gone is not None
    assert index.alive[index.row_of[gone]]

    def hide(signal: bool) -> None:
        with platform.session(write=True) as session:
            session.execute(update(CompanyRow).where(CompanyRow.id == gone).values(status="draft"))
            if signal:
                reindex_company(session, gone)

    hide(signal=False)  # a write without the signal: the index does not notice
    index = platform.search_index(refresh=True)
    assert gone in index.row_of and index.alive[index.row_of[gone]]
    hide(signal=True)
    index = platform.search_index(refresh=True)
    assert gone not in index.row_of or not index.alive[index.row_of[gone]]


def test_reindex_all_rebuilds_with_the_commit_only(make_platform: Callable[..., Platform]) -> None:
    platform = make_platform([_published("Eins GmbH")])
    platform.search_index(refresh=True)
    builds = platform.engine.stats["full_builds"]
    with pytest.raises(RuntimeError), platform.session(write=True) as session:
        reindex_all(session)
        raise RuntimeError("the import failed")
    platform.search_index(refresh=True)
    assert platform.engine.stats["full_builds"] == builds  # rolled back: nothing to follow
    with platform.session(write=True) as session:
        reindex_all(session)
    platform.search_index(refresh=True)
    assert platform.engine.stats["full_builds"] == builds + 1


# --- mail --------------------------------------------------------------------------------------


def test_send_mail_and_forget_mail_through_the_folder_outbox(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    folder = tmp_path / "outbox"
    platform = make_platform(mail={"outbox_folder": str(folder), "sender": "Karte <k@example.org>"})
    platform.send_mail("ida@example.org", "Anmeldung", "Sie sind angemeldet.")
    platform.send_mail("ida@example.org", "Termin", "Morgen.", sender="Kurse <kurse@example.org>")
    platform.send_mail("otto@example.org", "Hallo", "Text")
    mails = [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))]
    assert sorted((m["To"], m["From"], m["Subject"]) for m in mails) == [
        ("ida@example.org", "Karte <k@example.org>", "Anmeldung"),
        ("ida@example.org", "Kurse <kurse@example.org>", "Termin"),
        ("otto@example.org", "Karte <k@example.org>", "Hallo"),
    ]
    assert platform.forget_mail("IDA@example.org") == 2
    assert [email.message_from_bytes(p.read_bytes())["To"] for p in folder.glob("*.eml")] == [
        "otto@example.org"
    ]


def test_the_mail_queue_sends_after_the_commit_and_tries_again(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    folder = tmp_path / "outbox"
    platform = make_platform(mail={"outbox_folder": str(folder), "sender": "Karte <k@example.org>"})
    with pytest.raises(RuntimeError), platform.session(write=True) as session:
        platform.queue_mail(session, "ida@example.org", "Nie", "Die Buchung scheitert.")
        raise RuntimeError("the write that causes the mail fails")
    assert platform.queued_mail() == []  # rolled back with its write
    with platform.session(write=True) as session:
        first = platform.queue_mail(
            session,
            "ida@example.org",
            "Anmeldung",
            "Sie sind angemeldet.",
            plugin="kurse",
            ref="buchung:1",
            sender="Kurse <kurse@example.org>",
        )
        platform.queue_mail(session, "otto@example.org", "Hallo", "Text", plugin="kurse")
        platform.queue_mail(session, "ida@example.org", "Konto", "Ihr Konto.")
    assert [m.sent_at for m in platform.queued_mail()] == [None, None, None]
    assert not folder.exists()  # nothing goes out before the delivery

    folder.write_text("a file where the outbox folder belongs: delivery fails")
    assert platform.deliver_mail() == (0, 3)
    waiting = platform.queued_mail(plugin="kurse", to="ida@example.org")
    assert [(m.id, m.attempts, m.sent_at) for m in waiting] == [(first, 1, None)]
    assert waiting[0].last_error.startswith("FileExistsError")
    folder.unlink()
    assert platform.deliver_mail() == (3, 0)
    assert platform.deliver_mail() == (0, 0)  # each mail goes out once
    sent = {m.subject: m for m in platform.queued_mail()}
    assert all(m.sent_at is not None and m.attempts == 2 for m in sent.values())
    kept = [email.message_from_bytes(p.read_bytes()) for p in folder.glob("*.eml")]
    assert sorted((m["To"], m["From"], m["Subject"]) for m in kept) == [
        ("ida@example.org", "Karte <k@example.org>", "Konto"),
        ("ida@example.org", "Kurse <kurse@example.org>", "Anmeldung"),
        ("otto@example.org", "Karte <k@example.org>", "Hallo"),
    ]

    with platform.session(write=True) as session:
        assert platform.drop_mail(session, "kurse", refs=["buchung:1"]) == 1
        assert platform.drop_mail(session, "kurse", refs=[]) == 0
    assert {m.subject for m in platform.queued_mail()} == {"Hallo", "Konto"}
    # erasure: the queued mail and the kept copies of both mails to the address
    assert platform.forget_mail("IDA@example.org") == 3
    assert [m.recipient for m in platform.queued_mail()] == ["otto@example.org"]


def test_a_mail_is_given_up_after_the_last_attempt(
    make_platform: Callable[..., Platform], tmp_path: Path
) -> None:
    from core.portal.mailqueue import MAX_ATTEMPTS

    folder = tmp_path / "outbox"
    platform = make_platform(mail={"outbox_folder": str(folder)})
    with platform.session(write=True) as session:
        platform.queue_mail(session, "ida@example.org", "Anmeldung", "Text")
    folder.write_text("delivery fails")
    results = [platform.deliver_mail() for _ in range(MAX_ATTEMPTS + 1)]
    assert results == [(0, 1)] * MAX_ATTEMPTS + [(0, 0)]
    (mail,) = platform.queued_mail()
    assert (mail.attempts, mail.sent_at) == (MAX_ATTEMPTS, None)


# --- distances, text, queries, sections ------------------------------------------------------


def test_sphere_xyz_chords_give_great_circle_distances() -> None:
    assert EARTH_RADIUS_M == pytest.approx(6_371_008.8)
    centre = (51.61, 7.19)
    points = [
        destination(*centre, bearing, metres)
        for bearing, metres in [
            (0, 10.0),
            (45, 850.0),
            (190, 12_500.0),
            (300, 80_000.0),
            (90, 2_000_000.0),
        ]
    ]
    xyz = sphere_xyz([centre[0]] + [p[0] for p in points], [centre[1]] + [p[1] for p in points])
    assert xyz.shape == (len(points) + 1, 3)
    for row, (lat, lon) in enumerate(points, start=1):
        chord = math.dist(xyz[0], xyz[row])
        arc = 2 * EARTH_RADIUS_M * math.asin(chord / (2 * EARTH_RADIUS_M))
        assert arc == pytest.approx(haversine_m(*centre, lat, lon), rel=1e-9, abs=1e-6)


def test_fold_and_text_index_match_like_a_brute_force_scan() -> None:
    assert fold("Bäcker") == fold("Baecker") == fold("BACKER") == "backer"
    assert fold("Straße") == "strasse" and fold("Café Crème") == "cafe creme"
    documents = [
        "Bäckerei Müller, Gelsenkirchen",
        "Baecker-Innung Recklinghausen",
        "Kfz-Mechatroniker (m/w/d)",
        "Fußpflege & Kosmetik",
        "",
        "Mechatronikerin für Kältetechnik",
    ]
    index = TextIndex(documents)
    for query in ("bäck", "BAECKER", "mecha", "kälte technik", "fuss", "gelsen bäck", "xyz"):
        wanted = [fold(w) for w in query.split()]
        expected = [
            all(any(w in word for word in fold(doc).replace("-", " ").split()) for w in wanted)
            for doc in documents
        ]
        assert index.match(query).tolist() == expected, query
    assert index.match("  ,; ") is None


def test_parse_search_params_with_the_platforms_filters(
    make_platform: Callable[..., Platform],
) -> None:
    platform = make_platform()
    params = {"near_postcode": ["45657"], "radius_km": ["5"], "q": ["Bäcker"]}
    query = parse_search_params(params, platform.filters, platform)
    assert query == platform.parse_query(params)
    assert query.near == _centroid("45657")
    with pytest.raises(InvalidQuery, match="frobnicate"):
        parse_search_params({"frobnicate": ["1"]}, platform.filters, platform)


def test_section_from_data_takes_a_mapping_and_refuses_unknown_fields() -> None:
    data = {
        "key": "kurse",
        "title_de": "Kurse",
        "title_en": "Courses",
        "questions": [
            {
                "key": "anzahl",
                "label_de": "Wie viele?",
                "label_en": "How many?",
                "answer": "integer",
                "farbe": "blau",
            }
        ],
    }
    section = section_from_data(data, plugin="training", order=70)
    assert isinstance(section, Section)
    assert (section.key, section.plugin, section.order) == ("kurse", "training", 70)
    assert section.questions[0].extra == {"farbe": "blau"}
    with pytest.raises(ConfigError, match="unknown field"):
        section_from_data({**data, "colour": "red"})


def test_vocabulary_names_cores_code_lists() -> None:
    rows = _csv("kldb2010.csv")
    professions = vocabulary("professions")
    assert [t.code for t in professions] == [r["code"] for r in rows if r["level"] == "hauptgruppe"]
    german = tomllib.loads((CORE_DATA.parent / "locale" / "messages.toml").read_text("utf-8"))
    assert professions.get("43").label("de") == german["kldb"]["43"]
    assert professions.get("43").label("en") == (
        "Computer science, information and communication technology occupations"
    )
    assert {t.code for t in vocabulary("industries")} == set("ABCDEFGHIJKLMNOPQRSTU")
    toml = tomllib.loads((CORE_DATA / "vocabularies.toml").read_text(encoding="utf-8"))
    assert [t.code for t in vocabulary("offers")] == [t["code"] for t in toml["offers"]["terms"]]
    with pytest.raises(NotFound, match="professions"):
        vocabulary("berufe")


@pytest.mark.parametrize(
    ("text", "box"),
    [
        ("7.0,51.5,7.3,51.7", (7.0, 51.5, 7.3, 51.7)),
        (" 7 , 51.5,7.3 ,51.7", (7.0, 51.5, 7.3, 51.7)),
        ("-180,-90,180,90", (-180.0, -90.0, 180.0, 90.0)),
        ("7,51,7,51", (7.0, 51.0, 7.0, 51.0)),
    ],
)
def test_parse_bbox_reads_west_south_east_north(text: str, box: tuple[float, ...]) -> None:
    parsed = parse_bbox(text)
    assert (parsed.west, parsed.south, parsed.east, parsed.north) == box


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("7,51,7.3", "malformed"),
        ("7,51,x,52", "malformed"),
        ("7,51,nan,52", "malformed"),
        ("7,51,190,52", "outside the world"),
        ("7.3,51,7,52", "inverted"),
        ("", "malformed"),
    ],
)
def test_parse_bbox_refuses_bad_boxes_naming_the_parameter(text: str, problem: str) -> None:
    with pytest.raises(InvalidQuery, match=problem) as raised:
        parse_bbox(text, "area")
    assert raised.value.message.startswith("area")
    assert list(raised.value.errors) == ["area"]
    with pytest.raises(InvalidQuery) as core_way:
        parse_bbox(text)
    assert list(core_way.value.errors) == ["bbox"]


def test_parse_point_reads_lat_lon_and_refuses_the_rest() -> None:
    assert parse_point("51.61,7.19") == Location(51.61, 7.19)
    assert parse_point(" -90 , 180 ") == Location(-90.0, 180.0)
    for text, problem in [
        ("51.61", "malformed"),
        ("51.6;7.2", "malformed"),
        ("inf,7", "malformed"),
        ("91,7", "outside the world"),
    ]:
        with pytest.raises(InvalidQuery, match=problem) as raised:
            parse_point(text, "from")
        assert list(raised.value.errors) == ["from"]
