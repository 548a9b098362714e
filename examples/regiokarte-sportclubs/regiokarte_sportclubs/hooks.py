"""The hooks regiokarte calls; every name used from regiokarte comes from ``core`` (its
public API, see docs/public-api.md)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from core import (
    BBox,
    Feature,
    FilterKind,
    FilterSpec,
    ImportError_,
    IndexSource,
    Layer,
    ProfileSection,
    Section,
    Text,
    haversine_m,
    hookimpl,
    nearest_m,
    point_feature,
    read_data_file,
)

from regiokarte_sportclubs import clubs as repo
from regiokarte_sportclubs import sports
from regiokarte_sportclubs.settings import SportclubsSettings

if TYPE_CHECKING:
    from core import Company, Platform

__all__ = [
    "FILTER_KEY",
    "LAYER_ID",
    "NAME",
    "import_file",
    "profile_sections",
    "register_blueprints",
    "register_commands",
    "register_filters",
    "register_layers",
    "register_migrations",
    "register_questionnaire_sections",
]

NAME = "sportclubs"
LAYER_ID = "sportclubs_clubs"
FILTER_KEY = "sportclubs_sport"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: the questionnaire section, as data: its texts are keys of the plugin's catalog
QUESTIONNAIRE = read_data_file(__package__, "questionnaire.toml")


def text(key: str, **values: Any) -> Text:
    """A text of the plugin's catalog (``locale/messages.toml``), shown in the reader's language."""
    return Text.message(NAME, key, **values)


def settings_of(platform: Platform) -> SportclubsSettings:
    settings: SportclubsSettings = platform.plugin_settings(NAME) or SportclubsSettings()
    return settings


def import_file(platform: Platform, path: Path) -> tuple[int, int]:
    """Replace the clubs by those of an OSM extract (all or nothing): (clubs, unnamed)."""
    from regiokarte_sportclubs.osm import read_clubs

    found = read_clubs(path)
    with platform.session(write=True) as session:
        repo.replace_all(session, found.clubs)
        platform.reindex(session)  # the filter's column depends on the clubs
    return len(found.clubs), found.unnamed


def club_feature(club: repo.Club, lang: str) -> Feature:
    return point_feature(
        f"sportclubs-{club.osm_id.replace('/', '-')}",
        club.lat,
        club.lon,
        {
            "name": club.name,
            "sports": list(club.sports),
            "sport_labels": [sports.label(s, lang) for s in club.sports],
            "address": club.address,
            "website": club.website,
            "osm": f"https://www.openstreetmap.org/{club.osm_id}",
        },
    )


@hookimpl
def register_migrations(platform: Platform) -> list[str]:
    return [str(MIGRATIONS)]


@hookimpl
def register_layers(platform: Platform) -> list[Layer]:
    settings = settings_of(platform)

    def features(bbox: BBox | None, lang: str) -> list[Feature]:
        with platform.session() as session:
            found = repo.in_box(session, bbox, limit=settings.max_features)
        return [club_feature(club, lang) for club in found]

    return [
        Layer(
            LAYER_ID,
            text("layer.clubs"),
            features,
            plugin=NAME,
            marker="sport",
            attribution=settings.attribution,
        )
    ]


@hookimpl
def register_filters(platform: Platform) -> list[FilterSpec]:
    settings = settings_of(platform)
    radius_m = settings.radius_km * 1000.0
    choices = sports.choices()

    def sport_near(source: IndexSource) -> np.ndarray:
        """(companies x sports): a club of the sport lies within the radius."""
        with platform.session() as session:
            found = repo.all_clubs(session)
        out = np.zeros((len(source), len(choices)), dtype=bool)
        for j, choice in enumerate(choices):
            near = [c for c in found if choice.value in c.sports]
            lat = np.array([c.lat for c in near], dtype=np.float64)
            lon = np.array([c.lon for c in near], dtype=np.float64)
            out[:, j] = nearest_m(source.lat, source.lon, lat, lon) <= radius_m
        return out

    return [
        FilterSpec(
            FILTER_KEY,
            text("filter.label", km=f"{settings.radius_km:g}"),
            FilterKind.MULTICHOICE,
            column=sport_near,
            choices=choices,
            match="any",
            help=text("filter.help"),
            plugin=NAME,
            group="leisure",
        )
    ]


@hookimpl
def register_questionnaire_sections(platform: Platform) -> list[Section]:
    return [QUESTIONNAIRE.section(options={"sports": sports.options()})]


@hookimpl
def profile_sections(platform: Platform, company: Company, lang: str) -> list[ProfileSection]:
    settings = settings_of(platform)
    parts: list[str] = []
    answers = company.extensions.get(NAME) or {}
    if answers.get("company_sports") is True:
        chosen = ", ".join(sports.label(s, lang) for s in answers.get("sports") or ())
        said = html.escape(text("profile.company_sports")(lang))
        parts.append(f"<p>{said}{': ' + html.escape(chosen) if chosen else ''}.</p>")
    if answers.get("membership_subsidy") is True:
        parts.append(f"<p>{html.escape(text('profile.subsidy')(lang))}</p>")
    if company.location is not None and settings.profile_clubs > 0:
        lat, lon = company.location.lat, company.location.lon
        radius = settings.radius_km
        # a box a little larger than the circle (1° of latitude is 111 km, of longitude at
        # least 60 km in Germany), then the exact distance
        box = BBox(lon - radius / 60, lat - radius / 100, lon + radius / 60, lat + radius / 100)
        with platform.session() as session:
            near = repo.in_box(session, box)
        if near:
            lats = np.array([c.lat for c in near])
            metres = haversine_m(lat, lon, lats, np.array([c.lon for c in near]))
            ranked = sorted(zip(metres.tolist(), near, strict=True), key=lambda p: p[0])
            items = "".join(
                f"<li>{html.escape(club.name)} ({distance / 1000:.1f} km)</li>"
                for distance, club in ranked[: settings.profile_clubs]
                if distance <= radius * 1000
            )
            if items:
                heading = html.escape(text("profile.clubs_nearby")(lang))
                parts.append(f"<h3>{heading}</h3><ul>{items}</ul>")
    if not parts:
        return []
    title = text("profile.title")(lang)
    return [ProfileSection("sportclubs", title, "".join(parts), plugin=NAME, order=120)]


@hookimpl
def register_commands(platform: Platform) -> list[Any]:
    import click

    @click.group(NAME, help="Sports clubs from OpenStreetMap.")
    def group() -> None:
        pass

    @group.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_command(file: Path) -> None:
        """Replace the clubs by those of an OSM extract FILE (.osm or .osm.pbf)."""
        platform.upgrade_database()
        try:
            count, unnamed = import_file(platform, file)
        except ImportError_ as exc:
            click.echo(f"Error: {exc.message}", err=True)
            raise click.exceptions.Exit(1) from None
        skipped = f" ({unnamed} without a name skipped)" if unnamed else ""
        click.echo(f"Imported {count} clubs from {file.name}{skipped}.")

    return [group]


@hookimpl
def register_blueprints(platform: Platform) -> list[Any]:
    from regiokarte_sportclubs.api import make_blueprint

    return [make_blueprint(platform)]
