"""Search alerts in core: double opt-in, the new matches of a run compared with brute force
over the database and with the search's own results, crash safety, unsubscribing."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from alerts_support import (
    BASE_URL,
    HERTEN,
    MARL,
    confirm_link,
    later,
    links,
    mails,
    make_alert_app,
    new_company,
    platform_of,
    profile_slugs,
    token_of,
)

from core import Company, Platform, Status, catalog
from core.errors import Conflict, InvalidQuery, NotFound, ValidationError
from core.persistence import companies as repo
from core.portal import alerts

EMAIL = "anna@example.org"


def subscribe(platform: Platform, query: str, email: str = EMAIL, **kwargs: Any) -> str:
    """Subscribe and return the confirmation link's token (from the mail in the outbox)."""
    alerts.subscribe(platform, email=email, query=query, lang="de", consent=True, **kwargs)
    return token_of(confirm_link(platform, email))


def active(platform: Platform, query: str, email: str = EMAIL) -> None:
    change = alerts.confirm(platform, subscribe(platform, query, email))
    assert change.changed and change.subscription.state is alerts.State.ACTIVE


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


_MARL_CENTRE = (51.65671, 7.09038)

#: query -> (the test a company must pass, written out independently, and the values of a
#: company that passes it)
CASES: dict[str, tuple[Callable[[Company], bool], dict[str, Any]]] = {
    "industry=F&town=" + MARL[0]: (
        lambda c: c.industry == "F" and c.address.ags == MARL[0],
        {"postcode": MARL[2], "industry": "F"},
    ),
    "employees=10..49&town=" + HERTEN[0]: (
        lambda c: 10 <= c.employees <= 49 and c.address.ags == HERTEN[0],
        {"postcode": HERTEN[2], "employees": 20, "location": (51.5964, 7.1439)},
    ),
    "near_town=Marl&radius_km=5&industry=C": (
        lambda c: (
            c.industry == "C"
            and c.location is not None
            and _metres(*_MARL_CENTRE, c.location.lat, c.location.lon) <= 5000
        ),
        {"industry": "C", "location": (51.66, 7.10)},
    ),
}
#: a company that passes none of the tests
OTHER: dict[str, Any] = {
    "postcode": "45721",
    "industry": "G",
    "employees": 500,
    "location": (51.743, 7.182),
}


def brute_force(platform: Platform, test: Callable[[Company], bool]) -> set[str]:
    """Slugs of the published, located companies that pass ``test``, read from the database."""
    with platform.session() as session:
        companies = repo.list_companies(session, status=Status.PUBLISHED)
    return {c.slug for c in companies if c.location is not None and test(c)}


def searched(platform: Platform, query: str) -> set[str]:
    """Slugs the portal's search lists for ``query``, page by page."""
    parsed = attrs.evolve(platform.parse_query(dict(_pairs(query))), per_page=200)
    found: set[str] = set()
    page = 1
    while True:
        result = platform.search(attrs.evolve(parsed, page=page))
        found |= {hit.slug for hit in result.items}
        if page >= result.pages:
            return found
        page += 1


def _pairs(query: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in query.split("&"):
        key, _, value = part.partition("=")
        out.setdefault(key, []).append(value)
    return out


def test_nothing_is_mailed_before_confirmation(platform: Platform) -> None:
    query = "industry=F&town=" + MARL[0]
    subscribe(platform, query)
    assert [m.subject for m in mails(platform)] == [
        "Arbeitgeberkarte: Bitte bestätigen Sie Ihr Suchabo"
    ]
    new_company(platform, "Unbestätigt Bau GmbH", industry="F")
    report = alerts.run(platform)
    assert (report.subscriptions, report.mails, report.sent) == (0, 0, 0)
    assert len(mails(platform)) == 1


def test_confirmation_works_once_and_sets_the_baseline(platform: Platform) -> None:
    query = "industry=F&town=" + MARL[0]
    token = subscribe(platform, query)
    assert alerts.list_subscriptions(platform)[0].state is alerts.State.PENDING
    first = alerts.confirm(platform, token)
    second = alerts.confirm(platform, token)
    assert (first.changed, second.changed) == (True, False)
    assert second.subscription.state is alerts.State.ACTIVE
    assert brute_force(platform, CASES[query][0]), "the baseline is not empty"
    # what the search found at confirmation is not new
    assert alerts.run(platform).mails == 0
    assert len(mails(platform)) == 1


def test_an_expired_confirmation_link_is_refused_and_the_subscription_deleted(
    platform: Platform,
) -> None:
    token = subscribe(platform, "industry=F", now=later(-8))
    with pytest.raises(NotFound, match="expired"):
        alerts.confirm(platform, token)
    with pytest.raises(NotFound, match="not valid"):
        alerts.confirm(platform, "made-up-token")
    assert alerts.run(platform).purged == 1
    assert alerts.list_subscriptions(platform) == []
    with pytest.raises(NotFound):
        alerts.confirm(platform, token)


@pytest.mark.parametrize("query", list(CASES))
def test_the_mail_lists_exactly_what_is_new_for_the_search(platform: Platform, query: str) -> None:
    test, matching = CASES[query]
    active(platform, query)
    before = brute_force(platform, test)
    assert before == searched(platform, query)
    new_company(platform, "Treffer Eins GmbH", **matching)
    new_company(platform, "Treffer Zwei GmbH", **matching)
    new_company(platform, "Entwurf GmbH", status=Status.DRAFT, **matching)
    new_company(platform, "Daneben GmbH", **OTHER)
    # a published company that did not match before and does now
    with platform.session() as session:
        published = repo.list_companies(session, status=Status.PUBLISHED)
    changed = next(c for c in published if not test(c) and c.location is not None)
    location = matching.get("location")
    changed = attrs.evolve(
        changed,
        industry=matching.get("industry", changed.industry),
        industry_division=None,
        employees=matching.get("employees", changed.employees),
        address=attrs.evolve(changed.address, postcode=matching.get("postcode", MARL[2]), ags=""),
        location=changed.location if location is None else type(changed.location)(*location),
    )
    platform.save_company(changed)
    # a company of the baseline that is unpublished is simply gone
    gone = next(c for c in published if c.slug in before)
    platform.save_company(attrs.evolve(gone, status=Status.DRAFT))

    report = alerts.run(platform)
    after = brute_force(platform, test)
    assert after == searched(platform, query)
    expected = after - before
    assert {"treffer-eins-gmbh", "treffer-zwei-gmbh", changed.slug} <= expected
    assert report.mails == report.sent == 1 and report.companies == len(expected)
    mail = mails(platform, EMAIL)[-1]
    assert profile_slugs(mail.body) == expected
    assert len(links(mail.body, "/suche/abbestellen/")) == 1
    assert f"{BASE_URL}/?{alerts.canonical_query(platform, query)}" in mail.body
    # a second run sends nothing
    count = len(mails(platform))
    again = alerts.run(platform)
    assert (again.mails, again.sent) == (0, 0) and len(mails(platform)) == count


def test_a_failed_delivery_is_sent_by_the_next_run_once(platform: Platform) -> None:
    active(platform, "industry=F&town=" + MARL[0])
    new_company(platform, "Zustellung GmbH", industry="F")
    folder = Path(platform.settings.mail.outbox_folder)
    kept = folder.with_name("kept-outbox")
    folder.rename(kept)
    folder.write_text("a file where the outbox folder belongs: delivery fails")
    first = alerts.run(platform)
    assert (first.mails, first.sent, first.failed) == (1, 0, 1)
    folder.unlink()
    kept.rename(folder)
    second = alerts.run(platform)
    assert (second.mails, second.sent, second.failed) == (0, 1, 0)
    (mail,) = [m for m in mails(platform, EMAIL) if "Zustellung" in m.body]
    assert profile_slugs(mail.body) == {"zustellung-gmbh"}
    assert alerts.run(platform).sent == 0


def test_every_alert_mail_can_unsubscribe_and_the_link_works(platform: Platform) -> None:
    active(platform, "industry=F&town=" + MARL[0])
    new_company(platform, "Erste Welle GmbH", industry="F")
    alerts.run(platform)
    new_company(platform, "Zweite Welle GmbH", industry="F")
    alerts.run(platform)
    alert_mails = [m for m in mails(platform, EMAIL) if "Welle" in m.body]
    assert len(alert_mails) == 2
    tokens = [token_of(links(m.body, "/suche/abbestellen/")[0]) for m in alert_mails]
    assert len(set(tokens)) == 2
    done = alerts.unsubscribe(platform, tokens[0])
    assert done.changed and done.subscription.state is alerts.State.UNSUBSCRIBED
    assert not alerts.unsubscribe(platform, tokens[1]).changed
    new_company(platform, "Dritte Welle GmbH", industry="F")
    assert alerts.run(platform).mails == 0
    with pytest.raises(NotFound):
        alerts.unsubscribe(platform, "made-up-token")


def test_a_search_is_stored_once_per_address_in_canonical_form(platform: Platform) -> None:
    one = alerts.canonical_query(platform, f"town={MARL[0]}&industry=F,C&page=3&sort=name")
    two = alerts.canonical_query(platform, {"industry": ["C", "F"], "town": [MARL[0]]})
    assert one == two == f"industry=C&industry=F&town={MARL[0]}"
    subscribe(platform, one)
    subscribe(platform, f"industry=F&industry=C&town={MARL[0]}")
    assert len(alerts.list_subscriptions(platform)) == 1
    assert len(mails(platform, EMAIL)) == 2  # a new confirmation link for the same one


def test_bad_searches_addresses_and_too_many_subscriptions_are_refused(platform: Platform) -> None:
    with pytest.raises(InvalidQuery, match="cannot be subscribed to.*'nonsense'"):
        alerts.canonical_query(platform, "nonsense=1")
    with pytest.raises(ValidationError):
        alerts.subscribe(platform, email="kein-at", query="industry=F", lang="de", consent=True)
    with pytest.raises(ValidationError, match="Agree"):
        alerts.subscribe(platform, email=EMAIL, query="industry=F", lang="de", consent=False)
    limit = platform.settings.alerts.max_per_address
    industries = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"]
    for code in industries[:limit]:
        subscribe(platform, f"industry={code}")
    with pytest.raises(Conflict, match="unsubscribe from one first"):
        subscribe(platform, f"industry={industries[limit]}")
    assert alerts.list_subscriptions(platform)[0].email == EMAIL
    assert len(alerts.list_subscriptions(platform)) == limit


def test_an_english_subscription_gets_english_mails(platform: Platform) -> None:
    alerts.subscribe(platform, email=EMAIL, query="industry=F", lang="en", consent=True)
    mail = mails(platform, EMAIL)[-1]
    assert mail.subject.endswith("please confirm your search alert")
    assert "- Industry: Construction" in mail.body
    (link,) = links(mail.body, "/suche/abonnieren/bestaetigen/")
    assert link.endswith("?lang=en")
    alerts.confirm(platform, token_of(link))
    new_company(platform, "Construction Ltd", industry="F")
    alerts.run(platform)
    mail = mails(platform, EMAIL)[-1]
    assert mail.subject.endswith("1 new match for your search")
    assert "New companies (1):" in mail.body and "Unsubscribe from these mails:" in mail.body


@pytest.fixture
def four_languages(new_database: Callable[[str], str], tmp_path: Path) -> Iterator[Platform]:
    """A portal offering German, English, Turkish and Arabic."""
    app = make_alert_app(
        new_database("alerts"), tmp_path, portal={"languages": ["de", "en", "tr", "ar"]}
    )
    yield platform_of(app)
    platform_of(app).db.dispose()


@pytest.mark.parametrize("lang", ["tr", "ar"])
def test_a_subscription_in_another_language_gets_its_mails_in_it(
    four_languages: Platform, lang: str
) -> None:
    platform = four_languages
    texts = catalog("alerts")
    title = platform.settings.portal.title
    alerts.subscribe(platform, email=EMAIL, query="industry=F&q=Bau", lang=lang, consent=True)
    mail = mails(platform, EMAIL)[-1]
    assert mail.subject == texts.text("confirm.subject", lang, title=title)
    assert f"- {texts.text('search.words', lang, text='Bau')}" in mail.body
    (link,) = links(mail.body, "/suche/abonnieren/bestaetigen/")
    assert link.endswith(f"?lang={lang}")
    assert "Guten Tag" not in mail.body and "Suchwörter" not in mail.body
    alerts.confirm(platform, token_of(link))
    new_company(platform, "Bau Yılmaz GmbH", industry="F")
    alerts.run(platform)
    mail = mails(platform, EMAIL)[-1]
    assert mail.subject == texts.text("news.subject_one", lang, title=title)
    assert texts.text("news.companies", lang, count=1) in mail.body
    assert texts.text("news.unsubscribe", lang) in mail.body
    (unsubscribe,) = links(mail.body, "/suche/abbestellen/")
    assert unsubscribe.endswith(f"?lang={lang}")


def test_dry_run_counts_and_changes_nothing(platform: Platform) -> None:
    active(platform, "industry=F&town=" + MARL[0])
    new_company(platform, "Probelauf GmbH", industry="F")
    count = len(mails(platform))
    dry = alerts.run(platform, dry_run=True)
    assert (dry.mails, dry.companies, dry.sent) == (1, 1, 0) and len(mails(platform)) == count
    real = alerts.run(platform)
    assert (real.mails, real.companies, real.sent) == (1, 1, 1)


def test_a_subscription_without_a_trustworthy_link_address_waits_alone(
    platform: Platform, caplog: pytest.LogCaptureFixture
) -> None:
    """Links in alert mails never take a host from a request: a subscription that stored a
    foreign address while portal.base_url was empty is skipped (and logged); the others of
    the run are mailed."""
    from sqlalchemy import update

    from core.persistence.tables import AlertSubscriptionRow

    active(platform, "industry=F&town=" + MARL[0])
    active(platform, "industry=F&town=" + MARL[0], email="bert@example.org")
    with platform.session(write=True) as session:
        stored = ((EMAIL, "http://localhost:5000"), ("bert@example.org", "http://evil.example"))
        for email, base in stored:
            session.execute(
                update(AlertSubscriptionRow)
                .where(AlertSubscriptionRow.email == email)
                .values(base_url=base)
            )
    platform.settings.portal.base_url = ""
    new_company(platform, "Fremdlink GmbH", industry="F")
    report = alerts.run(platform)
    assert report.mails == 1
    bodies = [m.body for m in mails(platform) if "Fremdlink" in m.body]
    assert len(bodies) == 1 and "http://localhost:5000/" in bodies[0]
    assert not any("evil.example" in m.body for m in mails(platform))
    assert any(
        "skipped" in r.getMessage() and "portal.base_url" in r.getMessage() for r in caplog.records
    )


FOREIGN = "http://evil.example"
