"""Draw the portal's app icons (PNG) with Pillow; the results are committed.

Run it again only when the design changes: ``python scripts/make_icons.py``. The SVG icon
(``webapp/portal/static/icons/icon.svg``) is the same design, written by hand.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "webapp" / "portal" / "static" / "icons"
BLUE = (11, 83, 148, 255)
WHITE = (255, 255, 255, 255)
ORANGE = (242, 169, 0, 255)


def draw(size: int, *, maskable: bool = False) -> Image.Image:
    """A white map pin with an orange dot on a blue rounded square (full bleed if maskable)."""
    scale = 4  # draw large, then shrink: smooth edges without anti-aliasing support
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    if maskable:
        d.rectangle((0, 0, s, s), fill=BLUE)
        inner = 0.62  # the safe zone of a maskable icon is the middle 80 %
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=int(s * 0.22), fill=BLUE)
        inner = 0.8
    c = s / 2
    r = s * inner * 0.28  # pin head radius
    top = c - s * inner * 0.36
    head_c = top + r
    d.ellipse((c - r, top, c + r, top + 2 * r), fill=WHITE)
    tip = c + s * inner * 0.42
    d.polygon(
        [(c - r * 0.86, head_c + r * 0.5), (c + r * 0.86, head_c + r * 0.5), (c, tip)], fill=WHITE
    )
    dot = r * 0.45
    d.ellipse((c - dot, head_c - dot, c + dot, head_c + dot), fill=ORANGE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192).save(OUT / "icon-192.png", optimize=True)
    draw(512).save(OUT / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(OUT / "icon-maskable-512.png", optimize=True)
    flat = Image.new("RGBA", (180, 180), WHITE)
    flat.alpha_composite(draw(180, maskable=True))
    flat.convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)
    print(f"icons written to {OUT}")


if __name__ == "__main__":
    main()
