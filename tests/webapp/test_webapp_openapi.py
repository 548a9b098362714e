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
from typing import Any

import schemathesis
from databases import engine_databases
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from openapi_rules import follow_documented_rules, keeps_documented_rules
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from webapp_support import AUTH, TOKEN, AppFactory, RatingPlugin

from core.io.demo import demo_rows
from core.persistence import companies as company_repo
from plugins.training.demo import add_demo_training
from webapp.app import create_app

#: Examples per operation; a deeper (random) run: REGIOKARTE_TEST_FUZZ_EXAMPLES=1000 pytest ...
EXAMPLES_ENV = "REGIOKARTE_TEST_FUZZ_EXAMPLES"
EXAMPLES = int(os.environ.get(EXAMPLES_ENV) or 50)
ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "webapp" / "static"

#: Operations whose valid input cannot be told from the document: a rule on the content of a
#: file or of free-form answers, which OpenAPI (and JSON Schema) cannot state, or on the
#: stored record the request acts on. All checks but
#: positive_data_acceptance run on them; every other operation runs with all checks, its
#: rules between parameters stated in the document (see openapi_rules.py).
CONTENT_RULES = {
    # a logo must be a picture (PNG, JPEG, WebP)
    ("PUT", "/api/v1/submissions/{submission_id}/logo"),
    # answers are checked per question of the questionnaire (GET .../questionnaire)
    ("PUT", "/api/v1/submissions/{submission_id}/sections/{section_key}"),
    # a rule on the stored record, not on the request: only a complete submission is
    # submitted or approved (the answer names what is missing)
    ("POST", "/api/v1/submissions/{submission_id}/submit"),
    ("POST", "/api/v1/submissions/{submission_id}/approve"),
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
    # counts would be written at exit, after tests/databases.py removed the database
    statistics={"usage_counting": False},
)
atexit.register(_factory.close)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app)

#: Every in-tree plugin's API, fuzzed on a second app that enables them all (the training API
#: also has its own run with demo courses: tests/plugins/training/test_training_openapi.py).
PLUGIN_APIS = ("childcare", "events", "housing", "training", "transit")
plugin_app = create_app(
    {
        "portal": {"database_url": engine_databases().new("fuzz-plugins"), "operator_token": TOKEN},
        "search": {"refresh_interval": 0.0},
        "limits": {"enabled": False},
        "mail": {"outbox_folder": _outbox},
        "statistics": {"usage_counting": False},
        "plugins": {"enabled": list(PLUGIN_APIS)},
    }
)
_plugin_platform = plugin_app.extensions["regiokarte"]
_plugin_platform.upgrade_database()
with _plugin_platform.session(write=True) as _session:
    company_repo.bulk_insert_rows(_session, demo_rows(_plugin_platform.region, 100, 5))
atexit.register(_plugin_platform.db.dispose)
# records to find: the plugins' own examples, through their importers
add_demo_training(_plugin_platform, seed=2, courses=10)
_chamber = {"name": "IHK Nord Westfalen", "type": "chamber", "slug": "ihk-nord-westfalen"}
_housing = ROOT / "plugins" / "housing" / "examples" / "angebote_beispiel.csv"
_events = ROOT / "tests" / "plugins" / "events" / "data" / "events.csv"
for _path, _body in (
    ("/api/v1/events/organisations", {"json": _chamber}),
    ("/api/v1/housing/imports?source=fuzz", {"data": _housing.read_bytes()}),
    ("/api/v1/events/import?format=csv", {"data": _events.read_bytes()}),
):
    _answer = plugin_app.test_client().post(_path, headers=AUTH, **_body)
    assert _answer.status_code in (200, 201), _answer.get_data(as_text=True)
plugin_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", plugin_app).include(
    path_regex=f"^/api/v1/({'|'.join(PLUGIN_APIS)})/"
)
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get(EXAMPLES_ENV),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@schema.hooks.apply(follow_documented_rules, name="map_case")
@schema.hooks.apply(keeps_documented_rules, name="filter_case")
@schema.parametrize()
@FUZZ_SETTINGS
def test_every_operation_keeps_its_documented_promises(case: schemathesis.Case) -> None:
    # the example and coverage phases build cases without the generation hooks
    case = follow_documented_rules(None, case)
    if not keeps_documented_rules(None, case):
        return
    # the operator's calls: no generated editor token beside the operator token (editor
    # access is tested in tests/security_accounts)
    if case.headers:
        case.headers = {k: v for k, v in case.headers.items() if k.lower() != "x-editor-token"}
    excluded = []
    if (case.method.upper(), case.path) in CONTENT_RULES:
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=AUTH, excluded_checks=excluded)


#: Plugin operations whose valid input depends on the content of a file or on free-form
#: answers (see CONTENT_RULES).
PLUGIN_CONTENT_RULES = {
    # an iCalendar or CSV file with events
    ("POST", "/api/v1/events/import"),
    # a CSV, JSON or OpenImmo file with offers
    ("POST", "/api/v1/housing/imports"),
    # a CSV or JSON file with courses
    ("POST", "/api/v1/training/imports"),
    # answers checked per question of the training section
    ("PUT", "/api/v1/training/companies/{company_id}"),
}
#: Operations whose body is a file: whether schemathesis calls a generated body valid or
#: invalid says nothing about the file (any bytes are a CSV file to it), so neither of its
#: data checks applies; the importers' own tests hold them to their formats.
FILE_BODIES = {
    ("POST", "/api/v1/events/import"),
    ("POST", "/api/v1/housing/imports"),
    ("POST", "/api/v1/training/imports"),
}


@plugin_schema.hooks.apply(follow_documented_rules, name="map_case")
@plugin_schema.hooks.apply(keeps_documented_rules, name="filter_case")
@plugin_schema.parametrize()
@FUZZ_SETTINGS
def test_every_plugin_operation_keeps_its_documented_promises(case: schemathesis.Case) -> None:
    case = follow_documented_rules(None, case)
    if not keeps_documented_rules(None, case):
        return
    excluded = []
    if (case.method.upper(), case.path) in PLUGIN_CONTENT_RULES:
        excluded.append(positive_data_acceptance)
    if (case.method.upper(), case.path) in FILE_BODIES:
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers=AUTH, excluded_checks=excluded)


def test_fuzzed_documents_hold_every_plugin_api() -> None:
    prefixes = {path.split("/")[3] for path in plugin_schema.raw_schema["paths"]}
    assert set(PLUGIN_APIS) <= prefixes
    fuzzed = {op.path.split("/")[3] for op in _operations(plugin_schema)}
    assert fuzzed == set(PLUGIN_APIS)


def _operations(fuzzed: Any) -> list[Any]:
    return [result.ok() for result in fuzzed.get_all_operations()]


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


def test_text_with_a_nul_character_is_refused() -> None:
    # found by the stateful run on PostgreSQL, whose text columns cannot hold U+0000 (a 500)
    client = fuzz_app.test_client()
    made = client.post("/api/v1/companies", json={"name": "Null\x00Werk"}, headers=AUTH)
    assert made.status_code == 400 and list(made.get_json()["errors"]) == ["$.name"]
    contact = {"name": "Ok", "contact": {"name": "x\x00"}}
    answer = client.post("/api/v1/companies", json=contact, headers=AUTH)
    assert answer.status_code == 400 and list(answer.get_json()["errors"]) == ["$.contact.name"]
    # refused with the other malformed bodies (400), plugin bodies too (found on PostgreSQL
    # as 500s on events organisations and courses)
    plugins = plugin_app.test_client()
    for path in ("/api/v1/events/organisations", "/api/v1/training/courses"):
        answer = plugins.post(path, json={"name": "Null\x00Werk"}, headers=AUTH)
        assert answer.status_code == 400, (path, answer.get_data(as_text=True))
        assert "U+0000" in answer.get_json()["message"]
