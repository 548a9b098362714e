"""The plugin as a whole: settings stop a bad start naming the key, a company's positions
travel with its data export and go with its erasure, and disabling the plugin leaves no
trace in the portal (its data stays)."""

from __future__ import annotations

import tomllib

import pytest
from jobs_support import ROOT, TODAY, position, settings_for

from core import Address, Company, Platform, PluginError, Status, catalog
from core.io.demo import demo_rows
from core.persistence import companies as company_repo
from plugins.jobs.demo import create_demo_data
from plugins.jobs.hooks import service_for
from plugins.jobs.repository import PositionRepository
from regiokarte_testing import check_disable_leaves_no_trace
from webapp.app import create_app

PLUGIN_TOML = ROOT / "plugins" / "jobs" / "plugin.toml"


@pytest.mark.parametrize(
    "bad, key",
    [
        ({"today": "15.03.2027"}, "today"),
        ({"match_threshold": 1.5}, "match_threshold"),
        ({"review_threshold": 0.95, "match_threshold": 0.9}, "review_threshold"),
        ({"per_page": "20"}, "per_page"),
        ({"ba_fetch": True, "ba_url": "http://example.org/jobs"}, "ba_url"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_settings_stop_start_up_naming_the_key(new_database, bad, key):
    with pytest.raises(PluginError, match=key):
        Platform(settings_for(new_database("x"), **bad))


def test_the_fetch_from_the_bundesagentur_is_off_unless_switched_on(fresh):
    settings = service_for(fresh()).settings
    assert settings.ba_fetch is False
    assert service_for(fresh(ba_fetch=True)).settings.ba_fetch is True


def _company(platform: Platform, name: str) -> Company:
    company = Company(
        name=name,
        address=Address(street="Kirchplatz 1", postcode="45657", town="Recklinghausen"),
        industry="C",
        professions=("24",),
        status=Status.PUBLISHED,
    )
    return platform.save_company(company)


def test_a_company_exports_its_positions_and_its_erasure_takes_its_own(fresh):
    platform = fresh()
    company = _company(platform, "Muster Metallbau GmbH")
    other = _company(platform, "Andere Metallbau GmbH")
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        own = repo.add(position(source="editor", match="manual", company_id=company.id))
        fed = repo.add(
            position(external_id="BA-1", source="ba", match="matched", company_id=company.id)
        )
        repo.add(position(external_id="BA-2", source="ba", match="matched", company_id=other.id))
    exported = platform.export_plugin_data(company.id)["jobs"]["positions"]
    assert [p["id"] for p in exported] == [own.id, fed.id]
    assert (
        exported[0]["title"] == own.title and exported[0]["published"] == own.published.isoformat()
    )

    platform.erase_plugin_data(company.id)
    platform.erase_plugin_data(company.id)  # asked again: nothing more happens
    assert "jobs" not in platform.export_plugin_data(company.id)
    with platform.session() as session:
        repo = PositionRepository(session)
        assert [p.external_id for p in repo.all()] == ["BA-1", "BA-2"]
        assert repo.get(fed.id).company_id is None and repo.get(fed.id).match == "unmatched"
    assert "jobs" in platform.export_plugin_data(other.id)


def test_a_company_deleted_by_the_operator_loses_its_open_positions(fresh):
    platform = fresh()
    company = _company(platform, "Muster Metallbau GmbH")
    with platform.session(write=True) as session:
        PositionRepository(session).add(
            position(source="editor", match="manual", company_id=company.id)
        )
    service = service_for(platform)
    assert len(service.positions_of(company.id)) == 1
    platform.delete_company(company.id)
    assert service.positions_of(company.id) == ()
    assert service.open_positions() == ()


def test_disabling_it_leaves_no_trace(new_database):
    url = new_database("with-jobs")
    platform = Platform(settings_for(url))
    platform.upgrade_database()
    with platform.session(write=True) as session:
        company_repo.bulk_insert_rows(session, demo_rows(platform.region, 300, 5))
    create_demo_data(platform, seed=2, today=TODAY)
    app = create_app(platform=platform)
    check_disable_leaves_no_trace(platform, "jobs", app)

    without = Platform(settings_for(url, enabled=False), engine=platform.db)
    client = create_app(platform=without).test_client()
    declared = tomllib.loads(PLUGIN_TOML.read_text("utf-8"))
    links = [link["href"] for link in declared.get("hooks", {}).get("navigation", [])]
    # texts only this plugin has (its kinds "Vollzeit", "Teilzeit" are core's words too)
    others = {
        text
        for domain in ("core", "portal", "questionnaire", "alerts")
        for text in catalog(domain).texts("de").values()
    }
    own = [
        t
        for t in catalog("jobs").texts("de").values()
        if len(t) > 8 and not any(t in other for other in others)
    ]
    assert own
    with without.session() as session:
        hiring = next(p.company_id for p in PositionRepository(session).all() if p.company_id)
    profile = f"/unternehmen/{without.company(hiring).slug}"
    pages = ("/", "/?lang=en", "/fragebogen/", profile, "/api/v1/filters", "/api/v1/search")
    for path in pages:
        answer = client.get(path)
        page = answer.get_data(as_text=True)
        assert answer.status_code in (200, 404), path
        assert "jobs_" not in page, path
        for href in links:
            assert f'href="{href}' not in page, (path, href)
        left = [t for t in own if t in page]
        assert not left, (path, left)
    for href in links:
        assert client.get(href).status_code == 404
    with without.session() as session:  # the positions stay, for the day it is enabled again
        assert len(PositionRepository(session).all()) > 50
    without.db.dispose()
    platform.db.dispose()
