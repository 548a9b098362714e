"""The plugin as a whole: settings, documentation, demo data, the course index following
the database."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest
from training_support import ROOT, TODAY, settings_for

from core import Platform, PluginError
from plugins.training import repository as repo
from plugins.training.demo import add_demo_training, demo_answers
from plugins.training.settings import TrainingSettings

README = ROOT / "plugins" / "training" / "README.md"


@pytest.mark.parametrize(
    "bad, key",
    [
        ({"today": "11.01.2027"}, "today"),
        ({"profile_radius_km": 0.0}, "profile_radius_km"),
        ({"employer_max": 1000}, "employer_max"),
        ({"per_page": "20"}, "per_page"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_key(new_database, bad, key):
    with pytest.raises(PluginError, match=key):
        Platform(settings_for(new_database("x"), **bad))


def test_the_readme_documents_every_setting_with_its_default():
    text = README.read_text("utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", text, flags=re.MULTILINE))
    declared = {a.name: a for a in attrs.fields(TrainingSettings)}
    assert set(rows) == set(declared)
    for name, field in declared.items():
        default = field.default
        shown = (
            '""'
            if default == ""
            else str(default).lower()
            if isinstance(default, bool)
            else str(default)
        )
        assert rows[name] == shown, name


def test_demo_data_is_deterministic_and_idempotent(fresh):
    from core.io.demo import demo_rows
    from core.persistence import companies as company_repo

    results = []
    for _ in range(2):
        platform = fresh()
        with platform.session(write=True) as session:
            company_repo.bulk_insert_rows(session, demo_rows(platform.region, 120, 4))
        first = add_demo_training(platform, seed=3, courses=30)
        again = add_demo_training(platform, seed=3, courses=30)
        assert first.companies > 0 and again.companies == 0, "a second run changes nothing"
        with platform.session() as session:
            companies = company_repo.list_companies(session)
            courses = repo.load_courses(session)
        assert len(courses) == 30 and all(c.is_demo and c.source == "demo" for c in courses)
        results.append(
            (
                {c.slug: c.extensions.get("training") for c in companies},
                [(c.title, c.start_date, c.town) for c in courses],
            )
        )
        trainers = [
            c for c in companies if c.is_public and "ausbildung" in c.offers and c.professions
        ]
        assert all(c.extensions["training"]["trains_apprentices"] for c in trainers)
    assert results[0] == results[1]


def test_demo_answers_name_the_best_known_apprenticeship():
    from core import Company

    company = Company(name="Elektro Beispiel", professions=("26",), offers=("ausbildung",))
    answers = demo_answers(company, seed=1)
    assert answers["apprenticeship_professions"] == ["26"]
    assert answers["apprenticeship_titles"].startswith("Mechatroniker/in")


def test_every_process_sees_courses_another_one_wrote(fresh, tmp_path: Path):
    from training_support import JSON_SAMPLE

    from plugins.training.hooks import service_for
    from plugins.training.importer import import_file

    writer = fresh()
    reader = Platform(writer.settings)
    try:
        service = service_for(reader)
        assert len(service.index()) == 0
        import_file(writer, JSON_SAMPLE)
        assert len(service.index()) == 3, "the change counter makes the other index reload"
        with writer.session(write=True) as session:
            repo.delete_course(session, repo.load_courses(session)[0].id)
        assert len(service.index()) == 2
        assert service.today() == TODAY
    finally:
        reader.db.dispose()


def test_a_database_without_the_tables_gives_an_empty_list(new_database):
    from plugins.training.hooks import service_for

    platform = Platform(settings_for(new_database("empty")))
    try:
        service = service_for(platform)
        assert service.search(service.parse({})).total == 0
    finally:
        platform.db.dispose()


def test_demo_companies_train_what_their_company_type_trains():
    from core import demo_apprenticeships
    from core.io.demo import demo_companies
    from core.region import default_region

    trainers = 0
    for company in demo_companies(default_region(), 400, 2):
        answers = demo_answers(company, seed=1)
        if not answers.get("trains_apprentices"):
            continue
        trainers += 1
        allowed = dict(demo_apprenticeships(company))
        titles = answers["apprenticeship_titles"].split(", ")
        assert set(titles) <= set(allowed), (company.name, titles)
        assert answers["apprenticeship_professions"] == sorted({allowed[t] for t in titles})
    assert trainers > 50
