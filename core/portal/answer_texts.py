"""Answers and profile fields as a person reads them: labels and formatted numbers, never codes.

The moderation page and the submissions API list what approving a submission changes
(``submissions.changes``); each value is shown the way the public profile names it: the
label of a question's option (for core's questions the vocabulary term's label, the same
text), yes or no, a number in the language's format, an address with its position on the
map. A code that no option knows (an answer written through the API by an older version,
say) is shown as it is: it is all there is to show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from core.classifications import Vocabulary
from core.errors import ValidationError
from core.formatting import format_date, format_number
from core.i18n import catalog
from core.portal.questionnaire import DOMAIN, AnswerType, Question

__all__ = [
    "NUMBER_DIGITS",
    "POSITION_DIGITS",
    "answer_text",
    "items_text",
    "location_text",
    "position_text",
    "term_text",
    "value_text",
]

#: decimals of a number answer (a share of places, an amount in euros and cents)
NUMBER_DIGITS = 2
#: decimals of a position in degrees: five are about a metre, finer than any pin is set
POSITION_DIGITS = 5
_NONE = "–"


def _text(key: str, lang: str, **values: Any) -> str:
    return catalog(DOMAIN).text(key, lang, **values)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == () or value == {}


def value_text(value: Any, lang: str) -> str:
    """A value without a question to name it: yes/no, numbers formatted, lists joined."""
    if _empty(value):
        return _NONE
    if isinstance(value, bool):
        return _text("yes" if value else "no", lang)
    if isinstance(value, int | float):
        return format_number(value, lang, NUMBER_DIGITS)
    if isinstance(value, list | tuple):
        return ", ".join(value_text(v, lang) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(value_text(v, lang) for v in value.values() if not _empty(v)) or _NONE
    return str(value)


def answer_text(question: Question, value: Any, lang: str) -> str:
    """A checked answer to ``question`` as the profile would name it in ``lang``."""
    if _empty(value):
        return _NONE
    kind = question.answer
    if kind in (AnswerType.BOOL, AnswerType.CONSENT, AnswerType.IMAGE) and isinstance(value, bool):
        return _text("yes" if value else "no", lang)
    if kind is AnswerType.CHOICE:
        return question.option_label(value, lang)
    if kind is AnswerType.MULTICHOICE and isinstance(value, list | tuple):
        return ", ".join(question.option_label(v, lang) for v in value)
    if kind is AnswerType.LOCATION and isinstance(value, Mapping):
        return position_text(value.get("lat"), value.get("lon"), lang)
    if kind is AnswerType.DATE and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value  # as entered: there is no day to format
    if kind is AnswerType.ITEMS and isinstance(value, list | tuple):
        return "\n\n".join(
            items_text(question, index, record, lang)
            for index, record in enumerate(value)
            if isinstance(record, Mapping)
        )
    return value_text(value, lang)


def items_text(question: Question, index: int, record: Mapping[str, Any], lang: str) -> str:
    """Record ``index`` of an ITEMS answer: its name, then one line per answer given
    ("Titel: Kfz-Mechatroniker/in"), the answers named and formatted like any other."""
    lines = [question.item_label(index)(lang)]
    for item in question.items:
        value = record.get(item.key)
        if not _empty(value):
            text = answer_text(item, value, lang).replace("\n", " ")
            lines.append(_text("moderation.item_answer", lang, label=item.label(lang), text=text))
    return "\n".join(lines)


def term_text(vocabulary: Vocabulary, value: Any, lang: str) -> str:
    """A vocabulary code (or a list of codes) by its term's label."""
    if _empty(value):
        return _NONE
    codes = value if isinstance(value, list | tuple) else [value]
    labels = []
    for code in codes:
        try:
            labels.append(vocabulary.get(code).label(lang))
        except ValidationError:
            labels.append(str(code))
    return ", ".join(labels)


def position_text(lat: Any, lon: Any, lang: str) -> str:
    """A position as degrees north/south and east/west, in the language's number format."""
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return _NONE
    return _text(
        "moderation.position",
        lang,
        lat=format_number(abs(lat), lang, POSITION_DIGITS),
        lon=format_number(abs(lon), lang, POSITION_DIGITS),
        ns=_text("moderation.north" if lat >= 0 else "moderation.south", lang),
        ew=_text("moderation.east" if lon >= 0 else "moderation.west", lang),
    )


def location_text(value: Any, lang: str) -> str:
    """An address and its position on the map (``street``, ``postcode``, ``town``, ``lat``,
    ``lon``) as two lines: the address as on a letter, then the position."""
    if not isinstance(value, Mapping) or _empty(value):
        return _NONE
    place = " ".join(str(value.get(k) or "") for k in ("postcode", "town")).strip()
    address = ", ".join(part for part in (str(value.get("street") or ""), place) if part)
    position = (
        position_text(value.get("lat"), value.get("lon"), lang)
        if value.get("lat") is not None
        else ""
    )
    return "\n".join(line for line in (address, position) if line) or _NONE
