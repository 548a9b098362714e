"""The yes/no words, e-mail addresses, web addresses and postcodes every reader accepts.

Files, forms, feeds and questionnaires write the same things in many ways; reading them once
here means a value that one import, form or API accepts is accepted by all of them.
"""

from __future__ import annotations

import re
from typing import Any

from core.errors import Sentence
from core.texts import DOMAIN

__all__ = [
    "NO_WORDS",
    "YES_WORDS",
    "check_email",
    "check_postcode",
    "check_web_address",
    "is_email",
    "is_postcode",
    "is_web_address",
    "parse_yes_no",
]

#: Words read as yes (compared ignoring case and surrounding blanks), German and English, as
#: forms ("on"), spreadsheets ("x", "WAHR") and open-data files ("vorhanden") write them.
YES_WORDS = frozenset({"1", "true", "yes", "y", "on", "ja", "j", "x", "wahr", "vorhanden"})
#: Words read as no.
NO_WORDS = frozenset(
    {"0", "false", "no", "n", "off", "nein", "falsch", "kein", "keine", "none", "nicht vorhanden"}
)
#: Words that say the answer is not known: read as no answer (``None``).
_UNKNOWN_WORDS = frozenset({"-", "k. a.", "k.a.", "unbekannt", "unknown", "n/a"})

# one address part before and after the @, a dot in the domain; no blanks anywhere
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
# http(s) and a host, no blanks; pages escape what they show, so quotes stay the publisher's
_WEB_ADDRESS = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
# ASCII digits only: "\d" would accept Arabic-Indic digits no post office knows
_POSTCODE = re.compile(r"[0-9]{5}")


def parse_yes_no(value: Any) -> bool | None:
    """``True``/``False`` for a bool or a yes/no word; ``None`` for empty or "unknown".

    Anything else raises ``ValueError`` naming the value and the words that are read.
    """
    if value is None or isinstance(value, bool):
        return value
    text = " ".join(str(value).split()).casefold()
    if text == "" or text in _UNKNOWN_WORDS:
        return None
    if text in YES_WORDS:
        return True
    if text in NO_WORDS:
        return False
    raise ValueError(Sentence.message(DOMAIN, "error.not_yes_no", value=repr(value)))


def is_email(text: str) -> bool:
    """Whether ``text`` is shaped like an e-mail address (name@example.org)."""
    return bool(_EMAIL.fullmatch(text))


def check_email(text: str) -> str:
    """``text`` stripped when it is an e-mail address; ``ValueError`` with the fix otherwise."""
    text = text.strip()
    if not is_email(text):
        raise ValueError(Sentence.message(DOMAIN, "error.not_an_email", value=repr(text)))
    return text


def is_web_address(text: str) -> bool:
    """Whether ``text`` is an http(s) address without blanks (https://example.org/page)."""
    return bool(_WEB_ADDRESS.fullmatch(text))


def check_web_address(text: str) -> str:
    """``text`` stripped when it is a web address; ``ValueError`` with the fix otherwise."""
    text = text.strip()
    if not is_web_address(text):
        raise ValueError(Sentence.message(DOMAIN, "error.not_a_web_address", value=repr(text)))
    return text


def is_postcode(text: str) -> bool:
    """Whether ``text`` is a German postcode (five digits)."""
    return bool(_POSTCODE.fullmatch(text))


def check_postcode(text: str) -> str:
    """``text`` stripped when it is a German postcode; ``ValueError`` with the fix otherwise."""
    text = text.strip()
    if not is_postcode(text):
        raise ValueError(Sentence.message(DOMAIN, "error.not_a_postcode", value=repr(text)))
    return text
