"""The questionnaire and operator pages over HTTP: CSRF, validation, privacy, visibility."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from questionnaire_support import (
    ANSWERS,
    OPERATOR_TOKEN,
    SCRIPT,
    csrf,
    errors,
    fill_all,
    login,
    make_app,
    outbox_links,
    png,
    start,
    submit,
)

from core.portal import submissions as flow

POST_FORMS = [
    "/fragebogen/",
    "/fragebogen/schritt/unternehmen",
    "/fragebogen/vorschau/unternehmen",
    "/fragebogen/pruefen",
    "/fragebogen/bearbeiten",
    "/fragebogen/loeschen",
    "/fragebogen/abmelden",
    "/admin/anmelden",
    "/admin/abmelden",
    "/admin/einreichung/1",
]


@pytest.mark.parametrize("path", POST_FORMS)
def test_post_without_csrf_token_is_rejected(app: Any, client: Any, path: str) -> None:
    token = start(client)
    operator = app.test_client()
    login(operator)
    for who in (client, operator):
        response = who.post(path, data={"email": "x@example.org", "consent": "yes", "name": "X"})
        assert response.status_code == 400, path
        assert "Formular ist abgelaufen" in response.get_data(as_text=True)
        wrong = who.post(path, data={"csrf_token": token + "x", "name": "X"})
        assert wrong.status_code == 400, path
    platform = app.extensions["regiokarte"]
    assert len(flow.queue(platform, tuple(flow.SubmissionStatus))) == 1
    assert flow.get(platform, 1).answers == {}


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        (
            "de",
            ["„Name des Unternehmens“: Diese Angabe fehlt", "eine ganze Zahl ein, zum Beispiel 12"],
        ),
        ("en", ["“Company name”: this is missing", "whole number, for example 12"]),
    ],
)
def test_validation_errors_name_the_field_and_keep_every_answer(
    client: Any, lang: str, texts: list[str]
) -> None:
    token = start(client)
    suffix = "?lang=en" if lang == "en" else ""
    response = client.post(
        f"/fragebogen/schritt/unternehmen{suffix}",
        data={
            "csrf_token": token,
            "action": "next",
            "name": "",
            "industry": "C",
            "employees": "zehn",
            "website": "www.morgenrot.example",
        },
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = errors(html)
    for text in texts:
        assert any(text in e for e in shown), (text, shown)
    assert 'value="zehn"' in html and 'value="https://www.morgenrot.example"' in html
    assert re.search(r'value="C"\s+selected', html)
    assert 'aria-invalid="true"' in html and 'id="error-summary"' in html
    # going back saves what was typed, even while it is invalid
    again = client.get(f"/fragebogen/schritt/unternehmen{suffix}").get_data(as_text=True)
    assert 'value="zehn"' in again


def test_whole_flow_and_operator_decision(app: Any, client: Any) -> None:
    token = start(client)
    fill_all(client, token)
    review = client.get("/fragebogen/pruefen").get_data(as_text=True)
    assert "Bäckerei Morgenrot" in review and "Erika Mustermann" in review
    submit(client, token)
    assert "wird geprüft" in client.get("/fragebogen/status").get_data(as_text=True)
    operator = app.test_client()
    admin_token = login(operator)
    queue = operator.get("/admin/").get_data(as_text=True)
    assert "Bäckerei Morgenrot" in queue
    detail = operator.get("/admin/einreichung/1").get_data(as_text=True)
    assert 'data-field="name"' in detail and "<ins>Bäckerei Morgenrot</ins>" in detail
    response = operator.post(
        "/admin/einreichung/1", data={"csrf_token": admin_token, "action": "approve"}
    )
    assert response.status_code == 303
    slug = (
        app.extensions["regiokarte"]
        .search(app.extensions["regiokarte"].parse_query({"q": ["Morgenrot"]}))
        .items[0]
        .slug
    )
    profile = client.get(f"/unternehmen/{slug}").get_data(as_text=True)
    assert "Erika Mustermann" in profile and "Kleines Team, feste Schichten." in profile
    outbox = operator.get("/admin/postausgang").get_data(as_text=True)
    assert "Ihr Profil ist online" in outbox and "/fragebogen/link/" in outbox


def test_contact_person_is_public_only_with_consent(app: Any, client: Any) -> None:
    token = start(client)
    answers = {**ANSWERS, "kontakt": {**ANSWERS["kontakt"], "publish_contact": "false"}}
    fill_all(client, token, answers)
    submit(client, token)
    platform = app.extensions["regiokarte"]
    company = flow.approve(platform, 1, actor="operator:1", links=_links())
    html = client.get(f"/unternehmen/{company.slug}").get_data(as_text=True)
    assert "Erika Mustermann" not in html and "erika@morgenrot.example" not in html
    assert "02366" not in html
    # consent given in an edit: shown once the edit is approved
    client.post("/fragebogen/bearbeiten", data={"csrf_token": token})
    step = client.get("/fragebogen/schritt/kontakt").get_data(as_text=True)
    token = csrf(step)
    fill_all(client, token, {"kontakt": ANSWERS["kontakt"]})
    submit(client, token)
    assert "Erika Mustermann" not in client.get(f"/unternehmen/{company.slug}").get_data(
        as_text=True
    )
    flow.approve(platform, 2, actor="operator:1", links=_links())
    assert "Erika Mustermann" in client.get(f"/unternehmen/{company.slug}").get_data(as_text=True)


def _links() -> flow.Links:
    return flow.Links(lambda t: f"http://x/fragebogen/link/{t}", lambda s: f"http://x/{s}")


def test_nothing_unapproved_is_visible_through_any_public_page_or_api(
    app: Any, client: Any
) -> None:
    platform = app.extensions["regiokarte"]
    # a published company with a pending edit, a submitted new one and a draft
    first = app.test_client()
    token = start(first, "alt@example.org")
    fill_all(
        first, token, {**ANSWERS, "unternehmen": {**ANSWERS["unternehmen"], "name": "Altbau KG"}}
    )
    submit(first, token)
    published = flow.approve(platform, 1, actor="operator:1", links=_links())
    first.post("/fragebogen/bearbeiten", data={"csrf_token": token})
    fill_all(first, token, {"unternehmen": {**ANSWERS["unternehmen"], "name": "Geheimneu KG"}})
    submit(first, token)
    second = app.test_client()
    token = start(second, "neu@example.org")
    fill_all(
        second,
        token,
        {**ANSWERS, "unternehmen": {**ANSWERS["unternehmen"], "name": "Wartend GmbH"}},
    )
    submit(second, token)
    third = app.test_client()
    token = start(third, "entwurf@example.org")
    fill_all(third, token, {"unternehmen": {**ANSWERS["unternehmen"], "name": "Entwurf OHG"}})
    secrets = ("Geheimneu", "Wartend", "Entwurf", "geheimneu", "wartend", "entwurf")
    public = [
        "/",
        f"/unternehmen/{published.slug}",
        f"/unternehmen/{published.slug}/kurz",
        "/unternehmen/wartend-gmbh",
        "/unternehmen/entwurf-ohg",
        "/api/v1/search?per_page=200",
        "/api/v1/companies?per_page=200",
        f"/api/v1/companies/{published.id}",
        "/api/v1/companies/2",
        "/api/v1/layers/companies",
        "/api/v1/submissions/questionnaire",
    ]
    anonymous = app.test_client()
    for path in public:
        response = anonymous.get(path)
        # pages may repeat their own address (language links): that is no leak
        text = response.get_data(as_text=True).replace(path, "").replace(path.split("?")[0], "")
        assert not any(s in text for s in secrets), path
    assert "Altbau KG" in anonymous.get(f"/unternehmen/{published.slug}").get_data(as_text=True)
    shared = anonymous.get("/merkliste?u=wartend-gmbh,entwurf-ohg").get_data(as_text=True)
    assert 'class="card"' not in shared and "2 Unternehmen der Liste" in shared
    for word in ("Wartend", "Geheimneu", "Entwurf"):
        assert anonymous.get(f"/api/v1/search?q={word}").get_json()["total"] == 0
    for path in ("/api/v1/submissions", "/api/v1/submissions/2", "/api/v1/submissions/2/export"):
        assert anonymous.get(path).status_code in (401, 403), path
    for path in ("/admin/", "/admin/einreichung/2", "/admin/postausgang", "/fragebogen/status"):
        response = anonymous.get(path)
        assert response.status_code == 303, path
        assert not any(s in response.get_data(as_text=True) for s in secrets)


def test_script_payloads_are_plain_text_on_every_page(app: Any, client: Any) -> None:
    token = start(client)
    answers = {
        key: {
            k: (
                SCRIPT + v
                if isinstance(v, str)
                and v
                and k
                not in (
                    "industry",
                    "employees",
                    "postcode",
                    "contact_email",
                    "contact_phone",
                    "publish_contact",
                    "website",
                )
                else v
            )
            for k, v in values.items()
        }
        for key, values in ANSWERS.items()
    }
    fill_all(client, token, answers)
    for page in ("/fragebogen/pruefen", "/fragebogen/schritt/ueber-uns"):
        html = client.get(page).get_data(as_text=True)
        assert "<script>window" not in html and "onerror=" not in html
    submit(client, token)
    company = flow.approve(app.extensions["regiokarte"], 1, actor="operator:1", links=_links())
    html = client.get(f"/unternehmen/{company.slug}").get_data(as_text=True)
    assert "__pwned" not in html and "Bäckerei Morgenrot" in html


def test_honeypot_stores_nothing(app: Any, client: Any) -> None:
    token = csrf(client.get("/fragebogen/").get_data(as_text=True))
    response = client.post(
        "/fragebogen/",
        data={
            "csrf_token": token,
            "email": "bot@example.org",
            "consent": "yes",
            "homepage_url": "x",
        },
    )
    assert response.status_code == 200
    platform = app.extensions["regiokarte"]
    assert flow.queue(platform, tuple(flow.SubmissionStatus)) == []
    assert platform.outbox.messages() == []


def test_links_resume_and_bad_links_explain(app: Any, client: Any) -> None:
    start(client)
    link = outbox_links(app)[0]
    other = app.test_client()
    response = other.get(link.split("localhost", 1)[1])
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/fragebogen/weiter"
    )
    assert other.get("/fragebogen/weiter").headers["Location"].endswith("/schritt/unternehmen")
    bad = other.get("/fragebogen/link/nicht-gueltig")
    assert bad.status_code == 404 and "Link gilt nicht" in bad.get_data(as_text=True)


def test_logo_upload_is_reencoded_and_bad_files_are_named(client: Any) -> None:
    token = start(client)
    data = {"csrf_token": token, "action": "save", **ANSWERS["ueber-uns"]}
    response = client.post(
        "/fragebogen/schritt/ueber-uns",
        data={**data, "logo": (io.BytesIO(png()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    logo = client.get("/fragebogen/logo")
    assert logo.mimetype == "image/png" and logo.data.startswith(b"\x89PNG")
    bad = client.post(
        "/fragebogen/schritt/ueber-uns",
        data={
            **data,
            "action": "next",
            "logo": (io.BytesIO(b"<svg onload=alert(1)/>"), "logo.svg"),
        },
        content_type="multipart/form-data",
    )
    assert any(
        "„Logo (freiwillig)“" in e and "PNG, JPEG oder WebP" in e
        for e in errors(bad.get_data(as_text=True))
    )


def test_operator_login_is_checked_and_rate_limited(tmp_path: Path) -> None:
    app = make_app(
        tmp_path / "limits",
        limits={"enabled": True, "login": "3 per minute", "start_submission": "2 per hour"},
    )
    client = app.test_client()
    token = csrf(client.get("/admin/anmelden").get_data(as_text=True))
    wrong = client.post(
        "/admin/anmelden", data={"csrf_token": token, "username": "chefin", "password": "falsch"}
    )
    assert wrong.status_code == 401 and "stimmen nicht" in wrong.get_data(as_text=True)
    for _ in range(2):
        client.post(
            "/admin/anmelden",
            data={"csrf_token": token, "username": "chefin", "password": "falsch"},
        )
    limited = client.post(
        "/admin/anmelden", data={"csrf_token": token, "username": "chefin", "password": "falsch"}
    )
    assert limited.status_code == 429 and "Zu viele Versuche" in limited.get_data(as_text=True)
    starter = app.test_client()
    for expected in (303, 303, 429):
        token = csrf(starter.get("/fragebogen/").get_data(as_text=True))
        response = starter.post(
            "/fragebogen/", data={"csrf_token": token, "email": "a@example.org", "consent": "yes"}
        )
        assert response.status_code == expected
    api = app.test_client().post(
        "/api/v1/submissions", json={"email": "a@example.org", "consent": True}
    )
    assert api.status_code == 429 and api.get_json()["code"] == 429
    app.extensions["regiokarte"].db.dispose()


def test_start_limit_spares_typos_and_keeps_what_was_typed(tmp_path: Path) -> None:
    app = make_app(tmp_path / "typos", limits={"enabled": True, "start_submission": "2 per hour"})
    starter = app.test_client()

    def post(email: str, consent: bool) -> Any:
        token = csrf(starter.get("/fragebogen/").get_data(as_text=True))
        data = {"csrf_token": token, "email": email} | ({"consent": "yes"} if consent else {})
        return starter.post("/fragebogen/", data=data)

    # six refused forms (a typo, no consent): shown again with errors, the budget stays whole
    for email, consent in [("a@example", True), ("", True), ("a@example.org", False)] * 2:
        refused = post(email, consent)
        assert refused.status_code == 200
        assert 'class="error-summary"' in refused.get_data(as_text=True)
    assert [post("a@example.org", True).status_code for _ in range(2)] == [303, 303]
    limited = post("b.mueller@example.org", True)
    page = limited.get_data(as_text=True)
    assert limited.status_code == 429
    wait = int(limited.headers["Retry-After"])
    assert 0 < wait <= 3600
    minutes = -(-wait // 60)
    told = "einer Minute" if minutes == 1 else f"{minutes} Minuten"
    assert f"versuchen Sie es in {told} noch einmal" in page
    # the form again, with the address and the consent tick as they were sent
    assert 'value="b.mueller@example.org"' in page
    assert re.search(r'name="consent" value="yes" checked', page)
    app.extensions["regiokarte"].db.dispose()


def test_export_and_erase_through_the_pages(app: Any, client: Any) -> None:
    token = start(client)
    fill_all(client, token)
    submit(client, token)
    flow.approve(app.extensions["regiokarte"], 1, actor="operator:1", links=_links())
    export = client.get("/fragebogen/daten.json")
    assert export.headers["Content-Disposition"].startswith("attachment")
    assert export.get_json()["company"]["contact"]["name"] == "Erika Mustermann"
    missing = client.post("/fragebogen/loeschen", data={"csrf_token": token})
    assert "bestätigen" in missing.get_data(as_text=True)
    done = client.post("/fragebogen/loeschen", data={"csrf_token": token, "confirm": "yes"})
    assert "sind gelöscht" in done.get_data(as_text=True)
    platform = app.extensions["regiokarte"]
    assert platform.search(platform.parse_query({"q": ["Morgenrot"]})).total == 0
    assert (
        app.test_client()
        .get("/api/v1/companies", headers={"Authorization": f"Bearer {OPERATOR_TOKEN}"})
        .get_json()["total"]
        == 0
    )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_start_form_names_both_problems_in_the_page_language(client: Any, lang: str) -> None:
    """A mistyped address and no consent: both in the summary and at their fields, in the
    page's language (the Leitfragebogen's catalog); the address stays in the form."""
    from form_errors import assert_reports

    from core import catalog

    texts = catalog("questionnaire").texts(lang)
    query = "" if lang == "de" else f"?lang={lang}"
    token = csrf(client.get(f"/fragebogen/{query}").get_data(as_text=True))
    refused = client.post(f"/fragebogen/{query}", data={"csrf_token": token, "email": "a@b"})
    assert_reports(
        refused.get_data(as_text=True),
        {"start-email": texts["error_email"], "start-consent": texts["error_consent"]},
        kept={"start-email": "a@b"},
    )
    again = {"csrf_token": token, "email": "mia@example", "consent": "yes"}
    refused = client.post(f"/fragebogen/{query}", data=again)
    assert_reports(
        refused.get_data(as_text=True),
        {"start-email": texts["error_email"]},
        kept={"start-email": "mia@example", "start-consent": True},
    )
