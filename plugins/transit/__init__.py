"""transit: public transport for job seekers without a car.

Reads a GTFS timetable (``regiokarte transit import FEED.zip``) and answers, per company, which
stops are near, which lines serve them and how often, and, per search, which employers are
reachable from a place within N minutes by bus and train (a RAPTOR router over the timetable).
Written only against core's hooks and public API.
"""

from __future__ import annotations

from plugins.transit.demo import create_demo_data  # noqa: F401 - the demo data hook
from plugins.transit.hooks import *  # noqa: F403 - the plugin's own hook implementations
from plugins.transit.hooks import HOOKS
from plugins.transit.hooks import MANIFEST

# the standard hook implementations, among the package's names where pluggy looks for them
globals().update(HOOKS.implementations)

__all__ = ["MANIFEST"]
