"""Reading course files into records: the plugin's own CSV and JSON format, and the JSON the
course search of the Bundesagentur für Arbeit (Weiterbildungssuche) answers with.

Readers only parse; they never check the values (``importer`` does, for every record, and
reports each one). Problems of a file as a whole (not UTF-8, not JSON, unknown CSV columns)
raise ``ImportError_`` at once. The formats are documented in the plugin's README.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import define
from attrs import field
from core import ImportError_
from core import check_json
from core import check_lines
from core import parse_json
from core import read_csv_table

from plugins.training.model import FIELDS
from plugins.training.vocabulary import professions_in_text

__all__ = [
    "FORMATS",
    "Record",
    "ba_values",
    "decode",
    "detect_format",
    "read_ba",
    "read_csv",
    "read_json",
    "read_records",
]

#: csv and json: the plugin's own format; ba: a Weiterbildungssuche result page.
FORMATS = ("csv", "json", "ba")


@define
class Record:
    """One course as read from a file: where it was, its raw values, what the reader noticed."""

    where: str
    values: dict[str, Any]
    problem: str = ""
    warnings: list[str] = field(factory=list)


def _file_error(name: str, message: str) -> ImportError_:
    return ImportError_(f"{name}: {message} Nothing was imported.", {"file": [message]})


#: Largest course file read (20,000 courses with long descriptions fit many times over).
MAX_FILE_BYTES = 100 * 1024 * 1024


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file (with or without byte order mark); lines longer than
    ``core.MAX_LINE_BYTES`` are refused."""
    check_lines(data, source=name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _file_error(
            name, f"is not UTF-8 text (line {line}); save it as UTF-8 and import again."
        ) from None


def detect_format(name: str, text: str, given: str | None = None) -> str:
    """``given``, else csv for .csv files, ba for JSON with ``_embedded.termine``, else json."""
    if given:
        if given not in FORMATS:
            raise ImportError_(
                f"The format {given!r} is not supported; use one of {', '.join(FORMATS)}.",
                {"format": [f"one of {', '.join(FORMATS)}"]},
            )
        return given
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json" or text.lstrip().startswith(("{", "[")):
        return "ba" if '"_embedded"' in text[:4096] and '"termine"' in text else "json"
    raise ImportError_(
        f"Cannot tell the format of {name!r}; name it .csv or .json, or give the format "
        f"({', '.join(FORMATS)}).",
        {"format": ["unknown extension"]},
    )


def read_records(text: str, fmt: str, name: str = "file") -> list[Record]:
    """The records of ``text`` in format ``fmt``."""
    if fmt == "csv":
        return read_csv(text, name)
    if fmt == "json":
        return read_json(text, name)
    return read_ba(text, name)


# --- own format -----------------------------------------------------------------------------


def read_csv(text: str, name: str = "file") -> list[Record]:
    """Records of a CSV text: header line first, ',' or ';' between fields."""
    table = read_csv_table(text, name=name, columns=FIELDS, required=("title",), delimiters=",;")
    records: list[Record] = []
    for row in table.rows:
        values: dict[str, Any] = dict(row.values)
        if table.delimiter == ";":
            # with ';' between fields, lists are separated by ',' (see README)
            for key in ("professions", "funding"):
                if key in values:
                    values[key] = values[key].replace(",", ";")
        records.append(Record(row.where, values, row.problem))
    return records


def _load_json(text: str, name: str) -> Any:
    try:
        value = json.loads(text)
    except RecursionError:
        return parse_json(text, source=name)  # raises: nested too deeply
    except json.JSONDecodeError as exc:
        raise _file_error(name, f"is not valid JSON (line {exc.lineno}): {exc.msg}.") from None
    check_json(value, source=name)
    return value


def read_json(text: str, name: str = "file") -> list[Record]:
    """Records of ``{"courses": [...]}`` (or a bare list): one object per course."""
    data = _load_json(text, name)
    items = data.get("courses") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise _file_error(name, 'is not a list of courses ({"courses": [{...}, ...]}).')
    records = []
    for number, item in enumerate(items, start=1):
        where = f"course {number}"
        if not isinstance(item, dict):
            records.append(Record(where, {}, "it is not an object"))
            continue
        unknown = sorted(set(item) - set(FIELDS) - {"id"})
        problem = f"unknown field(s) {', '.join(unknown)}" if unknown else ""
        values = {k: v for k, v in item.items() if k != "id"}
        records.append(Record(where, values, problem))
    return records


# --- Weiterbildungssuche (Bundesagentur für Arbeit) -----------------------------------------


def read_ba(text: str, name: str = "file") -> list[Record]:
    """Records of a Weiterbildungssuche answer: ``{"_embedded": {"termine": [...]}, ...}``.

    Several pages may be given as a list of such answers.
    """
    data = _load_json(text, name)
    pages = data if isinstance(data, list) else [data]
    termine: list[Any] = []
    for page in pages:
        embedded = page.get("_embedded") if isinstance(page, dict) else None
        items = embedded.get("termine") if isinstance(embedded, dict) else None
        if not isinstance(items, list):
            raise _file_error(
                name,
                'is not a Weiterbildungssuche answer ({"_embedded": {"termine": [...]}}).',
            )
        termine.extend(items)
    records = []
    for number, termin in enumerate(termine, start=1):
        ident = termin.get("id") if isinstance(termin, dict) else None
        where = f"termin {number}" + (f" (id {ident})" if ident is not None else "")
        if not isinstance(termin, dict):
            records.append(Record(where, {}, "it is not an object"))
            continue
        values, warnings = ba_values(termin)
        records.append(Record(where, values, "", warnings))
    return records


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _ba_date(value: Any) -> Any:
    # the search answers with milliseconds since 1970 (UTC); older answers with ISO text
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        stamp = dt.datetime.fromtimestamp(value / 1000, dt.UTC)
        # midnight German time is 22:00 or 23:00 UTC the day before
        return (stamp + dt.timedelta(hours=3)).date().isoformat()
    return value


def _link(value: Any) -> str:
    text = _text(value)
    if text and not text.lower().startswith(("http://", "https://")):
        text = "https://" + text  # the search gives "www.anbieter.de/kurs"
    return text


def _provider_type(name: str) -> str:
    lower = name.casefold()
    if "volkshochschule" in lower or "vhs" in lower.split() or lower.startswith("vhs"):
        return "vhs"
    if any(w in lower for w in ("ihk", "handwerkskammer", "hwk", "kammer")):
        return "kammer"
    if any(w in lower for w in ("hochschule", "universität", "kolleg", "college")):
        return "hochschule"
    return "privat"


def _kind(text: str, systematics: list[str]) -> str:
    lower = text.casefold()
    if "umschulung" in lower:
        return "umschulung"
    if any(code.strip().upper().startswith("D") for code in systematics) or any(
        w in lower for w in ("meister", "fachwirt", "techniker", "betriebswirt", "aufstieg")
    ):
        return "aufstieg"
    if any(w in lower for w in ("sprachkurs", "deutsch", "englisch", "sprache")):
        return "sprache"
    if any(w in lower for w in ("ausbildereignung", "aevo", "prüfungsvorbereitung", "azubi")):
        return "ausbildung"
    return "weiterbildung"


def _format(form_id: Any, label: str) -> str:
    # Unterrichtsform: 1xx in person, 2xx digital, 3xx combined, 4xx distance learning
    group = form_id // 100 if isinstance(form_id, int) and not isinstance(form_id, bool) else 0
    if group == 3:
        return "blended"
    if group in (2, 4):
        return "online"
    if group == 1:
        return "praesenz"
    lower = label.casefold()
    if "blended" in lower or "kombin" in lower:
        return "blended"
    if "online" in lower or "virtuell" in lower or "fern" in lower:
        return "online"
    return "praesenz"


def _funding(termin: Mapping[str, Any], text: str) -> list[str]:
    codes = []
    lower = text.casefold()
    if termin.get("foerderung") is True or "bildungsgutschein" in lower:
        codes.append("bildungsgutschein")
    if "aufstiegs-bafög" in lower or "aufstiegsbafög" in lower or "afbg" in lower:
        codes.append("aufstiegs_bafoeg")
    if "qualifizierungschancen" in lower or "§ 82" in lower or "§82" in lower:
        codes.append("beschaeftigte")
    if "bildungsurlaub" in lower or "awbg" in lower:
        codes.append("bildungsurlaub")
    return codes


def ba_values(termin: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """One Weiterbildungssuche ``termin`` as values of the own format, and what was guessed."""
    warnings: list[str] = []
    angebot = termin.get("angebot") if isinstance(termin.get("angebot"), Mapping) else {}
    adresse = termin.get("adresse") if isinstance(termin.get("adresse"), Mapping) else {}
    # the field is spelt "ortStrasse" in newer answers and "ortStraße" in older ones
    ort = _get(adresse, "ortStrasse") or _get(adresse, "ortStraße") or {}
    coordinates = _get(adresse, "koordinaten") or {}
    title = _text(angebot.get("titel"))
    provider = _text(_get(angebot, "bildungsanbieter", "name")) or _text(adresse.get("bezeichnung"))
    systematics = [
        _text(s.get("codeNr"))
        for s in angebot.get("systematiken") or ()
        if isinstance(s, Mapping) and _text(s.get("codeNr"))
    ]
    keywords = [
        _text(v)
        for item in angebot.get("suchworte") or ()
        if isinstance(item, Mapping)
        for v in item.values()
    ]
    kind_text = " ".join(
        [
            title,
            _text(_get(angebot, "bildungsart", "bezeichnung")),
            _text(angebot.get("abschlussart")),
        ]
    )
    form = (
        termin.get("unterrichtsform") if isinstance(termin.get("unterrichtsform"), Mapping) else {}
    )
    times = _text(_get(termin, "unterrichtszeit", "bezeichnung"))
    duration = _text(_get(termin, "dauer", "bezeichnung"))
    cost_note = _text(termin.get("kostenBemerkung"))
    funding_text = " ".join([cost_note, _text(angebot.get("foerderung")), title])
    professions = professions_in_text(title, *keywords, _text(angebot.get("abschlussbezeichnung")))
    if not professions:
        warnings.append(
            "no KldB profession recognised in title or keywords; the course is listed but not "
            "linked to professions"
        )
    cost = termin.get("kostenWert")
    if isinstance(cost, str):
        # "1.234,50" is how the search writes amounts
        cost = cost.replace(".", "").replace(",", ".").strip() or None
    plz = _get(ort, "plz")
    values: dict[str, Any] = {
        "external_id": str(termin.get("id")) if termin.get("id") is not None else None,
        "title": title,
        "description": _text(angebot.get("inhalt"))[:5000],
        "provider": provider,
        "provider_type": _provider_type(provider),
        "kind": _kind(kind_text, systematics),
        "professions": list(professions),
        "format": _format(form.get("id"), _text(form.get("bezeichnung"))),
        "start_date": _ba_date(termin.get("beginn")),
        "end_date": _ba_date(termin.get("ende")),
        "on_demand": termin.get("individuellerEinstieg") is True,
        "duration": ", ".join(p for p in (duration, times) if p),
        "cost_eur": cost,
        "cost_note": cost_note[:500],
        "funding": _funding(termin, funding_text),
        "street": _text(adresse.get("strasse")),
        "postcode": str(plz).zfill(5) if isinstance(plz, int) else _text(plz),
        "town": _text(_get(ort, "name")),
        "lat": _get(coordinates, "lat"),
        "lon": _get(coordinates, "lon"),
        "link": _link(termin.get("link")) or _link(angebot.get("link")),
    }
    if values["cost_eur"] is None and cost_note:
        warnings.append("costs given as text only (kostenBemerkung)")
    return values, warnings
