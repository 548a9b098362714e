"""Company logos: checked, shrunk and re-encoded as PNG before anything stores them.

Re-encoding drops whatever the upload carried besides pixels (metadata, scripts in SVG-like
payloads, polyglot files): only PNG, JPEG and WebP are accepted, by content, not by name.
"""

from __future__ import annotations

import hashlib
import io
import warnings

from attrs import frozen
from PIL import Image, UnidentifiedImageError

from core.errors import ValidationError

__all__ = ["ACCEPTED_FORMATS", "Logo", "process_logo"]

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP")
#: Refuse pictures with more pixels than this before decoding them (decompression bombs).
MAX_SOURCE_PIXELS = 40_000_000


@frozen
class Logo:
    """A re-encoded logo."""

    data: bytes
    width: int
    height: int
    mimetype: str = "image/png"

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, {"logo": [message]})


def process_logo(data: bytes, *, max_bytes: int, max_px: int) -> Logo:
    """Check an upload (size, format, dimensions) and return it as a PNG of at most
    ``max_px`` on its longer side."""
    if len(data) > max_bytes:
        raise _invalid(
            f"The picture has {len(data) // 1024} KB; upload one of at most {max_bytes // 1024} KB."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise _invalid(
                    f"The picture is {image.format or 'of an unknown format'}; upload PNG, "
                    "JPEG or WebP."
                )
            if image.width * image.height > MAX_SOURCE_PIXELS:
                raise _invalid("The picture has too many pixels; upload a smaller one.")
            image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombWarning, SyntaxError):
        raise _invalid("The file is not a picture we can read; upload PNG, JPEG or WebP.") from None
    pixels = image.convert("RGBA")
    pixels.thumbnail((max_px, max_px))
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return Logo(out.getvalue(), pixels.width, pixels.height)
