"""The training service of one process: a course index that follows the database, the clock
that decides which courses are past, and the questions pages and hooks ask of both."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING

from core import FilterRegistry
from core import Location
from core import NotFound
from core import PluginSnapshot
from core import SearchResult

from plugins.training import repository as repo
from plugins.training.index import CourseIndex
from plugins.training.index import CourseQuery
from plugins.training.index import CourseResult
from plugins.training.index import Nearby
from plugins.training.index import course_filters
from plugins.training.index import nearby_courses
from plugins.training.index import parse_course_params
from plugins.training.index import search_courses
from plugins.training.model import Course
from plugins.training.settings import TrainingSettings

if TYPE_CHECKING:
    from core import Platform
    from sqlalchemy.orm import Session

__all__ = ["TrainingService"]

log = logging.getLogger(__name__)


class TrainingService:
    """Courses of one platform: index, clock, search, nearby courses and employers."""

    def __init__(
        self,
        platform: Platform,
        settings: TrainingSettings,
        *,
        clock: Callable[[], dt.date] | None = None,
    ) -> None:
        self.platform = platform
        self.settings = settings
        fixed = settings.fixed_today
        #: Which day it is; tests and demos set it (or the setting ``today``).
        self.clock: Callable[[], dt.date] = clock or (
            (lambda: fixed) if fixed is not None else dt.date.today
        )
        self.registry = FilterRegistry(course_filters(platform.region))
        self._snapshot = PluginSnapshot(
            platform,
            "training",
            self._load,
            lambda: CourseIndex([], self.registry, self.platform.region, -1),
        )

    def today(self) -> dt.date:
        return self.clock()

    # --- the index ------------------------------------------------------------------------

    def _load(self, session: Session, version: int) -> CourseIndex:
        courses = repo.load_courses(session)
        return CourseIndex(courses, self.registry, self.platform.region, version)

    def index(self, *, force: bool = False) -> CourseIndex:
        """The current snapshot; the database is asked for changes at most every
        ``search.refresh_interval`` seconds (the same rhythm as the company index)."""
        return self._snapshot.get(force=force)

    # --- questions ----------------------------------------------------------------------------

    def parse(self, params: Mapping[str, Sequence[str]]) -> CourseQuery:
        return parse_course_params(
            params,
            self.registry,
            self.platform,
            default_per_page=self.settings.per_page,
            max_per_page=self.platform.settings.search.max_per_page,
        )

    def search(self, query: CourseQuery, *, include_past: bool = False) -> CourseResult:
        return search_courses(self.index(), query, self.today(), include_past=include_past)

    def course(self, course_id: int, *, include_past: bool = False) -> Course:
        """A course by id; past courses only when asked for (they have disappeared)."""
        course = self.index().course(course_id)
        if course is None or (not include_past and not course.is_current(self.today())):
            raise NotFound(f"There is no current course with id {course_id}.")
        return course

    def nearby(self, location: Location | None, professions: Sequence[str]) -> list[Nearby]:
        """Current courses for ``professions`` near a company (as its profile lists them)."""
        return nearby_courses(
            self.index(),
            self.today(),
            location,
            professions,
            radius_km=self.settings.profile_radius_km,
            limit=self.settings.profile_max_courses,
            include_online=self.settings.profile_online,
        )

    def employer_params(self, course: Course, lang: str = "de") -> dict[str, list[str]]:
        """The company search (``/api/v1/search`` parameters) for employers that look for the
        course's professions near it."""
        params: dict[str, list[str]] = {
            "profession": list(course.professions),
            "per_page": [str(max(1, self.settings.employer_max))],
            "lang": [lang],
        }
        if course.location is not None and course.format != "online":
            params["near"] = [f"{course.location.lat:.5f},{course.location.lon:.5f}"]
            params["radius_km"] = [f"{self.settings.employer_radius_km:g}"]
            params["sort"] = ["distance"]
        return params

    def employers(self, course: Course, lang: str = "de") -> SearchResult | None:
        """Employers with the course's professions near it (None: the course has none)."""
        if not course.professions or self.settings.employer_max <= 0:
            return None
        params = self.employer_params(course, lang)
        return self.platform.search(self.platform.parse_query(params))
