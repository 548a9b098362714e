"""Map symbols: one style (colour, shape, glyph) per layer, the same on every map.

A layer names a symbol by its ``marker`` hint (``"kita"``, ``"stop"`` ...); ``MARKER_STYLES``
is the one table the hints resolve to, and a layer may set its own ``colour``, ``shape`` or
``glyph`` (a plugin's ``plugin.toml`` or code). ``layer_styles`` resolves every layer of a
portal at once so that no two layers look alike: a layer whose hint is unknown, or whose
style an earlier layer already took, gets the next free colour and shape of the palette.
The maps (the start page, the plugins' pages) draw what the server resolved and never choose
a style themselves, so a Kita looks the same wherever it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:
    from core.search.layers import Layer

__all__ = [
    "MARKER_GLYPHS",
    "MARKER_SHAPES",
    "MARKER_STYLES",
    "MarkerStyle",
    "check_colour",
    "check_glyph",
    "check_shape",
    "layer_styles",
]

#: The outlines a symbol can have (the maps draw each as an SVG path).
MARKER_SHAPES = ("pin", "circle", "square", "diamond", "hexagon", "shield")

#: The pictograms drawn in white inside a symbol; "" draws none.
MARKER_GLYPHS = (
    "",
    "dot",
    "child",
    "bus",
    "train",
    "house",
    "book",
    "calendar",
    "people",
    "briefcase",
)

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


@frozen
class MarkerStyle:
    """How a layer's symbols look: ``colour`` (#rrggbb, the fill behind a white glyph),
    ``shape`` (one of ``MARKER_SHAPES``) and ``glyph`` (one of ``MARKER_GLYPHS``); ``key``
    names the style (the layer's hint, made unique) for style sheets and tests."""

    colour: str
    shape: str
    glyph: str = ""
    key: str = ""

    def as_dict(self) -> dict[str, str]:
        """The style as the API sends it."""
        return {"key": self.key, "colour": self.colour, "shape": self.shape, "glyph": self.glyph}


def check_colour(value: str, where: str = "colour") -> str:
    """``value`` if it is empty or a colour ``#rrggbb`` (lower-cased), else ValueError."""
    if value and not _COLOUR.fullmatch(value):
        raise ValueError(f"{where}: a colour is written #rrggbb (such as #b8336a), not {value!r}.")
    return value.lower()


def check_shape(value: str, where: str = "shape") -> str:
    """``value`` if it is empty or one of ``MARKER_SHAPES``, else ValueError."""
    if value and value not in MARKER_SHAPES:
        raise ValueError(
            f"{where}: {value!r} is no symbol shape; known are {', '.join(MARKER_SHAPES)}."
        )
    return value


def check_glyph(value: str, where: str = "glyph") -> str:
    """``value`` if it is one of ``MARKER_GLYPHS`` ("" for none), else ValueError."""
    if value not in MARKER_GLYPHS:
        known = ", ".join(g for g in MARKER_GLYPHS if g)
        raise ValueError(f"{where}: {value!r} is no symbol glyph; known are {known}.")
    return value


#: The one style table: a marker hint -> its symbol. Colours are dark enough for a white glyph
#: (contrast >= 4.5:1) and tell apart in the common colour vision deficiencies together with
#: the shape; the companies' orange pin is the search's own symbol.
MARKER_STYLES: dict[str, MarkerStyle] = {
    "company": MarkerStyle("#c25100", "pin", "", "company"),
    "kita": MarkerStyle("#b8336a", "circle", "child", "kita"),
    "housing": MarkerStyle("#1b7837", "diamond", "house", "housing"),
    "course": MarkerStyle("#6a3d9a", "hexagon", "book", "course"),
    "event": MarkerStyle("#b2182b", "square", "calendar", "event"),
    "actor": MarkerStyle("#7a4a06", "shield", "people", "actor"),
    "stop": MarkerStyle("#01665e", "square", "bus", "stop"),
    "station": MarkerStyle("#33415c", "hexagon", "train", "station"),
}

#: Colours for layers the table does not know (same contrast rule), tried with every shape.
PALETTE = (
    "#0b5394",
    "#8c510a",
    "#4d6b00",
    "#9c27b0",
    "#00695c",
    "#a1361c",
    "#3f51b5",
    "#5d4037",
)


def layer_styles(layers: Iterable[Layer]) -> dict[str, MarkerStyle]:
    """The style of each layer (by id), no two alike.

    In the layers' order: a layer gets the table's style of its hint with its own
    ``colour``/``shape``/``glyph`` laid over it. Two styles are alike when colour and shape
    are the same; a layer whose style an earlier one took, or whose hint the table does not
    know (and that sets no colour and shape of its own), gets the first free pair of
    ``PALETTE`` and ``MARKER_SHAPES`` (no pin: that is the companies' own shape), keeping its
    glyph. The table's styles are kept free for the layers whose hint names them.
    """
    layers = list(layers)
    reserved = {
        (MARKER_STYLES[layer.marker].colour, MARKER_STYLES[layer.marker].shape)
        for layer in layers
        if layer.marker in MARKER_STYLES
    }
    taken: set[tuple[str, str]] = set()
    keys: set[str] = set()
    out: dict[str, MarkerStyle] = {}
    for layer in layers:
        base = MARKER_STYLES.get(layer.marker)
        colour = layer.colour or (base.colour if base else "")
        shape = layer.shape or (base.shape if base else "")
        glyph = layer.glyph or (base.glyph if base else "dot")
        pair = (colour, shape)
        if not colour or not shape or pair in taken:
            pair = _free_pair(colour, shape, taken | reserved)
        taken.add(pair)
        key = _free_key(layer.marker, keys)
        keys.add(key)
        out[layer.id] = MarkerStyle(pair[0], pair[1], glyph, key)
    return out


def _free_pair(colour: str, shape: str, used: set[tuple[str, str]]) -> tuple[str, str]:
    """The first colour and shape pair nobody uses, keeping what the layer chose itself."""
    colours = [colour] if colour else list(PALETTE)
    shapes = [shape] if shape else [s for s in MARKER_SHAPES if s != "pin"]
    for candidate in ((c, s) for c in colours for s in shapes):
        if candidate not in used:
            return candidate
    # the layer's own colour with every shape is taken: vary the colour instead
    for candidate in ((c, s) for c in PALETTE for s in MARKER_SHAPES if s != "pin"):
        if candidate not in used:
            return candidate
    raise ValueError(  # 8 colours x 5 shapes: more layers than a map can show apart
        f"More than {len(PALETTE) * (len(MARKER_SHAPES) - 1)} map layers cannot each get a "
        "symbol of their own; switch some plugins' layers off."
    )


def _free_key(marker: str, keys: set[str]) -> str:
    key, n = marker, 2
    while key in keys:
        key, n = f"{marker}-{n}", n + 1
    return key
