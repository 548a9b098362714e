"""A plugin that implements every hook of core/plugins/hookspecs.py, the way a real plugin would.

Its data lives in ``Company.extensions["fake"]`` (``nearby``: bool, ``kind``: a choice,
``walk_min``: minutes on foot) and in its own table ``fake_places`` (its migration branch).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import click
import numpy as np
import sqlalchemy as sa
from attrs import define

from core import (
    Address,
    Badge,
    BBox,
    Choice,
    Dataset,
    DatasetField,
    DatasetPage,
    FilterKind,
    FilterSpec,
    GeocodingError,
    IndexSource,
    Layer,
    Location,
    NavLink,
    NotFound,
    PluginManifest,
    hookimpl,
    point_feature,
    register_catalog,
)
from core.persistence import companies as repo
from core.plugins.profile import ProfileSection
from core.portal.questionnaire import AnswerType, Option, Question, Section

# the texts of its badge (a module, not a package with a locale folder)
register_catalog("fake_plugin", Path(__file__).resolve().parent / "fake_locale")


@define
class FakeSettings:
    radius_m: int = 500
    label: str = "Kita"
    api_token: str = ""


MANIFEST = PluginManifest(
    name="fake",
    title_de="Testplugin",
    title_en="Test plugin",
    version="9.8.7",
    settings=FakeSettings,
    description="Implements every hook, for the tests.",
)

KINDS = (
    Choice("krippe", "Krippe", "Nursery"),
    Choice("kita", "Kindertagesstätte", "Kindergarten"),
    Choice("hort", "Hort", "After-school care"),
)

#: Places of the layer: (id, lat, lon, German name, English name)
PLACES = (
    ("p1", 51.6138, 7.1974, "Kita am Markt", "Day care at the market"),
    ("p2", 51.5240, 6.9286, "Kita Bottrop-Mitte", "Day care Bottrop centre"),
    ("p3", 51.7430, 7.1816, "Hort am See", "After-school club at the lake"),
)

MIGRATIONS = Path(__file__).resolve().parent / "fake_migrations"


class FakeGeocoder:
    """Knows one street: everything else is a GeocodingError."""

    name = "fake_geo"

    def locate(self, address: Address) -> Location:
        if address.street == "Teststraße 1":
            return Location(51.6, 7.2)
        raise GeocodingError(f"The fake geocoder does not know {address.street!r}.")


def _flask_blueprint() -> Any:
    from flask import Blueprint  # for the web app (and CLI) tests only: core needs no Flask

    blueprint = Blueprint("fake", __name__, url_prefix="/api/v1/fake")

    @blueprint.get("/hello")
    def hello() -> dict[str, str]:
        return {"message": "Hallo"}

    return blueprint


class FakePlugin:
    """One instance per test, so recorded events do not leak between tests."""

    MANIFEST = MANIFEST

    def __init__(self, blueprint: Any = None) -> None:
        #: (company_id, deleted, whether a fresh session sees the company) per event
        self.events: list[tuple[int, bool, bool]] = []
        #: companies whose data the plugin was asked to erase
        self.erased: list[int] = []
        #: (seed, today) of every demo run
        self.demo_runs: list[tuple[int, Any]] = []
        # core passes blueprints on untouched (any object will do for core's tests); the web
        # app, which the command line builds too, wants a real one
        self.blueprint = blueprint if blueprint is not None else _flask_blueprint()

    @hookimpl
    def register_badges(self) -> list[Badge]:
        def places(source: IndexSource) -> np.ndarray:
            values = source.extension("fake", "places", 0)
            return np.array([int(v or 0) for v in values], dtype=np.int64)

        return [Badge("fake_places", "fake_plugin", "badge.places", places, plugin="fake")]

    @hookimpl
    def register_filters(self, platform: Any) -> list[FilterSpec]:
        def nearby(source: IndexSource) -> np.ndarray:
            return np.array(
                [bool(v) for v in source.extension("fake", "nearby", False)], dtype=bool
            )

        def kind(source: IndexSource) -> np.ndarray:
            return source.choice_column(source.extension("fake", "kind"), KINDS)

        def walk(source: IndexSource) -> np.ndarray:
            values = source.extension("fake", "walk_min")
            return np.array([np.nan if v is None else float(v) for v in values], dtype=float)

        return [
            FilterSpec(
                "fake_nearby",
                "Kita in der Nähe",
                "Day care nearby",
                FilterKind.BOOL,
                column=nearby,
                plugin="fake",
                group="childcare",
            ),
            FilterSpec(
                "fake_kind",
                "Betreuungsart",
                "Kind of care",
                FilterKind.CHOICE,
                column=kind,
                choices=KINDS,
                plugin="fake",
                group="childcare",
            ),
            FilterSpec(
                "fake_walk",
                "Fußweg",
                "Walk",
                FilterKind.RANGE,
                column=walk,
                facet=False,
                unit="min",
                single="max",
                minimum=0,
                plugin="fake",
            ),
        ]

    @hookimpl
    def register_layers(self, platform: Any) -> list[Layer]:
        settings: FakeSettings = platform.plugin_settings("fake")

        def features(bbox: BBox | None, lang: str) -> list[dict[str, Any]]:
            return [
                point_feature(
                    pid,
                    lat,
                    lon,
                    {"name": en if lang == "en" else de, "radius_m": settings.radius_m},
                )
                for pid, lat, lon, de, en in PLACES
                if bbox is None
                or (bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east)
            ]

        return [
            Layer("fake_places", settings.label, "Day care", features, plugin="fake", marker="kita")
        ]

    @hookimpl
    def register_geocoders(self, platform: Any) -> list[FakeGeocoder]:
        return [FakeGeocoder()]

    @hookimpl
    def profile_sections(self, platform: Any, company: Any, lang: str) -> list[ProfileSection]:
        nearby = bool(company.extensions.get("fake", {}).get("nearby"))
        title = "Day care" if lang == "en" else "Kinderbetreuung"
        text = ("near" if lang == "en" else "in der Nähe von") + " " + company.name
        sections = [
            ProfileSection(
                "fake-care", title, f"<p>{html.escape(text)}</p>", plugin="fake", order=50
            )
        ]
        if nearby:
            sections.append(
                ProfileSection("fake-nearby", "Kita", "<p>✓</p>", plugin="fake", order=150)
            )
        return sections

    @hookimpl
    def register_migrations(self, platform: Any) -> list[str]:
        return [str(MIGRATIONS)]

    @hookimpl
    def register_commands(self, platform: Any) -> list[click.Command]:
        settings: FakeSettings = platform.plugin_settings("fake")

        @click.group("fake", help="Commands of the test plugin.")
        def group() -> None:
            pass

        @group.command("hello")
        @click.option("--name", default="Welt")
        def hello(name: str) -> None:
            click.echo(f"Hallo {name} from {settings.label} (radius {settings.radius_m} m)")

        return [group]

    @hookimpl
    def register_blueprints(self, platform: Any) -> list[Any]:
        return [self.blueprint]

    @hookimpl
    def register_navigation(self, platform: Any) -> list[NavLink]:
        return [NavLink("/fake", "Testseite", "Test page", order=5, plugin="fake")]

    @hookimpl
    def register_questionnaire_sections(self, platform: Any) -> list[Section]:
        return [
            Section(
                key="fake_care",
                title_de="Betreuung (Test)",
                title_en="Care (test)",
                questions=(
                    Question(
                        key="nearby",
                        label_de="Kita in der Nähe?",
                        label_en="Day care nearby?",
                        answer=AnswerType.BOOL,
                    ),
                    Question(
                        key="kind",
                        label_de="Betreuungsart",
                        label_en="Kind of care",
                        answer=AnswerType.CHOICE,
                        options=tuple(Option(k.value, k.label_de, k.label_en) for k in KINDS),
                        show_if=("nearby", True),
                    ),
                    Question(
                        key="note",
                        label_de="Ansprechperson der Kita",
                        label_en="Day care contact",
                        answer=AnswerType.TEXT,
                        max_length=100,
                    ),
                ),
            )
        ]

    @hookimpl
    def export_company_data(self, platform: Any, company_id: int) -> dict[str, Any]:
        # personal data in the plugin's own table: the places a company named
        with platform.db.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT name, lat, lon FROM fake_places WHERE company_id = :c"),
                {"c": company_id},
            ).all()
        return {"places": [{"name": n, "lat": lat, "lon": lon} for n, lat, lon in rows]}

    @hookimpl
    def erase_company_data(self, platform: Any, company_id: int) -> None:
        with platform.session(write=True) as session:
            session.execute(
                sa.text("DELETE FROM fake_places WHERE company_id = :c"), {"c": company_id}
            )
        self.erased.append(company_id)

    @hookimpl
    def company_changed(self, platform: Any, company_id: int, deleted: bool) -> None:
        # the hook runs after the commit: a new session already sees the change
        with platform.session() as session:
            try:
                repo.get_company(session, company_id)
                visible = True
            except NotFound:
                visible = False
        self.events.append((company_id, deleted, visible))

    @hookimpl
    def create_demo_data(self, platform: Any, seed: int, today: Any) -> str:
        # its places are fixed test data, not demo data: it only says what it holds
        self.demo_runs.append((seed, today))
        return f"{len(PLACES)} places"

    @hookimpl
    def alert_matches(self, platform: Any, query: Any, since: Any) -> list[Any]:
        # nothing of its own is new; the hook is here so the plugin implements every hook
        return []

    @hookimpl
    def register_statistics(self, platform: Any) -> list[Any]:
        # no figures of its own; the hook is here so the plugin implements every hook
        return []

    @hookimpl
    def register_datasets(self, platform: Any) -> list[Dataset]:
        # read only: no update, delete, import or export, so the admin area offers none
        rows = [{"id": pid, "name": de, "lat": lat, "lon": lon} for pid, lat, lon, de, _ in PLACES]

        def search(session: Any, text: str, offset: int, limit: int) -> DatasetPage:
            found = [r for r in rows if text.lower() in r["name"].lower()]
            return DatasetPage(found[offset : offset + limit], len(found))

        def get(session: Any, place_id: str) -> dict[str, Any]:
            for row in rows:
                if row["id"] == place_id:
                    return row
            raise NotFound(f"There is no fake place {place_id!r}.")

        return [
            Dataset(
                id="fake.places",
                label_de="Testorte",
                label_en="Test places",
                fields=(
                    DatasetField("id", "Kennung", "Id", editable=False, listed=True),
                    DatasetField("name", "Name", "Name", listed=True),
                    DatasetField("lat", "Breite", "Latitude", kind="number"),
                    DatasetField("lon", "Länge", "Longitude", kind="number"),
                ),
                search=search,
                get=get,
            )
        ]


#: What the temporary entry point of the CLI tests names (``fake_plugins.fake:plugin``).
plugin = FakePlugin()
