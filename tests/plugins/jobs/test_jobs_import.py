"""Importing positions: a Jobsuche answer built here from the documented schema (umlauts,
missing coordinates, a refnr twice) is imported and matched as the rule applied to every
company says; broken files change nothing; the own CSV and JSON formats are strict and say
what is wrong, line and field, in English and German."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from jobs_support import ROOT, TODAY, jobs_config

from core import Address, Company, ImportError_, Sentence, Status
from plugins.jobs.ba import DETAIL_URL
from plugins.jobs.importer import PositionImportError, import_file, import_text, rematch
from plugins.jobs.matching import employer_key, similarity
from plugins.jobs.repository import PositionRepository

PUBLISHED = (TODAY - dt.timedelta(days=3)).isoformat()

#: (name, postcode, published): the companies the positions are matched against.
COMPANIES = [
    ("Autohaus Müller GmbH & Co. KG", "45657", True),
    ("Bäckerei Schmidt", "45657", True),
    ("Bäckerei Schmitz", "45657", True),
    ("Pflegedienst Sonnenschein gGmbH", "45879", True),
    ("Elektro Kowalski", "45659", True),
    ("Straßenbau Weiß GmbH", "46236", True),
    # not public: never proposed, though its name and postcode are the employer's
    ("Straßenbau Weiß GmbH", "46238", False),
]


def offer(refnr: str, employer: str, plz: object, **extra: object) -> dict[str, object]:
    """One ``stellenangebot`` as the Jobsuche answers it."""
    item: dict[str, object] = {
        "hashId": f"hash-{refnr}",
        "refnr": refnr,
        "titel": "Mitarbeiter (m/w/d)",
        "beruf": "Verkäufer/in",
        "arbeitgeber": employer,
        "aktuelleVeroeffentlichungsdatum": PUBLISHED,
        "eintrittsdatum": (TODAY + dt.timedelta(days=30)).isoformat(),
        "arbeitsort": {
            "plz": plz,
            "ort": "Recklinghausen",
            "region": "Nordrhein-Westfalen",
            "land": "Deutschland",
            "koordinaten": {"lat": 51.6141, "lon": 7.1979},
        },
        "modifikationsTimestamp": f"{PUBLISHED}T10:15:00.123",
    }
    item.update(extra)
    return item


def ba_answer() -> dict[str, object]:
    no_place = {"plz": "45657", "ort": "Recklinghausen", "land": "Deutschland"}
    offers = [
        offer(
            "10000-1-S",
            "Autohaus Mueller GmbH",
            45657,  # an integer, as one version of the OpenAPI file has it
            titel="Kfz-Mechatroniker (m/w/d)",
            beruf="Kraftfahrzeugmechatroniker/in",
        ),
        offer(
            "10000-2-S",
            "Bäckerei Schmid",
            "45657",
            titel="Ausbildung zum Bäcker (m/w/d)",
            beruf="Bäcker/in",
            arbeitsort=no_place,
        ),
        offer(
            "10000-3-S",
            "Elektro Kowalski GmbH",
            "45661",
            beruf="Elektroinstallateur/in",
            eintrittsdatum=(TODAY - dt.timedelta(days=20)).isoformat(),
        ),
        offer("10000-4-S", "Straßenbau Weiss", "46238", beruf="Zauberkünstler/in"),
        offer("10000-5-S", "Pflegedienst Sonnenschein", "45879", titel="Pflegefachkraft"),
        offer(
            "10000-6-S",
            "Unbekannt Industrieservice GmbH",
            "45768",
            externeUrl="https://jobs.example.org/123",
        ),
        offer(
            "10000-5-S",
            "Pflegedienst Sonnenschein",
            "45879",
            titel="Pflegefachkraft in Teilzeit",
            beruf="Gesundheits- und Krankenpfleger/in",
        ),
    ]
    return {"stellenangebote": offers, "maxErgebnisse": "7", "page": "1", "size": "25"}


@pytest.fixture
def platform(fresh):
    platform = fresh()
    for name, postcode, public in COMPANIES:
        platform.save_company(
            Company(
                name=name,
                address=Address("Hauptstraße 1", postcode),
                status=Status.PUBLISHED if public else Status.DRAFT,
            )
        )
    return platform


def stored(platform):
    with platform.session() as session:
        return {p.external_id: p for p in PositionRepository(session).all()}


def expected_match(platform, name: str, postcode: str) -> tuple[str, int | None, set[int]]:
    """The matching rule at the default thresholds, applied to every company."""
    town = platform.region.town_for_postcode
    key = employer_key(name)
    place, elsewhere = {}, set()
    for company in platform.companies():
        if company.status is not Status.PUBLISHED:
            continue
        score = similarity(key, employer_key(company.name))
        if company.address.postcode == postcode:
            if score >= 0.75:
                place[company.id] = score
        elif town(company.address.postcode) == town(postcode) and score == 1.0:
            elsewhere.add(company.id)
    exact = [i for i, s in place.items() if s == 1.0]
    if len(exact) == 1:
        return "matched", exact[0], set()
    candidates = set(place) | elsewhere
    return ("review" if candidates else "unmatched"), None, candidates


def test_a_jobsuche_answer_is_imported_and_matched(platform):
    report = import_text(platform, json.dumps(ba_answer()), name="jobsuche.json")
    assert report.format == "ba" and report.source == "ba" and report.written
    assert (report.read, report.created, report.skipped, report.invalid) == (7, 6, 1, 0)
    positions = stored(platform)
    assert len(positions) == 6
    ids = {c.name + c.address.postcode: c.id for c in platform.companies()}
    # by hand: what an operator expects of each employer
    car = positions["10000-1-S"]
    assert (car.match, car.company_id) == ("matched", ids["Autohaus Müller GmbH & Co. KG45657"])
    assert (car.profession, car.kind, car.employer_postcode) == ("25212", "full_time", "45657")
    bakery = positions["10000-2-S"]
    assert bakery.match == "review" and set(bakery.match_candidates) == {
        ids["Bäckerei Schmidt45657"],
        ids["Bäckerei Schmitz45657"],
    }
    assert (bakery.kind, bakery.profession, bakery.lat, bakery.lon) == (
        "apprenticeship",
        "292",
        None,
        None,
    )
    assert bakery.apply_url == DETAIL_URL.format(refnr="10000-2-S")
    electric = positions["10000-3-S"]
    assert electric.match_candidates == (ids["Elektro Kowalski45659"],)
    assert electric.start_date is None  # started before it was published: "ab sofort"
    road = positions["10000-4-S"]
    assert road.match_candidates == (ids["Straßenbau Weiß GmbH46236"],)
    assert road.profession is None and road.employer_name == "Straßenbau Weiss"
    care = positions["10000-5-S"]  # the later of the two records won
    assert (care.title, care.kind, care.profession) == (
        "Pflegefachkraft in Teilzeit",
        "part_time",
        "81302",
    )
    assert care.company_id == ids["Pflegedienst Sonnenschein gGmbH45879"]
    assert positions["10000-6-S"].match == "unmatched"
    assert positions["10000-6-S"].apply_url == "https://jobs.example.org/123"
    # and the rule, company by company, agrees on every position
    for p in positions.values():
        state, company, candidates = expected_match(platform, p.employer_name, p.employer_postcode)
        assert (p.match, p.company_id, set(p.match_candidates)) == (state, company, candidates)
    # the report names what was guessed and what was left out
    by_where = {r.where: r for r in report.records}
    assert by_where["Stellenangebot 5 (refnr 10000-5-S)"].outcome == "skipped"
    warnings = {w.where: w.message for w in report.warnings}
    assert set(warnings) == {
        "Stellenangebot 5 (refnr 10000-5-S)",
        "Stellenangebot 4 (refnr 10000-4-S)",
    }
    assert "occurs again at Stellenangebot 7" in warnings["Stellenangebot 5 (refnr 10000-5-S)"]
    unknown = warnings["Stellenangebot 4 (refnr 10000-4-S)"]
    assert "Zauberkünstler/in" in unknown and "ohne Beruf" in Sentence.of(unknown, "de")
    assert report.details["matches"] == {"matched": 2, "review": 3, "unmatched": 1}
    # what the admin area shows, in German
    shown = [Sentence.of(m, "de") for m in report.dataset_import().messages]
    assert (
        "Arbeitgeber: 2 einem Unternehmen zugeordnet, 3 zur Prüfung, 1 ohne Treffer" in (shown[1])
    )
    assert any(m.startswith("Stellenangebot 4 (refnr 10000-4-S): der Beruf") for m in shown)


def test_importing_again_updates_by_refnr_and_a_full_feed_closes_the_rest(platform):
    import_text(platform, json.dumps(ba_answer()), name="day1.json")
    first = stored(platform)
    # an operator decides the bakery's employer; the next feed must not undo it
    schmitz = first["10000-2-S"].match_candidates[1]
    with platform.session(write=True) as session:
        PositionRepository(session).update(
            first["10000-2-S"].evolve(match="manual", company_id=schmitz, match_candidates=())
        )
    answer = ba_answer()
    offers = answer["stellenangebote"]
    assert isinstance(offers, list)
    offers[0]["titel"] = "Kfz-Mechatroniker/in für Nutzfahrzeuge"
    del offers[5]  # 10000-6-S is no longer listed
    report = import_text(platform, json.dumps(answer), name="day2.json", full=True)
    assert (report.created, report.updated, report.unchanged, report.removed) == (0, 1, 4, 1)
    again = stored(platform)
    assert again["10000-1-S"].title == "Kfz-Mechatroniker/in für Nutzfahrzeuge"
    assert again["10000-1-S"].id == first["10000-1-S"].id
    assert (again["10000-2-S"].match, again["10000-2-S"].company_id) == ("manual", schmitz)
    gone = again["10000-6-S"]
    assert gone.valid_through == TODAY - dt.timedelta(days=1)
    assert not gone.is_open(TODAY) and first["10000-6-S"].is_open(TODAY)
    # listed again the day after: open again
    import_text(platform, json.dumps(ba_answer()), name="day3.json", full=True)
    assert stored(platform)["10000-6-S"].is_open(TODAY)


def test_a_broken_answer_is_refused_and_nothing_changes(platform):
    import_text(platform, json.dumps(ba_answer()), name="day1.json")
    before = stored(platform)
    answer = ba_answer()
    offers = answer["stellenangebote"]
    assert isinstance(offers, list)
    offers[0]["titel"] = "Geändert"  # valid, but must not be written either
    offers[1]["arbeitgeber"] = ""
    offers[2]["aktuelleVeroeffentlichungsdatum"] = "gestern"
    offers.append(offer("10000-9-S", "Neu GmbH", "45657"))
    with pytest.raises(PositionImportError) as caught:
        import_text(platform, json.dumps(answer), name="broken.json", full=True)
    assert stored(platform) == before
    error = caught.value
    assert set(error.errors) == {
        "Stellenangebot 2 (refnr 10000-2-S)",
        "Stellenangebot 3 (refnr 10000-3-S)",
    }
    assert error.errors["Stellenangebot 2 (refnr 10000-2-S)"][0].startswith("employer_name: ")
    assert "published: 'gestern' is not a date" in error.message
    german = Sentence.of(error.message, "de")
    assert "2 von 8 Datensätzen sind fehlerhaft; es wurde nichts importiert" in german
    assert "published: 'gestern' ist kein Datum" in german
    assert not error.report.written


@pytest.mark.parametrize(
    ("text", "en", "de"),
    [
        ('{"stellenangebote": [', "is not valid JSON (line 1", "ist kein gültiges JSON (Zeile 1"),
        ('{"stellenangebote": {"a": 1}}', "is not an answer of the Jobsuche", "keine Antwort"),
        ('{"stellenangebote": []}', "contains no positions", "enthält keine Stellen"),
    ],
)
def test_files_that_cannot_be_read_are_refused_as_a_whole(platform, text, en, de):
    with pytest.raises(ImportError_) as caught:
        import_text(platform, text, name="x.json", fmt="ba")
    assert en in caught.value.message and "Nothing was imported" in caught.value.message
    assert de in Sentence.of(caught.value.message, "de")
    assert stored(platform) == {}


def test_a_page_list_reads_the_kind_from_each_pages_offer_type(platform):
    pages = [
        {
            "stellenangebote": [offer("A-1", "Bäckerei Schmidt", "45657", titel="Bäcker")],
            "angebotsart": 4,
        },
        {
            "stellenangebote": [
                offer("A-2", "Bäckerei Schmidt", "45657", titel="Duales Studium BWL")
            ],
            "angebotsart": 4,
        },
        {
            "stellenangebote": [offer("A-3", "Bäckerei Schmidt", "45657", titel="Aushilfe")],
            "angebotsart": 34,
        },
        {
            "stellenangebote": [offer("A-4", "Bäckerei Schmidt", "45657", titel="Fahrer Minijob")],
            "angebotsart": 1,
        },
        {"stellenangebote": [], "maxErgebnisse": "0"},
    ]
    import_text(platform, json.dumps(pages), name="pages.json")
    kinds = {k: p.kind for k, p in stored(platform).items()}
    assert kinds == {
        "A-1": "apprenticeship",
        "A-2": "dual_study",
        "A-3": "internship",
        "A-4": "minijob",
    }


# --- the own format ---------------------------------------------------------------------------

CSV_HEADER = (
    "external_id;title;employer_name;employer_postcode;kind;profession;start_date;published;"
    "apply_email;lat;lon"
)


def test_csv_values_are_read_as_documented(platform):
    text = "\n".join(
        [
            CSV_HEADER,
            "S-1;Verkäufer/in;Bäckerei Schmidt;45657;Vollzeit;Verkäufer/in;01.05.2027;"
            "02.03.2027;jobs@baeckerei.example;51,6141;7,1979",
            "S-2;Azubi Bäcker;Bäckerei Schmidt;45657;Ausbildung;292;;;;;",
            "S-3;Minijob Theke;Unbekannt;45657;minijob;;;;;;",
        ]
    )
    report = import_text(platform, text, name="stellen.csv")
    assert (report.format, report.source, report.created) == ("csv", "import", 3)
    positions = stored(platform)
    first = positions["S-1"]
    assert (first.kind, first.profession, first.start_date, first.published) == (
        "full_time",
        "62102",
        dt.date(2027, 5, 1),
        dt.date(2027, 3, 2),
    )
    assert (first.lat, first.lon, first.apply_email) == (51.6141, 7.1979, "jobs@baeckerei.example")
    assert first.match == "matched"
    second = positions["S-2"]
    assert (second.kind, second.profession, second.published, second.start_date) == (
        "apprenticeship",
        "292",
        TODAY,
        None,
    )
    assert positions["S-3"].match == "unmatched"


def test_every_bad_value_is_named_with_line_and_field_and_nothing_is_stored(platform):
    text = "\n".join(
        [
            CSV_HEADER,
            "S-1;Gut;Bäckerei Schmidt;45657;Vollzeit;;;;;;",
            "S-2;Schlecht;Bäckerei Schmidt;4565;Festanstellung;Zauberer;31.02.2027;;kein-mail;;",
            ";Ohne Nummer;Bäckerei Schmidt;45657;Teilzeit;;;;;51.6;",
            "S-1;Doppelt;Bäckerei Schmidt;45657;Vollzeit;;;;;;",
        ]
    )
    with pytest.raises(PositionImportError) as caught:
        import_text(platform, text, name="stellen.csv")
    assert stored(platform) == {}
    errors = caught.value.errors
    assert set(errors) == {"line 2", "line 3", "line 4", "line 5"}
    fields = {line: {m.partition(":")[0] for m in messages} for line, messages in errors.items()}
    assert fields["line 3"] == {
        "kind",
        "profession",
        "start_date",
        "employer_postcode",
        "apply_email",
    }
    assert fields["line 4"] == {"external_id", "lat"}
    assert fields["line 2"] == fields["line 5"] == {"external_id"}
    german = Sentence.of(caught.value.message, "de")
    assert "Zeile 3: kind: 'Festanstellung' ist keine Art von Stelle" in german
    assert "profession: 'Zauberer' ist weder ein KldB-2010-Schlüssel" in german
    assert "start_date: '31.02.2027' ist kein Datum" in german
    # every record is invalid (lines 2 and 5 share an id): skipping leaves nothing to import
    with pytest.raises(PositionImportError):
        import_text(platform, text, name="stellen.csv", skip_invalid=True)


def test_an_exports_id_column_is_not_read(platform):
    header = "id,external_id,title,employer_name,kind\n"
    import_text(platform, header + "5,E-0,Kellner/in,Gasthof Sonne,Teilzeit\n", name="a.csv")
    first = stored(platform)["E-0"]
    # another file's E-1 carries E-0's number: it is a position of its own all the same
    import_text(
        platform, header + f"{first.id},E-1,Koch/Köchin,Gasthof Sonne,Vollzeit\n", name="b.csv"
    )
    positions = stored(platform)
    assert positions["E-0"] == first and positions["E-1"].id != first.id
    assert positions["E-1"].title == "Koch/Köchin"


def test_skip_invalid_imports_the_valid_records_and_reports_the_rest(platform):
    text = "\n".join(
        [CSV_HEADER, "S-1;Gut;Bäckerei Schmidt;45657;Vollzeit;;;;;;", "S-2;Schlecht;X;1;?;;;;;;"]
    )
    report = import_text(platform, text, name="stellen.csv", skip_invalid=True)
    assert (report.created, report.invalid) == (1, 1)
    assert set(stored(platform)) == {"S-1"}


def test_csv_columns_are_checked_before_any_record(platform):
    with pytest.raises(ImportError_) as caught:
        import_text(
            platform, "external_id;title;employer_name;kind;gehalt\n1;a;b;minijob;3", name="s.csv"
        )
    assert "gehalt" in caught.value.message
    with pytest.raises(ImportError_) as caught:
        import_text(platform, "external_id;title;kind\n1;a;minijob", name="s.csv")
    assert "employer_name" in caught.value.message
    assert stored(platform) == {}


def test_json_names_the_company_and_refuses_unknown_fields(platform):
    company = next(c for c in platform.companies() if c.name == "Elektro Kowalski")
    good = {
        "positions": [
            {
                "external_id": "J-1",
                "title": "Elektroniker/in",
                "employer_name": "Kowalski",
                "kind": "full_time",
                "company_id": company.id,
                "profession": 26212,
            },
        ]
    }
    import_text(platform, json.dumps(good), name="stellen.json")
    position = stored(platform)["J-1"]
    assert (position.match, position.company_id, position.profession) == (
        "manual",
        company.id,
        "26212",
    )
    bad = {
        "positions": [
            {**good["positions"][0], "external_id": "J-2", "salary": 3000},
            {**good["positions"][0], "external_id": "J-3", "company_id": 99999},
            "nonsense",
        ]
    }
    with pytest.raises(PositionImportError) as caught:
        import_text(platform, json.dumps(bad), name="stellen.json")
    errors = caught.value.errors
    assert "unknown field(s) salary" in errors["position 1"][0]
    assert errors["position 2"][0].startswith("company_id: there is no company 99999")
    assert errors["position 3"] == ["it is not an object"]
    assert set(stored(platform)) == {"J-1"}


def test_a_dry_run_checks_and_matches_but_writes_nothing(platform):
    report = import_text(platform, json.dumps(ba_answer()), name="x.json", dry_run=True)
    assert report.dry_run and not report.written and report.details["matches"]["matched"] == 2
    assert stored(platform) == {}


def test_matching_again_after_a_company_is_published(platform):
    import_text(platform, json.dumps(ba_answer()), name="x.json")
    assert stored(platform)["10000-6-S"].match == "unmatched"
    platform.save_company(
        Company(
            name="Unbekannt Industrieservice",
            address=Address("Weg 2", "45768"),
            status=Status.PUBLISHED,
        )
    )
    assert rematch(platform, dry_run=True)["matched"] == 1
    assert stored(platform)["10000-6-S"].match == "unmatched"
    counts = rematch(platform)
    assert counts == {"checked": 4, "matched": 1, "review": 3, "unmatched": 0}
    assert stored(platform)["10000-6-S"].match == "matched"


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def runner(new_database, monkeypatch):
    from webapp import create_app

    for key in list(os.environ):
        if key.startswith("REGIOKARTE_"):
            monkeypatch.delenv(key)
    app = create_app(jobs_config(new_database("cli")))
    app.extensions["regiokarte"].upgrade_database()
    yield app.test_cli_runner()
    app.extensions["regiokarte"].db.dispose()


def test_the_command_imports_reports_and_aborts(runner, tmp_path):
    good = tmp_path / "jobsuche.json"
    good.write_text(json.dumps(ba_answer()), "utf-8")
    result = runner.invoke(args=["jobs", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "6 neu (created)" in result.output and "1 nicht importiert (skipped)" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("external_id,title,employer_name,kind\n1,,X,Vollzeit\n", "utf-8")
    result = runner.invoke(args=["jobs", "import", str(bad), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output[: result.output.rindex("}") + 1])
    assert report["invalid"] == 1 and report["records"][0]["problems"][0].startswith("title: ")
    result = runner.invoke(args=["jobs", "match"])
    assert (
        result.exit_code == 0
        and "Stellen ohne Unternehmen (positions without a company): 6" in result.output
    )


def test_fetching_from_the_jobsuche_is_refused_unless_switched_on(runner):
    result = runner.invoke(args=["jobs", "fetch-ba"])
    assert result.exit_code == 1
    assert "set ba_fetch = true" in result.output


SAMPLES = ROOT / "plugins" / "jobs" / "data" / "samples"


@pytest.mark.parametrize(
    ("sample", "fmt", "source", "count"),
    [
        ("positions.csv", "csv", "import", 3),
        ("positions.json", "json", "import", 3),
        ("jobsuche.json", "ba", "ba", 3),
    ],
)
def test_each_sample_file_imports(platform, sample, fmt, source, count):
    report = import_file(platform, SAMPLES / sample)
    assert (report.format, report.source, report.created, report.invalid) == (fmt, source, count, 0)
    positions = stored(platform)
    if sample == "positions.csv":
        care = positions["BSP-2027-03"]
        assert care.description == (
            "Ambulante Pflege im Bottroper Süden.\n\nDienstwagen, Dienstplan mit Wunschfrei."
        )
        assert (care.kind, care.apply_phone) == ("part_time", "02041 123456")
    if sample == "positions.json":
        assert positions["BSP-2027-12"].profession == "71402"
    if sample == "jobsuche.json":
        assert positions["10000-0000000002-S"].kind == "apprenticeship"
        assert positions["10000-0000000003-S"].employer_postcode == "46282"
