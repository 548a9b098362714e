"""The jobs plugin in the admin area, through the real pages: the positions dataset (edit
with every problem at once, expire, mark as filled, import, export) and the review list of
employers (confirm a proposed company, pick another by search, "no company")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_support import csrf, field_errors, form_values, login, make_app, report_counts, upload
from flask import Flask

from core import Address, Company, Location, Status
from core.persistence.audit import recent_entries
from plugins.jobs.hooks import service_for
from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository
from tests.plugins.jobs.jobs_support import TODAY, position

RECORD = "/admin/daten/jobs.positions/eintrag/{}"
REVIEW = "/admin/stellen/zuordnung"


@pytest.fixture
def app(new_database: Any, tmp_path: Path) -> Iterator[Flask]:
    """The admin area with the jobs plugin (``platform``, ``client`` and ``token`` of the
    folder's conftest use it)."""
    app = make_app(new_database("positions"), tmp_path, plugins=["jobs"])
    # the plugin's day is the tests' day (its clock, as tests set it)
    service_for(app.extensions["regiokarte"]).clock = lambda: TODAY
    yield app
    app.extensions["regiokarte"].db.dispose()


def company(platform: Any, name: str, postcode: str = "45657", town: str = "Recklinghausen"):
    saved: Company = platform.save_company(
        Company(
            name=name,
            address=Address(street="Markt 1", postcode=postcode, town=town),
            location=Location(51.6141, 7.1979),
            industry="C",
            status=Status.PUBLISHED,
        )
    )
    assert saved.id is not None
    return saved


def store(platform: Any, **values: Any) -> Position:
    """Store a position of an import (``position`` of the jobs tests, changed by ``values``)."""
    with platform.session(write=True) as session:
        return PositionRepository(session).add(position(**values))


def stored(platform: Any, position_id: int | None) -> Position:
    assert position_id is not None
    with platform.session() as session:
        return PositionRepository(session).get(position_id)


def post(client: Any, url: str, token: str, **data: Any) -> Any:
    return client.post(url, data={"csrf_token": token, **data})


# --- the dataset --------------------------------------------------------------------------------


def test_an_edit_with_two_bad_fields_names_both_and_changes_nothing(platform, client, token):
    position = store(platform, external_id="P-1")
    url = RECORD.format(position.id)
    values = form_values(client, url)
    values.update(apply_email="bewerbung(at)muster.de", valid_through="2027-01-01")
    answer = post(client, url, token, **values)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    errors = field_errors(html)
    assert set(errors) == {"apply_email", "valid_through"}
    assert "E-Mail" in errors["apply_email"]
    assert "vor ihrer Veröffentlichung" in errors["valid_through"]
    assert "Bitte prüfen Sie 2 Angabe(n)" in html
    # what was typed stays in the form, and nothing was stored
    assert 'value="bewerbung(at)muster.de"' in html
    assert stored(platform, position.id) == position
    english = post(client, url + "?lang=en", token, **values).get_data(as_text=True)
    assert set(field_errors(english)) == {"apply_email", "valid_through"}
    assert "before it was published" in field_errors(english)["valid_through"]


def test_an_edit_stores_a_profession_by_name_and_the_operators_company(platform, client, token):
    chosen = company(platform, "Autohaus Weiß GmbH")
    position = store(platform, external_id="P-2", match="review", match_candidates=[chosen.id])
    url = RECORD.format(position.id)
    page = client.get(url).get_data(as_text=True)
    # choices are shown by their labels, not codes
    assert '<option value="full_time" selected>Vollzeit</option>' in page
    assert "kein Arbeitgeber gefunden" not in page and "zu prüfen" in page
    values = form_values(client, url)
    values.update(
        title="Kfz-Mechatroniker/in (m/w/d)",
        profession="Kraftfahrzeugmechatroniker/in",
        company_id=str(chosen.id),
        kind="apprenticeship",
    )
    answer = post(client, url, token, **values)
    assert answer.status_code == 303, field_errors(answer.get_data(as_text=True))
    after = stored(platform, position.id)
    assert after.title == "Kfz-Mechatroniker/in (m/w/d)" and after.kind == "apprenticeship"
    assert after.profession == "25212"
    assert (after.company_id, after.match, after.match_candidates) == (chosen.id, "manual", ())
    shown = client.get(url).get_data(as_text=True)
    assert f"Autohaus Weiß GmbH (#{chosen.id})" in shown and "Ausbildung" in shown
    # this process's positions follow at once: the company's profile lists it
    assert [p.id for p in service_for(platform).positions_of(chosen.id)] == [position.id]
    unknown = dict(values, company_id="999999", profession="Sterndeuter/in")
    errors = field_errors(post(client, url, token, **unknown).get_data(as_text=True))
    assert set(errors) == {"company_id", "profession"}


def test_expire_and_fill_close_a_position_once(platform, client, token):
    owner = company(platform, "Muster Metallbau GmbH")
    position = store(platform, external_id="P-3", company_id=owner.id, match="matched")
    other = store(platform, external_id="P-4", company_id=owner.id, match="matched")
    service = service_for(platform)
    assert {p.id for p in service.positions_of(owner.id)} == {position.id, other.id}
    page = client.get(RECORD.format(position.id)).get_data(as_text=True)
    assert "Ausschreibung beenden" in page and "Als besetzt markieren" in page
    expire = RECORD.format(position.id) + "/aktion/expire"
    done = post(client, expire, token)
    assert done.status_code == 303
    assert stored(platform, position.id).valid_through == TODAY - dt.timedelta(days=1)
    assert "Erledigt: Ausschreibung beenden." in client.get(done.headers["Location"]).get_data(
        as_text=True
    )
    again = post(client, expire, token)
    assert again.status_code == 400
    assert "schon am 2027-03-14 abgelaufen" in again.get_data(as_text=True)
    fill = RECORD.format(other.id) + "/aktion/fill"
    assert post(client, fill, token).status_code == 303
    assert stored(platform, other.id).filled_on == TODAY
    assert post(client, fill, token).status_code == 400
    # both are closed: gone from the company's open positions without a rebuild
    assert service.positions_of(owner.id) == ()
    actions = [e.action for e in _audit(platform)]
    assert actions.count("dataset.action.expire") == 1
    assert actions.count("dataset.action.fill") == 1


def _audit(platform: Any) -> list[Any]:
    with platform.session() as session:
        return recent_entries(session)


def test_search_lists_and_labels(platform, client, token):
    store(platform, external_id="A", title="Pflegefachkraft", employer_town="Marl")
    store(platform, external_id="B", title="Bäcker/in", employer_name="Bäckerei Schmitz")
    listing = client.get("/admin/daten/jobs.positions?q=backerei").get_data(as_text=True)
    assert "Bäckerei Schmitz" in listing and "Pflegefachkraft" not in listing
    assert "kein Arbeitgeber gefunden" in listing  # the match state by its label
    assert 'href="/admin/stellen/zuordnung">Arbeitgeber zuordnen</a>' in listing
    assert '<span class="count">(2)</span>' in listing


def test_import_refused_atomically_and_export_reimports(platform, client, token, tmp_path):
    columns = ["external_id", "title", "employer_name", "employer_postcode", "kind", "published"]
    good = [["X-1", "Koch/Köchin", "Gasthof Zur Post", "45657", "full_time", "2027-03-01"]]
    bad = [*good, ["X-2", "", "Gasthof Zur Post", "4565", "vollzeit", "2027-03-01"]]
    status, html = upload(client, token, "jobs.positions", "stellen.csv", _csv(columns, bad), "csv")
    assert status == 400 and "es wurde nichts importiert" in html
    assert service_for(platform).positions(force=True).positions == ()
    status, html = upload(client, token, "jobs.positions", "ok.csv", _csv(columns, good), "csv")
    assert status == 200 and report_counts(html)["created"] == 1
    exported = client.get("/admin/daten/jobs.positions/export/csv")
    assert exported.status_code == 200
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [(r["external_id"], r["title"], r["kind"]) for r in rows] == [
        ("X-1", "Koch/Köchin", "full_time")
    ]
    status, html = upload(client, token, "jobs.positions", "positions.csv", exported.data, "csv")
    assert status == 200 and report_counts(html)["unchanged"] == 1
    as_json = client.get("/admin/daten/jobs.positions/export/json").get_json()
    assert [p["title"] for p in as_json["positions"]] == ["Koch/Köchin"]


def _csv(columns: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([columns, *rows])
    return out.getvalue().encode("utf-8")


# --- the review list ----------------------------------------------------------------------------


def test_confirming_a_proposed_company_puts_the_positions_on_its_profile(platform, client, token):
    mueller = company(platform, "Autohaus Müller GmbH & Co. KG")
    miller = company(platform, "Autohaus Möller GmbH")
    proposed = [mueller.id, miller.id]
    first = store(
        platform,
        external_id="R-1",
        employer_name="Autohaus Mueller",
        match="review",
        match_candidates=proposed,
        title="Kfz-Mechatroniker/in",
    )
    second = store(
        platform,
        external_id="R-2",
        employer_name="AUTOHAUS MÜLLER",
        match="review",
        match_candidates=[mueller.id],
        title="Automobilkaufmann/-frau",
        kind="apprenticeship",
    )
    lonely = store(platform, external_id="U-1", employer_name="Elektro Kowalski")
    page = client.get(REVIEW).get_data(as_text=True)
    assert "2 Arbeitgeber warten auf eine Entscheidung, zusammen 3 Stellen." in page
    section = page.split('data-match="review"', 1)[1].split("</section>", 1)[0]
    assert "2 Stellen" in section
    for candidate in proposed:
        assert f'data-candidate="{candidate}"' in section
    ids = re.findall(r'name="position" value="(\d+)"', section)
    assert sorted(set(ids)) == sorted({str(first.id), str(second.id)})
    answer = client.post(
        REVIEW + "/zuordnen",
        data={"csrf_token": token, "company": str(mueller.id), "position": ids[:2]},
    )
    assert answer.status_code == 303
    notice = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "2 Stellen gehören jetzt zu Autohaus Müller GmbH &amp; Co. KG." in notice
    for decided in (first, second):
        after = stored(platform, decided.id)
        assert (after.company_id, after.match) == (mueller.id, "manual")
    assert stored(platform, lonely.id).match == "unmatched"
    assert {p.id for p in service_for(platform).positions_of(mueller.id)} == {first.id, second.id}
    profile = client.get(f"/unternehmen/{mueller.slug}").get_data(as_text=True)
    assert "Kfz-Mechatroniker/in" in profile and "Automobilkaufmann/-frau" in profile
    assert "Kfz-Mechatroniker/in" not in client.get(f"/unternehmen/{miller.slug}").get_data(
        as_text=True
    )
    assert "1 Arbeitgeber wartet auf eine Entscheidung, zusammen 1 Stelle." in notice
    audit = [e for e in _audit(platform) if e.action == "jobs.match"]
    assert sorted(e.subject for e in audit) == sorted(
        f"jobs.positions:{p.id}" for p in (first, second)
    )
    assert all(e.actor.startswith("operator:") for e in audit)
    # sent again (a second tab): nothing changes, and the page says so
    again = client.post(
        REVIEW + "/zuordnen",
        data={"csrf_token": token, "company": str(miller.id), "position": ids[:2]},
    )
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "2 Stellen waren inzwischen schon entschieden" in shown
    assert stored(platform, first.id).company_id == mueller.id


def test_another_company_by_search_and_no_company(platform, client, token):
    kowalski = company(platform, "Elektrotechnik Kowalski", "45659")
    company(platform, "Bäckerei Schmidt")
    wrong = store(platform, external_id="U-1", employer_name="Elektro Kowalski")
    nobody = store(platform, external_id="U-2", employer_name="Imbiss Ecke")
    page = client.get(REVIEW).get_data(as_text=True)
    # an employer not on the portal is invited from the invitation page, which knows it
    invite = re.search(r'href="(/admin/stellen/einladen\?[^"]+)"', page).group(1)  # type: ignore[union-attr]
    assert "Elektro" in client.get(invite.replace("&amp;", "&")).get_data(as_text=True)
    key = re.search(r'data-employer="([^"]*kowalski[^"]*)"', page).group(1)  # type: ignore[union-attr]
    found = client.get(REVIEW, query_string={"arbeitgeber": key, "firma": "kowalski"})
    html = found.get_data(as_text=True)
    assert f'data-found="{kowalski.id}"' in html and "Bäckerei" not in html.split("review-found")[1]
    by_number = client.get(REVIEW, query_string={"arbeitgeber": key, "firma": f"#{kowalski.id}"})
    assert f'data-found="{kowalski.id}"' in by_number.get_data(as_text=True)
    none = client.get(REVIEW, query_string={"arbeitgeber": key, "firma": "Zahnarzt"})
    assert "Kein Unternehmen passt zu „Zahnarzt“." in none.get_data(as_text=True)
    done = post(client, REVIEW + "/zuordnen", token, company=str(kowalski.id), position=wrong.id)
    assert done.status_code == 303
    assert stored(platform, wrong.id).company_id == kowalski.id
    gone = post(client, REVIEW + "/kein-unternehmen", token, position=nobody.id)
    assert gone.status_code == 303
    after = stored(platform, nobody.id)
    assert (after.company_id, after.match, after.match_candidates) == (None, "manual", ())
    assert "Alle Arbeitgeber sind zugeordnet" in client.get(REVIEW).get_data(as_text=True)
    refused = post(client, REVIEW + "/zuordnen", token, company="987654", position=nobody.id)
    notice = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Es gibt kein Unternehmen 987654" in notice
    assert stored(platform, nobody.id) == after


def test_the_review_list_is_for_operators_only(platform, app):
    store(platform, external_id="U-1")
    client = app.test_client()
    assert client.get(REVIEW).status_code == 303
    assert client.post(REVIEW + "/kein-unternehmen", data={"position": "1"}).status_code == 303
    assert stored(platform, 1).match == "unmatched"
    english = app.test_client()
    login(english)
    page = english.get(REVIEW + "?lang=en").get_data(as_text=True)
    assert "1 employer waits for a decision, with 1 position in all." in page
    assert csrf(page)


# --- the statistics dashboard -------------------------------------------------------------------


def _random_positions(platform: Any, count: int) -> list[Position]:
    import random

    chance = random.Random(24)
    companies = [company(platform, f"Betrieb {n} GmbH") for n in range(4)]
    made = []
    for number in range(count):
        published = TODAY - dt.timedelta(days=chance.randint(-5, 200))
        valid = published + dt.timedelta(days=chance.randint(0, 150))
        filled = published + dt.timedelta(days=chance.randint(0, 120))
        owner = chance.choice([None, *companies])
        made.append(
            store(
                platform,
                external_id=f"S-{number}",
                title=f"Stelle {number}",
                kind=chance.choice(["apprenticeship", "dual_study", "full_time", "minijob"]),
                profession=chance.choice([None, "24412", "25212", "82102", "63"]),
                employer_town=chance.choice(["Marl", "Dorsten", "Recklinghausen", ""]),
                published=published,
                valid_through=chance.choice([None, valid]),
                filled_on=filled if chance.random() < 0.3 else None,
                company_id=None if owner is None else owner.id,
                match="unmatched" if owner is None else "matched",
            )
        )
    return made


def test_statistics_figures_equal_a_count_of_the_positions(platform, client, token):
    positions = _random_positions(platform, 150)
    start, end = TODAY - dt.timedelta(days=90), TODAY
    html = client.get("/admin/statistik", query_string={"von": start, "bis": end}).get_data(
        as_text=True
    )
    assert 'id="stat-plugin-jobs"' in html and "Offene Stellen nach Art" in html
    answer = client.get(
        "/admin/statistik/statistik.csv", query_string={"von": start, "bis": end}
    ).get_data(as_text=True)
    figures: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(answer)):
        figures.setdefault(row["figure"], {})[row["key"]] = row["value"]

    def open_today(p: Position) -> bool:  # the rule as the issue states it
        ended = p.valid_through is not None and p.valid_through < TODAY
        return p.published <= TODAY and not ended and p.filled_on is None

    def counted(values: list[str]) -> dict[str, str]:
        found: dict[str, int] = {}
        for value in values:
            found[value] = found.get(value, 0) + 1
        return {k: str(n) for k, n in found.items()}

    open_now = [p for p in positions if open_today(p)]
    filled = [p for p in positions if p.filled_on is not None and start <= p.filled_on <= end]
    days = sorted((p.filled_on - p.published).days for p in filled if p.filled_on)
    middle = len(days) // 2
    median = days[middle] if len(days) % 2 else (days[middle - 1] + days[middle]) / 2
    numbers = figures["jobs"]
    assert numbers["open"] == str(len(open_now))
    assert numbers["hiring"] == str(len({p.company_id for p in open_now if p.company_id}))
    assert numbers["new"] == str(sum(start <= p.published <= end for p in positions))
    assert numbers["filled"] == str(len(filled))
    assert float(numbers["median_days_to_fill"]) == median
    assert numbers["waiting"] == str(sum(p.company_id is None for p in positions))
    kinds = counted([p.kind for p in open_now])
    assert {k: v for k, v in figures["jobs.by_kind"].items() if v != "0"} == kinds
    groups = counted([(p.profession or "")[:2] for p in open_now])
    assert figures["jobs.by_profession"] == groups
    assert figures["jobs.by_town"] == counted([p.employer_town for p in open_now])
    mondays = [
        (p.published - dt.timedelta(days=p.published.weekday())).isoformat()
        for p in positions
        if start <= p.published <= end
    ]
    weeks = figures["jobs.new_per_week"]
    assert {k: v for k, v in weeks.items() if v != "0"} == counted(mondays)
    assert min(weeks) <= start.isoformat() and max(weeks) <= end.isoformat()
    bands = figures["jobs.days_to_fill"]
    assert sum(int(v) for v in bands.values()) == len(days)
    assert bands["0-7"] == str(sum(d <= 7 for d in days))
    assert bands["91+"] == str(sum(d > 90 for d in days))
    assert len(open_now) > 10 and len(days) > 5  # the data exercises every figure
