"""HTML pages under ``/wohnen``: the offer list and an offer's page with the nearest matching
employers. Templates extend the portal's base template by name (``portal/base.html``) and run
under its content security policy (no inline scripts or styles). Operators add and change
offers in the admin area (dataset ``housing.offers``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from core import InvalidQuery
from core import NotFound
from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from webapp.kit import current_platform
from webapp.kit import declare_access
from webapp.kit import form_problems
from webapp.kit import language_args
from webapp.kit import page_language
from webapp.kit import translator

from plugins.housing.api import LIST_PARAMS
from plugins.housing.api import OFFER_PARAMS
from plugins.housing.api import commute_document
from plugins.housing.api import page_document
from plugins.housing.datasets import DATASET_ID
from plugins.housing.hooks import PAGE_PREFIX
from plugins.housing.hooks import service_for
from plugins.housing.model import DOMAIN
from plugins.housing.model import KINDS
from plugins.housing.model import OFFER_TYPES
from plugins.housing.model import PROVIDERS
from plugins.housing.service import SORTS

__all__ = ["blp"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHOICES = {"kind": KINDS, "provider": PROVIDERS, "offer_type": OFFER_TYPES}

blp = Blueprint("housing_pages", __name__, url_prefix=PAGE_PREFIX, template_folder=str(TEMPLATES))
declare_access(blp, {"*": "public"})


def _page(lang: str) -> dict[str, Any]:
    """What every housing template needs for its language: the texts and the links' query."""
    args = language_args(lang)
    return {
        "lang": lang,
        "ht": translator(DOMAIN, lang),
        "lang_args": args,
        "lang_query": f"?{urlencode(args)}" if args else "",
    }


@blp.get("")
def offer_list() -> Any:
    lang, service = page_language(), service_for(current_platform())
    params = {k: v for k, v in request.args.to_dict(flat=False).items() if k in LIST_PARAMS}
    params = {k: [x for x in v if x.strip()] for k, v in params.items()}
    params = {k: v for k, v in params.items() if v}
    problems: dict[str, list[str]] = {}
    try:
        query = service.parse_list(params, lang)
        result = page_document(service, service.search(query), lang)
    except InvalidQuery as exc:
        # every bad filter at once, in the page's language, at its field and in the summary
        problems = form_problems(exc.errors or {"query": [exc.message]}, lang)
        result = None

    def page_link(number: int) -> str | None:
        # the offers past the first page (20 a page) are reached by the kit's pager
        if result is None or not 1 <= number <= result["pages"] or number == result["page"]:
            return None
        query = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        return f"{url_for('housing_pages.offer_list')}?{urlencode([*query, ('page', number)])}"

    return render_template(
        "housing/list.html",
        **_page(lang),
        result=result,
        previous_url=page_link(result["page"] - 1) if result else None,
        next_url=page_link(result["page"] + 1) if result else None,
        problems=problems,
        args=params,
        choices=CHOICES,
        sorts=SORTS,
    ), (422 if problems else 200)


@blp.get("/angebote/<int:offer_id>")
def offer_page(offer_id: int) -> Any:
    lang, service = page_language(), service_for(current_platform())
    try:
        offer = service.get_public(offer_id)
    except NotFound:
        return render_template("portal/not_found.html", lang=lang), 404
    company_params = {
        k: v for k, v in request.args.to_dict(flat=False).items() if k not in OFFER_PARAMS
    }
    error = None
    commute = None
    try:
        result, params = service.nearest_employers(
            offer, company_params, service.settings.commute_employers, lang
        )
        commute = commute_document(result, params)
    except InvalidQuery as exc:
        error = exc.message
    return render_template(
        "housing/offer.html",
        **_page(lang),
        offer=offer.public(lang),
        commute=commute,
        error=error,
        filters=bool(company_params),
    )


@blp.route("/verwaltung", methods=["GET", "POST"])
def admin_form() -> Any:
    """The former operators' form: offers are entered in the admin area now."""
    target = url_for("admin.dataset_new", dataset_id=DATASET_ID, **language_args())
    return redirect(target, code=303 if request.method == "POST" else 301)
