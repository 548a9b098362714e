"""Every page that shows user or operator text shows the XSS corpus as text, never as markup.

The portal of xss_corpus.py holds the payloads of xss_payloads.txt in every text field (company
API, questionnaire forms, plugin forms and import files). Each page is rendered with the Flask
test client and parsed: no payload may add an element, an event-handler attribute, a
javascript: address or an inline script; and the page must show the payload text (so the
value really reached it).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from xss_corpus import (
    AUTH,
    PAYLOADS,
    Seeded,
    Spread,
    load_payloads,
    page_text,
    unsafe_markup,
)

PUBLIC_PAGES = [
    "company_api",
    "card_api",
    "company_questionnaire",
    "card_questionnaire",
    "kita_list",
    "kita_detail",
    "housing_offer_form",
    "housing_offer_import",
    "housing_list",
    "course_form",
    "course_import",
    "course_list",
    "event",
    "event_registered",
    "event_calendar",
    "job_list",
    "job_position",
    "job_unmatched",
    "embed",
]
EDITOR_PAGES = [
    *(f"questionnaire_step_{key}" for key in ("unternehmen", "standort", "ueber-uns")),
    *(f"questionnaire_step_{key}" for key in ("kontakt", "childcare", "training")),
    *(f"questionnaire_step_{key}" for key in ("housing_staff", "transit_commuting")),
    "questionnaire_review",
    "questionnaire_status",
]
#: Pages without payload text from the server: the questionnaire strips tags from answers when
#: they are saved (its company's card shows name and town only), and the embed widget's
#: companies come from the search API (the browser test reads that page).
NO_PAYLOAD_TEXT = {"card_questionnaire", "embed"}
OPERATOR_PAGES = ["admin_queue", "admin_submission", "admin_outbox", "admin_audit"]


def _checked(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    html = str(response.get_data(as_text=True))
    problems = unsafe_markup(html)
    assert problems == [], problems
    return html


def _shows_some_payload(html: str, *, with_markup: bool = True) -> None:
    """At least one payload (one with markup unless told) reached the page, as text or as an
    escaped attribute value."""
    text = page_text(html)
    wanted = [p for p in PAYLOADS if not with_markup or "<" in p or '"' in p]
    assert any(p in text or str(escape(p)) in html for p in wanted)


def test_corpus_file_has_payloads_of_every_kind() -> None:
    payloads = load_payloads()
    assert 30 <= len(payloads) <= 60 and len(set(payloads)) == len(payloads)
    for kind in ("<script", "onerror=", "javascript:", "<svg", "<math", "&#", "{{", "\u2028"):
        assert any(kind.lower() in p.lower() for p in payloads), kind


#: Payloads that are markup but that the scanner cannot flag unescaped: inert even raw (an
#: unquoted src runs to the ">", so "x/onerror=..." is its value; "<scr<script>" opens an
#: element named "scr<script") or parsed differently by html.parser (a browser ends
#: <noscript> inside the attribute); Chromium checks the pages for those.
SCANNER_BLIND = ("<img/src=x/onerror", '"><img/src=x/onerror', "<noscript>", "<scr<script>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_scanner_flags_a_raw_payload_and_passes_an_escaped_one(payload: str) -> None:
    escaped = f'<p>{escape(payload)}</p><p title="{escape(payload)}">x</p>'
    assert unsafe_markup(escaped) == []
    assert payload in page_text(escaped)
    raw = f"<p>{payload}</p>"
    if re.search(r"<[a-zA-Z!/]", payload) and not any(b in payload for b in SCANNER_BLIND):
        assert unsafe_markup(raw) != [], "the scanner sees the payload's markup"


def test_every_payload_went_into_some_field(seeded: Seeded) -> None:
    assert seeded.used == set(PAYLOADS)


@pytest.mark.parametrize("kind", PUBLIC_PAGES)
def test_public_page_shows_payloads_as_text(kind: str, client: FlaskClient, seeded: Seeded) -> None:
    html = _checked(client.get(seeded.pages[kind]))
    if kind not in NO_PAYLOAD_TEXT:
        _shows_some_payload(html)
    if kind in seeded.shown:
        assert seeded.shown[kind] in page_text(html), "the field's whole value is shown as text"


@pytest.mark.parametrize("kind", EDITOR_PAGES)
def test_questionnaire_page_shows_answers_escaped(
    kind: str, editor_clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    who, path = seeded.editor_pages[kind]
    html = _checked(editor_clients[who].get(path))
    # the questionnaire strips tags when it saves an answer; the rest of a payload remains
    _shows_some_payload(html, with_markup=False)
    if kind in seeded.shown:
        assert seeded.shown[kind] in page_text(html)


@pytest.mark.parametrize("kind", OPERATOR_PAGES)
def test_operator_page_shows_payloads_as_text(
    kind: str, operator_client: FlaskClient, seeded: Seeded
) -> None:
    html = _checked(operator_client.get(seeded.operator_pages[kind]))
    if kind != "admin_audit":
        # questionnaire answers lost their tags when saved; the rest of a payload remains
        _shows_some_payload(html, with_markup=kind == "admin_outbox")


def test_company_profile_shows_imported_stop_names_as_text(
    client: FlaskClient, seeded: Seeded
) -> None:
    html = _checked(client.get(seeded.pages["company_api"]))
    assert seeded.shown["transit_stop"] in page_text(html), "the GTFS stop near the company"


def test_company_profile_lists_positions_with_payload_titles_as_text(
    client: FlaskClient, seeded: Seeded
) -> None:
    html = _checked(client.get(seeded.pages["company_api"]))
    assert seeded.shown["job_profile"] in page_text(html), "the open position on the profile"


@pytest.mark.parametrize("kind", ["job_position", "job_unmatched"])
def test_job_posting_markup_holds_payloads_as_data(
    kind: str, client: FlaskClient, seeded: Seeded
) -> None:
    html = _checked(client.get(seeded.pages[kind]))
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "the position's page has its JobPosting markup"
    assert "<" not in found.group(1), "no markup inside the data block"
    data = json.loads(found.group(1))
    assert data["title"] == seeded.shown[kind]
    assert str(escape(data["hiringOrganization"]["name"])) in html


def test_questionnaire_live_preview_escapes_answers(
    editor_clients: dict[str, FlaskClient], seeded: Seeded
) -> None:
    client = editor_clients["draft"]
    page = client.get("/fragebogen/schritt/ueber-uns").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answers = {"description": " ".join(PAYLOADS[:12]), "learn": " ".join(PAYLOADS[12:24])}
    preview = client.post("/fragebogen/vorschau/ueber-uns", data={"csrf_token": token, **answers})
    assert preview.status_code == 200
    assert unsafe_markup(preview.get_data(as_text=True)) == []


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        ("/admin/daten/housing.offers/neu", {"postcode": "1"}),
        ("/admin/daten/training.courses/neu", {"postcode": "", "kind": ""}),
    ],
)
def test_operator_forms_echo_rejected_values_escaped(
    path: str, bad: dict[str, str], operator_client: FlaskClient
) -> None:
    spread = Spread(start=5)
    values = {
        name: spread.take(150)
        for name in ("title", "provider", "provider_name", "street", "description")
    }
    token = operator_client.get(path).get_data(as_text=True)
    token = token.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    form = {"csrf_token": token, "kind": "flat", "warm_rent_eur": "500", **values, **bad}
    answer = operator_client.post(path, data=form)
    assert answer.status_code == 400
    html = str(answer.get_data(as_text=True))
    assert unsafe_markup(html) == []
    assert str(escape(values["title"])) in html, "the form keeps the entered value, escaped"


def test_company_api_answers_json_with_payloads_as_given(client: FlaskClient) -> None:
    listed = client.get("/api/v1/companies?per_page=10", headers=AUTH).get_json()
    names = [item["name"] for item in listed["items"]]
    assert any(name.startswith("API <script>alert(1)</script>") for name in names)
