"""HTML pages: the Kita map with a layer switcher, the Kita list and a page per Kita.

Server-rendered (usable without a script: the list is a full alternative to the map); the map
script is a static file, so the portal's strict content security policy holds. Templates extend
the portal's base template by name (``portal/base.html``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from core import DEMO_SOURCE
from core import GeocodingError
from core import InvalidQuery
from core import Sentence
from core import catalog
from flask import render_template
from flask import request
from flask import url_for
from webapp.kit import current_platform
from webapp.kit import language_args
from webapp.kit import map_attribution
from webapp.kit import page_language
from webapp.kit import pages_blueprint
from webapp.kit import translator

from plugins.childcare.hooks import LAYER_ID
from plugins.childcare.hooks import service_for
from plugins.childcare.model import AGE_GROUPS
from plugins.childcare.model import DOMAIN
from plugins.childcare.model import format_clock
from plugins.childcare.profile import distance_text
from plugins.childcare.service import ChildcareService
from plugins.childcare.settings import parse_clock

__all__ = ["PAGES_PREFIX", "TEXT", "blp"]

PAGES_PREFIX = "/kitas"
PER_PAGE = 50


class _CatalogTexts(Mapping[str, Mapping[str, str]]):
    """The former text table (language -> key -> text), now read from the catalog."""

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        return catalog(DOMAIN).texts(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(("de", "en"))

    def __len__(self) -> int:
        return 2


#: Deprecated: the page texts are the catalog ``childcare`` (``locale/messages.toml``).
TEXT = _CatalogTexts()

blp = pages_blueprint("childcare_pages", __name__, PAGES_PREFIX)


def _service() -> ChildcareService:
    return service_for(current_platform())


def _query(code: str) -> str:
    """``?lang=..`` for a link that keeps the page's language (empty for the first one)."""
    args = language_args(code)
    return f"?{urlencode(args)}" if args else ""


def map_texts(code: str) -> dict[str, Any]:
    """The texts the map script shows in its popups, in the page's language."""
    ct = translator(DOMAIN, code)
    return {
        "ages": {a.code: a.label(code) for a in AGE_GROUPS},
        "places": ct("places_count", n="{n}"),
        "until": ct("open_until_time", time="{time}"),
        "details": ct("details"),
    }


def map_config(code: str, **extra: Any) -> str:
    """The Kita map's configuration as JSON, safe inside the page."""
    platform = current_platform()
    settings = platform.settings.map
    data = {
        "lang": code,
        "langQuery": _query(code),
        "texts": map_texts(code),
        "tileUrl": settings.tile_url,
        "attribution": map_attribution(code),
        "layers": url_for("layers.Layers", lang=code),
        "kitaLayer": LAYER_ID,
        "kitaApi": url_for("childcare.Kitas"),
        "center": settings.center or [platform.region.center.lat, platform.region.center.lon],
        "zoom": settings.zoom or platform.region.zoom,
        **extra,
    }
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def kita_query(args: Any) -> str:
    """The list's filters as parameters of /api/v1/childcare/kitas, so the map shows the
    same Kitas as the list (empty: the map shows the whole layer)."""
    keys = ("q", "age", "open_until", "town")
    return urlencode([(k, args[k]) for k in keys if args.get(k)])


def age_labels(codes: tuple[str, ...], code: str) -> str:
    return ", ".join(a.label(code) for a in AGE_GROUPS if a.code in codes)


def _list_filters(args: Any, code: str) -> tuple[dict[str, Any], float, dict[str, list[str]]]:
    """The list's filters from the form (keyword arguments of ``select``), the radius and
    every problem with them by field (a bad value is left out and named, the list still
    shows)."""
    settings = _service().settings
    ct = translator(DOMAIN, code)
    problems: dict[str, list[str]] = {}

    def bad(name: str, label: str) -> dict[str, list[str]]:
        said = str(ct("bad_value", value=f"„{args.get(name)}“", field=ct(label)))
        return {**problems, name: [said]}

    near = None
    radius = settings.default_radius_km
    try:
        open_until = parse_clock(args["open_until"]) if args.get("open_until") else None
    except ValueError:
        open_until, problems = None, bad("open_until", "open_until")
    age = args.get("age") or None
    if age is not None and age not in {a.code for a in AGE_GROUPS}:
        age, problems = None, bad("age", "age")
    postcode = args.get("near", "").strip()
    if args.get("radius_km"):
        try:
            radius = min(100.0, max(0.1, float(args["radius_km"].replace(",", "."))))
        except ValueError:
            problems = bad("radius_km", "radius")
        if not math.isfinite(radius):
            radius = settings.default_radius_km
    if postcode:
        try:
            where = current_platform().locate_postcode(postcode)
            near = (where.lat, where.lon)
        except (GeocodingError, InvalidQuery) as exc:
            problems["near"] = [Sentence.of(exc.message, code)]
    filters = {
        "q": args.get("q", "").strip()[:200],
        "age": age,
        "open_until": open_until,
        "town": args.get("town", "").strip(),
        "near": near,
        "radius_km": radius if near is not None else None,
    }
    # in the order of the form
    order = ("age", "open_until", "near", "radius_km")
    return filters, radius, {k: problems[k] for k in order if k in problems}


def _list_items(rows: list[int], distance: Any, page: int, code: str) -> list[dict[str, Any]]:
    state = _service().state()
    items = []
    for row in rows[(page - 1) * PER_PAGE : page * PER_PAGE]:
        kita = state.kitas[row]
        items.append(
            {
                "kita": kita,
                "ages": age_labels(kita.age_groups, code),
                "closes": format_clock(kita.closes),
                "distance": None if distance is None else distance_text(float(distance[row]), code),
            }
        )
    return items


def _page_number(text: str, pages: int) -> int:
    try:
        return min(pages, max(1, int(text)))
    except ValueError:
        return 1


@blp.get("/")
def kita_list() -> Any:
    code, service, args = page_language(), _service(), request.args
    filters, radius, problems = _list_filters(args, code)
    rows, distance = service.select(**filters)
    pages = max(1, math.ceil(len(rows) / PER_PAGE))
    page = _page_number(args.get("page", "1"), pages)
    fit = None
    if rows:
        # the map opens on the Kitas found (they may lie outside the region's view)
        state = service.state()
        lat, lon = state.lat[rows], state.lon[rows]
        fit = [[float(lat.min()), float(lon.min())], [float(lat.max()), float(lon.max())]]

    def page_link(number: int) -> str:
        query = [(k, v) for k, v in args.items(multi=True) if k != "page"]
        query.append(("page", str(number)))
        return f"{url_for('childcare_pages.kita_list')}?{urlencode(query)}"

    return render_template(
        "childcare/list.html",
        lang=code,
        ct=translator(DOMAIN, code),
        lang_args=language_args(code),
        items=_list_items(rows, distance, page, code),
        total=len(rows),
        page=page,
        pages=pages,
        previous_url=page_link(page - 1) if page > 1 else None,
        next_url=page_link(page + 1) if page < pages else None,
        ages=[(a.code, a.label(code)) for a in AGE_GROUPS],
        closing_times=service.settings.closing_times,
        towns=service.towns(),
        args=args,
        radius=f"{radius:g}",
        problems=problems,
        map_config=map_config(code, fit=fit, kitaQuery=kita_query(args)),
        lang_query=_query(code),
    )


@blp.get("/<int:kita_id>")
def kita_detail(kita_id: int) -> Any:
    code, service, platform = page_language(), _service(), current_platform()
    ct = translator(DOMAIN, code)
    kita = service.kita(kita_id)
    if kita is None:
        return render_template(
            "childcare/not_found.html", lang=code, ct=ct, lang_query=_query(code)
        ), 404
    radius = service.settings.default_radius_km
    query = platform.parse_query(
        {
            "near": [f"{kita.lat},{kita.lon}"],
            "radius_km": [f"{radius:g}"],
            "sort": ["distance"],
            "per_page": ["10"],
        }
    )
    result = platform.search(query)
    employers = [
        {
            "name": hit.name,
            "town": hit.town,
            "url": f"/unternehmen/{hit.slug}{_query(code)}",
            "distance": distance_text(hit.distance_m or 0.0, code),
        }
        for hit in result.items
    ]

    def yes_no(value: bool | None) -> str:
        if value is None:
            return ct("unknown")
        return ct("yes") if value else ct("no")

    return render_template(
        "childcare/detail.html",
        lang=code,
        ct=ct,
        kita=kita,
        ages=age_labels(kita.age_groups, code),
        closes=format_clock(kita.closes),
        inclusion=yes_no(kita.inclusion),
        lunch=yes_no(kita.lunch),
        source=source_label(kita.source, ct),
        demo=kita.source == DEMO_SOURCE,
        employers=employers,
        employer_total=result.total,
        radius=f"{radius:g}",
        map_config=map_config(code, focus=[kita.lat, kita.lon], focusId=kita.id),
        lang_query=_query(code),
    )


def source_label(source: str, ct: Any) -> str:
    """Where a Kita's data comes from, in words: the demo flagged as made up, OpenStreetMap by
    name, another data set by the name the operator gave its import (never a record id)."""
    if source == DEMO_SOURCE:
        return str(ct("source_demo"))
    if source == "osm":
        return str(ct("source_osm"))
    return source
