"""The jobs plugin's hook implementations: migrations, the demo, privacy and company changes
(core's PluginHooks builds the standard ones from plugin.toml)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from core import PluginHooks
from core import hookimpl

from plugins.jobs.service import JobsService
from plugins.jobs.settings import JobsSettings

if TYPE_CHECKING:
    import datetime as dt

    from core import AlertItem
    from core import Platform
    from core import SearchQuery

__all__ = [
    "HOOKS",
    "MANIFEST",
    "alert_matches",
    "company_changed",
    "erase_company_data",
    "export_company_data",
    "service_for",
]


HOOKS = PluginHooks(
    __name__,
    JobsService,
    settings=JobsSettings,
    filters="plugins.jobs.columns:filters",
    badges="plugins.jobs.columns:badges",
)
MANIFEST = HOOKS.manifest
service_for = HOOKS.service_for


@hookimpl
def export_company_data(platform: Platform, company_id: int) -> dict[str, Any] | None:
    """The company's positions, closed ones too, every field."""
    from plugins.jobs.repository import PositionRepository

    with platform.session() as session:
        positions = PositionRepository(session).of_company(company_id)
    if not positions:
        return None
    return {"positions": [p.to_dict() for p in positions]}


@hookimpl
def erase_company_data(platform: Platform, company_id: int) -> None:
    """The positions the company entered go; imported ones stay (they are the feed's public
    data) but no longer name the company."""
    from plugins.jobs.repository import PositionRepository

    with platform.session(write=True) as session:
        PositionRepository(session).forget_company(company_id)


@hookimpl
def company_changed(platform: Platform, company_id: int, deleted: bool) -> None:
    """A deleted company loses its positions as ``erase_company_data`` says (deleted in an
    operator's admin area rather than by the company itself, the same holds)."""
    if deleted:
        erase_company_data(platform, company_id)


@hookimpl
def alert_matches(platform: Platform, query: SearchQuery, since: dt.datetime) -> list[AlertItem]:
    """New open positions at the companies of a subscribed search (``alerts``)."""
    from plugins.jobs.alerts import alert_matches as new_positions

    return new_positions(service_for(platform), query, since)
