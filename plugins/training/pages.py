"""HTML pages: the course list with facets, a page per course, and the operators' form.

Server-rendered and usable without a script (the portal's strict content security policy
holds: no inline scripts or styles). Templates extend the portal's base template by name
(``portal/base.html``).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, redirect, render_template, request, url_for

from core import InvalidQuery, NotFound, ValidationError, format_metres, vocabulary
from plugins.training import repository as repo
from plugins.training import vocabulary as tv
from plugins.training.hooks import service_for
from plugins.training.importer import course_from_values
from plugins.training.profile import PAGES_PREFIX, format_date, format_money, when
from webapp.kit import declare_access

if TYPE_CHECKING:
    from core import Platform
    from plugins.training.model import Course

__all__ = ["TEXT", "make_pages_blueprint"]

TEXT: dict[str, dict[str, str]] = {
    "de": {
        "title": "Aus- und Weiterbildung",
        "intro": (
            "Kurse in der Region: Weiterbildung, Umschulung, Meister- und Fachwirtkurse, "
            "Sprachkurse und Kurse rund um die Ausbildung."
        ),
        "search": "Kurse suchen",
        "words": "Suchbegriff",
        "place": "Ort oder PLZ",
        "radius": "Umkreis",
        "sort": "Sortierung",
        "sort_date": "Beginn",
        "sort_title": "Titel",
        "sort_distance": "Entfernung",
        "show": "Anzeigen",
        "reset": "Alle Filter zurücksetzen",
        "found": "{n} Kurse gefunden",
        "found_one": "1 Kurs gefunden",
        "none": "Kein aktueller Kurs passt zu dieser Suche.",
        "bad_query": "Die Suche ist ungültig: {message}",
        "previous": "Zurück",
        "next": "Weiter",
        "page": "Seite {page} von {pages}",
        "provider": "Anbieter",
        "kind": "Art",
        "format": "Form",
        "dates": "Termine",
        "duration": "Dauer",
        "hours": "{n} Unterrichtsstunden",
        "costs": "Kosten",
        "free": "kostenlos",
        "unknown": "keine Angabe",
        "funding": "Förderung",
        "where": "Ort",
        "online": "Online",
        "link": "Zum Angebot beim Anbieter",
        "professions": "Für diese Berufe",
        "about": "Beschreibung",
        "employers": "Arbeitgeber in der Nähe, die diese Berufe beschäftigen",
        "employers_none": "Keine Arbeitgeber mit diesen Berufen im Umkreis von {km}.",
        "employers_all": "Alle {n} auf der Karte zeigen",
        "employers_online": "Arbeitgeber mit diesen Berufen",
        "back": "Zurück zur Kursliste",
        "not_found": "Diesen Kurs gibt es nicht (mehr). Vergangene Kurse werden ausgeblendet.",
        "demo": "Fiktives Demo-Angebot",
        "from_to": "{start} bis {end}",
        "until": "bis {end}",
        "distance": "{km} entfernt",
        "admin": "Kurs eintragen",
        "admin_intro": (
            "Für Betreiber des Portals: Kurse von Anbietern ohne eigene Datei eintragen. "
            "Pflichtfelder sind markiert."
        ),
        "token": "Betreiber-Schlüssel",
        "token_help": "Der Schlüssel aus der Einstellung portal.operator_token.",
        "token_wrong": "Der Betreiber-Schlüssel ist falsch.",
        "token_disabled": (
            "Eintragen ist abgeschaltet: Es ist kein Betreiber-Schlüssel "
            "(portal.operator_token) eingestellt."
        ),
        "save": "Kurs speichern",
        "saved": "Der Kurs wurde gespeichert.",
        "invalid": "Bitte prüfen Sie die markierten Angaben.",
        "required": "Pflichtfeld",
        "choose": "bitte wählen",
        "f_title": "Titel",
        "f_provider": "Anbieter (Name)",
        "f_provider_type": "Art des Anbieters",
        "f_kind": "Art des Angebots",
        "f_format": "Form",
        "f_professions": "Berufe (KldB 2010)",
        "f_start_date": "Beginn",
        "f_end_date": "Ende",
        "f_on_demand": "Einstieg jederzeit (auf Anfrage)",
        "f_duration": "Dauer (Text, z. B. 6 Monate, Teilzeit)",
        "f_hours": "Unterrichtsstunden",
        "f_cost_eur": "Kosten (Euro)",
        "f_cost_note": "Hinweis zu Kosten",
        "f_funding": "Förderung",
        "f_street": "Straße und Hausnummer",
        "f_postcode": "PLZ",
        "f_town": "Ort",
        "f_link": "Link zum Angebot",
        "f_description": "Beschreibung",
        "any": "alle",
    },
    "en": {
        "title": "Apprenticeships and further training",
        "intro": (
            "Courses in the region: further training, retraining, master craftsperson and "
            "Fachwirt courses, language courses and courses around the apprenticeship."
        ),
        "search": "Search courses",
        "words": "Search words",
        "place": "Town or postcode",
        "radius": "Radius",
        "sort": "Order",
        "sort_date": "Start",
        "sort_title": "Title",
        "sort_distance": "Distance",
        "show": "Show",
        "reset": "Reset all filters",
        "found": "{n} courses found",
        "found_one": "1 course found",
        "none": "No current course matches this search.",
        "bad_query": "The search is invalid: {message}",
        "previous": "Previous",
        "next": "Next",
        "page": "Page {page} of {pages}",
        "provider": "Provider",
        "kind": "Kind",
        "format": "Format",
        "dates": "Dates",
        "duration": "Duration",
        "hours": "{n} lessons",
        "costs": "Costs",
        "free": "free",
        "unknown": "not given",
        "funding": "Funding",
        "where": "Place",
        "online": "Online",
        "link": "The offer at the provider's site",
        "professions": "For these professions",
        "about": "Description",
        "employers": "Employers nearby who employ these professions",
        "employers_none": "No employers with these professions within {km}.",
        "employers_all": "Show all {n} on the map",
        "employers_online": "Employers with these professions",
        "back": "Back to the course list",
        "not_found": "This course does not exist (any more). Past courses are hidden.",
        "demo": "Fictitious demo offer",
        "from_to": "{start} to {end}",
        "until": "until {end}",
        "distance": "{km} away",
        "admin": "Enter a course",
        "admin_intro": (
            "For the portal's operators: enter courses of providers without a file of their "
            "own. Required fields are marked."
        ),
        "token": "Operator key",
        "token_help": "The key of the setting portal.operator_token.",
        "token_wrong": "The operator key is wrong.",
        "token_disabled": "Entering courses is switched off: no operator key is configured.",
        "save": "Save course",
        "saved": "The course was saved.",
        "invalid": "Please check the marked fields.",
        "required": "required",
        "choose": "please choose",
        "f_title": "Title",
        "f_provider": "Provider (name)",
        "f_provider_type": "Kind of provider",
        "f_kind": "Kind of course",
        "f_format": "Format",
        "f_professions": "Professions (KldB 2010)",
        "f_start_date": "Start",
        "f_end_date": "End",
        "f_on_demand": "Start any time (on demand)",
        "f_duration": "Duration (text, e.g. 6 months, part time)",
        "f_hours": "Lessons",
        "f_cost_eur": "Costs (euros)",
        "f_cost_note": "Note on costs",
        "f_funding": "Funding",
        "f_street": "Street and number",
        "f_postcode": "Postcode",
        "f_town": "Town",
        "f_link": "Link to the offer",
        "f_description": "Description",
        "any": "all",
    },
}

RADII = (2, 5, 10, 20, 50)
#: Facets shown in the list page's form, in this order.
FACETS = ("kind", "profession", "format", "funding", "provider_type", "town")
_POSTCODE = re.compile(r"\d{5}")


def _csp(tile_url: str) -> str:
    """The portal's policy: this origin only, plus images from the tile server."""
    parts = urlsplit(tile_url.replace("{s}", "a"))
    tiles = ""
    if parts.scheme in ("http", "https") and parts.netloc and "{" not in parts.netloc:
        tiles = f" {parts.scheme}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data:{tiles}; connect-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )


def km_text(metres: float, lang: str) -> str:
    """A distance as the portal writes every distance (``850 m``, ``2,4 km``)."""
    return format_metres(metres, lang)


def make_pages_blueprint(platform: Platform) -> Blueprint:
    """The course pages (``/weiterbildung``), bound to ``platform``."""
    blp = Blueprint(
        "training_pages",
        __name__,
        url_prefix=PAGES_PREFIX,
        template_folder="templates",
        static_folder="static",
        static_url_path="/static",
    )
    service = service_for(platform)
    policy = _csp(platform.settings.map.tile_url)
    offered = [x for x in platform.settings.portal.languages if x in TEXT] or ["de"]

    def lang() -> str:
        wanted = request.args.get("lang", "")
        return wanted if wanted in offered else offered[0]

    def lang_args(code: str) -> dict[str, str]:
        return {} if code == offered[0] else {"lang": code}

    def texts(code: str) -> Any:
        table = TEXT[code]

        def tt(key: str, **values: Any) -> str:
            return table[key].format(**values) if values else table[key]

        return tt

    def course_facts(course: Course, code: str, distance: float | None = None) -> dict[str, Any]:
        tt = texts(code)
        # "ab 02.03.2027" says the start already; the brackets add the end
        if course.start_date and course.end_date and course.end_date != course.start_date:
            dates = tt(
                "from_to",
                start=format_date(course.start_date, code),
                end=format_date(course.end_date, code),
            )
        elif course.end_date and not course.start_date:
            dates = tt("until", end=format_date(course.end_date, code))
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
            "when": when(course, code, service.today()),
            "dates": dates,
            "costs": costs,
            "distance": tt("distance", km=km) if km is not None else "",
            "url": url_for("training_pages.course_page", course_id=course.id, **lang_args(code)),
        }

    @blp.after_request
    def _headers(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", policy)
            response.headers.setdefault("Referrer-Policy", "same-origin")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    def not_found(code: str) -> tuple[str, int]:
        return render_template("training/not_found.html", lang=code, tt=texts(code)), 404

    @blp.get("")
    def course_list() -> Any:
        code = lang()
        tt = texts(code)
        params = {k: request.args.getlist(k) for k in request.args if k not in ("place", "lang")}
        place = request.args.get("place", "").strip()
        if place:
            params["near_postcode" if _POSTCODE.fullmatch(place) else "near_town"] = [place]
            params.setdefault("radius_km", ["20"])
        params["lang"] = [code]
        problem = ""
        try:
            query = service.parse(params)
        except InvalidQuery as exc:
            problem = exc.message
            query = service.parse({"lang": [code]})
        result = service.search(query)
        pages = max(1, math.ceil(result.total / query.per_page))
        state = [(k, v) for k, vs in params.items() for v in vs if k not in ("page", "lang")]
        if place:
            state = [(k, v) for k, v in state if k not in ("near_postcode", "near_town")]
            state.append(("place", place))

        def page_link(number: int) -> str:
            args = state + [("page", str(number))] + list(lang_args(code).items())
            return url_for("training_pages.course_list") + "?" + urlencode(args)

        selected = query.filter_values
        facets = []
        for key in FACETS:
            spec = service.registry[key]
            chosen = set(selected.get(key) or ())
            # short lists show every option (with 0), long ones only those that give results
            few = len(spec.choices) <= 6
            values = [v for v in result.facets[key] if few or v.count > 0 or v.value in chosen]
            facets.append({"spec": spec, "label": spec.label(code), "values": values})
        return render_template(
            "training/list.html",
            lang=code,
            tt=tt,
            query=query,
            result=result,
            items=[course_facts(c, code, d) for c, d in result.items],
            facets=facets,
            problem=problem,
            place=place,
            radius=params.get("radius_km", ["20"])[0],
            radii=RADII,
            sort=query.sort,
            page=query.page,
            pages=pages,
            previous_url=page_link(query.page - 1) if query.page > 1 else None,
            next_url=page_link(query.page + 1) if query.page < pages else None,
            reset_url=url_for("training_pages.course_list", **lang_args(code)),
            q=query.text,
        )

    @blp.get("/<int:course_id>")
    def course_page(course_id: int) -> Any:
        code = lang()
        tt = texts(code)
        try:
            course = service.course(course_id)
        except NotFound:
            return not_found(code)
        found = service.employers(course, code)
        params = service.employer_params(course, code)
        map_args = [(k, ",".join(v)) for k, v in params.items() if k not in ("per_page", "lang")]
        map_args += list(lang_args(code).items())
        employers = [
            {
                "hit": hit,
                "distance": "" if hit.distance_m is None else km_text(hit.distance_m, code),
            }
            for hit in (found.items if found else ())
        ]
        return render_template(
            "training/course.html",
            lang=code,
            tt=tt,
            facts=course_facts(course, code),
            professions=[vocabulary("professions").label(p, code) for p in course.professions],
            employers=employers,
            employers_total=found.total if found else 0,
            employers_url=url_for("portal.index") + "?" + urlencode(map_args),
            employer_km=f"{service.settings.employer_radius_km:g}",
            placebound=course.format != "online" and course.location is not None,
            list_url=url_for("training_pages.course_list", **lang_args(code)),
        )

    # --- operators' form ------------------------------------------------------------------

    form_fields = (
        "title",
        "provider",
        "provider_type",
        "kind",
        "format",
        "start_date",
        "end_date",
        "duration",
        "hours",
        "cost_eur",
        "cost_note",
        "street",
        "postcode",
        "town",
        "link",
        "description",
    )

    def form_context(code: str, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
        return {
            "lang": code,
            "tt": texts(code),
            "values": values,
            "errors": errors,
            "kinds": [(t.code, t.label(code)) for t in tv.KINDS],
            "provider_types": [(t.code, t.label(code)) for t in tv.PROVIDER_TYPES],
            "formats": [(t.code, t.label(code)) for t in tv.FORMATS],
            "fundings": [(t.code, t.label(code)) for t in tv.FUNDING],
            "professions": [(t.code, t.label(code)) for t in vocabulary("professions")],
            "enabled": bool(platform.settings.portal.operator_token),
            "action": url_for("training_pages.admin_form", **lang_args(code)),
        }

    @blp.route("/verwaltung/neu", methods=["GET", "POST"])
    def admin_form() -> Any:
        code = lang()
        tt = texts(code)
        if request.method == "GET":
            return render_template("training/admin.html", **form_context(code, {}, {}))
        form = request.form
        values: dict[str, Any] = {k: form.get(k, "").strip() for k in form_fields}
        values["professions"] = form.getlist("professions")
        values["funding"] = form.getlist("funding")
        values["on_demand"] = form.get("on_demand") == "true"
        errors: dict[str, str] = {}
        expected = platform.settings.portal.operator_token
        given = form.get("token", "")
        # the operator's key in the form is also what keeps other sites from posting it
        if not expected:
            errors["token"] = tt("token_disabled")
        elif not platform.check_secret("operator_token", request.remote_addr, given, expected):
            # wrong tokens are counted per address; many give 429 (TooManyAttempts)
            errors["token"] = tt("token_wrong")
        if errors:
            return render_template("training/admin.html", **form_context(code, values, errors)), 403
        try:
            course = course_from_values(
                {k: v for k, v in values.items() if v not in ("", None)}, platform
            )
        except ValidationError as exc:
            for message in exc.errors.get("course") or [exc.message]:
                key, _, text = message.partition(": ")
                errors.setdefault(key if key in values or key == "location" else "_", text)
            return render_template("training/admin.html", **form_context(code, values, errors)), 422
        with platform.session(write=True) as session:
            saved = repo.add_course(session, course)
        service.index(force=True)
        return redirect(
            url_for("training_pages.course_page", course_id=saved.id, **lang_args(code)), 303
        )

    # who may use each route (public, editor, operator); see webapp/security.py
    declare_access(
        blp,
        {
            "*": "public",
            # GET shows the empty form; the POST carries the operator token
            "admin_form": {"GET": "public", "POST": "operator"},
        },
    )
    return blp
