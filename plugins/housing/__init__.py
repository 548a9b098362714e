"""housing: homes near the job.

Housing offers (flats, houses, shared flats, rooms, company and apprentice housing) imported
from CSV, JSON or an OpenImmo feed, or entered by operators; shown as a map layer and a list
sortable by rent and by distance to an employer; a company filter "offers within N km under X
EUR warm rent"; on each offer's page the nearest employers that match the user's filters.
Written only against core's hooks and public API.
"""

from __future__ import annotations

from plugins.housing.demo import create_demo_data  # noqa: F401 - the demo data hook
from plugins.housing.hooks import *  # noqa: F403 - the plugin's own hook implementations
from plugins.housing.hooks import HOOKS
from plugins.housing.hooks import MANIFEST

# the standard hook implementations, among the package's names where pluggy looks for them
globals().update(HOOKS.implementations)

__all__ = ["MANIFEST"]
