"""The training plugin's vocabularies: course kinds, providers, formats, funding, and what
ties courses and apprenticeships to KldB 2010 professions (Berufshauptgruppen).

They are data (``vocabulary.toml``), read once at import. Codes are stable (they are stored and
used in URLs); labels are keys of the plugin's catalog (``locale/messages.toml``).
"""

from __future__ import annotations

import functools
import re

from core import Choice
from core import fold
from core import read_data_file
from core import vocabulary

from plugins.training.texts import message

__all__ = [
    "APPRENTICESHIP_EXAMPLES",
    "DUAL_STUDY_PROGRAMMES",
    "FORMATS",
    "FUNDING",
    "KINDS",
    "PROFESSION_KEYWORDS",
    "PROVIDER_TYPES",
    "apprenticeship_choices",
    "profession_choices",
    "professions_in_text",
]


_DATA = read_data_file(__package__, "vocabulary.toml")
KINDS = _DATA.vocabulary("kinds", "course kind")
PROVIDER_TYPES = _DATA.vocabulary("provider_types", "provider type")
FORMATS = _DATA.vocabulary("formats", "course format")
FUNDING = _DATA.vocabulary("funding", "funding")
#: Typical apprenticeships (Ausbildungsberufe) per Berufshauptgruppe: shown in the filter's
#: labels (so "Mechatroniker" finds group 26) and used as titles by the demo generator.
APPRENTICESHIP_EXAMPLES = _DATA.string_lists("apprenticeship_examples")
#: Study programmes a dual-study partner typically offers, per Berufshauptgruppe (demo data).
DUAL_STUDY_PROGRAMMES = _DATA.strings("dual_study_programmes")
#: Words in a course's title or keywords that tie it to a Berufshauptgruppe, matched as folded
#: word prefixes ("elektro" finds "Elektrofachkraft").
PROFESSION_KEYWORDS = _DATA.string_lists("profession_keywords")

_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")


def professions_in_text(*texts: str) -> tuple[str, ...]:
    """The Berufshauptgruppen whose keywords start a word of ``texts`` (in code order)."""
    folded = " ".join(fold(t) for t in texts if t)
    tokens = _WORD.findall(folded)
    found = []
    for code, keywords in PROFESSION_KEYWORDS.items():
        for keyword in keywords:
            if " " in keyword:
                hit = keyword in folded
            else:
                hit = any(token.startswith(keyword) for token in tokens)
            if hit:
                found.append(code)
                break
    return tuple(sorted(found))


@functools.cache
def profession_choices() -> tuple[Choice, ...]:
    """Every KldB Berufshauptgruppe as a filter choice (grouped by Berufsbereich)."""
    return tuple(Choice(t.code, t.label, group=t.parent) for t in vocabulary("professions"))


@functools.cache
def apprenticeship_choices() -> tuple[Choice, ...]:
    """Berufshauptgruppen with typical apprenticeships in the label, ungrouped.

    The portal's filter picker searches the labels, so "Mechatroniker" finds group 26; the
    group codes are left out because the portal only knows how to name the groups of its own
    profession filter.
    """
    out = []
    for term in vocabulary("professions"):
        examples = APPRENTICESHIP_EXAMPLES.get(term.code, ())
        label = term.label
        if examples:
            label = message("field_examples", label=term.label, examples=", ".join(examples[:2]))
        out.append(Choice(term.code, label))
    return tuple(out)
