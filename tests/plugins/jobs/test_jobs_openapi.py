"""The jobs API keeps the promises of its OpenAPI document (schemathesis, in process): every
status code, content type and body of /api/v1/jobs/... as documented, valid requests taken,
invalid ones refused.

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
from jobs_world import AUTH, build_world
from openapi_rules import follow_documented_rules, keeps_documented_rules

_folder = Path(tempfile.mkdtemp(prefix="regiokarte-jobs-fuzz-"))
atexit.register(shutil.rmtree, _folder, ignore_errors=True)
# built at collection, before any fixture: a database of the engine under test all the same;
# usage counts would be written at exit, after tests/databases.py removed the database
_world = build_world(
    engine_databases().new("jobs-fuzz", _folder), statistics={"usage_counting": False}
)
atexit.register(_world.platform.db.dispose)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _world.app).include(
    path_regex="^/api/v1/jobs/"
)


@schema.hooks.apply(follow_documented_rules, name="map_case")
@schema.hooks.apply(keeps_documented_rules, name="filter_case")
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_jobs_operation_keeps_its_documented_promises(case: schemathesis.Case) -> None:
    case = follow_documented_rules(None, case)
    if not keeps_documented_rules(None, case):
        return
    case.call_and_validate(headers=AUTH)
