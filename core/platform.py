"""The platform: settings, region, database, plugins, filters, layers and search, composed.

One ``Platform`` per process (the web app and the command line each build one). It is the
public entry point of the core API for applications and plugins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from itertools import chain
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs
import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core import builtin
from core.errors import ConfigError, GeocodingError, NotFound, PluginFailure, RegiokarteError
from core.io.datasets import Dataset
from core.model import Address, Company, Location, Status
from core.persistence import companies as repo
from core.persistence.db import begin_write, make_engine, make_session_factory
from core.persistence.tables import utcnow
from core.plugins.manager import (
    LoadedPlugin,
    callers_by_plugin,
    disabled_plugins,
    make_plugin_manager,
    new_plugin_manager,
    results_by_plugin,
)
from core.plugins.profile import ProfileSection
from core.portal import mailqueue
from core.portal.mail import FolderOutbox, Mail, SmtpOutbox, make_outbox
from core.portal.questionnaire import Questionnaire, Section, section_from_data
from core.portal.ratelimits import RateLimiter
from core.portal.statistics_sections import StatisticsSection
from core.region import Region, default_region, load_region
from core.search.badges import Badge
from core.search.engine import SearchEngine
from core.search.filters import FilterRegistry
from core.search.geocoding import Geocoder, PostcodeGeocoder
from core.search.index import SearchIndex, failure_reason
from core.search.layers import Feature, Layer
from core.search.markers import MarkerStyle, layer_styles
from core.search.places import Gazetteer, Place, PlaceNotFound
from core.search.query import BBox, SearchQuery, SearchResult, parse_search_params
from core.search.search import MapOptions, matching_ids
from core.settings import Settings
from core.toolkit.reindex import reindex_all

_T = TypeVar("_T")

__all__ = ["Platform"]

log = logging.getLogger(__name__)

# a German postcode inside a one-line address: five digits standing alone
_POSTCODE_IN_LINE = re.compile(r"(?<!\d)(\d{5})(?!\d)")


def _time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"portal.timezone {name!r} is no time zone; give an IANA name such as Europe/Berlin."
        ) from None


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
        #: re-raise errors of plugin code at request time instead of isolating them
        self.strict = settings.plugins.strict
        self._extra_plugins = dict(extra_plugins or {})
        self.region: Region = (
            load_region(settings.region.file) if settings.region.file else default_region()
        )
        self.pm, self.plugins = make_plugin_manager(settings, builtin=builtin, extra=extra_plugins)
        self.db = engine or make_engine(settings.portal.database_url)
        self.session_factory = make_session_factory(self.db)
        self.geocoder = self._geocoder()
        self.filters = FilterRegistry(self._collect("register_filters"))
        self.badges: dict[str, Badge] = {}
        for badge in self._collect("register_badges"):
            if badge.key in self.badges:
                raise ConfigError(
                    f"Badge key {badge.key!r} is registered by both "
                    f"{self.badges[badge.key].plugin} and {badge.plugin}."
                )
            self.badges[badge.key] = badge
        self.layers: dict[str, Layer] = {}
        for layer in self._collect("register_layers"):
            if layer.id in self.layers:
                raise ConfigError(
                    f"Layer id {layer.id!r} is registered by both "
                    f"{self.layers[layer.id].plugin} and {layer.plugin}."
                )
            self.layers[layer.id] = layer
        # one symbol per layer, the same on every map (the API hands it to the maps)
        self.layer_styles: dict[str, MarkerStyle] = layer_styles(self.layers.values())
        self.questionnaire = Questionnaire.build(self._sections(), self.region)
        mail = settings.mail
        self.outbox: SmtpOutbox | FolderOutbox = make_outbox(
            smtp_host=mail.smtp_host,
            smtp_port=mail.smtp_port,
            smtp_user=mail.smtp_user,
            smtp_password=mail.smtp_password,
            smtp_starttls=mail.smtp_starttls,
            sender=mail.sender,
            outbox_folder=mail.outbox_folder,
        )
        self._zone = _time_zone(settings.portal.timezone)
        #: the portal's day (``today()``); tests and demos replace it with a fixed one
        self.clock: Callable[[], dt.date] = lambda: dt.datetime.now(self._zone).date()
        search = settings.search
        self.engine = SearchEngine(
            self.session_factory,
            self.filters,
            options=MapOptions(
                max_points=search.max_points,
                default_zoom=settings.map.zoom or self.region.zoom,
            ),
            refresh_interval=search.refresh_interval,
            context={"platform": self, "session_factory": self.session_factory},
            strict=self.strict,
            languages=settings.portal.languages,
            # read at every search: a test or demo that replaces the clock is followed
            today=lambda: self.today(),
            badges=tuple(self.badges.values()),
        )

    def today(self) -> dt.date:
        """The portal's day: the date in the region's time zone (``portal.timezone``).

        What is current (open positions, courses) is decided by it, and the search index
        rebuilds when it changes, so filter columns that depend on the day follow by
        themselves. Tests freeze it by replacing ``clock``.
        """
        return self.clock()

    def _collect(self, hook: str) -> list[Any]:
        # pluggy calls the last registered plugin first; reverse to get core, then config order
        results = getattr(self.pm.hook, hook)(platform=self)
        return list(chain.from_iterable(r for r in reversed(results) if r))

    def _per_plugin(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """(plugin name, result) of every plugin implementing ``hook``, in plugin order."""
        return results_by_plugin(self.pm, hook, platform=self, **kwargs)

    def _sections(self) -> list[Section]:
        sections: list[Section] = []
        for plugin, found in self._per_plugin("register_questionnaire_sections"):
            for item in found or ():
                section = section_from_data(item, plugin=plugin)
                if section.extension not in ("", plugin) and plugin != "core":
                    raise ConfigError(
                        f"Plugin {plugin!r}: questionnaire section {section.key!r} writes to "
                        f"extensions[{section.extension!r}]; a plugin writes to its own "
                        f"namespace extensions[{plugin!r}] only."
                    )
                sections.append(section)
        return sections

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

    def collect_by_plugin(self, hook: str) -> list[tuple[str, Any]]:
        """(plugin name, what it returned) for a registry hook, in plugin order: for errors
        that name the plugin whose item is wrong."""
        return self._per_plugin(hook)

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
        for name, found in self._per_plugin("register_migrations"):
            folders[name] = [str(f) for f in found or ()]
        # disabled plugins answer on a plugin manager of their own, never asked for anything else
        disabled = new_plugin_manager()
        for name, module in disabled_plugins(self.settings, self._extra_plugins).items():
            try:
                disabled.register(module, name=name)
            except Exception:  # noqa: BLE001 - a disabled plugin must not stop start-up
                log.warning("migrations of the disabled plugin %r are unknown", name)
        for name, caller in callers_by_plugin(disabled, "register_migrations"):
            try:
                folders[name] = [str(f) for found in caller(platform=self) for f in found or ()]
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
        # Alembic is imported here, not at the top: a web worker never migrates, and Alembic
        # with its templates is a sizeable part of the start-up time.
        from core.persistence.migrate import upgrade

        upgrade(self.db, locations, targets)

    def database_is_current(self) -> bool:
        folders = self.migration_folders()
        locations = [f for fs in folders.values() for f in fs]
        from core.persistence.migrate import pending_heads

        return not pending_heads(self.db, locations, self._enabled_branches(folders))

    # --- places ----------------------------------------------------------------------------

    @functools.cached_property
    def places(self) -> Gazetteer:
        """Every town, district, place and postcode the place search knows (built on first
        use: it reads the shipped open data)."""
        return Gazetteer(self.region)

    def find_place(self, text: str) -> Place:
        """The place ``text`` names (town, district, postcode, or with a web geocoder also a
        street address); PlaceNotFound with suggestions otherwise."""
        try:
            return self.places.resolve(text)
        except PlaceNotFound:
            search = getattr(self.geocoder, "search", None)
            if search is None or not text.strip():
                raise
            found = search(text.strip()[:200], 1)
            if not found:
                raise
            label, location = found[0]
            return Place(label, "address", location.lat, location.lon)

    def locate_postcode(self, postcode: str) -> Location:
        """The centre of a German postcode's area, whatever geocoder is configured (a postcode
        as a search centre means its centroid); GeocodingError for an unknown postcode."""
        return PostcodeGeocoder().locate_postcode(postcode)

    def locate(self, address: Address | str) -> Location:
        """Where an address is, through the configured geocoder (``geocoding.provider``).

        ``address`` is an ``Address`` or one line as people write it ("Kirchplatz 1, 45657
        Recklinghausen"): a line with a five-digit postcode is split into street, postcode and
        town; a line without one is looked up as a place (town, district, or with a web
        geocoder an address). GeocodingError names what could not be placed.
        """
        if isinstance(address, str):
            text = " ".join(address.split())
            found = _POSTCODE_IN_LINE.search(text)
            if found is None:
                return self.locate_town(text)
            address = Address(
                street=text[: found.start()].strip(" ,"),
                postcode=found[1],
                town=text[found.end() :].strip(" ,"),
            )
        return self.geocoder.locate(address)

    def locate_town(self, name: str) -> Location:
        """Any place people name (``near_town``): a town, district, village or postcode."""
        try:
            return self.find_place(name).location
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
            languages=self.settings.portal.languages or ["de"],
        )

    def search(self, query: SearchQuery) -> SearchResult:
        return self.engine.search(query)

    def matching_ids(self, query: SearchQuery) -> np.ndarray:
        """The sorted ids of every company ``query`` finds, all pages at once (paging, order
        and map output ignored): what a plugin's ``alert_matches`` narrows its items to."""
        return matching_ids(self.engine.index, query)

    def reindex(self, session: Session | None = None) -> None:
        """Make every process rebuild its search index, and so every filter column, soon.

        Call it after a plugin changed data its column functions read (an import of places):
        pass the import's session to make it part of that transaction (it takes effect with
        the commit), or none to commit it on its own.
        """
        if session is not None:
            reindex_all(session)
            return
        with self.session(write=True) as own:
            reindex_all(own)

    def search_index(self, *, refresh: bool = False) -> SearchIndex:
        """The search index this process answers from (the published, located companies and
        every filter column); ``refresh=True`` follows the database first, so writes just
        committed are in it (otherwise it follows every ``search.refresh_interval``)."""
        if refresh:
            self.engine.refresh(force=True)
        return self.engine.index

    # --- companies -------------------------------------------------------------------------

    def company(
        self, company_id: int, *, public_only: bool = False, with_contact: bool = False
    ) -> Company:
        """The company ``company_id``; NotFound when there is none (or, with ``public_only``,
        when it is not published). Contact data only with ``with_contact``: it is personal
        data that public pages must not show."""
        if not 0 < company_id < 2**63:  # beyond any database's integer: no such company
            raise NotFound(f"There is no company with id {company_id}.")
        with self.session() as session:
            return repo.get_company(
                session, company_id, public_only=public_only, with_contact=with_contact
            )

    def companies(self, *, status: Status | None = None) -> list[Company]:
        """Every company (with ``status`` only those), by id; without contact data."""
        with self.session() as session:
            return repo.list_companies(session, status=status)

    def save_companies(self, companies: Sequence[Company]) -> list[Company]:
        """Update existing companies (each completed first) in one transaction, then tell the
        plugins (``company_changed``) about each; the saved companies, in order."""
        done = [self.complete_company(c) for c in companies]
        if any(c.id is None for c in done):
            raise ValueError("save_companies updates existing companies; use save_company.")
        with self.session(write=True) as session:
            saved = [repo.update_company(session, c) for c in done]
        for company in saved:
            assert company.id is not None
            self.pm.hook.company_changed(platform=self, company_id=company.id, deleted=False)
        return saved

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
        """The sections plugins add to ``company``'s profile page, in display order.

        A plugin whose hook raises loses its own sections on this page (logged), the page is
        shown without them; in strict mode the error propagates.
        """
        sections: list[ProfileSection] = []
        for plugin, caller in callers_by_plugin(self.pm, "profile_sections"):
            try:
                found = caller(platform=self, company=company, lang=lang)
            except Exception as exc:
                if self.strict:
                    raise
                log.error(
                    "profile sections of plugin %r left out for company %r",
                    plugin,
                    company.id,
                    exc_info=exc,
                )
                continue
            sections.extend(item for result in found for item in result or ())
        return sorted(sections, key=lambda s: s.order)

    # --- links in mails ----------------------------------------------------------------------

    def link_base(self, request_base: str = "", configured: str = "") -> str:
        """The address links in mails start with: ``configured`` (a plugin's own setting),
        else ``portal.base_url``, else ``request_base`` only when it names this computer;
        ConfigError otherwise (a request's Host header is never trusted for mail links)."""
        from core.portal.mail import link_base

        return link_base(configured or self.settings.portal.base_url, request_base)

    def send_mail(self, to: str, subject: str, body: str, *, sender: str = "") -> None:
        """Send a plain-text mail through the configured outbox (settings ``mail``: SMTP, or
        the folder outbox of development); ``sender`` replaces ``mail.sender`` (a plugin's own
        sender address). Raises ``OSError`` or ``smtplib.SMTPException`` when it fails."""
        outbox: SmtpOutbox | FolderOutbox = self.outbox
        if sender and sender != self.settings.mail.sender:
            mail = self.settings.mail
            outbox = make_outbox(
                smtp_host=mail.smtp_host,
                smtp_port=mail.smtp_port,
                smtp_user=mail.smtp_user,
                smtp_password=mail.smtp_password,
                smtp_starttls=mail.smtp_starttls,
                sender=sender,
                outbox_folder=mail.outbox_folder,
            )
        outbox.send(Mail(to=to, subject=subject, body=body))

    def forget_mail(self, address: str) -> int:
        """Delete the mails to ``address`` in the mail queue and the copies the folder outbox
        keeps of them (erasure of a person's data); how many. An SMTP outbox keeps nothing."""
        with self.session(write=True) as session:
            removed = mailqueue.forget(session, address)
        if isinstance(self.outbox, FolderOutbox):
            removed += int(self.outbox.forget(address))
        return removed

    # --- the mail queue ----------------------------------------------------------------------

    def queue_mail(
        self,
        session: Session,
        to: str,
        subject: str,
        body: str,
        *,
        sender: str = "",
        plugin: str = "",
        ref: str = "",
    ) -> int:
        """Queue a plain-text mail in the caller's write transaction (it goes out only if the
        transaction commits); ``deliver_mail()`` after the commit sends it. ``plugin`` and
        ``ref`` (what the mail is about, e.g. ``registration:12``) let the owner delete it with
        its record (``drop_mail``); ``sender`` replaces ``mail.sender``. The queued mail's id."""
        return mailqueue.queue(session, to, subject, body, sender=sender, plugin=plugin, ref=ref)

    def deliver_mail(self, *, limit: int = 200) -> tuple[int, int]:
        """Send the waiting mails of the queue through ``send_mail``; (sent, failed). A mail
        that fails stays queued with its error and is tried again by the next delivery, up to
        ``mailqueue.MAX_ATTEMPTS`` times."""

        def send(to: str, subject: str, body: str, sender: str) -> None:
            self.send_mail(to, subject, body, sender=sender)

        return mailqueue.deliver(lambda write: self.session(write=write), send, limit=limit)

    def queued_mail(
        self, *, plugin: str | None = None, to: str | None = None
    ) -> list[mailqueue.QueuedMail]:
        """The mails in the queue, waiting or delivered (oldest first): of one ``plugin``
        (``""``: core's own) and/or to one address."""
        with self.session() as session:
            return mailqueue.listed(session, plugin=plugin, to=to)

    def drop_mail(
        self,
        session: Session,
        plugin: str,
        *,
        refs: Collection[str] | None = None,
        created_before: dt.datetime | None = None,
    ) -> int:
        """Delete ``plugin``'s queued mails (waiting or delivered) about ``refs`` (``""``:
        about no record) and/or created before ``created_before``, in the caller's
        transaction; how many."""
        return mailqueue.drop(session, plugin, refs=refs, created_before=created_before)

    def check_secret(self, scope: str, address: str | None, given: str, expected: str) -> bool:
        """Whether ``given`` is the shared secret ``expected`` (an operator token), with an
        attempt limit per client ``address`` (see ``guard_secret``); constant-time compare."""
        import hmac

        def matches() -> bool | None:
            ok = bool(expected) and hmac.compare_digest(given.encode(), expected.encode())
            return True if ok else None

        return self.guard_secret(scope, address, matches) is not None

    def guard_secret(
        self, scope: str, address: str | None, check: Callable[[], _T | None]
    ) -> _T | None:
        """Run ``check`` (a token lookup: the holder, or None for a wrong token) with an
        attempt limit: wrong tokens are counted per client ``address`` in ``scope`` in the
        database (every worker counts together); ten in a row lock the address for a minute,
        then two, four, ... up to an hour. While locked, TooManyAttempts (HTTP 429) is raised
        and ``check`` is not called; a right token clears the count."""
        from core.portal import attempts

        key = attempts.address_key(address)
        with self.session() as session:
            failures, until = attempts.status(session, scope, key)
        if until is not None and until > utcnow():
            raise attempts.refusal(until)
        found = check()
        if found is not None and failures == 0:
            return found  # the common case: no write at all
        with self.session(write=True) as session:
            if found is not None:
                attempts.clear(session, scope, key)
                return found
            _, until = attempts.count_failure(session, scope, key, attempts.TOKEN_POLICY)
        if until is not None:  # raised after the commit, so the failure stays counted
            raise attempts.refusal(until)
        return None

    # --- rate limits -----------------------------------------------------------------------

    def rate_limiter(self) -> RateLimiter:
        """The rate limiter plugins count with (settings ``limits``), made on first use."""
        found: RateLimiter | None = self.__dict__.get("_rate_limiter")
        if found is None:
            # setdefault is atomic: threads racing here all get the limiter stored first
            made = RateLimiter.from_settings(self.settings.limits)
            found = self.__dict__.setdefault("_rate_limiter", made)
        return found

    # --- datasets --------------------------------------------------------------------------

    def _keyed(self, hook: str, key: str, what: str, advice: str) -> dict[str, Any]:
        """The items every plugin registers through ``hook``, by their ``key`` attribute, in
        plugin order, each told its plugin; a key two plugins use is a ``ConfigError``."""
        found: dict[str, Any] = {}
        for plugin, items in self._per_plugin(hook):
            for item in items or ():
                name = getattr(item, key)
                if name in found:
                    raise ConfigError(
                        f"Plugin {plugin!r} registers the {what} {name!r}, which plugin "
                        f"{found[name].plugin!r} registers too; {advice}."
                    )
                if item.plugin != plugin:
                    item = attrs.evolve(item, plugin=plugin)
                found[name] = item
        return found

    def datasets(self) -> dict[str, Dataset]:
        """The datasets of the enabled plugins (``register_datasets``), by id, in plugin order.

        Asked once and kept; a duplicate id is a ``ConfigError`` naming both plugins.
        """
        cached: dict[str, Dataset] | None = getattr(self, "_datasets", None)
        if cached is None:
            cached = self._keyed(
                "register_datasets", "id", "dataset", "prefix dataset ids with the plugin's name"
            )
            self._datasets = cached
        return cached

    def statistics_sections(self) -> dict[str, StatisticsSection]:
        """The plugins' sections of the statistics dashboard (``register_statistics``), by
        key, in plugin order; asked once and kept, a duplicate key is a ``ConfigError``."""
        cached: dict[str, StatisticsSection] | None = getattr(self, "_statistics", None)
        if cached is None:
            cached = self._keyed(
                "register_statistics",
                "key",
                "statistics section",
                "name a section after its plugin",
            )
            self._statistics = cached
        return cached

    def dataset(self, dataset_id: str) -> Dataset:
        """The dataset ``dataset_id``; NotFound names the datasets there are."""
        try:
            return self.datasets()[dataset_id]
        except KeyError:
            raise NotFound(
                f"There is no dataset {dataset_id!r}; datasets are: "
                f"{', '.join(self.datasets()) or 'none'}."
            ) from None

    # --- layers ----------------------------------------------------------------------------

    def layer(self, layer_id: str) -> Layer:
        """The registered layer ``layer_id``; NotFound names the layers there are."""
        try:
            return self.layers[layer_id]
        except KeyError:
            raise NotFound(
                f"There is no layer {layer_id!r}; layers are: {', '.join(self.layers)}."
            ) from None

    def layer_features(self, layer_id: str, bbox: BBox | None, lang: str) -> list[Feature]:
        """The features of a layer within ``bbox`` (None: all), labelled in ``lang``.

        A layer whose ``features`` function raises takes down only itself: the error is logged
        and ``PluginFailure`` (HTTP 503) names the layer and its plugin; deliberate core errors
        (``InvalidQuery``, ``NotFound``, ...) pass unchanged. Strict mode re-raises.
        """
        layer = self.layer(layer_id)
        try:
            return list(layer.features(bbox, lang))
        except RegiokarteError:
            raise
        except Exception as exc:
            if self.strict:
                raise
            log.error(
                "layer %r of plugin %r failed for bbox %r",
                layer.id,
                layer.plugin,
                bbox,
                exc_info=exc,
            )
            reason = failure_reason(exc)
            raise PluginFailure(
                f"The layer {layer.id!r} of plugin {layer.plugin!r} is unavailable because "
                f"the plugin failed ({reason}); the rest of the portal works, the details are "
                "in the server log.",
                {"layer": [f"unavailable: {reason}"]},
                plugin=layer.plugin,
                part=f"layer {layer.id!r}",
            ) from exc

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

    def export_plugin_data(self, company_id: int) -> dict[str, Any]:
        """What each plugin keeps about a company in its own tables (hook
        ``export_company_data``), by plugin name; plugins that keep nothing are left out."""
        out: dict[str, Any] = {}
        for plugin, data in self._per_plugin("export_company_data", company_id=company_id):
            if data:
                out[plugin] = data
        return out

    def erase_plugin_data(self, company_id: int) -> None:
        """Let every plugin delete what it keeps about a company (hook
        ``erase_company_data``)."""
        self._per_plugin("erase_company_data", company_id=company_id)

    def delete_company(self, company_id: int) -> None:
        with self.session(write=True) as session:
            repo.delete_company(session, company_id)
        self.pm.hook.company_changed(platform=self, company_id=company_id, deleted=True)
