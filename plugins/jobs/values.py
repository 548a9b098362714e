"""A record's values as a ``Position``: what an import file (or an API body) gives, text or
typed, read field by field, with every problem named at once as ``field: message`` in English
and German.

Dates are ``YYYY-MM-DD`` or ``DD.MM.YYYY`` (a moment's day is its date), numbers take a decimal
point or comma, a kind is its code or its German or English label, a profession a KldB 2010
code or an occupation of the plugin's table (``professions``), a company its number in the
portal. The ``Position``'s own rules (``Position.validated``) run as well; a value that could
not be read is named once.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from core import Sentence
from core import ValidationError
from core import fold

from plugins.jobs import vocabulary as jv
from plugins.jobs.model import Position
from plugins.jobs.professions import profession_code

__all__ = ["position_from_values"]


class _Problems:
    """A record's problems, each ``field: message`` in English and German."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, key: str, en: str, de: str) -> None:
        self.messages.append(Sentence(f"{key}: {en}", f"{key}: {de}"))

    def add_sentence(self, key: str, message: str) -> None:
        self.add(key, str(message), Sentence.of(message, "de"))


def _text(values: Mapping[str, Any], key: str, problems: _Problems) -> str:
    value = values.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        problems.add(key, f"{value!r} must be text", f"{value!r} muss ein Text sein")
        return ""
    return str(value).strip()


def _day(values: Mapping[str, Any], key: str, problems: _Problems) -> dt.date | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = value.strip() if isinstance(value, str) else ""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?", text):
        text = text[:10]  # a moment (2026-03-02T10:00:00): its day
    found = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if found:
            day, month, year = (int(part) for part in found.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    problems.add(
        key,
        f"{value!r} is not a date; write it as YYYY-MM-DD (2026-03-02) or DD.MM.YYYY",
        f"{value!r} ist kein Datum; schreiben Sie es als TT.MM.JJJJ (02.03.2026) oder JJJJ-MM-TT",
    )
    return None


_GERMAN_NUMBER = re.compile(r"-?\d+,\d+")


def _number(values: Mapping[str, Any], key: str, problems: _Problems) -> float | None:
    value = values.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        text = value.strip() if isinstance(value, str) else ""
        if _GERMAN_NUMBER.fullmatch(text):
            text = text.replace(",", ".")  # 51,6123 as German spreadsheets write it
        try:
            number = float(text)
        except ValueError:
            number = math.nan
    if not math.isfinite(number):
        problems.add(key, f"{value!r} is not a number", f"{value!r} ist keine Zahl")
        return None
    return number


def _kind_words() -> dict[str, str]:
    """Every way a file may name a kind: its code, its German and English label, folded."""
    words: dict[str, str] = {}
    for term in jv.KINDS:
        for name in (term.code, term.label("de"), term.label("en")):
            words[re.sub(r"[^a-z0-9]+", " ", fold(name)).strip()] = term.code
    return words


def _kind(values: Mapping[str, Any], problems: _Problems) -> str:
    text = _text(values, "kind", problems)
    if not text:
        problems.add(
            "kind",
            f"missing; give one of {_KIND_LIST['en']}",
            f"fehlt; geben Sie eine der Arten {_KIND_LIST['de']} an",
        )
        return ""
    code = _KIND_WORDS.get(re.sub(r"[^a-z0-9]+", " ", fold(text)).strip())
    if code is None:
        problems.add(
            "kind",
            f"{text!r} is no kind of position; use one of {_KIND_LIST['en']}",
            f"{text!r} ist keine Art von Stelle; möglich sind {_KIND_LIST['de']}",
        )
        return ""
    return code


def _kind_list(lang: str) -> str:
    return ", ".join(f"{t.code} ({t.label(lang)})" for t in jv.KINDS)


_KIND_WORDS = _kind_words()
_KIND_LIST = {"en": _kind_list("en"), "de": _kind_list("de")}


def _profession(values: Mapping[str, Any], problems: _Problems) -> str | None:
    value = values.get("profession")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _text({"profession": value}, "profession", problems)
    if not text:
        return None
    code = profession_code(text)
    if code is None:
        problems.add(
            "profession",
            f"{text!r} is neither a KldB 2010 code (2 to 5 digits, such as 25212) nor an "
            "occupation the plugin's table knows; give the code",
            f"{text!r} ist weder ein KldB-2010-Schlüssel (2 bis 5 Ziffern, etwa 25212) noch "
            "ein Beruf aus der Tabelle des Plugins; geben Sie den Schlüssel an",
        )
    return code


def _company(
    values: Mapping[str, Any], problems: _Problems, exists: Callable[[int], bool]
) -> int | None:
    value = values.get("company_id")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip() if isinstance(value, str | int) else ""
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 2**31:
        problems.add(
            "company_id",
            f"{value!r} is not a company number",
            f"{value!r} ist keine Unternehmensnummer",
        )
        return None
    if not exists(int(text)):
        problems.add(
            "company_id",
            f"there is no company {text}; leave the column empty to match the employer by "
            "name and postcode",
            f"es gibt kein Unternehmen {text}; lassen Sie die Spalte leer, dann wird der "
            "Arbeitgeber über Name und Postleitzahl zugeordnet",
        )
        return None
    return int(text)


def position_from_values(
    values: Mapping[str, Any],
    *,
    source: str,
    today: dt.date,
    company_exists: Callable[[int], bool],
) -> Position:
    """A validated position from the raw values of a record (text or typed), not yet matched
    (``match`` is ``manual`` with a ``company_id`` given, else ``unmatched``).

    A missing ``published`` is ``today``. Every problem is reported at once:
    ``ValidationError.errors["position"]`` holds ``field: message`` sentences.
    """
    problems = _Problems()
    data: dict[str, Any] = {"source": source}
    for key in (
        "external_id",
        "title",
        "employer_name",
        "employer_postcode",
        "employer_town",
        "description",
        "apply_url",
        "apply_email",
        "apply_phone",
    ):
        data[key] = _text(values, key, problems)
    if not data["external_id"]:
        problems.add(
            "external_id",
            "missing; give each position the id it has in your system, so that importing the "
            "file again updates it instead of adding it twice",
            "fehlt; geben Sie jeder Stelle die Nummer aus Ihrem System, damit ein erneuter "
            "Import sie aktualisiert statt sie doppelt anzulegen",
        )
    data["kind"] = _kind(values, problems)
    data["profession"] = _profession(values, problems)
    for key in ("start_date", "published", "valid_through", "filled_on"):
        data[key] = _day(values, key, problems)
    data["published"] = data["published"] or today
    data["lat"] = _number(values, "lat", problems)
    data["lon"] = _number(values, "lon", problems)
    company_id = _company(values, problems, company_exists)
    data["company_id"] = company_id
    data["match"] = "manual" if company_id is not None else "unmatched"
    position = Position(**data)
    named = {m.partition(":")[0] for m in problems.messages}
    try:
        position = position.validated()
    except ValidationError as exc:
        for key, messages in exc.errors.items():
            if key not in named:  # a value the record could not read is named once
                for message in messages:
                    problems.add_sentence(key, message)
    if problems.messages:
        en = "; ".join(problems.messages)
        de = "; ".join(Sentence.of(m, "de") for m in problems.messages)
        raise ValidationError(
            Sentence(
                f"Position {position.title!r} is invalid: {en}.",
                f"Die Stelle {position.title!r} ist fehlerhaft: {de}.",
            ),
            {"position": problems.messages},
        )
    return position
