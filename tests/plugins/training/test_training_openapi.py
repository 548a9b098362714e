"""The training API keeps the promises of its OpenAPI document (schemathesis, in process).

schemathesis needs the app when the module is collected (its pytest fixture loader does not
work with pytest 9), so the app and its database are made here, not in a fixture.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from databases import engine_databases
from hypothesis import HealthCheck, settings
from openapi_rules import follow_documented_rules, keeps_documented_rules
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from training_support import TOKEN, training_config

from core.io.demo import demo_rows
from core.persistence import companies as company_repo
from plugins.training.demo import add_demo_training
from webapp.app import create_app

_folder = Path(tempfile.mkdtemp(prefix="regiokarte-training-fuzz-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
# built at collection, before any fixture: a database of the engine under test all the same
_config = training_config(engine_databases().new("fuzz", _folder))
# usage counts would be written at exit, after tests/databases.py removed the database
_config["statistics"] = {"usage_counting": False}
fuzz_app = create_app(_config)
_platform = fuzz_app.extensions["regiokarte"]
_platform.upgrade_database()
with _platform.session(write=True) as _session:
    company_repo.bulk_insert_rows(_session, demo_rows(_platform.region, 100, 1))
add_demo_training(_platform, seed=1, courses=20)
atexit.register(_platform.db.dispose)

#: Operations whose valid input depends on a file's content or on free-form answers.
CONTENT_RULES = {
    ("POST", "/api/v1/training/imports"),
    ("PUT", "/api/v1/training/companies/{company_id}"),
}

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", fuzz_app).include(
    path_regex="^/api/v1/training"
)


@schema.hooks.apply(follow_documented_rules, name="map_case")
@schema.hooks.apply(keeps_documented_rules, name="filter_case")
@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_training_operation_keeps_its_documented_promises(case: schemathesis.Case) -> None:
    # the rules between parameters are stated in the document (tests/openapi_rules.py); only
    # an import file's content and a company's free-form answers cannot be
    case = follow_documented_rules(None, case)
    if not keeps_documented_rules(None, case):
        return
    excluded = []
    if (case.method.upper(), case.path) in CONTENT_RULES:
        excluded.append(positive_data_acceptance)
    if (case.method.upper(), case.path) == ("POST", "/api/v1/training/imports"):
        # the body is a file: any bytes are a CSV to schemathesis (see FILE_BODIES in
        # tests/webapp/test_webapp_openapi.py)
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, excluded_checks=excluded)
