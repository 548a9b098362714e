"""HTML pages: the course list with facets and a page per course (operators enter courses in
the admin area, dataset ``training.courses``).

Server-rendered and usable without a script (the portal's strict content security policy
holds: no inline scripts or styles). Templates extend the portal's base template by name
(``portal/base.html``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import urlencode

from core import InvalidQuery
from core import NotFound
from core import Sentence
from core import format_metres
from core import vocabulary
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from webapp.kit import current_platform
from webapp.kit import form_problems
from webapp.kit import language_args
from webapp.kit import page_language
from webapp.kit import pages_blueprint

from plugins.training.datasets import COURSES_DATASET
from plugins.training.hooks import service_for
from plugins.training.profile import PAGES_PREFIX
from plugins.training.profile import format_date
from plugins.training.profile import format_money
from plugins.training.profile import when
from plugins.training.texts import DOMAIN
from plugins.training.texts import text

if TYPE_CHECKING:
    from plugins.training.model import Course

__all__ = ["blp", "course_facts"]

RADII = (2, 5, 10, 20, 50)
#: The course search's problems with the order (``index.parse_course_params``) -> catalog key.
SORT_PROBLEMS = {"unknown sort order": "sort_unknown", "needs near": "sort_needs_place"}
#: The list form's field (``tr-<name>``) of each query parameter it sets differently.
FORM_FIELDS = {"near_postcode": "place", "near_town": "place", "near": "place"}
FORM_FIELDS["radius_km"] = "radius"
#: Facets shown in the list page's form, in this order.
FACETS = ("kind", "profession", "format", "funding", "provider_type", "town")
_POSTCODE = re.compile(r"\d{5}")


def km_text(metres: float, lang: str) -> str:
    """A distance as the portal writes every distance (``850 m``, ``2,4 km``)."""
    return format_metres(metres, lang)


blp = pages_blueprint("training_pages", __name__, PAGES_PREFIX)


def _texts(code: str) -> Callable[..., str]:
    """``tt(key, **values)``: the plugin's catalog text in the page's language."""
    return functools.partial(text, lang=code)


def course_facts(course: Course, code: str, distance: float | None = None) -> dict[str, Any]:
    """What a course card and the course page show of a course."""
    tt, service = _texts(code), service_for(current_platform())
    starts = when(course, code, service.today())
    start, end = course.start_date, course.end_date
    # "ab 2. März 2027" says the start already: the brackets add the end only; a course one
    # may join any time ("Einstieg jederzeit") gives its whole run
    if end and start and end != start and format_date(start, code) not in starts:
        dates = tt("from_to", start=format_date(start, code), end=format_date(end, code))
    elif end and end != start:
        dates = tt("until", end=format_date(end, code))
    else:
        dates = ""
    if course.cost_eur is None:
        costs = ""
    elif course.cost_eur == 0:
        costs = tt("free")
    else:
        costs = format_money(course.cost_eur, code)
    km = None if distance is None else km_text(distance, code)
    return {
        "course": course,
        "labels": course.labels(code),
        "when": starts,
        "dates": dates,
        "costs": costs,
        "distance": tt("distance", km=km) if km is not None else "",
        "url": url_for("training_pages.course_page", course_id=course.id, **language_args(code)),
    }


def _list_params(code: str, place: str) -> dict[str, list[str]]:
    params = {k: request.args.getlist(k) for k in request.args if k not in ("place", "lang")}
    if place:
        params["near_postcode" if _POSTCODE.fullmatch(place) else "near_town"] = [place]
        params.setdefault("radius_km", ["20"])
    params["lang"] = [code]
    return params


def _facets(service: Any, query: Any, result: Any, code: str) -> list[dict[str, Any]]:
    selected = query.filter_values
    facets = []
    for key in FACETS:
        spec = service.registry[key]
        chosen = set(selected.get(key) or ())
        # short lists show every option (with 0), long ones only those that give results
        few = len(spec.choices) <= 6
        values = [v for v in result.facets[key] if few or v.count > 0 or v.value in chosen]
        facets.append({"spec": spec, "label": spec.label(code), "values": values})
    return facets


def _problems(exc: InvalidQuery, code: str) -> dict[str, list[str]]:
    """Every problem of a search by the form field it belongs to, in the page's language:
    the course order is this plugin's to explain, the filters and places core's."""
    errors: dict[str, list[object]] = {k: list(v) for k, v in exc.errors.items()}
    if "sort" in errors:
        errors["sort"] = [
            Sentence.message(DOMAIN, SORT_PROBLEMS[p]) if p in SORT_PROBLEMS else p
            for p in errors["sort"]
        ]
    return form_problems(errors or {"q": [exc.message]}, code, fields=FORM_FIELDS)


@blp.get("")
def course_list() -> Any:
    code = page_language()
    service = service_for(current_platform())
    place = request.args.get("place", "").strip()
    params = _list_params(code, place)
    problems: dict[str, list[str]] = {}
    try:
        query = service.parse(params)
    except InvalidQuery as exc:
        # every problem at once, at its field; the list shows every course meanwhile
        problems = _problems(exc, code)
        query = service.parse({"lang": [code]})
    result = service.search(query)
    pages = max(1, math.ceil(result.total / query.per_page))
    state = [(k, v) for k, vs in params.items() for v in vs if k not in ("page", "lang")]
    if place:
        state = [(k, v) for k, v in state if k not in ("near_postcode", "near_town")]
        state.append(("place", place))

    def page_link(number: int) -> str:
        args = state + [("page", str(number))] + list(language_args(code).items())
        return url_for("training_pages.course_list") + "?" + urlencode(args)

    return render_template(
        "training/list.html",
        lang=code,
        tt=_texts(code),
        query=query,
        result=result,
        items=[course_facts(c, code, d) for c, d in result.items],
        facets=_facets(service, query, result, code),
        problems=problems,
        place=place,
        radius=params.get("radius_km", ["20"])[0],
        radii=RADII,
        sort=query.sort,
        page=query.page,
        pages=pages,
        previous_url=page_link(query.page - 1) if query.page > 1 else None,
        next_url=page_link(query.page + 1) if query.page < pages else None,
        reset_url=url_for("training_pages.course_list", **language_args(code)),
        lang_args=language_args(code),
        q=query.text,
    )


@blp.get("/<int:course_id>")
def course_page(course_id: int) -> Any:
    code = page_language()
    service = service_for(current_platform())
    try:
        course = service.course(course_id)
    except NotFound:
        list_url = url_for("training_pages.course_list", **language_args(code))
        page = render_template(
            "training/not_found.html", lang=code, tt=_texts(code), list_url=list_url
        )
        return page, 404
    found = service.employers(course, code)
    params = service.employer_params(course, code)
    map_args = [(k, ",".join(v)) for k, v in params.items() if k not in ("per_page", "lang")]
    map_args += list(language_args(code).items())
    employers = [
        {"hit": hit, "distance": "" if hit.distance_m is None else km_text(hit.distance_m, code)}
        for hit in (found.items if found else ())
    ]
    return render_template(
        "training/course.html",
        lang=code,
        tt=_texts(code),
        facts=course_facts(course, code),
        professions=[vocabulary("professions").label(p, code) for p in course.professions],
        employers=employers,
        employers_total=found.total if found else 0,
        employers_url=url_for("portal.index") + "?" + urlencode(map_args),
        employer_km=f"{service.settings.employer_radius_km:g}",
        placebound=course.format != "online" and course.location is not None,
        list_url=url_for("training_pages.course_list", **language_args(code)),
    )


@blp.route("/verwaltung/neu", methods=["GET", "POST"])
def admin_form() -> Any:
    """The former operators' form: courses are entered in the admin area now."""
    target = url_for("admin.dataset_new", dataset_id=COURSES_DATASET, **language_args())
    return redirect(target, code=303 if request.method == "POST" else 301)
