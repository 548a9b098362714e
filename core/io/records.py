"""Records of foreign-shaped files, mapped without code: JSON record lists with nested fields,
value conversions declared in a mapping, and record filters.

Publishers export their data in many shapes: a plain JSON array of records, an object keyed by
id, records wrapped in ``{"data": [...]}``, addresses nested as ``address.postalcode``, ages in
months, opening times in milliseconds after midnight, kinds as codes (``KITA``, ``TPP``). The
importers of the plugins read such files through the helpers here, so one column mapping (field
-> candidate columns, where a column may be a dotted path) plus declared conversions is all an
operator writes:

- ``read_json_records(text, name=...)`` finds the records and flattens nested objects into
  dotted paths (``{"address": {"latitude": 54.8}}`` -> ``address.latitude``);
- ``ValueConversion.parse(spec, key)`` reads a conversion (``"milliseconds"``, ``"months"``,
  ``"clock"``, a value map ``{KITA = "kita"}``), ``conversion.apply(value)`` converts;
- ``RecordFilter.parse("type=KITA")`` keeps only matching records (``--where``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from attrs import frozen

from core.errors import ConfigError, ImportError_
from core.io.untrusted import parse_json

__all__ = [
    "CONVERSIONS",
    "cut_off_note",
    "RecordFilter",
    "SourceRecord",
    "ValueConversion",
    "flatten_record",
    "read_json_records",
]

#: Named conversions a mapping may declare, and what each one reads.
CONVERSIONS: dict[str, str] = {
    "milliseconds": "milliseconds after midnight -> clock time (25200000 -> 07:00)",
    "seconds": "seconds after midnight -> clock time (25200 -> 07:00)",
    "minutes": "minutes after midnight -> clock time (420 -> 07:00)",
    "clock": "a time of day as text, HH:MM or H.MM (7:00, 07.00) -> clock time",
    "months": "an age in months -> years (36 -> 3)",
    "number": "a number, with a decimal comma or point (7,5 -> 7.5)",
}
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?(?:\s*uhr)?", re.IGNORECASE)
#: A record key under which ``read_json_records`` keeps the key of an object of records.
RECORD_KEY = "record_key"


@frozen
class SourceRecord:
    """One record as read from a file: where it is (``record 3``) and its flat values."""

    position: str
    values: Mapping[str, Any]
    problem: str = ""


def cut_off_note(text: str, line: int) -> str:
    """For a CSV record too short for the header that ends on ``line`` (1-based): a note that
    the file ends in the middle of it when it is the file's last line and no line break ends
    the file (a half-copied file), else empty."""
    if text.endswith(("\n", "\r")) or line <= text.count("\n"):
        return ""
    return (
        ": the file ends in the middle of this record (cut off?); copy or export it again "
        "completely"
    )


def flatten_record(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects as dotted paths: ``{"a": {"b": 1}}`` -> ``{"a.b": 1}``.

    Lists of objects are numbered (``contacts.0.phone``); lists of plain values stay lists.
    """
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten_record(value, f"{path}."))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for number, item in enumerate(value):
                flat.update(flatten_record(item, f"{path}.{number}."))
        else:
            flat[path] = value
    return flat


def _is_feature_collection(data: Any) -> bool:
    return isinstance(data, dict) and data.get("type") == "FeatureCollection"


def read_json_records(data: str | bytes, *, name: str = "file") -> list[SourceRecord]:
    """The records of a JSON file, flattened (see ``flatten_record``).

    Accepted shapes: an array of objects; an object with one member that is an array of objects
    (``{"data": [...]}``, ``{"kitas": [...]}``); an object of objects keyed by id (the key is
    kept as ``record_key``). ``ImportError_`` names the shape found when it is none of these;
    the text is parsed by ``core.parse_json`` (nesting and Unicode checked, bytes as UTF-8).
    """
    data = parse_json(data, source=name)
    items: Iterable[tuple[str, Any]]
    keyed = False
    if isinstance(data, list):
        items = ((f"record {n}", item) for n, item in enumerate(data, start=1))
    elif _is_feature_collection(data):
        message = (
            "this is a GeoJSON FeatureCollection, not a list of records: import it with "
            "the format geojson."
        )
        raise ImportError_(f"{name}: {message}", {"file": [message]})
    elif isinstance(data, dict):
        lists = [
            (key, value)
            for key, value in data.items()
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
        ]
        if len(lists) == 1:
            member = lists[0][0]
            items = ((f"{member}[{n}]", item) for n, item in enumerate(lists[0][1]))
        elif data and all(isinstance(v, dict) for v in data.values()):
            keyed = True
            items = ((f"record {key!r}", (key, item)) for key, item in data.items())
        else:
            found = ", ".join(repr(k) for k, _ in lists) or "none"
            message = (
                "this JSON object is no list of records: give an array of objects, an object "
                'with one array of objects (such as {"data": [...]}) or an object of objects '
                f"keyed by id (arrays of objects in it: {found})."
            )
            raise ImportError_(f"{name}: {message}", {"file": [message]})
    else:
        message = f"the file holds a single JSON {type(data).__name__}, not a list of records."
        raise ImportError_(f"{name}: {message}", {"file": [message]})
    records = []
    for position, item in items:
        key = None
        if keyed:
            key, item = item
        if not isinstance(item, dict):
            records.append(SourceRecord(position, {}, f"it is a {_json_kind(item)}, no object"))
            continue
        values = flatten_record(item)
        if key is not None:
            values.setdefault(RECORD_KEY, key)
        records.append(SourceRecord(position, values))
    return records


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return "list"


def _number(value: Any) -> float:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{value!r} is no number")
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"{value!r} is no number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is no finite number")
    return number


def _clock_minutes(minutes: float, original: Any) -> int:
    if not 0 <= minutes <= 24 * 60:
        raise ValueError(f"{original!r} is no time of day (it gives {minutes:g} minutes)")
    return round(minutes)


@frozen
class ValueConversion:
    """A conversion declared in a column mapping: a named one (``CONVERSIONS``) or a value map.

    Clock conversions give minutes after midnight (``07:00`` -> 420), ``months`` years, a value
    map the mapped text (keys compared without regard to case and surrounding blanks).
    """

    kind: str
    values: Mapping[str, Any] = {}  # noqa: RUF012 - frozen, never changed

    @classmethod
    def parse(cls, spec: Any, key: str) -> ValueConversion:
        """A conversion from a setting's value; ``ConfigError`` names ``key`` and what is valid."""
        if isinstance(spec, str):
            if spec in CONVERSIONS:
                return cls(spec)
            raise ConfigError(
                f"{key}: {spec!r} is no conversion; use one of {', '.join(CONVERSIONS)} or a "
                'value map such as {KITA = "kita", TPP = "childminder"}.'
            )
        if isinstance(spec, Mapping) and spec:
            folded: dict[str, Any] = {}
            for raw, target in spec.items():
                if not isinstance(target, str | int | float | bool):
                    raise ConfigError(
                        f"{key}: the value map gives {raw!r} the value {target!r}; map to text, "
                        "numbers or true/false."
                    )
                folded[str(raw).strip().casefold()] = target
            return cls("map", folded)
        raise ConfigError(
            f"{key}: a conversion is a name ({', '.join(CONVERSIONS)}) or a non-empty value "
            f"map, not {spec!r}."
        )

    def apply(self, value: Any) -> Any:
        """The converted value; ``None`` stays ``None``; ``ValueError`` says what is wrong."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.kind == "map":
            mapped = self.values.get(str(value).strip().casefold())
            if mapped is None:
                raise ValueError(
                    f"{value!r} is not in the value map (known: {', '.join(sorted(self.values))})"
                )
            return mapped
        if self.kind == "clock":
            match = _CLOCK.fullmatch(str(value).strip())
            if match is None:
                raise ValueError(f"{value!r} is no time of day such as 07:00")
            return _clock_minutes(int(match[1]) * 60 + int(match[2] or 0), value)
        number = _number(value)
        if self.kind == "milliseconds":
            return _clock_minutes(number / 60_000, value)
        if self.kind == "seconds":
            return _clock_minutes(number / 60, value)
        if self.kind == "minutes":
            return _clock_minutes(number, value)
        if self.kind == "months":
            if number < 0:
                raise ValueError(f"{value!r} months is no age")
            return number / 12
        return number

    @property
    def gives_clock(self) -> bool:
        return self.kind in ("milliseconds", "seconds", "minutes", "clock")


@frozen
class RecordFilter:
    """A condition on a record's value (``--where type=KITA``, ``type!=TPP``, ``a.b=x,y``)."""

    path: str
    values: tuple[str, ...]
    negated: bool = False

    @classmethod
    def parse(cls, text: str) -> RecordFilter:
        """``path=value`` or ``path!=value``; several values separated by ``,``."""
        match = re.fullmatch(r"\s*([^=!\s][^=!]*?)\s*(!?=)\s*(.*?)\s*", text)
        if match is None or not match[3]:
            raise ImportError_(
                f"The record filter {text!r} is not of the form field=value (or field!=value, "
                "several values separated by ','), such as type=KITA.",
                {"where": ["field=value"]},
            )
        values = tuple(v.strip() for v in match[3].split(",") if v.strip())
        return cls(match[1], values, negated=match[2] == "!=")

    def matches(self, values: Mapping[str, Any]) -> bool:
        value = values.get(self.path)
        text = "" if value is None else str(value).strip()
        hit = text.casefold() in (v.casefold() for v in self.values)
        return hit != self.negated

    def __str__(self) -> str:
        return f"{self.path}{'!=' if self.negated else '='}{','.join(self.values)}"
