"""training: further training and apprenticeships as a search layer.

Courses (Weiterbildung, Umschulung, Aufstiegsfortbildung, language courses, courses around
the apprenticeship) come from CSV/JSON files, from the course search of the Bundesagentur für
Arbeit (``regiokarte training import``) or from operators (API and admin form); job seekers
find them in a list with facets, on a map layer, on company profiles and course pages. The
companies' own offers (Ausbildungsbetrieb, duales Studium, Weiterbildungsbudget) become
company filters. Written only against core's hooks and public API.
"""

from __future__ import annotations

from plugins.training.demo import create_demo_data  # noqa: F401 - the demo data hook
from plugins.training.hooks import *  # noqa: F403 - the plugin's own hook implementations
from plugins.training.hooks import HOOKS
from plugins.training.hooks import MANIFEST

# the standard hook implementations, among the package's names where pluggy looks for them
globals().update(HOOKS.implementations)

__all__ = ["MANIFEST"]
