"""The training plugin's hook implementations: company filters, the course layer, profile
sections, migrations, commands and web blueprints."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING
from typing import Any

import numpy as np
from core import BBox
from core import Feature
from core import FilterKind
from core import FilterSpec
from core import IndexSource
from core import Layer
from core import NavLink
from core import PluginManifest
from core import PluginService
from core import hookimpl
from core import list_hook
from core import migrations_hook
from core import point_feature

from plugins.training import vocabulary as tv
from plugins.training.questionnaire import EXTENSION
from plugins.training.questionnaire import TrainingOffer
from plugins.training.questionnaire import training_section
from plugins.training.service import TrainingService
from plugins.training.settings import TrainingSettings

if TYPE_CHECKING:
    from core import Company
    from core import Platform
    from core import ProfileSection

__all__ = [
    "LAYER_ID",
    "MANIFEST",
    "offers_of",
    "profile_sections",
    "register_blueprints",
    "register_commands",
    "register_datasets",
    "register_filters",
    "register_layers",
    "register_migrations",
    "register_navigation",
    "register_questionnaire_sections",
    "service_for",
]

MANIFEST = PluginManifest(
    name="training",
    title_de="Aus- und Weiterbildung",
    title_en="Apprenticeships and further training",
    version="0.1.0",
    settings=TrainingSettings,
    description=(
        "Courses (import, admin, search with facets, map layer) and the companies' training "
        "offers (Ausbildung, duales Studium, Weiterbildung) as company filters."
    ),
)

LAYER_ID = "training_courses"

service_for = PluginService("training", TrainingService)
register_migrations = migrations_hook(__file__)
register_commands = list_hook("plugins.training.cli:training_group")
register_navigation = list_hook(
    NavLink("/weiterbildung", "Weiterbildung", "Training", order=30, plugin="training")
)
register_datasets = list_hook("plugins.training.datasets:courses_dataset")


@hookimpl
def register_blueprints(platform: Platform) -> list[Any]:
    # the web modules import this module (service_for): imported when the app asks
    from plugins.training.api import blp
    from plugins.training.pages import blp as pages

    return [blp, pages]


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


@hookimpl
def register_filters(platform: Platform) -> list[FilterSpec]:
    service_for(platform)  # settings are checked at start-up, not on first use
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

    return [
        FilterSpec(
            "training_apprenticeship",
            "Bildet aus im Beruf",
            "Trains apprentices in",
            FilterKind.MULTICHOICE,
            column=apprenticeship,
            choices=choices,
            help_de=(
                "Ausbildungsbetriebe nach Berufsfeld, wie die Unternehmen es angeben; "
                "mindestens eines der gewählten."
            ),
            help_en=(
                "Companies that train apprentices, by occupational field as they state it; "
                "at least one of the chosen."
            ),
            plugin="training",
            group="training",
        ),
        FilterSpec(
            "training_dual_study",
            "Duales Studium möglich",
            "Offers a dual study programme",
            FilterKind.BOOL,
            column=dual_study,
            plugin="training",
            group="training",
        ),
        FilterSpec(
            "training_further",
            "Fördert Weiterbildung (Budget oder Tage)",
            "Supports further training (budget or days)",
            FilterKind.BOOL,
            column=further,
            help_de="Das Unternehmen nennt ein Weiterbildungsbudget oder Weiterbildungstage.",
            help_en="The company states a further training budget or days for courses.",
            plugin="training",
            group="training",
        ),
    ]


@hookimpl
def register_layers(platform: Platform) -> list[Layer]:
    service = service_for(platform)

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

    return [
        Layer(
            LAYER_ID,
            "Weiterbildungskurse",
            "Training courses",
            features,
            plugin="training",
            marker="course",
        )
    ]


@hookimpl
def profile_sections(platform: Platform, company: Company, lang: str) -> list[ProfileSection]:
    from plugins.training.profile import profile_section

    section = profile_section(platform, service_for(platform), company, lang)
    return [section] if section is not None else []


@hookimpl
def register_questionnaire_sections(platform: Platform) -> list[Any]:
    from plugins.training.questionnaire import store_answers

    # core turns the mapping into a core.portal.questionnaire.Section (section_from_data)
    return [{**training_section(), "apply": store_answers}]
