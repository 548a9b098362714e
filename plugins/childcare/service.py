"""The childcare service of one process: the Kitas in memory, KD-trees and the company columns.

It follows the database like the search index does: at most every ``refresh_interval``
seconds it reads the plugin's change counter, and a change makes it reload the Kitas. One
KD-tree per Kita class (age group x "open until" time) answers, at index-build time, the
distance from every company to its nearest Kita of each class; the filters read those columns,
so a search does no per-company work. Kita writes bump core's index generation, so every
process rebuilds its index (and these columns) after an import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

import attrs
import numpy as np
from attrs import define
from attrs import field
from core import Choice
from core import Dimension
from core import PluginSnapshot
from core import Text
from core import catalog
from core import current_language
from core import format_km
from core import haversine_m
from core import sphere_xyz

from plugins.childcare import repository as repo
from plugins.childcare.model import AGE_CODES
from plugins.childcare.model import AGE_GROUPS
from plugins.childcare.model import DOMAIN
from plugins.childcare.model import Kita
from plugins.childcare.model import format_clock
from plugins.childcare.questionnaire import FAMILY_CODE
from plugins.childcare.questionnaire import OFFER_CODES
from plugins.childcare.questionnaire import offers_of
from plugins.childcare.settings import ChildcareSettings

if TYPE_CHECKING:
    from core import IndexSource
    from core import Platform
    from sqlalchemy.orm import Session

__all__ = ["ChildcareService", "KitaClass", "KitaState", "KitaText", "NearKita"]


@define(frozen=True)
class KitaClass:
    """Kitas serving an age group (None: any) and open until at least a time (None: any)."""

    age: str | None
    closes: int | None

    @property
    def code(self) -> str:
        parts = []
        if self.age is not None:
            parts.append(self.age)
        if self.closes is not None:
            parts.append(f"until{format_clock(self.closes).replace(':', '')}")
        return "-".join(parts)

    def label(self, lang: str) -> str:
        parts = []
        if self.age is not None:
            group = next(a for a in AGE_GROUPS if a.code == self.age)
            parts.append(group.label(lang))
        if self.closes is not None:
            time = format_clock(self.closes)
            parts.append(catalog(DOMAIN).text("open_until_time", lang, time=time))
        return ", ".join(parts)


@attrs.frozen
class KitaText(Text):
    """A text of the Kita filter whose distance (``{km}``) and Kita class (``{kind}``) are
    written in the language it is shown in (``0,5 km`` / ``0.5 km``)."""

    km: float = 0.0
    kind: KitaClass | None = None

    def __call__(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        values = {"km": format_km(self.km, lang)}
        if self.kind is not None:
            values["kind"] = self.kind.label(lang)
        return catalog(DOMAIN).text(self.key, lang, **values)


@define
class NearKita:
    """A Kita and its distance from a point."""

    kita: Kita
    metres: float

    def as_dict(self) -> dict[str, Any]:
        return {**self.kita.to_dict(), "distance_m": round(self.metres, 1)}


class _Tree:
    """A KD-tree over some of the Kitas (``rows`` into the state's arrays)."""

    def __init__(self, rows: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> None:
        self.rows = rows
        self.lat, self.lon = lat[rows], lon[rows]
        from scipy.spatial import cKDTree  # imported on first use (slow to import)

        self.tree = cKDTree(sphere_xyz(self.lat, self.lon)) if len(rows) else None

    def nearest_m(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Great-circle metres from each point to its nearest Kita of this tree (inf: none)."""
        if self.tree is None or len(lat) == 0:
            return np.full(len(lat), np.inf)
        _, index = self.tree.query(sphere_xyz(lat, lon))
        index = np.asarray(index, dtype=np.int64)
        return np.asarray(haversine_m(lat, lon, self.lat[index], self.lon[index]), dtype=float)


@define
class KitaState:
    """The Kitas of one version of the database, as arrays, with one KD-tree per class."""

    version: int
    kitas: list[Kita]
    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    #: (n, 3) serves u3 / 3to6 / school
    ages: np.ndarray
    #: closing time on working days, minutes; NaN unknown
    closes: np.ndarray
    trees: dict[KitaClass, _Tree] = field(factory=dict)
    row_of: dict[int, int] = field(factory=dict)

    @classmethod
    def build(cls, version: int, kitas: list[Kita], classes: Sequence[KitaClass]) -> KitaState:
        n = len(kitas)
        lat = np.fromiter((k.lat for k in kitas), dtype=np.float64, count=n)
        lon = np.fromiter((k.lon for k in kitas), dtype=np.float64, count=n)
        ages = np.array([[k.serves(c) for c in AGE_CODES] for k in kitas], dtype=bool).reshape(
            n, len(AGE_CODES)
        )
        closes = np.array(
            [np.nan if k.closes is None else float(k.closes) for k in kitas], dtype=np.float64
        )
        state = cls(
            version=version,
            kitas=kitas,
            ids=np.fromiter((k.id or 0 for k in kitas), dtype=np.int64, count=n),
            lat=lat,
            lon=lon,
            ages=ages,
            closes=closes,
            row_of={int(k.id or 0): i for i, k in enumerate(kitas)},
        )
        for kita_class in classes:
            state.trees[kita_class] = _Tree(np.flatnonzero(state.matches(kita_class)), lat, lon)
        return state

    def matches(self, kita_class: KitaClass) -> np.ndarray:
        """Which Kitas belong to ``kita_class``."""
        mask = np.ones(len(self.kitas), dtype=bool)
        if kita_class.age is not None:
            mask &= self.ages[:, AGE_CODES.index(kita_class.age)]
        if kita_class.closes is not None:
            with np.errstate(invalid="ignore"):
                mask &= self.closes >= kita_class.closes
        return mask


ANY = KitaClass(None, None)


class ChildcareService:
    """Per process: the Kitas, their KD-trees and the columns behind the childcare filters."""

    def __init__(self, platform: Platform, settings: ChildcareSettings) -> None:
        self.platform = platform
        self.settings = settings
        self.classes: tuple[KitaClass, ...] = tuple(
            KitaClass(age, closes)
            for closes in (None, *settings.closing_minutes)
            for age in (None, *AGE_CODES)
        )
        self._snapshot = PluginSnapshot(
            platform, "childcare", self._load, lambda: KitaState.build(0, [], self.classes)
        )
        # the distance matrix of the last index source, shared by the two Kita columns
        self._matrix: tuple[Any, int, np.ndarray] | None = None
        self.stats: dict[str, float] = {"matrices": 0}

    # --- state -----------------------------------------------------------------------------

    def _load(self, session: Session, version: int) -> KitaState:
        return KitaState.build(version, repo.load_kitas(session), self.classes)

    def state(self, *, force: bool = False) -> KitaState:
        """The Kitas, reloaded when another process (or this one) changed them."""
        return self._snapshot.get(force=force)

    # --- company columns (index build time) ------------------------------------------------

    def distance_matrix(self, source: IndexSource) -> np.ndarray:
        """km from each company of ``source`` to its nearest Kita of each class (inf: none),
        columns in ``self.classes`` order; computed once per source."""
        state = self.state(force=True)
        cached = self._matrix
        if cached is not None and cached[0] is source and cached[1] == state.version:
            return cached[2]
        lat = np.asarray(source.lat, dtype=np.float64)
        lon = np.asarray(source.lon, dtype=np.float64)
        matrix = np.empty((len(lat), len(self.classes)), dtype=np.float64)
        for j, kita_class in enumerate(self.classes):
            matrix[:, j] = state.trees[kita_class].nearest_m(lat, lon) / 1000.0
        # keep a reference to the source: its id() must not be reused while cached
        self._matrix = (source, state.version, matrix)
        self.stats["matrices"] += 1
        return matrix

    def nearest_km_column(self, source: IndexSource) -> np.ndarray:
        """km to the nearest Kita of any kind; NaN when there is none."""
        column = self.distance_matrix(source)[:, self.classes.index(ANY)].copy()
        column[~np.isfinite(column)] = np.nan
        return column

    def kita_choices(self) -> tuple[Choice, ...]:
        """The choices of the faceted filter: every radius x every class, grouped by radius."""
        out = []
        for radius in self.settings.radii_km:
            group = f"{radius:g}km"
            for kita_class in self.classes:
                value = group if kita_class == ANY else f"{group}-{kita_class.code}"
                if kita_class == ANY:
                    label = KitaText(DOMAIN, "filter.kita.choice", km=radius)
                else:
                    key = "filter.kita.choice_class"
                    label = KitaText(DOMAIN, key, km=radius, kind=kita_class)
                parts = [("radius", f"{radius:g}")]
                if kita_class.age is not None:
                    parts.append(("age", kita_class.age))
                if kita_class.closes is not None:
                    parts.append(("closes", str(kita_class.closes)))
                out.append(Choice(value, label, group, tuple(parts)))
        return tuple(out)

    def kita_dimensions(self) -> tuple[Dimension, ...]:
        """The Kita filter as one control: distance, age group, open until."""
        texts = catalog(DOMAIN)
        radii = tuple(
            Choice(f"{r:g}", KitaText(DOMAIN, "filter.kita.within", km=r))
            for r in self.settings.radii_km
        )
        ages = tuple(Choice(a.code, a.label) for a in AGE_GROUPS)
        closes = tuple(
            Choice(str(m), texts("filter.kita.closes_at", time=format_clock(m)))
            for m in self.settings.closing_minutes
        )
        return (
            Dimension("radius", texts("filter.kita.radius"), radii, True),
            Dimension("age", texts("filter.kita.age"), ages),
            Dimension("closes", texts("filter.kita.closes"), closes),
        )

    def kita_column(self, source: IndexSource) -> np.ndarray:
        """bool (n, radii x classes): a Kita of the class lies within the radius."""
        matrix = self.distance_matrix(source)
        parts = [matrix <= radius for radius in self.settings.radii_km]
        return np.concatenate(parts, axis=1) if parts else np.zeros((len(matrix), 0), bool)

    @staticmethod
    def offer_column(source: IndexSource) -> np.ndarray:
        """bool (n, offers): which kinds of childcare support each company offers."""
        out = np.zeros((len(source), len(OFFER_CODES)), dtype=bool)
        position = {code: i for i, code in enumerate(OFFER_CODES)}
        for row, extensions in enumerate(source.extensions):
            for code in offers_of((extensions or {}).get("childcare")):
                out[row, position[code]] = True
        return out

    @classmethod
    def support_column(cls, source: IndexSource) -> np.ndarray:
        """bool (n,): the company supports childcare (an offer, or core's work-family code)."""
        family = np.fromiter(
            (FAMILY_CODE in f for f in source.family), dtype=bool, count=len(source)
        )
        return cls.offer_column(source).any(axis=1) | family

    # --- questions about places ------------------------------------------------------------

    def nearest(
        self, lat: float, lon: float, *, limit: int, radius_km: float | None = None
    ) -> list[NearKita]:
        """The ``limit`` nearest Kitas to a point (within ``radius_km`` if given)."""
        state = self.state()
        if not state.kitas:
            return []
        metres = np.asarray(haversine_m(lat, lon, state.lat, state.lon), dtype=np.float64).reshape(
            -1
        )
        order = np.argsort(metres, kind="stable")
        if radius_km is not None:
            order = order[metres[order] <= radius_km * 1000.0]
        return [NearKita(state.kitas[i], float(metres[i])) for i in order[:limit]]

    def select(
        self,
        *,
        q: str = "",
        age: str | None = None,
        open_until: int | None = None,
        town: str = "",
        bbox: tuple[float, float, float, float] | None = None,
        near: tuple[float, float] | None = None,
        radius_km: float | None = None,
    ) -> tuple[list[int], np.ndarray | None]:
        """Rows of the Kitas matching every given condition, ordered (by distance when
        ``near`` is given, else by name), and their distances in metres (or None)."""
        state = self.state()
        mask = state.matches(KitaClass(age, open_until))
        if bbox is not None:
            west, south, east, north = bbox
            mask &= (state.lat >= south) & (state.lat <= north)
            mask &= (state.lon >= west) & (state.lon <= east)
        if town:
            wanted = town.casefold()
            mask &= np.fromiter(
                (k.town.casefold() == wanted for k in state.kitas), dtype=bool, count=len(mask)
            )
        if q:
            words = q.casefold().split()
            mask &= np.fromiter(
                (
                    all(
                        w in f"{k.name} {k.operator} {k.town} {k.district} {k.concept}".casefold()
                        for w in words
                    )
                    for k in state.kitas
                ),
                dtype=bool,
                count=len(mask),
            )
        distance = None
        if near is not None:
            distance = np.asarray(
                haversine_m(near[0], near[1], state.lat, state.lon), dtype=np.float64
            ).reshape(-1)
            if radius_km is not None:
                mask &= distance <= radius_km * 1000.0
            rows = np.flatnonzero(mask)
            rows = rows[np.argsort(distance[rows], kind="stable")]
        else:
            rows = np.flatnonzero(mask)
            rows = np.array(
                sorted(rows.tolist(), key=lambda r: (state.kitas[r].name.casefold(), r)),
                dtype=np.int64,
            )
        return rows.tolist(), distance

    def towns(self) -> list[str]:
        return sorted({k.town for k in self.state().kitas if k.town})

    def kita(self, kita_id: int) -> Kita | None:
        state = self.state()
        row = state.row_of.get(int(kita_id))
        return None if row is None else state.kitas[row]

    def in_box(self, bbox: tuple[float, float, float, float] | None) -> list[Kita]:
        state = self.state()
        if bbox is None:
            return list(state.kitas)
        west, south, east, north = bbox
        mask = (state.lat >= south) & (state.lat <= north)
        mask &= (state.lon >= west) & (state.lon <= east)
        return [state.kitas[i] for i in np.flatnonzero(mask)]
