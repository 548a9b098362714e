"""The Jobsuche of the Bundesagentur für Arbeit: reading its answers, and fetching them.

The search answers (``GET .../pc/v4/jobs``, documented by the community project
bundesAPI/jobsuche-api in its OpenAPI file) with a page of ``stellenangebote``::

    {"stellenangebote": [{"refnr": "10000-1184867112-S", "titel": "...",
      "beruf": "Elektroinstallateur/in", "arbeitgeber": "...",
      "arbeitsort": {"plz": "45657", "ort": "Recklinghausen", "strasse": "...",
                     "region": "Nordrhein-Westfalen", "land": "Deutschland",
                     "koordinaten": {"lat": 51.61, "lon": 7.19}},
      "eintrittsdatum": "2026-01-01", "aktuelleVeroeffentlichungsdatum": "2025-12-01",
      "modifikationsTimestamp": "2025-12-01T10:00:00.000", "externeUrl": "https://..."}],
     "maxErgebnisse": "1234", "page": "1", "size": "100"}

``read_ba`` turns such a page (or a list of pages, as ``fetch_pages`` stores them) into records
of the plugin's own format: ``refnr`` is the external id, ``beruf`` becomes a KldB code through
the plugin's table (unknown: no profession, with a warning), a start on or before the day of
publication is "ab sofort" (no start date), and ``externeUrl`` (else the position's page on
arbeitsagentur.de) is where to apply. The answer names no kind of position: the page's
``angebotsart`` (which ``fetch_pages`` adds) gives it, else words of the title (Ausbildung,
duales Studium, Praktikum, Teilzeit, Minijob), else the importer's default.

A ``refnr`` that occurs more than once (pages of a search overlap when new positions arrive
while it is paged through) is read once: the last occurrence wins, the earlier ones are
reported as skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from core import ImportError_
from core import Sentence
from core import fold
from core import parse_json

from plugins.jobs.formats import NOT_AN_OBJECT
from plugins.jobs.formats import Record
from plugins.jobs.formats import file_error
from plugins.jobs.formats import load_json
from plugins.jobs.professions import profession_for_name

__all__ = [
    "ANGEBOTSART_KINDS",
    "DETAIL_URL",
    "MAX_PAGE_BYTES",
    "fetch_pages",
    "kind_from_words",
    "read_ba",
]

#: The kind of position of each ``angebotsart`` of the search: 1 Arbeit, 4 Ausbildung/duales
#: Studium, 34 Praktikum/Trainee (words of the title refine it: ``kind_from_words``).
ANGEBOTSART_KINDS = {1: "full_time", 4: "apprenticeship", 34: "internship"}
#: A position's public page on arbeitsagentur.de: where to apply when it has no own address.
DETAIL_URL = "https://www.arbeitsagentur.de/jobsuche/jobdetail/{refnr}"
#: Largest answer page read (a page of 100 positions is about 100 KB).
MAX_PAGE_BYTES = 20 * 1024 * 1024

# folded words of a title that name a kind, most specific first
_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("dual_study", re.compile(r"\bdual\w*\s+(studium|student|studier)|\bstudium\b.*\bdual")),
    ("apprenticeship", re.compile(r"\b(ausbildung|auszubildende\w*|azubi\w*|lehrstelle)\b")),
    ("internship", re.compile(r"\b(praktikum|praktikant\w*|pflichtpraktikum)\b")),
    (
        "minijob",
        re.compile(r"\b(minijob\w*|geringfugig\w*|midijob)\b|\b(450|520|538|556)\s*(eur|euro)\b"),
    ),
    ("part_time", re.compile(r"\bteilzeit\b")),
)


def kind_from_words(*texts: str) -> str | None:
    """The kind a position's title names (``Ausbildung zum ...`` -> apprenticeship), or None;
    a title naming full and part time ("Vollzeit/Teilzeit") names no kind."""
    folded = fold(" ".join(t for t in texts if t))
    for kind, pattern in _KIND_WORDS:
        if pattern.search(folded):
            if kind == "part_time" and "vollzeit" in folded:
                return None
            return kind
    return None


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return ""


def _postcode(value: Any) -> str:
    # the OpenAPI file gives the postcode as an integer (90537) in one version, a string in
    # another; as an integer, a leading zero is lost (01067 Dresden)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(5)
    return _text(value)


def _day(value: Any) -> dt.date | None:
    text = _text(value)
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _values(item: Mapping[str, Any], kind: str | None) -> tuple[dict[str, Any], list[str]]:
    """One ``stellenangebot`` as values of the own format, and what had to be guessed."""
    warnings: list[str] = []
    refnr = _text(item.get("refnr"))
    title = _text(item.get("titel"))
    beruf = _text(item.get("beruf"))
    place = item.get("arbeitsort") if isinstance(item.get("arbeitsort"), Mapping) else {}
    published = item.get("aktuelleVeroeffentlichungsdatum")
    start = item.get("eintrittsdatum")
    start_day, published_day = _day(start), _day(published)
    if start_day is not None and published_day is not None and start_day <= published_day:
        start = None  # a start on the day of publication or before it: "ab sofort"
    profession = profession_for_name(beruf)
    if beruf and profession is None:
        warnings.append(
            Sentence(
                f"the occupation (beruf) {beruf!r} is not in the plugin's KldB table; the "
                "position is imported without a profession",
                f"der Beruf {beruf!r} steht nicht in der KldB-Tabelle des Plugins; die Stelle "
                "wird ohne Beruf importiert",
            )
        )
    worded = kind_from_words(title or beruf)
    # an Ausbildung in Teilzeit is still an Ausbildung
    if worded and not (kind == "apprenticeship" and worded == "part_time"):
        kind = worded
    coordinates = _get(place, "koordinaten")
    values: dict[str, Any] = {
        "external_id": refnr,
        "title": title or beruf,
        "employer_name": _text(item.get("arbeitgeber")),
        "employer_postcode": _postcode(_get(place, "plz")),
        "employer_town": _text(_get(place, "ort")),
        "profession": profession,
        "kind": kind,
        "start_date": start,
        "published": published,
        # listed by the Jobsuche: open (again, if a full feed had closed it before)
        "valid_through": None,
        "apply_url": _text(item.get("externeUrl"))
        or (DETAIL_URL.format(refnr=urllib.parse.quote(refnr, safe="")) if refnr else ""),
        "lat": _get(coordinates, "lat"),
        "lon": _get(coordinates, "lon"),
    }
    return values, warnings


def read_ba(text: str, name: str = "file", *, default_kind: str | None = None) -> list[Record]:
    """Records of a Jobsuche answer page, or of a list of pages (``fetch_pages``).

    ``default_kind`` is the kind of positions neither the page (``angebotsart``) nor the
    title names; None leaves their kind empty, which the importer reports.
    """
    data = load_json(text, name)
    pages = data if isinstance(data, list) else [data]
    items: list[tuple[Any, str | None]] = []
    for page in pages:
        offers = page.get("stellenangebote") if isinstance(page, Mapping) else None
        if offers is None and isinstance(page, Mapping) and "maxErgebnisse" in page:
            offers = []  # a search that found nothing answers without the list
        if not isinstance(offers, list):
            raise file_error(
                name,
                'is not an answer of the Jobsuche ({"stellenangebote": [...]}, or a list of '
                "such pages).",
                'ist keine Antwort der Jobsuche ({"stellenangebote": [...]} oder eine Liste '
                "solcher Seiten).",
            )
        kind = ANGEBOTSART_KINDS.get(page.get("angebotsart"), default_kind)
        items.extend((offer, kind) for offer in offers)
    refnrs = [_text(item.get("refnr")) if isinstance(item, Mapping) else "" for item, _ in items]
    wheres = [
        f"Stellenangebot {number}" + (f" (refnr {refnr})" if refnr else "")
        for number, refnr in enumerate(refnrs, start=1)
    ]
    last = {refnr: where for refnr, where in zip(refnrs, wheres, strict=True) if refnr}
    records = []
    for (item, kind), refnr, where in zip(items, refnrs, wheres, strict=True):
        if not isinstance(item, Mapping):
            records.append(Record(where, {}, NOT_AN_OBJECT))
            continue
        values, warnings = _values(item, kind)
        superseded = last[refnr] if refnr and last[refnr] != where else ""
        records.append(Record(where, values, "", warnings, superseded_by=superseded))
    return records


# --- fetching ---------------------------------------------------------------------------------

#: ``opener(request, timeout)``: urllib's ``urlopen`` (tests give their own).
Opener = Callable[..., Any]


def _fetch_error(en: str, de: str) -> ImportError_:
    message = Sentence(f"{en} Nothing was imported.", f"{de} Es wurde nichts importiert.")
    return ImportError_(message, {"fetch": [message]})


def _page(url: str, headers: Mapping[str, str], timeout: float, opener: Opener) -> Any:
    request = urllib.request.Request(url, headers=dict(headers))
    try:
        with opener(request, timeout=timeout) as response:
            body = response.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the answer's connection
        hint = (
            " Check the setting ba_api_key (the X-API-Key the Jobsuche expects)."
            if exc.code in (401, 403)
            else ""
        )
        raise _fetch_error(
            f"The Jobsuche answered {exc.code} {exc.reason} to {url}.{hint}",
            f"Die Jobsuche antwortete {exc.code} {exc.reason} auf {url}."
            + (
                " Prüfen Sie die Einstellung ba_api_key (den X-API-Key der Jobsuche)."
                if hint
                else ""
            ),
        ) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _fetch_error(
            f"The Jobsuche could not be reached at {url} ({reason}).",
            f"Die Jobsuche war unter {url} nicht zu erreichen ({reason}).",
        ) from None
    if len(body) > MAX_PAGE_BYTES:
        raise _fetch_error(
            f"A page of the Jobsuche is larger than {MAX_PAGE_BYTES // 2**20} MB ({url}).",
            f"Eine Seite der Jobsuche ist größer als {MAX_PAGE_BYTES // 2**20} MB ({url}).",
        )
    try:
        return parse_json(body, source=url)
    except ImportError_ as exc:
        raise _fetch_error(
            f"The Jobsuche did not answer with JSON ({exc.message}).",
            f"Die Jobsuche antwortete nicht mit JSON ({exc.message}).",
        ) from None


def _count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def fetch_pages(
    url: str,
    api_key: str,
    query: Mapping[str, Any],
    *,
    angebotsart: int,
    page_size: int = 100,
    max_pages: int = 100,
    timeout: float = 30.0,
    opener: Opener | None = None,
) -> tuple[list[dict[str, Any]], bool]:
    """Every page of one search of the Jobsuche (``query``: ``wo``, ``umkreis`` ...; the
    ``angebotsart`` is added), each marked with its ``angebotsart``; and whether they are the
    whole result (False when ``max_pages`` stopped the paging first)."""
    headers = {
        "X-API-Key": api_key,
        "Accept": "application/json",
        "User-Agent": "regiokarte (jobs fetch-ba)",
    }
    pages: list[dict[str, Any]] = []
    seen = 0
    for number in range(1, max_pages + 1):
        params = {**query, "angebotsart": angebotsart, "page": number, "size": page_size}
        page = _page(
            f"{url}?{urllib.parse.urlencode(params)}",
            headers,
            timeout,
            opener or urllib.request.urlopen,
        )
        if not isinstance(page, dict):
            raise _fetch_error(
                f"The Jobsuche answered page {number} with {type(page).__name__}, not an object.",
                f"Die Jobsuche antwortete auf Seite {number} mit {type(page).__name__}, nicht "
                "mit einem Objekt.",
            )
        offers = page.get("stellenangebote") or []
        page["angebotsart"] = angebotsart
        pages.append(page)
        seen += len(offers) if isinstance(offers, list) else 0
        total = _count(page.get("maxErgebnisse"))
        if not offers or len(offers) < page_size or (total is not None and seen >= total):
            return pages, True
    return pages, False


def dump_pages(pages: list[dict[str, Any]]) -> str:
    """The pages as the file ``jobs fetch-ba`` stores (and ``read_ba`` reads)."""
    return json.dumps(pages, ensure_ascii=False, indent=1)
