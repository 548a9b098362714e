"""The platform: settings, region, database, plugins, filters, layers and search, composed.

One ``Platform`` per process (the web app and the command line each build one). It is the
public entry point of the core API for applications and plugins.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.engine import SearchEngine
from core.errors import ConfigError, GeocodingError, NotFound
from core.filters import FilterRegistry
from core.geocoding import Geocoder, PostcodeGeocoder
from core.layers import Layer
from core.model import Address, Company, Location
from core.persistence import companies as repo
from core.persistence.db import begin_write, make_engine, make_session_factory
from core.persistence.migrate import pending_heads, upgrade
from core.plugins import LoadedPlugin, disabled_plugins, make_plugin_manager
from core.profile import ProfileSection
from core.query import SearchQuery, SearchResult, parse_search_params
from core.region import Region, default_region, load_region
from core.search import MapOptions
from core.settings import Settings

__all__ = ["Platform"]

log = logging.getLogger(__name__)


def _call(function: Any, **kwargs: Any) -> Any:
    """Call a hook implementation directly with the keyword arguments it names."""
    names = inspect.signature(function).parameters
    return function(**{k: v for k, v in kwargs.items() if k in names})


class Platform:
    """Everything a regiokarte process needs, built from settings."""

    def __init__(
        self,
        settings: Settings,
        *,
        extra_plugins: Mapping[str, Any] | None = None,
        engine: Engine | None = None,
    ) -> None:
        self.settings = settings
        self._extra_plugins = dict(extra_plugins or {})
        self.region: Region = (
            load_region(settings.region.file) if settings.region.file else default_region()
        )
        self.pm, self.plugins = make_plugin_manager(settings, extra=extra_plugins)
        self.db = engine or make_engine(settings.portal.database_url)
        self.session_factory = make_session_factory(self.db)
        self.geocoder = self._geocoder()
        self.filters = FilterRegistry(self._collect("register_filters"))
        self.layers: dict[str, Layer] = {}
        for layer in self._collect("register_layers"):
            if layer.id in self.layers:
                raise ConfigError(
                    f"Layer id {layer.id!r} is registered by both "
                    f"{self.layers[layer.id].plugin} and {layer.plugin}."
                )
            self.layers[layer.id] = layer
        search = settings.search
        self.engine = SearchEngine(
            self.session_factory,
            self.filters,
            options=MapOptions(
                max_points=search.max_points,
                point_zoom=search.point_zoom,
                point_threshold=search.point_threshold,
                cell_px=search.cluster_cell_px,
                default_zoom=settings.map.zoom or self.region.zoom,
            ),
            refresh_interval=search.refresh_interval,
            context={"platform": self, "session_factory": self.session_factory},
        )

    def _collect(self, hook: str) -> list[Any]:
        # pluggy calls the last registered plugin first; reverse to get core, then config order
        results = getattr(self.pm.hook, hook)(platform=self)
        return list(chain.from_iterable(r for r in reversed(results) if r))

    def _geocoder(self) -> Geocoder:
        name = self.settings.geocoding.provider
        geocoders: dict[str, Geocoder] = {g.name: g for g in self._collect("register_geocoders")}
        if name not in geocoders:
            raise ConfigError(
                f"geocoding.provider {name!r} is unknown; available providers are: "
                f"{', '.join(sorted(geocoders))}."
            )
        return geocoders[name]

    # --- plugins ---------------------------------------------------------------------------

    def plugin(self, name: str) -> LoadedPlugin:
        for plugin in self.plugins:
            if plugin.name == name:
                return plugin
        raise NotFound(f"The plugin {name!r} is not enabled.")

    def plugin_settings(self, name: str) -> Any:
        """The validated settings object of an enabled plugin."""
        return self.plugin(name).settings

    def collect(self, hook: str) -> list[Any]:
        """The concatenated list results of a registry hook, in plugin order."""
        return self._collect(hook)

    # --- database --------------------------------------------------------------------------

    @contextlib.contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A unit of work: commits when the block ends normally, rolls back on an error."""
        session = self.session_factory()
        try:
            if write:
                begin_write(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migration_folders(self) -> dict[str, list[str]]:
        """Alembic folders per plugin: the enabled plugins', then the installed disabled ones'.

        Disabled plugins count too, since their revisions stay in the database (disabling a
        plugin keeps its data) and Alembic must be able to find them.
        """
        folders: dict[str, list[str]] = {}
        for impl in self.pm.hook.register_migrations.get_hookimpls():
            folders[impl.plugin_name] = [str(f) for f in _call(impl.function, platform=self) or ()]
        for name, module in disabled_plugins(self.settings, self._extra_plugins).items():
            function = getattr(module, "register_migrations", None)
            if callable(function):
                try:
                    folders[name] = [str(f) for f in _call(function, platform=self) or ()]
                except Exception:  # noqa: BLE001 - a disabled plugin must not stop start-up
                    log.warning("migrations of the disabled plugin %r are unknown", name)
        return folders

    def _enabled_branches(self, folders: Mapping[str, list[str]]) -> list[str]:
        enabled = [p.name for p in self.plugins]
        return [name for name in enabled if name == "core" or folders.get(name)]

    def upgrade_database(self) -> None:
        """Create or upgrade the tables of core and of every enabled plugin (branch by branch,
        in plugin order); disabled plugins' tables are left as they are."""
        folders = self.migration_folders()
        locations = [f for name, fs in folders.items() for f in fs]
        targets = [f"{branch}@head" for branch in self._enabled_branches(folders)]
        upgrade(self.db, locations, targets)

    def database_is_current(self) -> bool:
        folders = self.migration_folders()
        locations = [f for fs in folders.values() for f in fs]
        return not pending_heads(self.db, locations, self._enabled_branches(folders))

    # --- places ----------------------------------------------------------------------------

    def locate_postcode(self, postcode: str) -> Location:
        # a postcode as a search centre means its centroid, whatever geocoder is configured
        return PostcodeGeocoder().locate_postcode(postcode)

    def locate_town(self, name: str) -> Location:
        try:
            return self.region.find_town(name).center
        except NotFound as exc:
            raise GeocodingError(exc.message) from None

    # --- search ----------------------------------------------------------------------------

    def parse_query(self, params: Mapping[str, Sequence[str]]) -> SearchQuery:
        """A SearchQuery from URL parameters (name -> list of values)."""
        return parse_search_params(
            params,
            self.filters,
            self,
            default_per_page=self.settings.search.per_page,
            max_per_page=self.settings.search.max_per_page,
        )

    def search(self, query: SearchQuery) -> SearchResult:
        return self.engine.search(query)

    # --- companies -------------------------------------------------------------------------

    def complete_company(self, company: Company) -> Company:
        """Fill what can be derived: the location from the address (configured geocoder), and
        town and municipality key from a postcode of the region."""
        address = company.address
        if company.location is None and address.postcode:
            company.location = self.geocoder.locate(address)
        town = self.region.town_for_postcode(address.postcode) if address.postcode else None
        if town is not None and (not address.ags or not address.town):
            company.address = Address(
                street=address.street,
                postcode=address.postcode,
                town=address.town or town.name,
                ags=address.ags or town.ags,
            )
        return company

    def profile_sections(self, company: Company, lang: str) -> list[ProfileSection]:
        """The sections plugins add to ``company``'s profile page, in display order."""
        results = self.pm.hook.profile_sections(platform=self, company=company, lang=lang)
        # pluggy answers last-registered first; reverse for core, then config order
        sections = list(chain.from_iterable(r for r in reversed(results) if r))
        return sorted(sections, key=lambda s: s.order)

    def save_company(self, company: Company) -> Company:
        """Create or update a company (completed first), commit, and tell the plugins."""
        self.complete_company(company)
        with self.session(write=True) as session:
            saved = (
                repo.update_company(session, company)
                if company.id
                else repo.add_company(session, company)
            )
        assert saved.id is not None
        self.pm.hook.company_changed(platform=self, company_id=saved.id, deleted=False)
        return saved

    def delete_company(self, company_id: int) -> None:
        with self.session(write=True) as session:
            repo.delete_company(session, company_id)
        self.pm.hook.company_changed(platform=self, company_id=company_id, deleted=True)
