"""One symbol per map layer: the style table, a layer's own colour/shape/glyph, and no two
layers of a portal alike, whatever hints their plugins give."""

from __future__ import annotations

import itertools
import random

import pytest

from core.search.layers import Layer
from core.search.markers import (
    MARKER_GLYPHS,
    MARKER_SHAPES,
    MARKER_STYLES,
    PALETTE,
    layer_styles,
)


def layer(layer_id: str, marker: str = "default", **style: str) -> Layer:
    return Layer(id=layer_id, label="x", features=lambda bbox, lang: [], marker=marker, **style)


def alike(styles: dict[str, object]) -> list[tuple[str, str]]:
    """Pairs of layers whose symbols share colour and shape (brute force over all pairs)."""
    pairs = []
    for (a, sa), (b, sb) in itertools.combinations(styles.items(), 2):
        if (sa.colour, sa.shape) == (sb.colour, sb.shape):  # type: ignore[attr-defined]
            pairs.append((a, b))
    return pairs


def test_the_table_gives_each_known_hint_its_own_symbol() -> None:
    pairs = {(s.colour, s.shape) for s in MARKER_STYLES.values()}
    assert len(pairs) == len(MARKER_STYLES)
    for hint, style in MARKER_STYLES.items():
        assert style.key == hint
        assert style.shape in MARKER_SHAPES and style.glyph in MARKER_GLYPHS
    # only the companies are pins: a layer symbol never looks like a company
    assert [h for h, s in MARKER_STYLES.items() if s.shape == "pin"] == ["company"]


def test_a_layer_with_a_known_hint_gets_the_table_entry() -> None:
    styles = layer_styles([layer("kitas", "kita"), layer("stops", "stop")])
    assert styles["kitas"] == MARKER_STYLES["kita"]
    assert styles["stops"] == MARKER_STYLES["stop"]


def test_a_layer_sets_its_own_colour_shape_and_glyph() -> None:
    styles = layer_styles(
        [
            layer("kitas", "kita", colour="#123ABC"),
            layer("clubs", "club", shape="shield", glyph="people"),
        ]
    )
    assert (styles["kitas"].colour, styles["kitas"].shape) == ("#123abc", "circle")
    assert styles["kitas"].glyph == "child"
    assert (styles["clubs"].shape, styles["clubs"].glyph) == ("shield", "people")
    assert styles["clubs"].colour in PALETTE


def test_two_layers_with_one_hint_still_differ_and_keep_their_glyph() -> None:
    styles = layer_styles([layer("a", "stop"), layer("b", "stop")])
    assert styles["a"] == MARKER_STYLES["stop"]
    assert (styles["b"].colour, styles["b"].shape) != (styles["a"].colour, styles["a"].shape)
    assert styles["b"].glyph == "bus"
    assert {styles["a"].key, styles["b"].key} == {"stop", "stop-2"}


def test_an_unknown_hint_never_takes_a_style_a_later_layer_needs() -> None:
    # the unknown layer comes first, the Kita layer after it still gets the Kita symbol
    styles = layer_styles([layer("clubs", "club"), layer("kitas", "kita")])
    assert styles["kitas"] == MARKER_STYLES["kita"]
    assert alike(styles) == []


@pytest.mark.parametrize("seed", range(25))
def test_no_two_layers_are_alike_in_any_mix_of_hints(seed: int) -> None:
    rng = random.Random(seed)
    hints = [*MARKER_STYLES, "default", "club", "museum"]
    own = [{}, {"colour": "#b8336a"}, {"shape": "square"}, {"colour": "#01665e", "shape": "square"}]
    layers = [
        layer(f"l{i}", rng.choice(hints), **rng.choice(own)) for i in range(rng.randint(2, 30))
    ]
    styles = layer_styles(layers)
    assert alike(styles) == []
    assert len({s.key for s in styles.values()}) == len(layers)


def test_more_layers_than_symbols_is_refused_with_a_sentence() -> None:
    many = [layer(f"l{i}") for i in range(len(PALETTE) * (len(MARKER_SHAPES) - 1) + 1)]
    with pytest.raises(ValueError, match="cannot each get a symbol"):
        layer_styles(many)


@pytest.mark.parametrize(
    ("style", "message"),
    [
        ({"colour": "magenta"}, "a colour is written #rrggbb"),
        ({"shape": "star"}, "no symbol shape; known are pin, circle"),
        ({"glyph": "rocket"}, "no symbol glyph; known are dot, child"),
    ],
)
def test_a_bad_style_names_the_value_and_what_is_valid(style: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        layer("x", **style)
