"""Testing helpers for regiokarte plugins: pytest fixtures and contract checks.

Installed with regiokarte and registered as a pytest plugin (entry point ``pytest11``), so a
plugin's own tests get, without a conftest import:

* fixtures ``regiokarte_platform``, ``regiokarte_app``, ``regiokarte_client``,
  ``regiokarte_cli``, ``regiokarte_session`` (rolled back at teardown) and
  ``regiokarte_demo`` (fictitious demo companies), each on a fresh database of its own: a
  SQLite file, or with ``REGIOKARTE_TEST_ENGINE=postgresql`` a new database on the server
  ``REGIOKARTE_TEST_DATABASE_URL`` (``regiokarte_database_url``);
* the knobs ``regiokarte_plugins``, ``regiokarte_config`` and ``regiokarte_extra_plugins``
  (override them as fixtures, or per test with
  ``@pytest.mark.regiokarte(plugins=[...], config={...}, demo=200)``);
* contract checks every layer and filter must pass (``check_filter``, ``check_layer``,
  ``check_section``, ``check_disable_leaves_no_trace`` and their API twins).

See docs/plugin-testing.md.
"""

from __future__ import annotations

from typing import Any

import pytest

# the checks report with pytest's detailed assertion messages (this package is not a test
# module, so its asserts are only rewritten when registered before the first import)
pytest.register_assert_rewrite("regiokarte_testing.contracts")

__all__ = [
    "check_disable_leaves_no_trace",
    "check_filter",
    "check_filter_api",
    "check_layer",
    "check_layer_api",
    "check_section",
    "make_test_settings",
    "valid_feature",
]


def __getattr__(name: str) -> Any:
    # imported on first use: pytest loads this package in every run of this environment,
    # and most runs never need core
    if name == "make_test_settings":
        from regiokarte_testing.settings import make_test_settings

        return make_test_settings
    if name in __all__:
        from regiokarte_testing import contracts

        return getattr(contracts, name)
    raise AttributeError(f"module 'regiokarte_testing' has no attribute {name!r}")
