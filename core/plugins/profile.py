"""Sections that plugins add to a company's public profile page."""

from __future__ import annotations

import re
from collections.abc import Iterable

from attrs import field, frozen

from core.errors import ConfigError

__all__ = ["ProfileSection"]

#: Where a section may stand on the profile page (``ProfileSection.placement``).
PLACEMENTS = ("main", "top")
_ID = re.compile(r"[a-z][a-z0-9_-]{0,59}")


@frozen
class ProfileSection:
    """One block of a profile page: a heading and an HTML fragment.

    ``html`` is inserted into the page as it is, so the plugin that renders it must escape any
    text that came from users or data files (``markupsafe.escape`` or a Jinja template with
    autoescape). It must not contain ``<script>`` elements or inline event handlers: the portal
    runs under a content security policy without ``'unsafe-inline'``. Sections are shown after
    the core sections, in ascending ``order``, then in plugin order; a section placed ``"top"``
    is shown right under the profile's heading and key facts, before the core sections, for
    what a visitor acts on first (a company's open positions with their apply buttons).
    """

    id: str
    title: str
    html: str
    plugin: str = "core"
    order: int = field(default=100)
    #: Where the page shows the section: ``"main"`` (after the core sections) or ``"top"``.
    placement: str = field(default="main")

    @classmethod
    def from_parts(
        cls,
        plugin: str,
        title: str,
        parts: Iterable[str],
        *,
        order: int = 100,
        placement: str = "main",
    ) -> ProfileSection | None:
        """A plugin's section named after the plugin, its HTML the ``parts`` (each escaped by
        the plugin) joined; None without parts, so the page shows no empty heading."""
        html = "".join(parts)
        if not html:
            return None
        return cls(plugin, title, html, plugin=plugin, order=order, placement=placement)

    def __attrs_post_init__(self) -> None:
        if not _ID.fullmatch(self.id):
            raise ConfigError(
                f"Profile section id {self.id!r} (plugin {self.plugin}) must be lower-case "
                "letters, digits, '-' and '_', starting with a letter; it becomes an HTML id."
            )
        if self.placement not in PLACEMENTS:
            raise ConfigError(
                f"Profile section {self.id!r} (plugin {self.plugin}) has the placement "
                f"{self.placement!r}; use one of {', '.join(map(repr, PLACEMENTS))}."
            )
