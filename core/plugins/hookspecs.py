"""Every hook regiokarte calls, with when it is called, its arguments and what to return.

Plugins implement hooks with ``@hookimpl`` (``from core import hookimpl``), as module
functions or methods, taking only the arguments they need; hooks are always called with keyword
arguments, so later versions can add arguments without breaking a plugin.

Registry hooks are called once, when the platform starts, in plugin order (core first, then
the ``plugins.enabled`` list); their list results are concatenated. Event hooks are called
after the change they report was committed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import datetime as dt

    from core.io.datasets import Dataset
    from core.model import Company
    from core.platform import Platform
    from core.plugins.navigation import NavLink
    from core.plugins.profile import ProfileSection
    from core.portal.alerts import AlertItem
    from core.portal.questionnaire import Section
    from core.portal.statistics_sections import StatisticsSection
    from core.search.badges import Badge
    from core.search.filters import FilterSpec
    from core.search.geocoding import Geocoder
    from core.search.layers import Layer
    from core.search.query import SearchQuery

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "regiokarte"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_filters(platform: Platform) -> list[FilterSpec]:
    """Return the search filters this plugin adds.

    Called once at start-up. ``platform`` gives the settings (``platform.plugin_settings(name)``),
    the region and the database. Each ``FilterSpec`` needs a key unique across plugins (prefix it
    with the plugin's name), labels in German and English, a kind, and for all kinds but geo and
    text a ``column`` function that reads the filter's values for all companies of an
    ``IndexSource`` at once. Return an empty list (or nothing) to add none.

    A range filter whose column depends on the request (a travel time from an origin the user
    gives) sets ``dynamic=DynamicColumn(argument, compute, parse)`` instead of ``column``.
    ``argument`` names the extra URL parameter (``transit_from=Marl``) that activates it.
    ``parse(text)`` is called when a query is parsed and returns the canonical, hashable
    argument (raise ``InvalidQuery`` for a bad one). ``compute(index, argument)`` is called on
    the first search with that argument per index snapshot (later ones hit a cache) and
    returns a float array, one value per index row (``index.ids``, ``index.lat``, ``index.lon``
    order), NaN where unknown; it must be vectorised. The engine filters on it like a range
    column, shows each hit's value in ``SearchHit.dynamic`` and accepts the key as ``sort``.
    Give the argument a ``label`` (and a ``help``), texts of the plugin's catalog: the
    portal's filter panel shows them at the argument's input field.
    """


@hookspec
def register_badges(platform: Platform) -> list[Badge]:
    """Return the per-company badges this plugin adds (``core.search.badges.Badge``).

    Called once at start-up. A badge is a count per company ("3 offene Stellen") that search
    hits, map points and company cards carry when it is above 0, with its text in the page's
    language and plural form. Its ``column(source)`` is called when the search index is built
    or patched and returns one whole number per company of the ``IndexSource`` (0: none),
    vectorised; a count that depends on the day reads ``source.today`` (the index is rebuilt
    when the portal's day changes). Keys are unique across plugins (prefix the plugin's name).
    """


@hookspec
def register_layers(platform: Platform) -> list[Layer]:
    """Return the map layers this plugin adds (``core.search.layers.Layer``).

    Called once at start-up. A layer's ``features(bbox, lang)`` function is called per request
    and must answer from data it prepared (an index or a query with a bounding box), never by
    scanning every row in Python.
    """


@hookspec
def register_geocoders(platform: Platform) -> list[Geocoder]:
    """Return geocoders (``core.search.geocoding.Geocoder``) this plugin provides.

    Called once at start-up. The setting ``geocoding.provider`` picks one by its ``name``; core
    provides ``postcode`` (offline postcode centroids). A geocoder must answer without network
    access unless the operator configured it to use a service.
    """


@hookspec
def register_migrations(platform: Platform) -> list[str]:
    """Return folders of Alembic revision scripts for this plugin's own tables.

    Called by ``regiokarte init`` (and ``core.platform.Platform.upgrade_database``). The plugin's
    revisions form their own branch (``branch_labels = ("<plugin>",)``, and
    ``depends_on = "core_0001"``: the id of the core revision whose tables they need; Alembic
    takes revision ids or branch labels there, not ``"core@head"``) and create tables named
    ``<plugin>_*`` only.
    """


@hookspec
def register_commands(platform: Platform) -> list[Any]:
    """Return ``click`` commands or groups to add under the ``regiokarte`` command.

    Called when the command line starts. Name a group after the plugin
    (``regiokarte childcare import ...``).
    """


@hookspec
def register_blueprints(platform: Platform) -> list[Any]:
    """Return Flask blueprints (API and HTML) that the web app mounts.

    Called once when the web app is created. API blueprints should use the URL prefix
    ``/api/v1/<plugin>``; core never imports Flask, so the objects are passed on untouched.
    """


@hookspec
def profile_sections(platform: Platform, company: Company, lang: str) -> list[ProfileSection]:
    """Return extra sections for the public profile page of ``company``.

    Called on every request for a profile page (so keep it fast: answer from an index or data
    prepared at start-up), with the published ``company`` (without contact data) and the page
    language ``lang`` (``"de"`` or ``"en"``). Return ``ProfileSection`` values: an id (becomes
    the HTML id ``section-<id>``), a title in ``lang`` and an HTML fragment that the plugin
    rendered and escaped itself (no scripts, no inline event handlers; the portal runs
    under a strict content security policy). A section stands after core's sections, or with
    ``placement="top"`` right under the profile's heading and key facts. Core stays free of any
    web framework: the web app only places the returned strings. Return an empty list (or
    nothing) to add none.
    """


@hookspec
def company_changed(platform: Platform, company_id: int, deleted: bool) -> None:
    """Called after a company was created, changed or deleted and the change was committed.

    ``deleted`` is true when the company is gone. Use it to refresh data derived from companies;
    the search index follows by itself. The return value is ignored.
    """


@hookspec
def register_questionnaire_sections(platform: Platform) -> list[Section]:
    """Return the sections this plugin adds to the company questionnaire (Leitfragebogen).

    Called once at start-up. Return ``Section`` values (or the plugin's own attrs values /
    mappings with the same fields, e.g. what a section's ``as_dict()`` gives; core converts them
    with ``core.portal.questionnaire.section_from_data``). Each section needs a key unique
    across plugins (prefix it with the plugin's name), titles and an introduction in German
    and English, and its questions: key, labels, answer type (``AnswerType``: text, longtext,
    email, phone, url, integer, number, bool, choice, multichoice, postcode, location,
    consent, image, date, items), options for choice questions, help and example texts,
    ``required``, ``show_if=(other_key, value)``, ``minimum``/``maximum``/``max_length``.

    Answers are checked by core (every problem gets a German and an English message naming the
    question) and stored in the plugin's namespace of the profile:
    ``Company.extensions[<plugin>][question.target or question.key]``; a section of another
    plugin's namespace is refused. A section with ``apply=function`` stores its checked answers
    itself: core calls ``function(company, answers)`` (answers keyed by question key) and uses
    the company it returns. A section that keeps its answers in the plugin's own tables gives
    ``load(company)`` and ``publish(*, session, company, submission_id, answers)`` instead:
    core calls ``publish`` inside the approval's transaction (docs/hooks.md). Sections are
    shown after core's, in ascending ``order``, then in plugin order. Return an empty list
    (or nothing) to add none.
    """


@hookspec
def export_company_data(platform: Platform, company_id: int) -> dict[str, Any] | None:
    """Return everything this plugin stores about company ``company_id``, as JSON-ready data.

    Called when a company downloads its data (GDPR Art. 15 and 20) and before it is erased.
    Data inside ``Company.extensions[<plugin>]`` is exported by core already; return what the
    plugin keeps in its own tables (rows that name the company, files), personal data above
    all. The result appears under ``plugins.<plugin>`` in the export. Return None (or an empty
    dict) when the plugin keeps nothing about the company.
    """


@hookspec
def erase_company_data(platform: Platform, company_id: int) -> None:
    """Delete everything this plugin stores about company ``company_id``.

    Called when a company deletes its profile (GDPR Art. 17), before core deletes the company
    row, in its own transaction: open one with ``platform.session(write=True)``. Remove every
    row of the plugin's tables that names the company and whatever the plugin derived from
    them (caches, files). ``Company.extensions[<plugin>]`` is removed by core. A test exports
    the company afterwards and expects this plugin's part to be empty. The return value is
    ignored; an exception stops the erasure before core deletes its own data, so make the
    function idempotent: the company may ask again.
    """


@hookspec
def register_navigation(platform: Platform) -> list[NavLink]:
    """Return links to this plugin's pages for the portal's main navigation.

    Called once when the web app is created. Return ``core.plugins.navigation.NavLink`` values: an
    ``href`` (a path on this site, such as ``/kitas``; the portal adds ``?lang=en`` for English
    pages), labels in German and English, and an ``order`` (ascending; links of equal order
    follow plugin order). The portal shows them in its header after its own links. Return an
    empty list (or nothing) to add none; a plugin without pages needs no implementation.
    """


@hookspec
def register_datasets(platform: Platform) -> list[Dataset]:
    """Return the datasets this plugin stores, for the operators' admin area.

    Called once when the web app is created. Return ``core.io.datasets.Dataset`` values: an id
    unique across plugins (prefix it with the plugin's name), labels in German and English,
    the fields, and the functions that search, read, update, delete, import and export rows
    inside the session the admin area passes (it commits, and calls ``changed()`` after).
    The admin area lists every dataset with search, an edit form per record, a bulk import of
    a file and an export; it shows only what the dataset offers (no ``update``: read-only).
    Return an empty list (or nothing) for a plugin without records of its own.
    """


@hookspec
def register_statistics(platform: Platform) -> list[StatisticsSection]:
    """Return this plugin's sections of the operators' statistics dashboard.

    Called once, when the dashboard is first shown. Return
    ``core.portal.statistics_sections.StatisticsSection`` values: a ``key`` unique across
    plugins (the plugin's name), a ``title`` (a ``Text``) and ``collect(session, period,
    lang)``, which returns the section's ``StatisticsPart`` (key numbers and figures with
    their labels in ``lang``) for the ``period`` the operator chose, reading in the session
    the dashboard opened. The dashboard, the printable report and the CSV export show each
    section after core's own. Return an empty list (or nothing) for a plugin without figures.
    """


@hookspec
def alert_matches(platform: Platform, query: SearchQuery, since: dt.datetime) -> list[AlertItem]:
    """Return this plugin's new items for a subscribed search (``core.portal.alerts``).

    Called by ``regiokarte alerts run`` once per active subscription, with the subscribed
    search as a ``SearchQuery`` (``query.lang`` is the subscriber's language) and ``since``,
    the aware UTC time the subscription was confirmed: items from before are not new. Return
    ``core.portal.alerts.AlertItem`` values (a stable ``id`` unique within the plugin, a title in
    ``query.lang``, an optional date and a URL, absolute or a path of the portal) for items
    that match the search (its towns, area or filters) and appeared after ``since``; core
    leaves out every item it mailed to this subscription before and lists the rest in the
    mail under the plugin's title. Keep it fast (answer from data prepared in memory or one
    query); ``platform.matching_ids(query)`` gives the ids of the companies the search finds,
    for items that belong to a company. Return an empty list (or nothing) for none.
    """


@hookspec
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str | None:
    """Create or refresh this plugin's fictitious demo data for the configured region.

    Called by ``regiokarte demo`` (which ``make run`` runs on every start) after core made its
    demo companies (``Company.is_demo``), in plugin order, outside any transaction: open one
    with ``platform.session(write=True)``. Everything made must be fictitious and say so
    wherever a person sees it (name or notes, and the source ``DEMO_SOURCE``), lie at real
    places of ``platform.region`` (``demo_places``) and be dated from ``today`` (events
    ahead, offers valid). The same seed gives the same data, and a second call adds nothing:
    key the records by ``DEMO_SOURCE`` and a stable id, and leave data that is not demo data
    alone. Return a short line saying what the demo holds now (``"40 Kitas"``), or None.
    """
