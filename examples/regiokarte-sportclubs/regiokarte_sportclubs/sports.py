"""The sports the plugin knows: filter choices, questionnaire options and OSM ``sport=*`` values.

They are data (``sports.toml``): the codes and their OpenStreetMap values there, the labels in
the plugin's catalog (``locale/``), so every language the catalog has names every sport.
"""

from __future__ import annotations

import functools

from core import Choice, Option, choice_label, read_data_file

__all__ = ["choices", "label", "options", "sports_of"]

_DATA = read_data_file(__package__, "sports.toml")


@functools.cache
def choices() -> tuple[Choice, ...]:
    """Filter choices, one per sport."""
    return _DATA.choices("sports")


def options() -> tuple[Option, ...]:
    """Questionnaire options, one per sport."""
    return _DATA.options("sports")


def label(code: str, lang: str | None = None) -> str:
    """The sport's label in ``lang`` (the current language when None); an unknown code as is."""
    return choice_label(choices(), code, lang)


@functools.cache
def _by_osm() -> dict[str, str]:
    return {value: code for code, values in _DATA.string_lists("osm").items() for value in values}


def sports_of(tag: str) -> tuple[str, ...]:
    """Sport codes of an OSM ``sport=*`` value (``soccer;tennis``); unknown ones are 'other'."""
    codes = [_by_osm().get(v.strip().lower(), "other") for v in tag.split(";") if v.strip()]
    return tuple(dict.fromkeys(codes)) or ("other",)
