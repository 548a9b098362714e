"""The OpenAPI document: complete, served with its docs UI from vendored files, and true.

schemathesis generates requests for every operation of the document (valid and invalid ones)
and checks each answer against it: status codes, content types, bodies, auth, Allow headers.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from pathlib import Path

import schemathesis
from conftest import AUTH, AppFactory, RatingPlugin
from databases import engine_databases
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

#: Examples per operation; a deeper (random) run: REGIOKARTE_TEST_FUZZ_EXAMPLES=1000 pytest ...
EXAMPLES_ENV = "REGIOKARTE_TEST_FUZZ_EXAMPLES"
EXAMPLES = int(os.environ.get(EXAMPLES_ENV) or 25)
STATIC = Path(__file__).resolve().parents[2] / "webapp" / "static"

#: Operations whose valid inputs can still be rejected (422) for rules OpenAPI 3.0 cannot
#: state: one value depending on another (radius_km and sort=distance need a centre; lat needs
#: lon; an industry division must belong to the industry section; a bbox must not be
#: inverted or leave the world; a postcode or town must exist).
CROSS_FIELD_RULES = {
    ("GET", "/api/v1/search"),
    ("POST", "/api/v1/companies"),
    ("PATCH", "/api/v1/companies/{company_id}"),
    ("GET", "/api/v1/layers/{layer_id}"),
    # an e-mail address must be one, consent must be true; a section's answers and a
    # submission are checked per question; a logo must be a picture; a reason must hold text
    ("POST", "/api/v1/submissions"),
    ("PUT", "/api/v1/submissions/{submission_id}/logo"),
    ("POST", "/api/v1/submissions/{submission_id}/submit"),
    ("POST", "/api/v1/submissions/{submission_id}/approve"),
    ("POST", "/api/v1/submissions/{submission_id}/reject"),
    ("POST", "/api/v1/submissions/{submission_id}/request-changes"),
}

# schemathesis needs the app when the module is collected (its pytest fixture loader does not
# work with pytest 9), so the app and its database (of the engine under test) are made here,
# not in a fixture; tests/databases.py removes the database at the end.
_factory = AppFactory(lambda name: engine_databases().new(name))
_outbox = tempfile.mkdtemp(prefix="regiokarte-fuzz-outbox-")
atexit.register(shutil.rmtree, _outbox, ignore_errors=True)
# the questionnaire's starts are fuzzed many times: no rate limit, mails into a temporary folder
fuzz_app = _factory(
    companies=300,
    seed=3,
    plugin=RatingPlugin(),
    limits={"enabled": False},
    mail={"outbox_folder": _outbox},
)
atexit.register(_factory.close)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get(EXAMPLES_ENV),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_operation_keeps_its_documented_promises(case: schemathesis.Case) -> None:
    excluded = []
    if (case.method.upper(), case.path) in CROSS_FIELD_RULES:
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=AUTH, excluded_checks=excluded)


def test_document_lists_every_resource_and_plugin_api() -> None:
    paths = set(schema.raw_schema["paths"])
    assert {
        "/api/v1/search",
        "/api/v1/filters",
        "/api/v1/companies",
        "/api/v1/companies/{company_id}",
        "/api/v1/layers",
        "/api/v1/layers/{layer_id}",
        "/api/v1/plugins",
        "/api/v1/rating/hello",
        "/api/v1/submissions",
        "/api/v1/submissions/questionnaire",
        "/api/v1/submissions/{submission_id}",
        "/api/v1/submissions/{submission_id}/sections/{section_key}",
        "/api/v1/submissions/{submission_id}/submit",
        "/api/v1/submissions/{submission_id}/approve",
        "/api/v1/submissions/{submission_id}/export",
    } <= paths
    parameters = {
        p["name"] for p in schema.raw_schema["paths"]["/api/v1/search"]["get"]["parameters"]
    }
    # every filter key of core and of the plugin is a documented search parameter
    assert {
        "industry",
        "industry_division",
        "profession",
        "town",
        "size",
        "family",
        "offer",
        "benefit",
        "employees",
        "rating_badge",
        "rating_certified",
    } <= parameters


def test_docs_page_uses_vendored_swagger_ui_only() -> None:
    client: FlaskClient = fuzz_app.test_client()
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/openapi.json" in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    for source in sources:
        response = client.get(source)
        response.close()
        assert response.status_code == 200, source
    vendor = STATIC / "vendor" / "swagger-ui"
    assert (vendor / "LICENSE").is_file() and (vendor / "NOTICE").is_file()
    # the initializer turns off Swagger UI's online validator (a third-party request)
    assert "validatorUrl: null" in (STATIC / "api-docs.js").read_text(encoding="utf-8")


def test_openapi_document_is_json() -> None:
    response = fuzz_app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.get_json()["openapi"].startswith("3.")
