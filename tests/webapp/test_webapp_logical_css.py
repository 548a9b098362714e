"""Every style sheet of the portal and the plugins names sides logically (start/end, not
left/right), so Arabic pages (``dir="rtl"``) mirror without a second style sheet.

Rules whose selector begins with ``[dir="rtl"]`` or ``[dir="ltr"]`` are direction-specific on
purpose (Leaflet's corners) and may name physical sides. Vendored files are not ours to change.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHEETS = sorted(
    path
    for folder in ("webapp", "plugins")
    for path in (ROOT / folder).rglob("*.css")
    if "vendor" not in path.parts
)
#: properties that name a physical side (their logical twins: *-inline-start/-end, inset-inline)
PHYSICAL_PROPERTY = re.compile(
    r"^(left|right|(margin|padding|border|scroll-margin|scroll-padding)-(left|right)(-\w+)*"
    r"|border-(top|bottom)-(left|right)-radius)$"
)
#: values that name one (text-align: left -> start, float: right -> inline-end)
PHYSICAL_VALUE = re.compile(r"^(text-align|float|clear|caption-side|resize)$")
#: four-value shorthands whose right and left differ mirror wrongly
SHORTHAND = re.compile(r"^(margin|padding|inset|border-width|border-style|border-color)$")


def _rules(css: str) -> list[tuple[str, str, int]]:
    """(selector, declarations, line) of every innermost rule, comments removed."""
    css = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group().count("\n"), css, flags=re.S)
    return [
        (m.group(1).strip(), m.group(2), css.count("\n", 0, m.start(2)) + 1)
        for m in re.finditer(r"([^{}]+)\{([^{}]*)\}", css)
    ]


def physical_sides(css: str) -> list[str]:
    """Each declaration in ``css`` that names a physical side outside a direction rule."""
    found = []
    for selector, body, line in _rules(css):
        top_level = re.sub(r"\([^()]*\)", "()", selector)  # commas inside :is() stay
        if all(part.strip().startswith("[dir=") for part in top_level.split(",")):
            continue
        for declaration in body.split(";"):
            name, _, value = declaration.partition(":")
            name, value = name.strip().lower(), value.replace("!important", "").strip()
            if not value:
                continue
            parts = value.split()
            if (
                PHYSICAL_PROPERTY.match(name)
                or (PHYSICAL_VALUE.match(name) and value in ("left", "right"))
                or (SHORTHAND.match(name) and len(parts) == 4 and parts[1] != parts[3])
            ):
                found.append(f"line {line}: {selector} {{ {name}: {value} }}")
    return found


def test_there_are_style_sheets_to_check() -> None:
    names = {path.name for path in SHEETS}
    assert {"portal.css", "questionnaire.css", "childcare.css", "events.css"} <= names


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_style_sheet_uses_logical_sides(sheet: Path) -> None:
    found = physical_sides(sheet.read_text(encoding="utf-8"))
    assert not found, (
        f"{sheet.relative_to(ROOT)} names physical sides; use the logical properties "
        "(margin-inline-start, inset-inline-end, text-align: start ...):\n" + "\n".join(found)
    )


def test_the_check_finds_physical_sides() -> None:
    css = """
    .a { margin-left: 1rem; padding: 0 1rem 0 0; }
    @media (min-width: 900px) { .b { right: 0; text-align: left; border-top-left-radius: 4px; } }
    .c { margin-inline-start: 1rem; padding: 0 1rem; inset: 0 0 0 0; text-align: start; }
    /* margin-left: 1rem */
    [dir="rtl"] .leaflet-left { left: auto; right: 0; }
    [dir="rtl"] :is(.d, .e) { text-align: right; }
    .f, [dir="rtl"] .g { float: left; }
    """
    assert [entry.split(": ", 1)[1] for entry in physical_sides(css)] == [
        ".a { margin-left: 1rem }",
        ".a { padding: 0 1rem 0 0 }",
        ".b { right: 0 }",
        ".b { text-align: left }",
        ".b { border-top-left-radius: 4px }",
        '.f, [dir="rtl"] .g { float: left }',
    ]
