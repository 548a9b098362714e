"""Navigation links that plugins add to the portal's header (``register_navigation``)."""

from __future__ import annotations

from attrs import field, frozen

from core.errors import ConfigError
from core.i18n import Text, translatable
from core.labels import old_label_pair, to_text

__all__ = ["NavLink"]


def _check_href(_instance: object, _attribute: object, value: str) -> None:
    # a plugin's own page on this site: a path, never a script or another host
    if not value.startswith("/") or value.startswith("//"):
        raise ConfigError(
            f"A navigation link's href must be a path on this site such as /kitas, not {value!r}."
        )


@old_label_pair(1)
@translatable("label")
@frozen
class NavLink:
    """A link in the portal's main navigation: where it goes, its label, its place.

    Links are shown in ascending ``order`` (then in plugin order), after the portal's own.
    """

    href: str = field(validator=_check_href)
    label: Text = field(converter=to_text)
    order: int = 100
    plugin: str = ""
