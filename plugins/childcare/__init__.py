"""childcare: Kitas and company childcare as a search layer.

Imports Kitas from GeoJSON, CSV (configurable column mapping) and OpenStreetMap extracts
(``regiokarte childcare import FILE``), shows them as a map layer with a list and detail pages,
adds the filters "Kita within N km of the employer" (by age group and opening hours) and
"employer supports childcare", lists the nearest Kitas on company profiles and declares the
company questionnaire section on childcare as data. Written only against core's hooks and
public API; see README.md in this folder.
"""

from __future__ import annotations

from plugins.childcare.demo import create_demo_data  # noqa: F401 - the demo data hook
from plugins.childcare.hooks import *  # noqa: F403 - the plugin's own hook implementations
from plugins.childcare.hooks import HOOKS
from plugins.childcare.hooks import MANIFEST

# the standard hook implementations, among the package's names where pluggy looks for them
globals().update(HOOKS.implementations)

__all__ = ["MANIFEST"]
