"""jobs: open positions (Stellen) of the region's employers on the employer map.

Positions come from the companies themselves (their Leitfragebogen), from CSV/JSON files and
from the Jobsuche of the Bundesagentur für Arbeit; they are matched to companies by employer
name and postcode, and job seekers find hiring companies in the company search, on profiles
and on a page per position. Written only against core's hooks and public API.
"""

from __future__ import annotations

from plugins.jobs.demo import create_demo_data  # noqa: F401 - the demo data hook
from plugins.jobs.hooks import *  # noqa: F403 - the plugin's own hook implementations
from plugins.jobs.hooks import HOOKS
from plugins.jobs.hooks import MANIFEST

# the standard hook implementations, among the package's names where pluggy looks for them
globals().update(HOOKS.implementations)

__all__ = ["MANIFEST"]
