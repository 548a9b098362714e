"""The same flow as JSON: /api/v1/submissions for companies (X-Editor-Token) and operators."""

from __future__ import annotations

from typing import Any

from questionnaire_support import ANSWERS, OPERATOR_TOKEN

OPERATOR = {"Authorization": f"Bearer {OPERATOR_TOKEN}"}


def test_company_and_operator_through_the_api(client: Any) -> None:
    questionnaire = client.get("/api/v1/submissions/questionnaire?lang=en").get_json()
    keys = [s["key"] for s in questionnaire["sections"]]
    assert keys[0] == "unternehmen" and questionnaire["consents"]["processing"]["version"]
    refused = client.post("/api/v1/submissions", json={"email": "x@example.org", "consent": False})
    assert refused.status_code == 422
    trap = client.post(
        "/api/v1/submissions",
        json={"email": "x@example.org", "consent": True, "homepage_url": "spam"},
    )
    assert trap.status_code == 422 and "homepage_url" in trap.get_json()["errors"]
    started = client.post("/api/v1/submissions", json={"email": "api@example.org", "consent": True})
    assert started.status_code == 201
    token, number = started.get_json()["token"], started.get_json()["submission"]["id"]
    editor = {"X-Editor-Token": token}
    base = f"/api/v1/submissions/{number}"
    assert client.get(base).status_code == 401
    assert client.get(base, headers={"X-Editor-Token": "falsch"}).status_code == 401
    bad = client.put(
        f"{base}/sections/unternehmen",
        json={"answers": {"name": "", "employees": -3}},
        headers=editor,
    ).get_json()
    assert bad["problems"]["name"]["de"].startswith("„Name des Unternehmens“")
    assert bad["problems"]["employees"]["en"].startswith("“How many people work for you?”")
    assert bad["submission"]["answers"]["unternehmen"]["employees"] == -3
    not_yet = client.post(f"{base}/submit", headers=editor)
    assert not_yet.status_code == 422 and "standort.postcode" in not_yet.get_json()["errors"]
    for key, values in ANSWERS.items():
        saved = client.put(f"{base}/sections/{key}", json={"answers": values}, headers=editor)
        assert saved.status_code == 200 and saved.get_json()["problems"] == {}, key
    assert client.post(f"{base}/submit", headers=editor).get_json()["status"] == "submitted"
    assert client.post(f"{base}/approve", headers=editor).status_code == 401
    queue = client.get("/api/v1/submissions", headers=OPERATOR).get_json()["items"]
    assert [s["id"] for s in queue] == [number]
    changes = client.get(f"{base}/changes", headers=OPERATOR).get_json()["changes"]
    assert {
        "field": "name",
        "label": "Name des Unternehmens",
        "section": "Ihr Unternehmen",
        "old": None,
        "new": "Bäckerei Morgenrot",
        "old_text": "–",
        "new_text": "Bäckerei Morgenrot",
    } in changes
    industry = next(c for c in changes if c["field"] == "industry")
    assert (industry["new"], industry["new_text"]) == ("C", "Verarbeitendes Gewerbe")
    company = client.post(f"{base}/approve", headers=OPERATOR).get_json()
    assert company["status"] == "published"
    assert client.get(f"/api/v1/companies/{company['id']}").status_code == 200
    export = client.get(f"{base}/export", headers=editor).get_json()
    assert export["company"]["contact"]["email"] == "erika@morgenrot.example"
    # another company's token sees nothing of this one
    other = client.post("/api/v1/submissions", json={"email": "b@example.org", "consent": True})
    stranger = {"X-Editor-Token": other.get_json()["token"]}
    assert client.get(base, headers=stranger).status_code == 404
    assert client.delete(base, headers=editor).status_code == 204
    assert client.get(f"/api/v1/companies/{company['id']}").status_code == 404
    assert client.get(base, headers=editor).status_code == 401


#: The routes only operators may call, with a body they accept.
OPERATOR_ROUTES = [
    ("get", "/api/v1/submissions", None),
    ("post", "/api/v1/submissions/{submission_id}/approve", None),
    ("post", "/api/v1/submissions/{submission_id}/reject", {"reason": "Unvollständig."}),
    ("post", "/api/v1/submissions/{submission_id}/request-changes", {"message": "Bitte Logo."}),
]


def test_operator_routes_document_the_answers_they_give(client: Any) -> None:
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for method, path, body in OPERATOR_ROUTES:
        operation = paths[path][method]
        assert operation["security"] == [{"operatorToken": []}], path
        documented = operation["responses"]
        review = "{submission_id}" in path
        expected = {"401", "403"} | ({"404", "409"} if review else set())
        assert expected <= set(documented), path
        for status in expected:
            schema = documented[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, (path, status)
        url = path.format(submission_id=987654)
        anonymous = client.open(url, method=method.upper(), json=body)
        assert anonymous.status_code == 401 and "401" in documented
        if review:
            missing = client.open(url, method=method.upper(), json=body, headers=OPERATOR)
            assert missing.status_code == 404 and missing.get_json()["code"] == 404
