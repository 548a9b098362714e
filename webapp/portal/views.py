"""The portal's pages: start page (filters, list, map), company profiles, watch list, legal pages.

The start page is a shell: its script builds the filter panel from ``/api/v1/filters`` and asks
``/api/v1/search`` for results, facet counts and map symbols, so plugin filters appear without
a change here. Company profiles and the shared watch list are rendered on the server
(indexable, usable without a script).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
from flask import Blueprint, Flask, Response, jsonify, render_template, request, url_for
from markupsafe import Markup

from core import classifications as vocab
from core.errors import ConfigError, NotFound, ValidationError
from core.formatting import (
    format_amount,
    format_date,
    format_date_input,
    format_km,
    format_metres,
    format_minutes,
    format_number,
    format_quantity,
    page_formats,
    parse_date,
)
from core.i18n import Text, language_direction
from core.model import Company
from core.persistence import companies as repo
from core.persistence import submissions as submission_repo
from core.platform import Platform
from core.plugins.navigation import NavLink
from core.portal.statistics import record_profile_view
from core.search.places import PlaceNotFound
from webapp import context
from webapp.kit import map_attribution, script_json
from webapp.portal.easy_language import EasyText, load_easy_text
from webapp.portal.i18n import page_texts, translate
from webapp.portal.outline import region_outline, town_points

__all__ = ["blueprint", "init_portal", "start_config"]

STATIC = Path(__file__).parent / "static"
EXTENSION_KEY = "regiokarte"
#: Most companies a shared watch-list link may name.
MAX_WATCHLIST = 200
#: Most marker elements the start page's map holds (companies and plugin layers together):
#: beyond some thousand DOM markers, panning lags.
MAX_MARKERS = 2000
#: Header colour when ``portal.primary_color`` is empty (the style sheet's --blue).
DEFAULT_COLOR = "#0b5394"
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}

blueprint = Blueprint(
    "portal",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/portal/static",
)


def _platform() -> Platform:
    from flask import current_app

    platform: Platform = current_app.extensions[EXTENSION_KEY]
    return platform


def _static_version() -> str:
    """A hash of all static files: asset URLs and the service worker cache change with them."""
    digest = hashlib.sha256()
    for path in sorted(STATIC.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(STATIC)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


# --- language and URLs -----------------------------------------------------------------------


# the one rule of webapp.context, under the names this package's modules use
languages = context.languages
page_lang = context.page_language


def lang_args(lang: str) -> dict[str, str]:
    return context.language_args(lang)


def page_url(endpoint: str, lang: str, **values: Any) -> str:
    return url_for(endpoint, **values, **context.language_args(lang))


def asset(filename: str) -> str:
    from flask import current_app

    version = current_app.extensions["regiokarte.portal"]["version"]
    return url_for("portal.static", filename=filename, v=version)


# --- labels ------------------------------------------------------------------------------------


def _label(vocabulary: vocab.Vocabulary, code: str | None, lang: str) -> str:
    if not code:
        return ""
    try:
        return vocabulary.get(code).label(lang)
    except ValidationError:
        return code


def group_labels(platform: Platform, lang: str) -> dict[str, dict[str, str]]:
    """Per filter key: a label for each choice group (the API gives group codes only).

    A group code that is a value of another filter (WZ divisions grouped by section) takes
    that choice's label; KldB Berufsbereiche (of any filter over Berufshauptgruppen) come
    from core's vocabulary; any other group
    (town districts) is its own label.
    """
    by_value: dict[str, str] = {}
    for spec in platform.filters:
        for choice in spec.choices:
            by_value.setdefault(choice.value, choice.label(lang))
    areas = {t.code: t.label(lang) for t in vocab.profession_areas()}
    main_groups = set(vocab.professions().codes)
    out: dict[str, dict[str, str]] = {}
    for spec in platform.filters:
        groups = {c.group for c in spec.choices if c.group}
        if not groups:
            continue
        # core's and the plugins' profession filters (Berufshauptgruppen by Berufsbereich)
        kldb = {c.value for c in spec.choices} <= main_groups
        lookup = areas if kldb else by_value
        out[spec.key] = {g: lookup.get(g, g) for g in groups}
    return out


# --- company views -------------------------------------------------------------------------


def company_view(company: Company, lang: str) -> dict[str, Any]:
    """What the profile template shows, with codes turned into labels of ``lang``."""
    contact = company.contact
    return {
        "company": company,
        "industry": _label(vocab.industries(), company.industry, lang),
        "division": _label(vocab.industry_divisions(), company.industry_division, lang),
        "size": _label(vocab.size_classes(), company.size_class, lang),
        "professions": [_label(vocab.professions(), c, lang) for c in company.professions],
        "family": [_label(vocab.family_features(), c, lang) for c in company.family],
        "certificates": [_label(vocab.certificates(), c, lang) for c in company.certificates],
        "offers": [_label(vocab.offers(), c, lang) for c in company.offers],
        "benefits": [_label(vocab.benefits(), c, lang) for c in company.benefits],
        "contact": contact if contact is not None and not contact.is_empty() else None,
    }


def json_ld(company: Company, url: str, lang: str) -> Markup:
    """schema.org Organization markup; safe inside a ``<script type="application/ld+json">``."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": company.name,
        "url": url,
        "description": company.description,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": company.address.street,
            "postalCode": company.address.postcode,
            "addressLocality": company.address.town,
            "addressCountry": "DE",
        },
        "numberOfEmployees": {"@type": "QuantitativeValue", "value": company.employees},
    }
    if company.industry:
        data["knowsAbout"] = _label(vocab.industries(), company.industry, lang)
    if company.location is not None:
        data["location"] = {
            "@type": "Place",
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": company.location.lat,
                "longitude": company.location.lon,
            },
        }
    contact = company.contact
    if contact is not None and contact.email:
        data["email"] = contact.email
    if contact is not None and contact.phone:
        data["telephone"] = contact.phone
    if company.website:
        data["sameAs"] = [company.website]
    return script_json(data)


def _index_rows(slugs: list[str], lang: str) -> list[dict[str, Any]]:
    """Public companies named by ``slugs`` (in that order) from the search index, with their
    badges' texts in ``lang``."""
    index = _platform().engine.index
    position = {s: i for i, s in enumerate(index.slugs)}
    rows = []
    for slug in slugs:
        i = position.get(slug)
        if i is None or not index.alive[i]:
            continue
        rows.append(
            {
                "slug": slug,
                "name": index.names[i],
                "town": index.towns[i],
                "industry": index.industries[i],
                "size": index.sizes[i],
                "is_demo": bool(index.is_demo[i]),
                "lat": float(index.lat[i]),
                "lon": float(index.lon[i]),
                "badges": index.hit_badges(i, lang),
            }
        )
    return rows


def _card(row: Mapping[str, Any], lang: str) -> dict[str, Any]:
    return {
        **row,
        "industry_label": _label(vocab.industries(), row["industry"], lang),
        "size_label": _label(vocab.size_classes(), row["size"], lang),
    }


def _not_found(lang: str) -> tuple[str, int]:
    return render_template("portal/not_found.html", lang=lang), 404


# --- routes --------------------------------------------------------------------------------


@blueprint.get("/")
def index() -> str:
    platform = _platform()
    lang = page_lang()
    return render_template(
        "portal/index.html",
        lang=lang,
        config=start_config(platform, lang),
        has_demo=bool(platform.engine.index.is_demo.any()),
    )


def start_config(platform: Platform, lang: str) -> str:
    """The start page script's configuration as JSON, safe inside a ``<script>`` element
    (the embeddable map widget uses it too)."""
    settings = platform.settings
    region = platform.region
    center = settings.map.center or [region.center.lat, region.center.lon]
    b = region.bounds
    config = {
        "lang": lang,
        # the lang= its links keep (empty: links without it show this language)
        "langArg": context.language_args(lang).get("lang", ""),
        "format": page_formats(lang),
        "version": _app_state()["version"],
        "api": {
            "search": "/api/v1/search",
            "filters": "/api/v1/filters",
            "layers": "/api/v1/layers",
            "places": "/api/v1/places",
        },
        # URL parameters that carry a dynamic filter's argument -> that filter's key
        "arguments": {s.dynamic.argument: s.key for s in platform.filters if s.dynamic},
        # the filters of the registry: a link's other parameters are left out, with a note
        "filterKeys": [s.key for s in platform.filters],
        "maxMarkers": MAX_MARKERS,
        "urls": {
            "company": url_for("portal.company", slug="__slug__"),
            "card": url_for("portal.company_card", slug="__slug__"),
            "watchlist": url_for("portal.watchlist"),
            "place": url_for("portal.place"),
            "serviceWorker": url_for("portal.service_worker"),
        },
        "perPage": settings.search.per_page,
        "map": {
            "tileUrl": settings.map.tile_url,
            "attribution": map_attribution(lang),
            "center": center,
            "zoom": settings.map.zoom or region.zoom,
            "bounds": [[b.south, b.west], [b.north, b.east]],
            "maxZoom": platform.engine.options.max_zoom,
            # symbol sizes the server places clusters with, so none overlap on screen
            "symbols": platform.engine.options.geometry.as_json(),
        },
        "region": {
            "name": region.name,
            "outline": _app_state()["outline"],
            "towns": _app_state()["towns"],
        },
        "groupLabels": group_labels(platform, lang),
        # how the map marks a company with a plugin's badge (the hits carry the counts)
        "badges": [b.as_dict(lang) for b in platform.badges.values()],
    }
    return json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")


@blueprint.get("/unternehmen/<slug>")
def company(slug: str) -> Any:
    platform = _platform()
    lang = page_lang()
    try:
        with platform.session() as session:
            found = repo.get_company_by_slug(session, slug, public_only=True, with_contact=True)
            assert found.id is not None
            # contact persons are public only with their consent (fictitious demo data has
            # no real person behind it)
            consented = found.is_demo or found.id in submission_repo.contact_consented(
                session, [found.id]
            )
            has_logo = submission_repo.company_logo(session, found.id) is not None
    except NotFound:
        return _not_found(lang)
    record_profile_view(platform, found.id)  # aggregated counts only (core.portal.statistics)
    if not consented:
        found = attrs.evolve(found, contact=None)
    public = attrs.evolve(found, contact=None)
    sections = platform.profile_sections(public, lang)
    canonical = url_for("portal.company", slug=slug, _external=True, **lang_args(lang))
    map_state = ""
    if found.location is not None:
        map_state = f"16/{found.location.lat:.5f}/{found.location.lon:.5f}"
    return render_template(
        "portal/company.html",
        lang=lang,
        canonical=canonical,
        json_ld=json_ld(found, canonical, lang),
        sections=[(s, Markup(s.html)) for s in sections],
        big_map_url=page_url("portal.index", lang, company=slug, map=map_state or None),
        logo_url=url_for("portal.company_logo", slug=slug) if has_logo else None,
        map_config=json.dumps(
            {
                "tileUrl": platform.settings.map.tile_url,
                "attribution": map_attribution(lang),
                "outline": _app_state()["outline"],
                "name": found.name,
            },
            ensure_ascii=False,
        ).replace("<", "\\u003c"),
        **company_view(found, lang),
    )


@blueprint.get("/unternehmen/<slug>/logo.png")
def company_logo(slug: str) -> Response:
    """The published logo of a published company (re-encoded PNG)."""
    platform = _platform()
    try:
        with platform.session() as session:
            found = repo.get_company_by_slug(session, slug, public_only=True)
            assert found.id is not None
            logo = submission_repo.company_logo(session, found.id)
            data = bytes(logo.data) if logo is not None else None
    except NotFound:
        data = None
    if data is None:
        return Response("", status=404)
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blueprint.get("/unternehmen/<slug>/kurz")
def company_card(slug: str) -> Any:
    """A short card of a company (HTML fragment) for the start page's selection panel."""
    lang = page_lang()
    rows = _index_rows([slug], lang)
    if not rows:
        return Response("", status=404)
    return render_template("portal/_card.html", lang=lang, card=_card(rows[0], lang))


@blueprint.get("/portal/ort")
def place() -> Response:
    """Where the place ``?q=`` lies (town, district, postcode, or with a web geocoder a street
    address), to centre a radius search; a 404 lists the closest names as suggestions."""
    platform = _platform()
    text = request.args.get("q", "").strip()[:200]
    try:
        found = platform.find_place(text)
    except PlaceNotFound as exc:
        return jsonify(
            {
                "message": translate("near_unknown", page_lang()),
                "suggestions": [s.label for s in exc.suggestions],
            }
        ), 404
    return jsonify({"lat": found.lat, "lon": found.lon, "label": found.label})


@blueprint.get("/merkliste")
def watchlist() -> str:
    """The watch list: shared companies from ``?u=slug,slug`` or (by script) the browser's own,
    which the script loads as ``?u=...&mine=1`` so that it is not headed as a shared list (the
    script checks the claim against the browser's list: a forwarded ``mine=1`` link reads as
    shared again)."""
    lang = page_lang()
    raw = ",".join(request.args.getlist("u"))
    slugs = list(dict.fromkeys(s for s in raw.split(",") if s))[:MAX_WATCHLIST]
    rows = [_card(r, lang) for r in _index_rows(slugs, lang)]
    return render_template(
        "portal/watchlist.html",
        lang=lang,
        cards=rows,
        shared=bool(slugs),
        own=bool(slugs) and request.args.get("mine") == "1",
        missing=len(slugs) - len(rows),
    )


def _place_examples(region: Any) -> dict[str, str]:
    """Examples for the place field from the region itself: its two largest towns (by the
    number of postcodes) and a postcode, so no other region's names show."""
    towns = sorted(region.towns, key=lambda t: (-len(t.postcodes), t.name))
    names = [t.name for t in towns] or [region.name]
    postcode = next((p for t in towns for p in t.postcodes), "")
    return {
        "town": names[0],
        "other": names[1] if len(names) > 1 else names[0],
        "postcode": postcode,
    }


def _page_strings(lang: str) -> dict[str, str]:
    strings = page_texts(lang)
    strings["near_place_hint"] = translate(
        "near_place_hint", lang, **_place_examples(_platform().region)
    )
    return strings


def portal_name(platform: Platform) -> str:
    """The portal's name with its region (``Arbeitgeberkarte Emscher-Lippe``), the region
    named once: a title that names it already is not followed by it again."""
    title, region = platform.settings.portal.title, platform.region.name
    return title if region in title else f"{title} {region}"


def theme_color(platform: Platform) -> str:
    return platform.settings.portal.primary_color or DEFAULT_COLOR


@blueprint.get("/portal/theme.css")
def theme() -> Response:
    """The operator's colour (``portal.primary_color``) as a style sheet: the CSP forbids
    inline styles."""
    color = theme_color(_platform())
    css = f":root {{ --blue: {color}; --blue-dark: {color}; }}\n"
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@blueprint.get("/portal/logo")
def logo() -> Response:
    """The operator's logo (``portal.logo``); 404 when none is configured."""
    path = _app_state()["logo"]
    if path is None:
        return Response("", status=404)
    response = Response(path.read_bytes(), mimetype=LOGO_TYPES[path.suffix.lower()])
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # an SVG opened on its own must not run scripts
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@blueprint.get("/barrierefreiheit")
def accessibility() -> str:
    return render_template("portal/accessibility.html", lang=page_lang())


@blueprint.get("/leichte-sprache")
def easy_language() -> str:
    """The portal explained in Leichte Sprache: the operator's text (``portal.easy_language``)
    or the built-in one, with the operator's contact from the settings."""
    platform = _platform()
    portal = platform.settings.portal
    lang = page_lang()
    text: EasyText = _app_state()["easy_text"]
    values = {
        "portal": portal.title,
        "region": platform.region.name,
        "operator": portal.operator,
        "contact_email": portal.contact_email,
        "search_url": page_url("portal.index", lang),
        "questionnaire_url": page_url("questionnaire.start", lang),
        "watchlist_url": page_url("portal.watchlist", lang),
        "accessibility_url": page_url("portal.accessibility", lang),
        "imprint_url": page_url("portal.imprint", lang),
        "privacy_url": page_url("portal.privacy", lang),
    }
    contact = Markup(
        render_template("portal/_easy_contact.html", imprint_url=values["imprint_url"])
    )
    return render_template(
        "portal/easy_language.html",
        lang=lang,
        easy_title=text.render_title(values),
        easy_body=text.render(values, contact),
    )


@blueprint.get("/impressum")
def imprint() -> str:
    return render_template("portal/imprint.html", lang=page_lang())


@blueprint.get("/datenschutz")
def privacy() -> str:
    settings = _platform().settings
    return render_template(
        "portal/privacy.html",
        lang=page_lang(),
        usage_counting=settings.statistics.usage_counting,
        alerts_enabled=settings.alerts.enabled,
    )


@blueprint.get("/offline")
def offline() -> str:
    return render_template("portal/offline.html", lang=page_lang())


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    platform = _platform()
    lang = page_lang()
    title = platform.settings.portal.title
    data = {
        "name": f"{title} {platform.region.name}",
        "short_name": title[:12] if len(title) > 12 else title,
        "description": translate("meta_description", lang, region=platform.region.name),
        "lang": lang,
        "start_url": url_for("portal.index", **lang_args(lang)),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": theme_color(platform),
        "icons": [
            {"src": asset("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": asset("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": asset("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": asset("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")


SHELL_ASSETS = (
    "css/portal.css",
    "js/common.js",
    "js/portal.js",
    "js/profile.js",
    "js/watchlist.js",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "icons/icon.svg",
    "icons/icon-192.png",
)


@blueprint.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served from the root so its scope is the whole portal."""
    state = _app_state()
    shell = [url_for("portal.index"), url_for("portal.offline")]
    shell += [asset(name) for name in SHELL_ASSETS]
    head = (
        f"const VERSION = {json.dumps(state['version'])};\n"
        f"const SHELL = {json.dumps(shell)};\n"
        f"const OFFLINE = {json.dumps(url_for('portal.offline'))};\n"
    )
    body = (STATIC / "js" / "sw.js").read_text("utf-8")
    response = Response(head + body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


# --- set-up --------------------------------------------------------------------------------


def _app_state() -> dict[str, Any]:
    from flask import current_app

    state: dict[str, Any] = current_app.extensions["regiokarte.portal"]
    return state


def content_security_policy(tile_url: str) -> str:
    """A strict policy: only this origin, plus images from the tile server."""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    tiles = ""
    if parts.scheme in ("http", "https") and parts.netloc:
        host = parts.netloc
        if "{s}" in tile_url.split("/")[2]:
            host = "*." + host.split(".", 1)[1]
        if "{" not in host:
            tiles = f" {parts.scheme}://{host}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self'; "
        "manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'self'"
    )


@blueprint.after_request
def security_headers(response: Response) -> Response:
    """The portal's CSP and privacy headers on HTML pages (other HTML blueprints use it too)."""
    if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = _app_state()["csp"]
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


def navigation_links(platform: Platform) -> list[NavLink]:
    """The enabled plugins' header links (``register_navigation``), in ascending order."""
    links = [link for link in platform.collect("register_navigation") if link is not None]
    return sorted(links, key=lambda link: link.order)  # stable: plugin order among equals


def _nav_items(lang: str) -> list[dict[str, Any]]:
    """Header links in ``lang``; the one whose pages are shown is marked as current."""
    suffix = context.lang_query(lang)
    items = []
    for link in _app_state()["navigation"]:
        base = link.href.rstrip("/") or "/"
        current = request.path == base or request.path.startswith(base.rstrip("/") + "/")
        items.append({"href": link.href + suffix, "label": link.label(lang), "current": current})
    return items


def _checked_theme(platform: Platform) -> Path | None:
    """Refuse a malformed colour or a missing logo at start-up; the logo file, if any."""
    portal = platform.settings.portal
    if portal.primary_color and not re.fullmatch(r"#[0-9a-fA-F]{6}", portal.primary_color):
        raise ConfigError(
            f"portal.primary_color must be a colour like #0b5394, not {portal.primary_color!r}."
        )
    if not portal.logo:
        return None
    path = Path(portal.logo)
    if path.suffix.lower() not in LOGO_TYPES or not path.is_file():
        raise ConfigError(
            f"portal.logo {portal.logo!r} must name an existing file ending in "
            f"{', '.join(LOGO_TYPES)}."
        )
    return path


def _logo_url() -> str:
    if _app_state()["logo"] is not None:
        return url_for("portal.logo")
    return asset("icons/icon.svg")


def _day(value: Any) -> dt.date:
    # templates get days as dates or as the ISO text of an API document
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _date_field_value(value: Any, lang: str) -> str:
    """What a date field shows: a day in the page's typing format, and text a visitor typed
    that is no day as it was typed (the page names the problem; the input is not lost)."""
    if isinstance(value, dt.date):
        return format_date_input(_day(value), lang)
    try:
        return format_date_input(parse_date(str(value)), lang)
    except ValueError:
        return str(value)


def init_portal(app: Flask) -> None:
    """Register the portal's pages, static files and template helpers on ``app``."""
    platform: Platform = app.extensions[EXTENSION_KEY]
    app.extensions["regiokarte.portal"] = {
        "logo": _checked_theme(platform),
        "easy_text": load_easy_text(platform.settings.portal.easy_language),
        "version": _static_version(),
        "outline": region_outline(platform.region),
        "towns": town_points(platform.region),
        "csp": content_security_policy(platform.settings.map.tile_url),
        "navigation": navigation_links(platform),
    }
    app.register_blueprint(blueprint)
    from webapp.portal.embed import init_embed  # it builds on this module

    init_embed(app)

    # numbers, units and days in every template (plugin pages too), in the page's language
    def _in_page_language(write: Any) -> Any:
        return lambda value: write(value, page_lang() if request else "de")

    for name, write in {
        "km": lambda v, lang: format_km(float(v), lang),
        "metres": lambda v, lang: format_metres(float(v), lang),
        "minutes": lambda v, lang: format_minutes(float(v), lang),
        "amount": lambda v, lang: format_amount(float(v), lang),
        "number": lambda v, lang: format_number(float(v), lang),
        # rooms, areas: one decimal where there is one (2,5 Zimmer), none where there is none
        "decimal": lambda v, lang: format_number(float(v), lang, 1),
        # living areas: 48,5 m² (Arabic: م²)
        "area": lambda v, lang: format_quantity(float(v), "m²", lang),
        "date": lambda v, lang: format_date(_day(v), lang),
        "local_date": _date_field_value,
    }.items():
        app.add_template_filter(_in_page_language(write), name)

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        # for every template, so plugin pages that extend portal/base.html have them too
        lang = page_lang() if request else "de"

        def t(key: str, **values: Any) -> str:
            return translate(key, lang, **values)

        def t_html(key: str, **parts: Any) -> Markup:
            # a text whose placeholders take HTML the template builds (a link, code): the
            # text itself is escaped, the parts are Markup (or escaped like it)
            return Markup.escape(translate(key, lang)).format(**parts)

        return {
            "t": t,
            "t_html": t_html,
            # a deprecated German/English pair (kit/macros.html tr): English for the others
            "literal": lambda **texts: Text.literal(**texts)(lang),
            "date_input": page_formats(lang)["dateInput"],
            "asset": asset,
            "page_url": lambda endpoint, **v: page_url(endpoint, lang, **v),
            "switch_language_url": context.switch_language_url,
            "lang_query": context.lang_query if request else lambda *a, **k: "",
            "lang_arg": context.language_args(lang).get("lang", "") if request else "",
            "language_menu": context.language_menu() if request else [],
            "text_direction": language_direction(lang),
            "format_json": Markup(json.dumps(page_formats(lang), ensure_ascii=False)),
            "portal": _platform().settings.portal,
            "region": _platform().region,
            "portal_name": portal_name(_platform()),
            "title_names_region": _platform().region.name in _platform().settings.portal.title,
            "theme_color": theme_color(_platform()),
            "brand_logo_url": _logo_url() if request else "",
            "plugin_nav": _nav_items(lang) if request else [],
            "strings_json": Markup(
                json.dumps(_page_strings(lang), ensure_ascii=False).replace("<", "\\u003c")
            ),
        }
