"""Datasette, the peer of ``bench/peer_bench.py``: an ASGI app for uvicorn.

    PEER_DATABASE=companies.db uvicorn --factory --app-dir bench peer_datasette:make_app

The database is opened immutable (Datasette's fastest mode for read-only data). The time
limits are raised so that Datasette computes every facet of a whole-region view instead of
dropping it after 200 ms (its default): both sides must give the complete answer.
"""

from __future__ import annotations

import os
from typing import Any

from datasette.app import Datasette

SETTINGS = {
    "facet_time_limit_ms": 10_000,
    "sql_time_limit_ms": 10_000,
    "suggest_facets": False,
    "default_page_size": 20,
    "default_facet_size": 30,
}


def make_app() -> Any:
    datasette = Datasette(immutables=[os.environ["PEER_DATABASE"]], settings=SETTINGS)
    return datasette.app()
