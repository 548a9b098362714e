"""Usage counting: real requests through the app are counted per day, kind and key only, in
memory first and then written with an upsert; nothing identifies a visitor, no cookie is set,
and with ``statistics.usage_counting = false`` nothing is recorded."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from urllib.parse import quote

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from statistics_support import csv_figures, ints, login, platform_of, sql, usage_rows, wait_for

from core.portal.statistics import UsageCounter, counter_for, write_counts

#: (URL, what it counts): searches with filters, a free text, a radius, a failing one
SEARCHES = [
    ("/api/v1/search", {("search", ""): 1}),
    (
        "/api/v1/search?industry=C&industry=F&size=micro",
        {
            ("search", ""): 1,
            ("filter", "industry"): 1,
            ("filter", "size"): 1,
            ("filter_value", "industry=C"): 1,
            ("filter_value", "industry=F"): 1,
            ("filter_value", "size=micro"): 1,
        },
    ),
    (
        "/api/v1/search?q=" + quote("Bäckerei Geheim") + "&industry=C",
        {
            ("search", ""): 1,
            ("filter", "q"): 1,
            ("filter", "industry"): 1,
            ("filter_value", "industry=C"): 1,
        },
    ),
    (
        "/api/v1/search?near_town=Marl&radius_km=5&offer=ausbildung",
        {
            ("search", ""): 1,
            ("filter", "near"): 1,
            ("filter", "offer"): 1,
            ("filter_value", "offer=ausbildung"): 1,
        },
    ),
    # refused (422): not counted
    ("/api/v1/search?industry=nope", {}),
]


def _published_slugs(app: Flask, count: int) -> list[tuple[int, str]]:
    rows = sql(
        platform_of(app),
        "SELECT id, slug FROM core_companies WHERE status = 'published' ORDER BY id LIMIT :n",
        n=count,
    )
    return [(int(i), str(s)) for i, s in rows]


def _hidden_slug(app: Flask) -> str:
    rows = sql(platform_of(app), "SELECT slug FROM core_companies WHERE status <> 'published'")
    return str(rows[0][0])


def _browse(app: Flask, client: FlaskClient) -> Counter[tuple[str, str]]:
    """Search, ask for layers, open profiles like a visitor; what should be counted."""
    expected: Counter[tuple[str, str]] = Counter()
    responses = []
    for url, counts in SEARCHES * 2:
        response = client.get(url)
        assert response.status_code == (422 if not counts else 200), url
        responses.append(response)
        expected.update(counts)
    for _ in range(3):
        response = client.get("/api/v1/layers/companies?bbox=6.9,51.5,7.3,51.7")
        assert response.status_code == 200
        responses.append(response)
        expected[("layer", "companies")] += 1
    responses.append(client.get("/api/v1/layers/no-such-layer"))
    assert responses[-1].status_code == 404
    responses.append(client.get("/api/v1/layers"))  # the list of layers is no layer request
    (first_id, first), (second_id, second) = _published_slugs(app, 2)
    for slug, times in ((first, 3), (second, 1)):
        for _ in range(times):
            response = client.get(f"/unternehmen/{slug}")
            assert response.status_code == 200
            responses.append(response)
    expected[("profile", str(first_id))] += 3
    expected[("profile", str(second_id))] += 1
    responses.append(client.get(f"/unternehmen/{_hidden_slug(app)}"))
    assert responses[-1].status_code == 404
    for response in responses:
        assert "Set-Cookie" not in response.headers, response.request.url
    return expected


def test_requests_are_counted_and_written_in_one_batch(make_app: Callable[..., Flask]) -> None:
    app = make_app(companies=120, statistics={"flush_seconds": 3600.0})
    platform = platform_of(app)
    expected = _browse(app, app.test_client())
    counter = counter_for(platform)
    # counted in memory, not yet in the database
    assert usage_rows(platform) == Counter()
    assert sum(counter.pending().values()) == sum(expected.values())
    counter.flush()
    assert usage_rows(platform) == expected
    assert counter.pending() == {}
    today = dt.datetime.now(dt.UTC).date()
    days = {
        day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        for (day,) in sql(platform, "SELECT DISTINCT day FROM core_usage_counts")
    }
    assert days <= {today, today - dt.timedelta(days=1)}  # a run across midnight


def test_nothing_about_the_visitor_is_stored(make_app: Callable[..., Flask]) -> None:
    app = make_app(companies=60)
    platform = platform_of(app)
    _browse(app, app.test_client())
    counter_for(platform).flush()
    columns = {c["name"] for c in sa.inspect(platform.db).get_columns("core_usage_counts")}
    assert columns == {"day", "kind", "key", "count"}
    keys = " ".join(key for _, key in usage_rows(platform))
    assert "Geheim" not in keys and "Bäckerei" not in keys and "127.0.0.1" not in keys


def test_the_dashboard_shows_the_counted_use(make_app: Callable[..., Flask]) -> None:
    app = make_app(companies=80)
    platform = platform_of(app)
    expected = _browse(app, app.test_client())
    counter_for(platform).flush()
    operator = app.test_client()
    login(operator)
    got = csv_figures(operator.get("/admin/statistik/statistik.csv").get_data(as_text=True))
    by_kind = {
        kind: {key: n for (k, key), n in expected.items() if k == kind}
        for kind in ("filter", "filter_value", "layer", "profile")
    }
    assert ints(got["filters"]) == by_kind["filter"]
    assert ints(got["filter_values"]) == by_kind["filter_value"]
    assert ints(got["layers"]) == by_kind["layer"]
    assert ints(got["profiles"]) == by_kind["profile"]
    assert int(got["summary"]["searches"]) == expected[("search", "")] == 8
    assert sum(ints(got["searches"]).values()) == 8
    assert int(got["summary"]["profile_views"]) == 4
    # the most viewed profile comes first, with its name
    first_id = next(iter(by_kind["profile"]))
    name = sql(platform, "SELECT name FROM core_companies WHERE id = :i", i=int(first_id))[0][0]
    page = operator.get("/admin/statistik").get_data(as_text=True)
    assert name in page.split('id="figure-profiles"')[1]


def test_counting_switched_off_records_nothing(make_app: Callable[..., Flask]) -> None:
    app = make_app(companies=60, statistics={"usage_counting": False})
    platform = platform_of(app)
    _browse(app, app.test_client())
    counter = counter_for(platform)
    assert counter.pending() == {}
    assert counter.flush() == 0
    assert usage_rows(platform) == Counter()
    operator = app.test_client()
    login(operator)
    assert "statistics.usage_counting" in operator.get("/admin/statistik").get_data(as_text=True)


def test_a_worker_writes_by_itself_after_its_batch_size(make_app: Callable[..., Flask]) -> None:
    app = make_app(companies=40, statistics={"flush_hits": 5, "flush_seconds": 3600.0})
    platform = platform_of(app)
    client = app.test_client()
    for _ in range(4):
        assert client.get("/api/v1/search").status_code == 200
    assert usage_rows(platform) == Counter()  # below the batch size: still in memory
    assert client.get("/api/v1/search").status_code == 200
    # the fifth hit starts a write in the background
    assert wait_for(lambda: usage_rows(platform)[("search", "")] == 5)
    assert wait_for(lambda: counter_for(platform).pending() == {})


def test_several_workers_add_up_on_one_database(make_app: Callable[..., Flask]) -> None:
    """Two apps on one database (two workers or servers) count the same keys; every flush adds
    to what is stored, also when they write at the same time."""
    first = make_app(name="shared", companies=40)
    second = make_app(name="shared")
    clients = [first.test_client(), second.test_client()]
    for round_ in range(3):
        for number, client in enumerate(clients):
            for _ in range(round_ + number + 1):
                assert client.get("/api/v1/search?industry=C").status_code == 200
        counters = [counter_for(platform_of(app)) for app in (first, second)]
        threads = [threading.Thread(target=c.flush) for c in counters]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    total = sum(r + n + 1 for r in range(3) for n in range(2))
    stored = usage_rows(platform_of(first))
    assert stored[("search", "")] == total
    assert stored[("filter_value", "industry=C")] == total


def test_concurrent_writers_lose_no_count(make_app: Callable[..., Flask]) -> None:
    """Counters in many threads write the same keys at once; the upsert keeps every count."""
    app = make_app()
    platform = platform_of(app)
    day = dt.date(2026, 5, 4)
    errors: list[BaseException] = []

    def work(number: int) -> None:
        counter = UsageCounter(platform.session_factory, today=lambda: day)
        try:
            for _round in range(5):
                for _ in range(number + 1):
                    counter.count("layer", "shared")
                counter.count("layer", f"own-{number}")
                counter.flush()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = usage_rows(platform)
    assert stored[("layer", "shared")] == 5 * sum(n + 1 for n in range(6))
    assert all(stored[("layer", f"own-{n}")] == 5 for n in range(6))


def test_counts_wait_in_memory_while_the_database_cannot_be_written(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app()
    platform = platform_of(app)
    with platform.db.begin() as connection:
        connection.execute(sa.text("ALTER TABLE core_usage_counts RENAME TO usage_away"))
    counter = UsageCounter(platform.session_factory)
    counter.count("layer", "a")
    try:
        counter.flush()
    except Exception:  # noqa: BLE001 - the table is gone on purpose
        pass
    else:
        raise AssertionError("the write should have failed")
    counter.count("layer", "a")
    assert sum(counter.pending().values()) == 2
    with platform.db.begin() as connection:
        connection.execute(sa.text("ALTER TABLE usage_away RENAME TO core_usage_counts"))
    counter.flush()
    assert usage_rows(platform)[("layer", "a")] == 2


def test_write_counts_adds_to_stored_counts(make_app: Callable[..., Flask]) -> None:
    app = make_app()
    platform = platform_of(app)
    day = dt.date(2026, 1, 2)
    for counts in ({(day, "search", ""): 2}, {(day, "search", ""): 3, (day, "layer", "x"): 1}):
        with platform.session(write=True) as session:
            write_counts(session, counts)
    assert usage_rows(platform) == Counter({("search", ""): 5, ("layer", "x"): 1})
