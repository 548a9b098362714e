"""The API keeps its promises along the links of its OpenAPI document (stateful schemathesis).

The document declares links (a created company leads to reading, changing and deleting it; a
started submission to its sections, submission, approval and export). schemathesis's state
machine chains such calls with the ids the API answered, so the operations are fuzzed on
records that exist, not only on ids that are not there.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections import Counter
from typing import Any, ClassVar

import schemathesis
from databases import engine_databases
from hypothesis import HealthCheck, settings
from openapi_rules import follow_documented_rules, keeps_documented_rules
from schemathesis.specs.openapi.checks import positive_data_acceptance
from webapp_support import AUTH, AppFactory, RatingPlugin

#: Scenarios; a deeper (random) run: REGIOKARTE_TEST_FUZZ_EXAMPLES=500 pytest ...
EXAMPLES_ENV = "REGIOKARTE_TEST_FUZZ_EXAMPLES"
SCENARIOS = int(os.environ.get(EXAMPLES_ENV) or 50)
#: Operations whose valid input depends on a file's content, free-form answers or the stored
#: record (see CONTENT_RULES in test_webapp_openapi.py); every other call runs with all checks.
CONTENT_RULES = {
    ("PUT", "/api/v1/submissions/{submission_id}/sections/{section_key}"),
    ("PUT", "/api/v1/submissions/{submission_id}/logo"),
    ("POST", "/api/v1/submissions/{submission_id}/submit"),
    ("POST", "/api/v1/submissions/{submission_id}/approve"),
}

# schemathesis needs the app at collection time (see test_webapp_openapi.py)
_factory = AppFactory(lambda name: engine_databases().new(name))
_outbox = tempfile.mkdtemp(prefix="regiokarte-stateful-outbox-")
atexit.register(shutil.rmtree, _outbox, ignore_errors=True)
stateful_app = _factory(
    name="stateful",
    companies=50,
    seed=4,
    plugin=RatingPlugin(),
    limits={"enabled": False},
    mail={"outbox_folder": _outbox},
    # counts would be written at exit, after tests/databases.py removed the database
    statistics={"usage_counting": False},
)
atexit.register(_factory.close)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", stateful_app)
# the declared links only: schemathesis would otherwise add links it guesses (a submission's id
# as a company id, ...) and spend the scenarios on those
schema.config.phases.stateful.inference.algorithms = []


class LinkedCalls(schema.as_state_machine()):  # type: ignore[misc]
    """Calls along the document's links, as the operator."""

    #: (method, path, status) of every call, over all scenarios.
    answered: ClassVar[Counter[tuple[str, str, int]]] = Counter()

    def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
        return {"headers": AUTH}

    def setup(self) -> None:
        self.made: list[str] = []

    def before_call(self, case: schemathesis.Case) -> None:
        # the rules between parameters the document states (openapi_rules.py)
        follow_documented_rules(None, case)
        # the operator's calls: no generated editor token beside the operator token (editor
        # access is tested in tests/security_accounts)
        if case.headers:
            case.headers = {k: v for k, v in case.headers.items() if k.lower() != "x-editor-token"}
        # a start needs a real address and consent, which random data hardly ever is (the
        # operation itself is fuzzed in test_webapp_openapi.py): scenarios start from one
        if (case.method.upper(), case.path) == ("POST", "/api/v1/submissions"):
            case.body = {"email": "stateful@example.org", "consent": True, "lang": "de"}
            case.media_type = "application/json"

    def after_call(self, response: Any, case: schemathesis.Case) -> None:
        self.answered[(case.method.upper(), case.path, response.status_code)] += 1
        if case.method.upper() == "POST" and response.status_code == 201:
            body = response.json()
            if case.path == "/api/v1/companies":
                self.made.append(f"/api/v1/companies/{body['id']}")
            elif case.path == "/api/v1/submissions":
                self.made.append(f"/api/v1/submissions/{body['submission']['id']}")

    def teardown(self) -> None:
        # every scenario starts from the same data: Hypothesis replays scenarios and expects
        # the same answers (a second company with a taken slug would be refused)
        client = stateful_app.test_client()
        for path in reversed(self.made):
            assert client.delete(path, headers=AUTH).status_code in (204, 404), path

    def validate_response(self, response: Any, case: schemathesis.Case, **kwargs: Any) -> None:
        excluded = []
        if (case.method.upper(), case.path) in CONTENT_RULES or not keeps_documented_rules(
            None, case
        ):
            excluded.append(positive_data_acceptance)
        case.validate_response(
            response, excluded_checks=excluded, headers=AUTH, transport_kwargs=kwargs
        )


def test_document_declares_the_links() -> None:
    paths = schema.raw_schema["paths"]
    created = paths["/api/v1/companies"]["post"]["responses"]["201"]["links"]
    assert {link["operationRef"].rsplit("/", 1)[1] for link in created.values()} == {
        "get",
        "patch",
        "delete",
    }
    started = paths["/api/v1/submissions"]["post"]["responses"]["201"]["links"]
    targets = {link["operationRef"] for link in started.values()}
    assert any(t.endswith("~1submit/post") for t in targets)
    assert any(t.endswith("~1approve/post") for t in targets)
    assert all(link["parameters"] for link in (*created.values(), *started.values()))


def test_linked_calls_keep_the_documented_promises() -> None:
    LinkedCalls.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=10,
            deadline=None,
            derandomize=not os.environ.get(EXAMPLES_ENV),
            suppress_health_check=list(HealthCheck),
        )
    )
    succeeded = {(method, path) for method, path, status in LinkedCalls.answered if status < 300}
    # the links led to records that exist: calls on them succeeded, not only 404s
    assert {
        ("GET", "/api/v1/companies/{company_id}"),
        ("PATCH", "/api/v1/companies/{company_id}"),
        ("DELETE", "/api/v1/companies/{company_id}"),
        ("GET", "/api/v1/submissions/{submission_id}"),
        ("GET", "/api/v1/submissions/{submission_id}/export"),
    } <= succeeded, "\n".join(map(str, sorted(LinkedCalls.answered.items())))
