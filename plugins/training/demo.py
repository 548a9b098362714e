"""Deterministic, clearly fictitious demo data: training answers for the demo companies and
courses in the region's towns (``regiokarte training demo``).

The same seed gives the same answers for the same demo companies, whatever their order, and
the same courses; running it again changes nothing (courses are identified by
``source = "demo"`` and their number). Course dates are counted from the plugin's clock, so the
demo courses lie ahead whenever the demo is made.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
from importlib import resources
from typing import TYPE_CHECKING
from typing import Any

from attrs import frozen
from core import GeocodingError
from core import Location
from core import Status
from core import demo_apprenticeships
from core import hookimpl

from plugins.training import repository as repo
from plugins.training.model import Course
from plugins.training.questionnaire import EXTENSION
from plugins.training.questionnaire import apply_answers
from plugins.training.vocabulary import APPRENTICESHIP_EXAMPLES
from plugins.training.vocabulary import DUAL_STUDY_PROGRAMMES

if TYPE_CHECKING:
    from core import Company
    from core import Platform

__all__ = [
    "DEMO_SOURCE",
    "DemoResult",
    "Template",
    "add_demo_training",
    "create_demo_data",
    "demo_answers",
    "demo_courses",
    "templates",
]

DEMO_SOURCE = "demo"
DEMO_NOTE = "Fiktives Demo-Angebot: Anbieter, Termine und Preise sind frei erfunden."
PARTNERS = (
    "Westfälische Hochschule, Campus Gelsenkirchen",
    "Westfälische Hochschule, Campus Recklinghausen",
    "Hochschule Ruhr West, Campus Bottrop",
    "FOM Hochschule, Studienzentrum Essen",
)


@frozen
class DemoResult:
    companies: int
    courses: int


def _apprenticeships(company: Company, rng: random.Random) -> tuple[list[str], list[str]] | None:
    """(KldB codes, titles) of the Ausbildung a demo company offers: one or two of those its
    company type trains, or else the best known ones of its professions."""
    trained = demo_apprenticeships(company)
    if trained:
        count = 1 if len(trained) == 1 or rng.random() < 0.6 else 2
        picked = rng.sample(list(trained), count)
        return sorted({code for _, code in picked}), [title for title, _ in picked]
    if not company.professions:
        return None
    fitting = [p for p in company.professions if p in APPRENTICESHIP_EXAMPLES]
    chosen = fitting or list(company.professions)
    count = 1 if len(chosen) == 1 or rng.random() < 0.6 else 2
    codes = sorted(rng.sample(chosen, count))
    titles: list[str] = []
    for code in codes:
        examples = APPRENTICESHIP_EXAMPLES.get(code, ())
        # the first (best known) apprenticeship always, a second one sometimes
        titles += examples[: 2 if len(examples) > 1 and rng.random() < 0.4 else 1]
    return codes, titles


def demo_answers(company: Company, seed: int) -> dict[str, Any]:
    """Training answers that fit a demo company's offers, professions and size."""
    # one random stream per topic: an answer never depends on what another topic drew
    rng = random.Random(f"{seed}:{company.slug}:ausbildung")
    size = min(1.0, company.employees / 100)
    answers: dict[str, Any] = {}
    apprenticeships = _apprenticeships(company, rng) if "ausbildung" in company.offers else None
    if apprenticeships is not None:
        codes, titles = apprenticeships
        answers.update(
            trains_apprentices=True,
            apprenticeship_professions=codes,
            apprenticeship_places=max(1, min(20, company.employees // 15 + rng.randint(0, 2))),
        )
        if titles:
            answers["apprenticeship_titles"] = ", ".join(titles)
    rng = random.Random(f"{seed}:{company.slug}:studium")
    if "duales_studium" in company.offers:
        programme = next(
            (DUAL_STUDY_PROGRAMMES[p] for p in company.professions if p in DUAL_STUDY_PROGRAMMES),
            "Betriebswirtschaftslehre (B.A.)",
        )
        answers.update(
            dual_study=True,
            dual_study_partner=rng.choice(PARTNERS),
            dual_study_programmes=programme,
        )
    rng = random.Random(f"{seed}:{company.slug}:weiterbildung")
    # drawn whatever the company looks like, so that the answers stay the same when a second
    # run sees the benefit the first run switched on
    roll, with_budget = rng.random(), rng.random()
    if "further_training" in company.benefits or roll < 0.15 + 0.35 * size:
        if with_budget < 0.8:
            answers["further_training_budget_eur"] = rng.choice(
                (250, 500, 750, 1000, 1500, 2000, 2500)
            )
        answers["further_training_days"] = rng.choice((1, 2, 3, 5, 5, 10))
    return answers


@frozen
class Template:
    """One kind of demo course (a row of ``data/demo_courses.csv``)."""

    title: str
    kind: str
    professions: tuple[str, ...]
    provider_type: str
    format: str
    hours: float
    cost_eur: float | None
    funding: tuple[str, ...]
    duration: str
    on_demand: bool
    cost_note: str


@functools.cache
def templates() -> tuple[Template, ...]:
    """The demo course kinds (titles, providers, prices are fictitious)."""
    text = resources.files("plugins.training.data").joinpath("demo_courses.csv").read_text("utf-8")
    return tuple(
        Template(
            title=row["title"],
            kind=row["kind"],
            professions=tuple(p for p in row["professions"].split(";") if p),
            provider_type=row["provider_type"],
            format=row["format"],
            hours=float(row["hours"]),
            cost_eur=float(row["cost_eur"]) if row["cost_eur"] else None,
            funding=tuple(f for f in row["funding"].split(";") if f),
            duration=row["duration"],
            on_demand=row["on_demand"] == "true",
            cost_note=row["cost_note"],
        )
        for row in csv.DictReader(io.StringIO(text))
    )


PROVIDERS = {
    "vhs": "Volkshochschule {town} (Demo)",
    "kammer": "Bildungszentrum der Kammern Emscher-Lippe (Demo)",
    "privat": "Technikakademie Ruhr-Lippe (fiktiv)",
    "hochschule": "Hochschulkolleg Emscher-Lippe (Demo)",
    "unternehmen": "Werksakademie Muster Antriebstechnik (fiktiv)",
}


def _postcode_centres(platform: Platform) -> dict[str, Location]:
    """The centre of every postcode of the region's towns that has one."""
    centres = {}
    for town in platform.region.towns:
        for postcode in town.postcodes:
            try:
                centres[postcode] = platform.locate_postcode(postcode)
            except GeocodingError:
                continue  # a postcode without a known centre gets no demo course
    return centres


def demo_courses(platform: Platform, seed: int, count: int, today: dt.date) -> list[Course]:
    """``count`` fictitious courses in the region's towns, dated from ``today``."""
    rng = random.Random(f"training-courses:{seed}")
    centroids = _postcode_centres(platform)
    towns = list(platform.region.towns)
    out = []
    for number in range(count):
        t = templates()[number % len(templates())]
        town = towns[rng.randrange(len(towns))]
        postcodes = [p for p in town.postcodes if p in centroids]
        postcode = postcodes[rng.randrange(len(postcodes))] if postcodes else ""
        base = centroids[postcode] if postcode else town.center
        start = today + dt.timedelta(days=3 + 7 * rng.randrange(0, 26))
        days = {"kammer": 60, "privat": 30, "vhs": 45}.get(t.provider_type, 20)
        end = start + dt.timedelta(days=days + rng.randrange(0, 30))
        if number % 25 == 24:
            # a course that is over: it stays in the database but disappears from every view
            start, end = today - dt.timedelta(days=90), today - dt.timedelta(days=10)
        located = t.format != "online"
        jitter = (rng.uniform(-0.004, 0.004), rng.uniform(-0.006, 0.006))
        out.append(
            Course(
                source=DEMO_SOURCE,
                external_id=f"demo-{number + 1}",
                title=t.title,
                description=f"{DEMO_NOTE} {t.title} in {town.name}.",
                provider=PROVIDERS[t.provider_type].format(town=town.name),
                provider_type=t.provider_type,
                kind=t.kind,
                professions=t.professions,
                format=t.format,
                start_date=None if t.on_demand and number % 2 else start,
                end_date=None if t.on_demand else end,
                on_demand=t.on_demand,
                duration=t.duration,
                hours=t.hours,
                cost_eur=t.cost_eur,
                cost_note=t.cost_note,
                funding=t.funding,
                street=f"Musterweg {1 + rng.randrange(99)} (fiktiv)" if located else "",
                postcode=postcode if located else "",
                town=town.name if located else "",
                location=Location(round(base.lat + jitter[0], 6), round(base.lon + jitter[1], 6))
                if located
                else None,
                is_demo=True,
            )
        )
    return out


def add_demo_training(platform: Platform, *, seed: int = 1, courses: int = 60) -> DemoResult:
    """Give the demo companies training answers and add (or update) the demo courses."""
    from plugins.training.hooks import service_for

    service = service_for(platform)
    changes = []
    for company in platform.companies(status=Status.PUBLISHED):
        if not company.is_demo:
            continue
        answers = demo_answers(company, seed)
        updated = apply_answers(company, answers)
        if (
            updated.extensions.get(EXTENSION) == company.extensions.get(EXTENSION)
            and updated.offers == company.offers
            and updated.benefits == company.benefits
        ):
            continue
        changes.append(updated)
    platform.save_companies(changes)
    with platform.session(write=True) as session:
        made = demo_courses(platform, seed, courses, service.today())
        existing = repo.ids_by_external_id(
            session, DEMO_SOURCE, [c.external_id for c in made if c.external_id]
        )
        for course in made:
            course.id = existing.get(course.external_id or "")
            if course.id is None:
                repo.add_course(session, course, bump=False)
            else:
                repo.update_course(session, course, bump=False)
        repo.bump_version(session)
    service.index(force=True)
    platform.search_index(refresh=True)
    return DemoResult(len(changes), len(made))


@hookimpl
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str:
    """Training answers for the demo companies and the demo courses (dated from the plugin's
    clock, so they lie ahead)."""
    result = add_demo_training(platform, seed=seed)
    return (
        f"{result.courses} fiktive Kurse (fictitious courses), {result.companies} "
        "Demo-Unternehmen mit Ausbildungsangaben (companies with training answers)"
    )
