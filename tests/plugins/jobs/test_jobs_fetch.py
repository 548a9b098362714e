"""Fetching from the Jobsuche, against a server on this machine that answers as the Jobsuche's
OpenAPI file describes it (the real service is never asked in tests): the paging, the
X-API-Key header, the kept file, the full feed, and the refusals."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from jobs_support import TODAY

from core import ImportError_, Sentence
from plugins.jobs.ba import fetch_pages, read_ba
from plugins.jobs.fetch import FILE_PREFIX, fetch_ba
from plugins.jobs.repository import PositionRepository

KEY = "test-key"


def offers_of(angebotsart: int, count: int) -> list[dict[str, Any]]:
    published = (TODAY - dt.timedelta(days=2)).isoformat()
    return [
        {
            "refnr": f"{angebotsart}-{n}",
            "titel": f"Stelle {n}",
            "beruf": "Verkäufer/in",
            "arbeitgeber": f"Händler Nr. {n} GmbH",
            "aktuelleVeroeffentlichungsdatum": published,
            "arbeitsort": {"plz": "45657", "ort": "Recklinghausen"},
        }
        for n in range(count)
    ]


class Jobsuche:
    """What the local server holds and saw."""

    def __init__(self) -> None:
        self.offers = {1: offers_of(1, 5), 4: offers_of(4, 2), 34: []}
        self.requests: list[tuple[str, dict[str, str], str]] = []
        self.status = 200


@pytest.fixture
def jobsuche() -> Iterator[tuple[Jobsuche, str]]:
    state = Jobsuche()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            state.requests.append((url.path, query, self.headers.get("X-API-Key", "")))
            if state.status != 200:
                self.send_error(state.status)
                return
            offers = state.offers[int(query["angebotsart"])]
            page, size = int(query["page"]), int(query["size"])
            body = {
                "stellenangebote": offers[(page - 1) * size : page * size],
                "maxErgebnisse": str(len(offers)),
                "page": str(page),
                "size": str(size),
            }
            if not body["stellenangebote"]:
                del body["stellenangebote"]  # as the service answers a search without hits
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_port}/pc/v4/jobs"
    server.shutdown()
    server.server_close()


def test_every_page_is_fetched_with_the_key(jobsuche):
    state, url = jobsuche
    pages, complete = fetch_pages(
        url, KEY, {"wo": "Recklinghausen", "umkreis": 25}, angebotsart=1, page_size=2
    )
    assert complete and len(pages) == 3
    assert [len(p.get("stellenangebote") or []) for p in pages] == [2, 2, 1]
    assert all(p["angebotsart"] == 1 for p in pages)
    assert [r[1]["page"] for r in state.requests] == ["1", "2", "3"]
    path, query, key = state.requests[0]
    assert (path, key) == ("/pc/v4/jobs", KEY)
    assert query == {
        "wo": "Recklinghausen",
        "umkreis": "25",
        "angebotsart": "1",
        "page": "1",
        "size": "2",
    }
    records = read_ba(json.dumps(pages))
    assert [r.values["external_id"] for r in records] == [f"1-{n}" for n in range(5)]


def test_paging_stops_at_max_pages_and_says_the_answer_is_not_whole(jobsuche):
    _, url = jobsuche
    pages, complete = fetch_pages(url, KEY, {}, angebotsart=1, page_size=2, max_pages=2)
    assert (len(pages), complete) == (2, False)


def test_an_error_of_the_service_names_the_setting_to_check(jobsuche):
    state, url = jobsuche
    state.status = 403
    with pytest.raises(ImportError_) as caught:
        fetch_pages(url, "wrong", {}, angebotsart=1)
    assert "answered 403" in caught.value.message and "ba_api_key" in caught.value.message
    assert "Prüfen Sie die Einstellung ba_api_key" in Sentence.of(caught.value.message, "de")


def test_an_unreachable_service_is_named():
    with pytest.raises(ImportError_) as caught:
        fetch_pages("http://127.0.0.1:9/pc/v4/jobs", KEY, {}, angebotsart=1, timeout=2)
    assert "could not be reached" in caught.value.message


def local(url: str):
    """An opener that sends the fetch's requests to the local server instead."""

    def opener(request: urllib.request.Request, timeout: float) -> Any:
        query = urllib.parse.urlsplit(request.full_url).query
        forwarded = urllib.request.Request(f"{url}?{query}", headers=dict(request.header_items()))
        return urllib.request.urlopen(forwarded, timeout=timeout)  # noqa: S310 - loopback

    return opener


def test_fetch_keeps_the_answer_imports_it_and_closes_what_it_no_longer_lists(
    fresh, jobsuche, tmp_path
):
    state, url = jobsuche
    platform = fresh(
        ba_fetch=True,
        ba_where="Recklinghausen",
        ba_api_key=KEY,
        ba_folder=str(tmp_path),
        ba_page_size=2,
        ba_keep_files=1,
    )
    report = fetch_ba(platform, opener=local(url))
    assert (report.source, report.created, report.removed) == ("ba", 7, 0)
    kept = list(tmp_path.glob(f"{FILE_PREFIX}*.json"))
    assert (
        len(kept) == 1 and read_ba(kept[0].read_text("utf-8"))[5].values["kind"] == "apprenticeship"
    )
    assert {r[1]["angebotsart"] for r in state.requests} == {"1", "4", "34"}
    assert {r[1]["wo"] for r in state.requests} == {"Recklinghausen"}
    state.offers[1] = state.offers[1][:3]  # two jobs were filled
    report = fetch_ba(platform, opener=local(url))
    assert (report.created, report.unchanged, report.removed) == (0, 5, 2)
    with platform.session() as session:
        open_now = {p.external_id for p in PositionRepository(session).open_on(TODAY)}
    assert open_now == {"1-0", "1-1", "1-2", "4-0", "4-1"}
    assert len(list(tmp_path.glob(f"{FILE_PREFIX}*.json"))) == 1


def test_fetch_refuses_unless_switched_on_and_given_a_place(fresh):
    with pytest.raises(ImportError_) as caught:
        fetch_ba(fresh())
    assert "ba_fetch = true" in caught.value.message
    assert "ba_fetch = true" in Sentence.of(caught.value.message, "de")
    with pytest.raises(ImportError_) as caught:
        fetch_ba(fresh(ba_fetch=True))
    assert "ba_where is empty" in caught.value.message
