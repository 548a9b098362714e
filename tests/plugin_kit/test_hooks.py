"""One test per hook, named ``test_hook_<hook>`` (test_meta.py insists): a plugin implements
the hook, and the portal visibly uses what it returns. The plugin is ``probe.Probe``."""

from __future__ import annotations

from typing import Any

import pytest
from probe import POINTS, Probe, add_note
from sqlalchemy import inspect

from core import (
    Address,
    Company,
    Location,
    Platform,
    PluginManifest,
    Status,
    demo_places,
    hookimpl,
)
from core.portal import alerts
from core.portal.alerts import AlertItem
from regiokarte_testing import check_filter, check_layer, check_section


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
def regiokarte_plugins() -> list[str]:
    return ["probe"]


@pytest.fixture
def regiokarte_extra_plugins(probe: Probe) -> dict[str, Any]:
    return {"probe": probe}


def _company(name: str = "Sondenbau GmbH (fiktiv)") -> Company:
    return Company(
        name=name,
        address=Address(street="Markt 1", postcode="45657"),
        location=Location(51.6141, 7.1979),
        industry="C",
        status=Status.PUBLISHED,
    )


def test_hook_register_filters(regiokarte_platform: Platform, regiokarte_demo: list[Company]):
    assert regiokarte_platform.filters["probe_even"].plugin == "probe"
    check_filter(regiokarte_platform, "probe_even")
    found = regiokarte_platform.search(regiokarte_platform.parse_query({"probe_even": ["true"]}))
    expected = [
        c for c in regiokarte_demo if c.status is Status.PUBLISHED and c.id and c.id % 2 == 0
    ]
    assert found.total == len(expected)


def test_hook_register_layers(regiokarte_platform: Platform) -> None:
    check_layer(regiokarte_platform, "probe_points", min_features=len(POINTS))
    english = regiokarte_platform.layer_features("probe_points", None, "en")
    assert {f["properties"]["lang"] for f in english} == {"en"}


@pytest.mark.regiokarte(config={"geocoding": {"provider": "probe"}})
def test_hook_register_geocoders(regiokarte_platform: Platform) -> None:
    company = _company()
    company.location = None
    company.address = Address(street="Sondenweg 1", postcode="45657")
    assert regiokarte_platform.complete_company(company).location == Location(51.6, 7.2)


def test_hook_register_migrations(regiokarte_platform: Platform) -> None:
    assert "probe_notes" in inspect(regiokarte_platform.db).get_table_names()
    assert regiokarte_platform.database_is_current()
    assert "probe" in regiokarte_platform.migration_folders()


@pytest.mark.regiokarte(config={"plugins": {"probe": {"greeting": "Moin"}}})
def test_hook_register_commands(regiokarte_cli: Any) -> None:
    result = regiokarte_cli.invoke(args=["probe"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Moin from the probe"


def test_hook_register_blueprints(regiokarte_client: Any) -> None:
    answer = regiokarte_client.get("/api/v1/probe/ping")
    assert answer.status_code == 200
    assert answer.get_json() == {"answer": "pong"}


def test_hook_register_navigation(regiokarte_client: Any) -> None:
    page = regiokarte_client.get("/").get_data(as_text=True)
    nav = page.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/api/v1/probe/ping">Sonde</a>' in nav
    english = regiokarte_client.get("/?lang=en").get_data(as_text=True)
    assert '<a href="/api/v1/probe/ping?lang=en">Probe</a>' in english


def test_hook_profile_sections(regiokarte_platform: Platform) -> None:
    company = _company()
    company.extensions = {"probe": {"level": 7}}
    (section,) = [
        s for s in regiokarte_platform.profile_sections(company, "en") if s.plugin == "probe"
    ]
    assert (section.title, section.html) == ("Probe", "<p>7</p>")
    company.extensions = {}
    assert not [
        s for s in regiokarte_platform.profile_sections(company, "de") if s.plugin == "probe"
    ]


def test_hook_company_changed(regiokarte_platform: Platform, probe: Probe) -> None:
    saved = regiokarte_platform.save_company(_company())
    assert saved.id is not None
    regiokarte_platform.delete_company(saved.id)
    assert probe.changes == [(saved.id, False), (saved.id, True)]


def test_hook_register_questionnaire_sections(regiokarte_platform: Platform) -> None:
    check_section(regiokarte_platform, "probe")
    section = regiokarte_platform.questionnaire.section("probe")
    assert section.plugin == "probe" and section.namespace == "probe"
    # core checks the plugin's questions like its own: 12 is above the maximum
    _, problems = regiokarte_platform.questionnaire.clean_section("probe", {"level": "12"})
    assert "level" in problems


def test_hook_export_company_data(regiokarte_platform: Platform) -> None:
    saved = regiokarte_platform.save_company(_company())
    assert saved.id is not None
    assert regiokarte_platform.export_plugin_data(saved.id) == {}
    add_note(regiokarte_platform, saved.id, "Rückruf am Montag")
    assert regiokarte_platform.export_plugin_data(saved.id) == {
        "probe": {"notes": ["Rückruf am Montag"]}
    }


def test_hook_erase_company_data(regiokarte_platform: Platform) -> None:
    kept = regiokarte_platform.save_company(_company("Bleibt GmbH (fiktiv)"))
    gone = regiokarte_platform.save_company(_company("Geht GmbH (fiktiv)"))
    assert kept.id is not None and gone.id is not None
    add_note(regiokarte_platform, kept.id, "bleibt")
    add_note(regiokarte_platform, gone.id, "geht")
    regiokarte_platform.erase_plugin_data(gone.id)
    regiokarte_platform.erase_plugin_data(gone.id)  # asking twice is fine
    assert regiokarte_platform.export_plugin_data(gone.id) == {}
    assert regiokarte_platform.export_plugin_data(kept.id) == {"probe": {"notes": ["bleibt"]}}


class AlertProbe:
    """Contributes one item per town of a subscribed search to alert mails."""

    MANIFEST = PluginManifest(
        name="alertprobe", title_de="Sondenfunde", title_en="Probe finds", version="1.0.0"
    )

    @hookimpl
    def alert_matches(self, query: Any, since: Any) -> list[AlertItem]:
        towns = query.filter_values.get("town") or ()
        return [AlertItem(id=ags, title=f"Fund in {ags}", url=f"/funde/{ags}") for ags in towns]


def test_hook_alert_matches(make_platform: Any, tmp_path: Any) -> None:
    platform = make_platform(
        extra_plugins={"alertprobe": AlertProbe()},
        plugins={"enabled": ["alertprobe"]},
        portal={"base_url": "http://portal.test"},
        mail={"outbox_folder": str(tmp_path / "outbox")},
    )
    email, town = "probe@example.org", "05562024"
    alerts.subscribe(platform, email=email, query=f"town={town}", lang="de", consent=True)
    (body,) = [m.body for m in platform.outbox.messages()]
    token = body.split("/suche/abonnieren/bestaetigen/", 1)[1].split()[0]
    alerts.confirm(platform, token)
    report = alerts.run(platform)
    assert (report.mails, report.items) == (1, 1)
    mail = platform.outbox.messages()[0]
    assert "Sondenfunde (1):\n- Fund in 05562024\n  http://portal.test/funde/05562024" in mail.body
    assert alerts.run(platform).mails == 0  # mailed once


def test_hook_register_datasets(
    regiokarte_platform: Platform, regiokarte_app: Any, probe: Probe
) -> None:
    import re

    from core.portal import accounts

    saved = regiokarte_platform.save_company(_company())
    assert saved.id is not None
    add_note(regiokarte_platform, saved.id, "Rückruf am Montag")
    with regiokarte_platform.session(write=True) as session:
        accounts.create_operator(session, "sonde", "Kabel-und-Messgeraet-42")
    client = regiokarte_app.test_client()

    def token(html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]

    login = token(client.get("/admin/anmelden").get_data(as_text=True))
    client.post(
        "/admin/anmelden",
        data={"csrf_token": login, "username": "sonde", "password": "Kabel-und-Messgeraet-42"},
    )
    overview = client.get("/admin/daten").get_data(as_text=True)
    assert 'data-dataset="probe.notes"' in overview and "Sondennotizen" in overview
    listing = client.get("/admin/daten/probe.notes?q=Montag").get_data(as_text=True)
    assert "Rückruf am Montag" in listing
    assert "/admin/daten/probe.notes/import" not in listing  # the probe offers no import
    page = client.get("/admin/daten/probe.notes/eintrag/1").get_data(as_text=True)
    answer = client.post(
        "/admin/daten/probe.notes/eintrag/1",
        data={
            "csrf_token": token(page),
            "company_id": str(saved.id),
            "text": "Rückruf am Dienstag",
        },
    )
    assert answer.status_code == 303
    assert regiokarte_platform.export_plugin_data(saved.id) == {
        "probe": {"notes": ["Rückruf am Dienstag"]}
    }
    assert probe.notes_changed == 1


def _operator_client(platform: Platform, app: Any) -> Any:
    import re

    from core.portal import accounts

    with platform.session(write=True) as session:
        accounts.create_operator(session, "sonde", "Kabel-und-Messgeraet-42")
    client = app.test_client()
    html = client.get("/admin/anmelden").get_data(as_text=True)
    login = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)  # type: ignore[union-attr]
    client.post(
        "/admin/anmelden",
        data={"csrf_token": login, "username": "sonde", "password": "Kabel-und-Messgeraet-42"},
    )
    return client


def test_dataset_actions_and_links(
    regiokarte_platform: Platform, regiokarte_app: Any, probe: Probe
) -> None:
    import re

    saved = regiokarte_platform.save_company(_company())
    assert saved.id is not None
    add_note(regiokarte_platform, saved.id, "Rückruf am Montag")
    add_note(regiokarte_platform, saved.id, "Angebot schicken")
    client = _operator_client(regiokarte_platform, regiokarte_app)
    listing = client.get("/admin/daten/probe.notes").get_data(as_text=True)
    assert 'href="/admin/daten/probe.notes?q=">Offene Notizen</a> <span class="count">(2)' in (
        listing
    )
    page = client.get("/admin/daten/probe.notes/eintrag/1").get_data(as_text=True)
    assert 'id="action-mark_done"' in page and "Als erledigt markieren" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    done = client.post(
        "/admin/daten/probe.notes/eintrag/1/aktion/mark_done", data={"csrf_token": token}
    )
    assert done.status_code == 303
    assert regiokarte_platform.export_plugin_data(saved.id) == {
        "probe": {"notes": ["Rückruf am Montag (erledigt)", "Angebot schicken"]}
    }
    assert probe.notes_changed == 1
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Erledigt: Als erledigt markieren." in shown
    listing = client.get("/admin/daten/probe.notes").get_data(as_text=True)
    assert '<span class="count">(1)' in listing
    # a step that does not apply changes nothing and says why
    again = client.post(
        "/admin/daten/probe.notes/eintrag/1/aktion/mark_done", data={"csrf_token": token}
    )
    assert again.status_code == 400 and "done already" in again.get_data(as_text=True)
    assert probe.notes_changed == 1
    unknown = client.post(
        "/admin/daten/probe.notes/eintrag/1/aktion/shout", data={"csrf_token": token}
    )
    assert unknown.status_code == 404
    missing = client.post(
        "/admin/daten/probe.notes/eintrag/99/aktion/mark_done", data={"csrf_token": token}
    )
    assert missing.status_code == 404


def test_hook_register_statistics(regiokarte_platform: Platform, regiokarte_app: Any) -> None:
    from collections import Counter

    first = regiokarte_platform.save_company(_company())
    second = regiokarte_platform.save_company(_company("Kabelwerk AG (fiktiv)"))
    assert first.id is not None and second.id is not None
    written = [first.id, second.id, second.id, second.id]
    for number, company_id in enumerate(written):
        add_note(regiokarte_platform, company_id, f"Notiz {number}")
    assert list(regiokarte_platform.statistics_sections()) == ["probe"]
    assert regiokarte_platform.statistics_sections()["probe"].plugin == "probe"
    client = _operator_client(regiokarte_platform, regiokarte_app)
    html = client.get("/admin/statistik").get_data(as_text=True)
    section = html.split('id="stat-plugin-probe"', 1)[1].split("</section>\n</section>")[0]
    assert "Sondenstatistik" in section and "Nur ein Test." in section
    assert "<dt>Notizen</dt><dd>4</dd>" in section
    assert 'id="figure-probe.by_company"' in section
    for company_id, count in Counter(written).items():
        assert f'<th scope="row">#{company_id}</th><td class="num">{count}</td>' in section
    assert "Notes" in client.get("/admin/statistik?lang=en").get_data(as_text=True)
    report = client.get("/admin/statistik/bericht").get_data(as_text=True)
    assert 'id="stat-plugin-probe"' in report
    csv_text = client.get("/admin/statistik/statistik.csv").get_data(as_text=True)
    assert "probe,notes,Notizen,4" in csv_text.splitlines()
    expected = {f"probe.by_company,{c},#{c},{n}" for c, n in Counter(written).items()}
    assert expected <= set(csv_text.splitlines())


class DemoProbe:
    """Keeps fictitious finds at demo places, keyed by a stable id (a second run adds none)."""

    MANIFEST = PluginManifest(
        name="demoprobe", title_de="Sondenfunde", title_en="Probe finds", version="1.0.0"
    )

    def __init__(self) -> None:
        self.finds: dict[str, tuple[str, Any]] = {}

    @hookimpl
    def create_demo_data(self, platform: Platform, seed: int, today: Any) -> str:
        for i, place in enumerate(demo_places(platform.region, 4, seed, salt="demoprobe")):
            self.finds[f"demo-{i}"] = (place.postcode, today)
        return f"{len(self.finds)} Sondenfunde (fiktiv)"


@pytest.mark.parametrize("regiokarte_plugins", [["demoprobe"]])
@pytest.mark.parametrize("regiokarte_extra_plugins", [{"demoprobe": DemoProbe()}])
def test_hook_create_demo_data(regiokarte_cli: Any, regiokarte_platform: Platform) -> None:
    import datetime as dt

    plugin = regiokarte_platform.plugin("demoprobe").module
    result = regiokarte_cli.invoke(["demo", "--companies", "20", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "Demo demoprobe: 4 Sondenfunde (fiktiv)" in result.output
    towns = {p for t in regiokarte_platform.region.towns for p in t.postcodes}
    assert all(postcode in towns for postcode, _ in plugin.finds.values())
    assert {day for _, day in plugin.finds.values()} == {dt.date.today()}
    again = regiokarte_cli.invoke(["demo", "--companies", "20", "--seed", "3", "--if-empty"])
    assert "no demo companies added" in again.output and len(plugin.finds) == 4


def test_hook_register_badges(
    regiokarte_platform: Platform, regiokarte_demo: list[Company], regiokarte_client: Any
) -> None:
    assert regiokarte_platform.badges["probe_probes"].plugin == "probe"
    query = regiokarte_platform.parse_query({"per_page": ["200"]})
    result = regiokarte_platform.search(query)
    assert result.total > 3
    hits = [*result.items, *result.points]
    for hit in hits:
        count = hit.id % 3  # the probe's count, worked out here from the id
        expected = () if count == 0 else ((count, f"{count} Sonde" + ("n" if count > 1 else "")),)
        assert tuple((b.count, b.label) for b in hit.badges) == expected
    english = regiokarte_client.get("/api/v1/search?per_page=200&lang=en").get_json()
    for item in english["items"]:
        count = item["id"] % 3
        labels = {1: ["1 probe"], 2: ["2 probes"]}.get(count, [])
        assert [b["label"] for b in item["badges"]] == labels
        assert all(b["key"] == "probe_probes" for b in item["badges"])
