"""The probe: a test plugin implementing every hook in the simplest way that shows it works.

Its data: ``extensions["probe"]["level"]`` (a questionnaire answer) and the table
``probe_notes`` (its migration branch ``probe``). Built only on ``core``'s public names.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import numpy as np
from attrs import define, field
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    update,
)

from core import (
    Address,
    AnswerType,
    Badge,
    BBox,
    Dataset,
    DatasetAction,
    DatasetField,
    DatasetLink,
    DatasetPage,
    Feature,
    FilterKind,
    FilterSpec,
    GeocodingError,
    IndexSource,
    Layer,
    Location,
    NavLink,
    NotFound,
    PluginManifest,
    ProfileSection,
    Question,
    Section,
    StatisticsFigure,
    StatisticsNumber,
    StatisticsPart,
    StatisticsRow,
    StatisticsSection,
    ValidationError,
    hookimpl,
    point_feature,
    register_catalog,
)

MIGRATIONS = Path(__file__).resolve().parent / "probe_migrations"
#: what the dataset action "mark_done" adds to a note
DONE = " (erledigt)"
# the probe is a module, not a package with a locale folder: its badge texts' catalog
register_catalog("probe", Path(__file__).resolve().parent / "probe_locale")

notes = Table(
    "probe_notes",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("company_id", Integer, nullable=False),
    Column("text", String(200), nullable=False),
)

#: (id, lat, lon, name) of the probe layer's points
POINTS = (
    ("probe-1", 51.6141, 7.1979, "Sonde Recklinghausen"),
    ("probe-2", 51.5120, 7.0980, "Sonde Gelsenkirchen"),
    ("probe-3", 51.7430, 7.1830, "Sonde Haltern"),
)


@define
class ProbeSettings:
    """Settings of the probe."""

    greeting: str = field(default="Hallo", metadata={"help": "What the probe command says."})


class ProbeGeocoder:
    """Knows one street."""

    name = "probe"

    def locate(self, address: Address) -> Location:
        if address.street == "Sondenweg 1":
            return Location(51.6, 7.2)
        raise GeocodingError(f"The probe does not know {address.street!r}.")


class Probe:
    """One instance per test: it records the events it receives."""

    MANIFEST = PluginManifest(
        name="probe",
        title_de="Sonde",
        title_en="Probe",
        version="1.0.0",
        settings=ProbeSettings,
    )

    def __init__(self) -> None:
        self.changes: list[tuple[int, bool]] = []
        #: how often the admin area said that the notes changed
        self.notes_changed = 0

    @hookimpl
    def register_filters(self, platform: Any) -> list[FilterSpec]:
        def even(source: IndexSource) -> np.ndarray:
            return np.asarray(source.ids % 2 == 0)

        return [
            FilterSpec(
                "probe_even",
                "Gerade Nummer",
                "Even number",
                FilterKind.BOOL,
                column=even,
                plugin="probe",
            )
        ]

    @hookimpl
    def register_badges(self) -> list[Badge]:
        def probes(source: IndexSource) -> np.ndarray:
            return np.asarray(source.ids % 3, dtype=np.int64)

        return [Badge("probe_probes", "probe", "badge.probes", probes, plugin="probe")]

    @hookimpl
    def register_layers(self, platform: Any) -> list[Layer]:
        def features(bbox: BBox | None, lang: str) -> list[Feature]:
            return [
                point_feature(pid, lat, lon, {"name": name, "lang": lang})
                for pid, lat, lon, name in POINTS
                if bbox is None
                or (bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east)
            ]

        return [Layer("probe_points", "Sonden", "Probes", features, plugin="probe")]

    @hookimpl
    def register_geocoders(self) -> list[ProbeGeocoder]:
        return [ProbeGeocoder()]

    @hookimpl
    def register_migrations(self) -> list[str]:
        return [str(MIGRATIONS)]

    @hookimpl
    def register_commands(self, platform: Any) -> list[Any]:
        import click

        greeting = platform.plugin_settings("probe").greeting

        @click.command("probe")
        def probe_command() -> None:
            """Say hello."""
            click.echo(f"{greeting} from the probe")

        return [probe_command]

    @hookimpl
    def register_blueprints(self) -> list[Any]:
        from flask import Blueprint

        blueprint = Blueprint("probe", __name__, url_prefix="/api/v1/probe")

        @blueprint.get("/ping")
        def ping() -> dict[str, str]:
            return {"answer": "pong"}

        return [blueprint]

    @hookimpl
    def register_navigation(self) -> list[NavLink]:
        return [NavLink("/api/v1/probe/ping", "Sonde", "Probe", order=1, plugin="probe")]

    @hookimpl
    def profile_sections(self, company: Any, lang: str) -> list[ProfileSection]:
        level = (company.extensions.get("probe") or {}).get("level")
        if level is None:
            return []
        title = "Probe" if lang == "en" else "Sonde"
        return [ProfileSection("probe", title, f"<p>{html.escape(str(level))}</p>", plugin="probe")]

    @hookimpl
    def company_changed(self, company_id: int, deleted: bool) -> None:
        self.changes.append((company_id, deleted))

    @hookimpl
    def register_questionnaire_sections(self) -> list[Section]:
        return [
            Section(
                key="probe",
                title_de="Sonde",
                title_en="Probe",
                plugin="probe",
                questions=(
                    Question(
                        key="level",
                        label_de="Stufe",
                        label_en="Level",
                        answer=AnswerType.INTEGER,
                        minimum=0,
                        maximum=9,
                    ),
                ),
            )
        ]

    @hookimpl
    def export_company_data(self, platform: Any, company_id: int) -> dict[str, Any] | None:
        with platform.session() as session:
            texts = session.scalars(
                select(notes.c.text).where(notes.c.company_id == company_id).order_by(notes.c.id)
            ).all()
        return {"notes": list(texts)} if texts else None

    @hookimpl
    def register_datasets(self) -> list[Dataset]:
        def row(found: Any) -> dict[str, Any]:
            return {"id": str(found.id), "company_id": found.company_id, "text": found.text}

        def search(session: Any, text: str, offset: int, limit: int) -> DatasetPage:
            where = notes.c.text.contains(text, autoescape=True)
            total = session.scalar(select(func.count()).select_from(notes).where(where))
            found = session.execute(
                select(notes).where(where).order_by(notes.c.id).offset(offset).limit(limit)
            )
            return DatasetPage([row(r) for r in found], int(total or 0))

        def get(session: Any, note_id: str) -> dict[str, Any]:
            found = session.execute(
                select(notes).where(notes.c.id == int(note_id) if note_id.isdigit() else False)
            ).first()
            if found is None:
                raise NotFound(f"There is no probe note {note_id!r}.")
            return row(found)

        def change(session: Any, note_id: str, values: Any) -> dict[str, Any]:
            get(session, note_id)
            clean = dataset.clean(values)
            session.execute(update(notes).where(notes.c.id == int(note_id)).values(**clean))
            return get(session, note_id)

        def changed() -> None:
            self.notes_changed += 1

        def mark_done(session: Any, note_id: str) -> dict[str, Any]:
            found = get(session, note_id)
            if found["text"].endswith(DONE):
                raise ValidationError(
                    f"Note {note_id} is marked done already.", {"text": ["done already"]}
                )
            session.execute(
                update(notes).where(notes.c.id == int(note_id)).values(text=found["text"] + DONE)
            )
            return get(session, note_id)

        def waiting(session: Any) -> int:
            return int(session.scalar(select(func.count()).where(~notes.c.text.endswith(DONE))))

        dataset = Dataset(
            id="probe.notes",
            label_de="Sondennotizen",
            label_en="Probe notes",
            fields=(
                DatasetField("id", "Nr.", "No.", editable=False, listed=True),
                DatasetField("company_id", "Firma", "Company", kind="integer", required=True),
                DatasetField("text", "Text", "Text", required=True, max_length=200, listed=True),
            ),
            search=search,
            get=get,
            update=change,
            changed=changed,
            actions=(DatasetAction("mark_done", "Als erledigt markieren", mark_done),),
            links=(DatasetLink("Offene Notizen", "/admin/daten/probe.notes?q=", waiting),),
        )
        return [dataset]

    @hookimpl
    def register_statistics(self) -> list[StatisticsSection]:
        def collect(session: Any, period: Any, lang: str) -> StatisticsPart:
            counts = session.execute(
                select(notes.c.company_id, func.count())
                .group_by(notes.c.company_id)
                .order_by(notes.c.company_id)
            ).all()
            rows = [StatisticsRow(str(c), f"#{c}", n) for c, n in counts]
            total = sum(r.value for r in rows)
            label = {"de": "Notizen", "en": "Notes"}.get(lang, "Notizen")
            return StatisticsPart(
                numbers=[StatisticsNumber("notes", label, total)],
                figures=[StatisticsFigure("by_company", f"{label} je Firma", rows, total=total)],
            )

        return [StatisticsSection("probe", "Sondenstatistik", collect, note="Nur ein Test.")]

    @hookimpl
    def erase_company_data(self, platform: Any, company_id: int) -> None:
        with platform.session(write=True) as session:
            session.execute(delete(notes).where(notes.c.company_id == company_id))


def add_note(platform: Any, company_id: int, text: str) -> None:
    with platform.session(write=True) as session:
        session.execute(insert(notes).values(company_id=company_id, text=text))
