"""The training plugin's hook implementations: company filters, the course layer, profile
sections, migrations, commands and web blueprints."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING
from typing import Any

import attrs
import numpy as np
from core import BBox
from core import Feature
from core import IndexSource
from core import PluginHooks
from core import Section
from core import point_feature

from plugins.training import vocabulary as tv
from plugins.training.questionnaire import EXTENSION
from plugins.training.questionnaire import TrainingOffer
from plugins.training.service import TrainingService
from plugins.training.settings import TrainingSettings

if TYPE_CHECKING:
    from core import Platform

__all__ = ["HOOKS", "LAYER_ID", "MANIFEST", "offers_of", "service_for"]

LAYER_ID = "training_courses"

#: (weak reference to the last source, its offers)
_last_offers: list[Any] = [lambda: None, []]


def offers_of(source: IndexSource) -> list[TrainingOffer]:
    """Every company's training offers, in the source's order.

    The three company filters read the same offers from one source, one right after the
    other: the last source's offers are kept, so they are read once per index build or patch.
    """
    if _last_offers[0]() is not source:
        empty = TrainingOffer()
        offers = [
            TrainingOffer.from_extension(e[EXTENSION]) if EXTENSION in e else empty
            for e in source.extensions
        ]
        _last_offers[:] = [weakref.ref(source), offers]
    return list(_last_offers[1])


def filters(service: TrainingService) -> dict[str, dict[str, Any]]:
    """The index columns of the filters that plugin.toml declares (the companies' training
    offers)."""
    choices = tv.apprenticeship_choices()

    def apprenticeship(source: IndexSource) -> np.ndarray:
        return source.multichoice_column([o.professions for o in offers_of(source)], choices)

    def dual_study(source: IndexSource) -> np.ndarray:
        return np.fromiter((o.dual_study for o in offers_of(source)), dtype=bool, count=len(source))

    def further(source: IndexSource) -> np.ndarray:
        return np.fromiter(
            (o.supports_further_training for o in offers_of(source)),
            dtype=bool,
            count=len(source),
        )

    return {
        "training_apprenticeship": {"column": apprenticeship, "choices": choices},
        "training_dual_study": {"column": dual_study},
        "training_further": {"column": further},
    }


def layers(service: TrainingService) -> dict[str, dict[str, Any]]:
    """The layer of current courses with a place."""
    platform = service.platform

    def features(bbox: BBox | None, lang: str) -> list[Feature]:
        from plugins.training.profile import course_url
        from plugins.training.profile import when

        index = service.index()
        today = service.today()
        rows = index.current(today) & index.placebound
        if bbox is not None:
            rows &= index.in_box(bbox)
        out = []
        for row in np.flatnonzero(rows):
            course = index.courses[int(row)]
            out.append(
                point_feature(
                    f"course-{course.id}",
                    float(index.lat[row]),
                    float(index.lon[row]),
                    {
                        "id": course.id,
                        "title": course.title,
                        "provider": course.provider,
                        "kind": course.kind,
                        "kind_label": tv.KINDS.label(course.kind, lang),
                        "format": course.format,
                        "start_date": course.start_date.isoformat() if course.start_date else None,
                        "on_demand": course.on_demand,
                        "town": course.town,
                        "professions": list(course.professions),
                        "url": f"/weiterbildung/{course.id}",
                        "is_demo": course.is_demo,
                    },
                    title=course.title,
                    lines=[
                        course.provider,
                        tv.KINDS.label(course.kind, lang),
                        when(course, lang, today),
                        course.town,
                    ],
                    link=course_url(platform, course.id, lang),
                )
            )
        return out

    return {LAYER_ID: {"features": features}}


def questionnaire_section(platform: Platform) -> Section:
    """The company questionnaire's section on training, with how its answers are stored."""
    from plugins.training.questionnaire import SECTION
    from plugins.training.questionnaire import store_answers

    # the section itself, whose texts speak every language (its JSON form is one language)
    return attrs.evolve(SECTION, apply=store_answers)


HOOKS = PluginHooks(
    __name__, TrainingService, settings=TrainingSettings, filters=filters, layers=layers
)
MANIFEST = HOOKS.manifest
service_for = HOOKS.service_for
