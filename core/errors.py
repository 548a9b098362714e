"""The exceptions regiokarte raises, one tree with one root.

::

    RegiokarteError
    ├── ConfigError (ValueError)           settings, region file or plugin set-up is invalid
    │   └── PluginError                    a plugin is unknown, broken or misconfigured
    ├── InvalidQuery (ValueError)          a search parameter is malformed or unknown
    ├── ValidationError (ValueError)       a record (company, import row) is invalid
    │   └── ImportError_ (ValidationError) an import file has bad rows; nothing was written
    │       ├── OutsideRegionError         the data lies mostly outside the configured region
    │       └── InputRejected              input refused before parsing (JSON depth, bad text)
    │           └── InputTooLarge          input beyond a size limit (bytes, line, zip, rows)
    ├── NotFound (LookupError)             a company, layer or postcode does not exist
    ├── Conflict (ValueError)              a write clashes with existing data (duplicate slug)
    ├── GeocodingError (LookupError)       a place could not be resolved to coordinates
    ├── TooManyAttempts (PermissionError)  too many wrong secrets from one address: wait
    └── PluginFailure (RuntimeError)       a plugin's code failed while answering a request

Every error carries a full-sentence message naming the bad value and what would be valid, and
``errors``: a mapping from field name (or row number) to a list of messages, for APIs that show
problems per field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.i18n import Text

__all__ = [
    "Conflict",
    "ConfigError",
    "GeocodingError",
    "ImportError_",
    "InputRejected",
    "InputTooLarge",
    "InvalidQuery",
    "NotFound",
    "OutsideRegionError",
    "PluginError",
    "PluginFailure",
    "RegiokarteError",
    "Sentence",
    "TooManyAttempts",
    "ValidationError",
]


class Sentence(str):
    """A message for a person: the English sentence (the string itself, as the API, logs and
    the command line show it) that also gives its text in every language (``text(lang)``).

    Messages are plain strings everywhere; a ``Sentence`` is one that also knows its
    translations, so a form can say in the page's language what is wrong with a value.
    ``Sentence.message(domain, key, **values)`` takes the text from a message catalog (every
    language the catalog has); ``Sentence(en, de)`` is a sentence given in English and German
    only (other languages show the English).
    """

    said: Text

    def __new__(cls, en: str, de: str | None = None) -> Sentence:
        from core.i18n import Text  # core.i18n reports its own problems with core.errors

        return cls._made(en, Text.literal(de=en if de is None else de, en=en))

    @classmethod
    def message(cls, domain: str, key: str, /, **values: object) -> Sentence:
        """The message ``key`` of the catalog ``domain`` with its placeholders filled."""
        from core.i18n import Text

        said = Text.message(domain, key, **values)
        return cls._made(said("en"), said)

    @classmethod
    def _made(cls, en: str, said: Text) -> Sentence:
        made = super().__new__(cls, en)
        made.said = said
        return made

    @property
    def de(self) -> str:
        """The German text."""
        return self.said("de")

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (the current language when None)."""
        return self.said(lang)

    @staticmethod
    def of(message: object, lang: str) -> str:
        """``message`` in ``lang`` when it is a ``Sentence``, else as it is."""
        return message.text(lang) if isinstance(message, Sentence) else str(message)


class RegiokarteError(Exception):
    """Root of every error regiokarte raises on purpose."""

    def __init__(self, message: str, errors: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}


class ConfigError(RegiokarteError, ValueError):
    """The configuration (settings file, environment, region) is invalid."""


class PluginError(ConfigError):
    """A plugin is unknown, cannot be loaded or has invalid settings."""


class InvalidQuery(RegiokarteError, ValueError):
    """A search parameter is malformed, out of range or names no registered filter."""


class ValidationError(RegiokarteError, ValueError):
    """A record does not satisfy the model's rules."""


class ImportError_(ValidationError):  # noqa: N801 - "ImportError" is a builtin with another meaning
    """An import file has bad rows; the import was rolled back and nothing changed."""


class OutsideRegionError(ImportError_):
    """Imported data lies mostly outside the configured region; nothing was imported.

    ``median_km`` is the median distance of the data from the region's area; ``check`` the
    whole ``core.RegionCheck`` (counts, farthest distance, the first outliers).
    """

    def __init__(self, message: str, *, median_km: float, check: object = None) -> None:
        super().__init__(message, {"region": [message]})
        self.median_km = median_km
        self.check = check


class InputRejected(ImportError_):
    """Input was refused as a whole before it was parsed into records: JSON nested too deeply
    or holding text that is not valid Unicode, a file that cannot be read. Nothing changed."""


class InputTooLarge(InputRejected):
    """Input is beyond a resource limit (file or body size, line length, unpacked size or
    compression ratio of a zip member, number of records); it was not read further."""


class NotFound(RegiokarteError, LookupError):
    """The requested object does not exist (or is not visible to the caller)."""


class Conflict(RegiokarteError, ValueError):
    """A write clashes with existing data."""


class GeocodingError(RegiokarteError, LookupError):
    """An address, postcode or town could not be turned into coordinates."""


class TooManyAttempts(RegiokarteError, PermissionError):
    """Too many wrong tokens (or passwords) came from one address; ``retry_after_seconds``
    says how long it must wait (HTTP 429 with ``Retry-After``)."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class PluginFailure(RegiokarteError, RuntimeError):
    """A plugin's code raised while answering a request; only its filter or layer is down.

    ``plugin`` names the plugin, ``part`` what is unavailable (``filter 'x'``, ``layer 'y'``).
    The original exception is chained (``__cause__``) and logged; in strict mode
    (``plugins.strict``) the original exception propagates instead.
    """

    def __init__(
        self,
        message: str,
        errors: Mapping[str, Sequence[str]] | None = None,
        *,
        plugin: str = "",
        part: str = "",
    ) -> None:
        super().__init__(message, errors)
        self.plugin = plugin
        self.part = part
