"""The sports the plugin knows: filter choices, questionnaire options and OSM ``sport=*`` values."""

from __future__ import annotations

from core import Choice, Option, Text

__all__ = ["SPORTS", "choices", "label", "options", "sports_of"]

#: code, German label, English label, OSM values of ``sport=*`` that mean it
SPORTS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("soccer", "Fußball", "Football", ("soccer", "football")),
    ("handball", "Handball", "Handball", ("handball",)),
    ("swimming", "Schwimmen", "Swimming", ("swimming", "water_polo", "diving")),
    ("athletics", "Leichtathletik und Laufen", "Athletics and running", ("athletics", "running")),
    ("gymnastics", "Turnen", "Gymnastics", ("gymnastics", "multi")),
    ("tennis", "Tennis", "Tennis", ("tennis",)),
    ("table_tennis", "Tischtennis", "Table tennis", ("table_tennis",)),
    ("fitness", "Fitness", "Fitness", ("fitness", "yoga", "pilates")),
    (
        "martial_arts",
        "Kampfsport",
        "Martial arts",
        ("judo", "karate", "taekwondo", "boxing", "martial_arts"),
    ),
    ("other", "Weitere Sportarten", "Other sports", ()),
)
_BY_OSM = {value: code for code, _, _, values in SPORTS for value in values}


def choices() -> tuple[Choice, ...]:
    """Filter choices, one per sport."""
    return tuple(Choice(code, de, en) for code, de, en, _ in SPORTS)


def options() -> tuple[Option, ...]:
    """Questionnaire options, one per sport."""
    return tuple(Option(code, Text.literal(de=de, en=en)) for code, de, en, _ in SPORTS)


def label(code: str, lang: str) -> str:
    for value, de, en, _ in SPORTS:
        if value == code:
            return en if lang == "en" else de
    return code


def sports_of(tag: str) -> tuple[str, ...]:
    """Sport codes of an OSM ``sport=*`` value (``soccer;tennis``); unknown ones are 'other'."""
    codes = [_BY_OSM.get(v.strip().lower(), "other") for v in tag.split(";") if v.strip()]
    return tuple(dict.fromkeys(codes)) or ("other",)
