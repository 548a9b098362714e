"""events: offline offers that network the region's actors.

Organisations (Jobcenter, Agentur für Arbeit, chambers, schools, towns, associations,
companies) publish events: info events, training, network meetings, job fairs, open days and
apprenticeship fairs. The plugin shows them as a calendar with filters, on the map and on
company profiles, exports iCalendar feeds, imports iCalendar and CSV, and takes registrations
with a capacity, a waiting list and a confirmation mail. Written only against core's hooks and
public API.
"""

from __future__ import annotations

from plugins.events.demo import create_demo_data  # noqa: F401 - the demo data hook
from plugins.events.hooks import *  # noqa: F403 - the plugin's own hook implementations
from plugins.events.hooks import HOOKS
from plugins.events.hooks import MANIFEST

# the standard hook implementations, among the package's names where pluggy looks for them
globals().update(HOOKS.implementations)

__all__ = ["MANIFEST"]
