"""The operators' page that invites an employer known only from a feed
(``/admin/stellen/einladen?arbeitgeber=<name>&plz=<postcode>``).

The review list links here for an employer no company was found for. The operator types the
employer's e-mail address and the language of the mail; ``invite_employer`` mails it the
Leitfragebogen started with its name and place, and approving that submission hands the new
company the positions under the employer's name. Every problem of the form is named at once,
in the page's language.
"""

from __future__ import annotations

from typing import Any

from core import is_email
from core import language_name
from flask import abort
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from webapp.kit import admin_blueprint
from webapp.kit import admin_language
from webapp.kit import admin_page
from webapp.kit import current_operator
from webapp.kit import current_platform
from webapp.kit import editor_link
from webapp.kit import form_problems
from webapp.kit import language_args

from plugins.jobs.questionnaire import employer_positions
from plugins.jobs.questionnaire import invite_employer
from plugins.jobs.texts import DOMAIN
from plugins.jobs.texts import text

__all__ = ["blp"]

blp = admin_blueprint("jobs_invite", __name__, "/admin/stellen")
_NOTICE = "jobs_invite_notice"


@blp.route("/einladen", methods=["GET", "POST"])
def invite() -> Any:
    """The invitation form of one employer, and sending it."""
    platform = current_platform()
    lang = admin_language()
    name = request.values.get("arbeitgeber", "").strip()[:300]
    postcode = request.values.get("plz", "").strip()[:5]
    with platform.session() as db:
        positions = employer_positions(db, name, postcode) if name else []
    if not positions:
        abort(404)
    offered = list(platform.settings.portal.languages or ["de"])
    values = {"email": "", "lang": offered[0]}
    problems: dict[str, Any] = {}
    if request.method == "POST":
        values = {
            "email": request.form.get("email", "").strip()[:320],
            "lang": request.form.get("lang", ""),
        }
        found: dict[str, Any] = {}
        if not is_email(values["email"]):
            found["email"] = [text("invite.problem_email", lang)]
        if values["lang"] not in offered:
            found["lang"] = [text("invite.problem_lang", lang)]
        if not found:
            operator = current_operator()
            invite_employer(
                platform,
                employer_name=positions[0].employer_name,
                employer_postcode=postcode,
                employer_town=positions[0].employer_town,
                email=values["email"],
                lang=values["lang"],
                editor_link=editor_link(values["lang"]),
                actor=operator.actor if operator is not None else "operator",
            )
            session[_NOTICE] = values["email"]
            return redirect(
                url_for(".invite", arbeitgeber=name, plz=postcode, **language_args()), code=303
            )
        problems = form_problems(found, lang)
    sent = session.pop(_NOTICE, None)
    status = 422 if problems else 200
    return admin_page(
        "jobs/invite.html",
        status,
        tt=lambda key, **v: text(key, lang, **v),
        domain=DOMAIN,
        employer=positions[0],
        positions=positions,
        values=values,
        problems=problems,
        sent=sent,
        languages=[(code, language_name(code)) for code in offered],
        back_args=language_args(),
    )
