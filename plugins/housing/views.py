"""HTML pages under ``/wohnen``: the offer list, an offer's page with the nearest matching
employers, and a form for operators to add offers. Templates extend the portal's base
template by name (``portal/base.html``) and run under its content security policy (no
inline scripts or styles)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Blueprint, redirect, render_template, request
from werkzeug.wrappers import Response

from core import InvalidQuery, NotFound, ValidationError
from plugins.housing import repository as repo
from plugins.housing.api import LIST_PARAMS, OFFER_PARAMS, commute_document, page_document
from plugins.housing.api import offer_from_body as _offer_from_body
from plugins.housing.hooks import PAGE_PREFIX, service_for
from plugins.housing.model import FIELDS, KINDS, OFFER_TYPES, PROVIDERS
from plugins.housing.service import SORTS
from webapp.kit import declare_access

if TYPE_CHECKING:
    from core import Platform

__all__ = ["make_pages"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
LANGS = ("de", "en")
#: Fields of the operator form (a subset of ``FIELDS``), in display order.
FORM_FIELDS = (
    "title", "kind", "offer_type", "rooms", "area_m2", "cold_rent_eur", "warm_rent_eur",
    "price_eur", "available_from", "street", "postcode", "town", "address_public",
    "provider_type", "provider_name", "contact_name", "contact_email", "contact_phone", "link",
    "description", "expires_on",
)  # fmt: skip


def _lang() -> str:
    wanted = request.args.get("lang", "")
    return wanted if wanted in LANGS else "de"


def make_pages(platform: Platform) -> Blueprint:
    """The HTML blueprint, bound to ``platform``."""
    blp = Blueprint(
        "housing_pages", __name__, url_prefix=PAGE_PREFIX, template_folder=str(TEMPLATES)
    )
    service = service_for(platform)
    choices = {"kind": KINDS, "provider": PROVIDERS, "offer_type": OFFER_TYPES}

    @blp.get("")
    def offer_list() -> Any:
        lang = _lang()
        params = {k: v for k, v in request.args.to_dict(flat=False).items() if k in LIST_PARAMS}
        params = {k: [x for x in v if x.strip()] for k, v in params.items()}
        params = {k: v for k, v in params.items() if v}
        error = None
        try:
            query = service.parse_list(params, lang)
            result = page_document(service, service.search(query), lang)
        except InvalidQuery as exc:
            error, result = exc.message, None
        return render_template(
            "housing/list.html",
            lang=lang,
            result=result,
            error=error,
            args=params,
            choices=choices,
            sorts=SORTS,
        ), (200 if error is None else 422)

    @blp.get("/angebote/<int:offer_id>")
    def offer_page(offer_id: int) -> Any:
        lang = _lang()
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
            lang=lang,
            offer=offer.public(lang),
            commute=commute,
            error=error,
            filters=bool(company_params),
        )

    @blp.route("/verwaltung", methods=["GET", "POST"])
    def admin_form() -> Any:
        lang = _lang()
        values: dict[str, str] = {}
        problems: dict[str, list[str]] = {}
        message = None
        status = 200
        if request.method == "POST":
            values = {k: request.form.get(k, "").strip() for k in FORM_FIELDS}
            values["address_public"] = "true" if request.form.get("address_public") else "false"
            token = request.form.get("token", "")
            expected = str(platform.settings.portal.operator_token or "")
            if not expected:
                message, status = "operator_disabled", 403
            elif not platform.check_secret("operator_token", request.remote_addr, token, expected):
                # wrong tokens are counted per address; many give 429 (TooManyAttempts)
                message, status = "wrong_token", 401
            else:
                body = {k: v for k, v in values.items() if v != ""}
                try:
                    offer = _offer_from_body(service, body, "manual")
                except ValidationError as exc:
                    problems, status = exc.errors, 422
                else:
                    with platform.session(write=True) as session:
                        saved = repo.add_offer(session, offer)
                    suffix = "?lang=en" if lang == "en" else ""
                    return redirect(f"{PAGE_PREFIX}/angebote/{saved.id}{suffix}", code=303)
        response = Response(
            render_template(
                "housing/admin.html",
                lang=lang,
                values=values,
                problems=problems,
                message=message,
                fields=FORM_FIELDS,
                help=FIELDS,
                choices={"kind": KINDS, "provider_type": PROVIDERS, "offer_type": OFFER_TYPES},
            ),
            status=status,
            mimetype="text/html",
        )
        # the form carries the operator token: never cache it, never send it elsewhere
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

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
