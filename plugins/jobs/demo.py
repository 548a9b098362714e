"""Fictitious demo positions for the demo companies (hook ``create_demo_data``).

About one demo company in four is hiring: those whose profile names "Offene Stellen" among
its offers, about half of them. Each position fits its company: the occupations come from
what the company's type trains (core's ``demo_apprenticeships``: an Autohaus looks for
Kfz-Mechatroniker/innen, a Pflegedienst for Pflegefachleute), restricted to the professions the
company lists, so its profession always is one of the company's. Dates are counted from
``today``: most positions are open, some ran out or were filled (the time to fill), a few are
published only in a few days; Ausbildung starts on the next 1 August. A few positions name an
employer that is not matched yet (for the operator's review list). Every position is kept
under the source ``demo`` by a stable id, so a later run moves the dates along and adds
nothing; positions of other sources stay as they are. The descriptions say that they are made
up.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TYPE_CHECKING

from core import DEMO_SOURCE
from core import Status
from core import demo_apprenticeships
from core import demo_places
from core import hookimpl
from core import slugify

from plugins.jobs.model import Position
from plugins.jobs.repository import PositionRepository

if TYPE_CHECKING:
    from core import Company
    from core import Platform

__all__ = ["DEMO_NOTE", "create_demo_data", "demo_positions", "hiring"]

DEMO_NOTE = "Fiktive Demo-Stelle: Arbeitgeber, Stelle und alle Angaben sind frei erfunden."
#: Share of the companies with "Offene Stellen" among their offers that get positions (with
#: some positions closed, about one company in four has an open one).
HIRING_SHARE = 0.7
#: Berufshauptgruppen in which the demo offers Minijobs (shops, kitchens, cleaning, storage).
MINIJOB_GROUPS = frozenset({"29", "51", "54", "62", "63", "82"})
#: Telephone numbers the Bundesnetzagentur keeps for films and examples (0221 4710 xxx):
#: the demo never names a number somebody answers.
PHONE_PREFIX = "0221 4710 "
#: kind -> (weight, title pattern, what the position asks for)
KIND_TITLES = {
    "apprenticeship": (
        3,
        "Ausbildung {title} (m/w/d)",
        "Sie haben einen Schulabschluss und Lust auf einen Beruf mit Zukunft.",
    ),
    "dual_study": (
        3,
        "Duales Studium mit Ausbildung {title} (m/w/d)",
        "Sie haben Abitur oder Fachhochschulreife und möchten Praxis und Studium verbinden.",
    ),
    "internship": (
        1,
        "Praktikum {title} (m/w/d)",
        "Sie möchten den Beruf kennenlernen: in der Schule, im Studium oder beim Neustart.",
    ),
    "full_time": (
        4,
        "{title} (m/w/d) in Vollzeit",
        "Sie haben eine abgeschlossene Ausbildung als {title} oder vergleichbare Erfahrung.",
    ),
    "part_time": (
        2,
        "{title} (m/w/d) in Teilzeit",
        "Sie haben eine abgeschlossene Ausbildung als {title}; die Stunden stimmen wir "
        "mit Ihnen ab.",
    ),
    "minijob": (
        1,
        "Aushilfe {title} (m/w/d) auf Minijob-Basis",
        "Sie suchen eine Aushilfstätigkeit mit festen Zeiten, gern auch neben Schule, "
        "Studium oder Familie.",
    ),
}
#: Employers the portal does not know (the review list's "no company found").
UNKNOWN_EMPLOYERS = (
    ("Logistikpark Emscher Demo GmbH (fiktiv)", "Fachkraft für Lagerlogistik", "51"),
    ("Pflegeteam Vest Demo gGmbH (fiktiv)", "Pflegefachmann/-frau", "81"),
    ("Haustechnik Lippe Demo KG (fiktiv)", "Anlagenmechaniker/in SHK", "34"),
    ("Bistro am Kanal Demo (fiktiv)", "Koch/Köchin", "29"),
    ("IT-Dienste Ruhr-Nord Demo GmbH (fiktiv)", "Fachinformatiker/in", "43"),
)


def _occupations(company: Company) -> list[tuple[str, str]]:
    """(title, Berufshauptgruppe) of what the company's type trains, among its professions."""
    listed = set(company.professions)
    return [(t, code) for t, code in demo_apprenticeships(company) if code in listed]


def hiring(companies: list[Company], seed: int) -> list[Company]:
    """The demo companies that get positions (the same for the same seed, in any order)."""
    out = []
    for company in companies:
        if not company.is_demo or company.status != Status.PUBLISHED or company.id is None:
            continue
        rng = random.Random(f"{seed}:jobs:{company.slug}")
        if "jobs" in company.offers and rng.random() < HIRING_SHARE and _occupations(company):
            out.append(company)
    return out


def _next_first_of_august(today: dt.date) -> dt.date:
    start = dt.date(today.year, 8, 1)
    return start if start >= today + dt.timedelta(days=21) else dt.date(today.year + 1, 8, 1)


#: words of legal forms that a company's web domain leaves out ("GmbH & Co. KG", "e.K.")
_FORM_WORDS = frozenset(
    {"gmbh", "ggmbh", "co", "kg", "e", "k", "v", "ag", "ohg", "mbb", "ug", "gbr"}
)


def _domain(company: Company) -> str:
    """A fictitious web domain from the company's name without its legal form, cut at a word
    (``.example`` is reserved for examples): ``schulte-gebaeudereinigung.example``."""
    label = ""
    for word in slugify(company.name).split("-"):
        if word in _FORM_WORDS:
            continue
        if label and len(label) + len(word) + 1 > 30:
            break
        label = f"{label}-{word}" if label else word
    return f"{label[:60] or 'arbeitgeber'}.example"


def _kind(company: Company, code: str, rng: random.Random) -> str:
    allowed = ["apprenticeship", "full_time", "part_time"]
    if "duales_studium" in company.offers:
        allowed.append("dual_study")
    if "praktikum" in company.offers:
        allowed.append("internship")
    if code in MINIJOB_GROUPS:
        allowed.append("minijob")
    return rng.choices(allowed, weights=[KIND_TITLES[k][0] for k in allowed])[0]


def _dates(kind: str, today: dt.date, rng: random.Random) -> dict[str, dt.date | None]:
    """Published, valid through, start and filled: mostly open, some closed, a few ahead."""
    published = today - dt.timedelta(days=rng.randint(0, 56))
    valid: dt.date | None = published + dt.timedelta(days=rng.randint(60, 120))
    filled = None
    fate = rng.random()
    if fate < 0.12:  # ran out
        valid = today - dt.timedelta(days=rng.randint(1, 30))
        published = valid - dt.timedelta(days=rng.randint(30, 90))
    elif fate < 0.22:  # filled: gives the time to fill
        filled = today - dt.timedelta(days=rng.randint(1, 30))
        published = filled - dt.timedelta(days=rng.randint(7, 75))
        valid = published + dt.timedelta(days=rng.randint(90, 150))
    elif fate < 0.25:  # published in a few days
        published = today + dt.timedelta(days=rng.randint(1, 5))
        valid = published + dt.timedelta(days=90)
    elif fate < 0.45:  # open until filled
        valid = None
    start: dt.date | None
    if kind in ("apprenticeship", "dual_study"):
        start = _next_first_of_august(published)
    elif kind == "internship":
        start = today + dt.timedelta(days=rng.choice((14, 28, 42, 60)))
    else:
        start = None if rng.random() < 0.5 else today + dt.timedelta(days=rng.randint(14, 90))
    return {
        "published": published,
        "valid_through": valid,
        "start_date": start,
        "filled_on": filled,
    }


def _description(company: Company, title: str, kind: str, town: str) -> str:
    asks = KIND_TITLES[kind][2].format(title=title)
    return "\n\n".join(
        (
            DEMO_NOTE,
            f"{company.name} in {town} sucht Verstärkung. {asks}",
            "Wir bieten eine gründliche Einarbeitung, ein kollegiales Team und Arbeitszeiten, "
            "die zu Ihrem Leben passen.",
        )
    )


def _apply(company: Company, k: int, rng: random.Random) -> dict[str, str]:
    domain = _domain(company)
    how = rng.random()
    return {
        "apply_url": f"https://www.{domain}/karriere/{k + 1}" if how < 0.6 else "",
        "apply_email": f"bewerbung@{domain}" if how >= 0.3 else "",
        "apply_phone": f"{PHONE_PREFIX}{rng.randint(100, 999)}" if rng.random() < 0.3 else "",
    }


def _company_positions(company: Company, seed: int, today: dt.date) -> list[Position]:
    rng = random.Random(f"{seed}:jobs:positions:{company.slug}")
    occupations = _occupations(company)
    most = 1 + (company.employees >= 10) + (company.employees >= 50)
    out = []
    titles: set[str] = set()
    for k in range(rng.randint(1, most)):
        title, code = rng.choice(occupations)
        kind = _kind(company, code, rng)
        if KIND_TITLES[kind][1].format(title=title) in titles:
            continue  # a company advertises the same position once
        titles.add(KIND_TITLES[kind][1].format(title=title))
        out.append(
            Position(
                id=None,
                company_id=company.id,
                employer_name=company.name,
                employer_postcode=company.address.postcode,
                employer_town=company.address.town,
                title=KIND_TITLES[kind][1].format(title=title),
                profession=code,
                kind=kind,
                description=_description(company, title, kind, company.address.town),
                source=DEMO_SOURCE,
                external_id=f"company-{company.id}-{k + 1}",
                match="matched",
                is_demo=True,
                **_apply(company, k, rng),
                **_dates(kind, today, rng),  # type: ignore[arg-type]
            )
        )
    return out


def _variant(name: str, rng: random.Random) -> str:
    """The employer's name as another source might write it."""
    forms = (" GmbH & Co. KG", " GmbH", " e.K.", " KG", " AG", " gGmbH", " OHG", " mbB")
    for form in forms:
        if name.endswith(form):
            return name[: -len(form)] + rng.choice((" Gesellschaft mbH", "", " Niederlassung"))
    return rng.choice((name.upper(), f"{name} Niederlassung", name.replace(" & ", " und ")))


def _review_positions(
    candidates: list[Company], seed: int, today: dt.date, count: int = 6
) -> list[Position]:
    """Positions of demo companies that do not hire themselves, under a name written
    otherwise (an operator confirms the proposed company)."""
    rng = random.Random(f"{seed}:jobs:review")
    out = []
    for i, company in enumerate(rng.sample(candidates, min(count, len(candidates)))):
        title, code = rng.choice(_occupations(company))
        dates = _dates("full_time", today, rng)
        dates.update(published=today - dt.timedelta(days=rng.randint(0, 20)), filled_on=None)
        dates["valid_through"] = dates["published"] + dt.timedelta(days=90)  # type: ignore[operator]
        out.append(
            Position(
                employer_name=f"{_variant(company.name, rng)} (fiktiv)",
                employer_postcode=company.address.postcode,
                employer_town=company.address.town,
                title=KIND_TITLES["full_time"][1].format(title=title),
                profession=code,
                kind="full_time",
                description=_description(company, title, "full_time", company.address.town),
                source=DEMO_SOURCE,
                external_id=f"review-{i + 1}",
                match="review",
                match_candidates=(company.id,) if company.id is not None else (),
                is_demo=True,
                apply_email=f"bewerbung@{_domain(company)}",
                **dates,  # type: ignore[arg-type]
            )
        )
    return out


def _unmatched_positions(platform: Platform, seed: int, today: dt.date) -> list[Position]:
    """Positions of employers the portal does not know, at fictitious places of the region."""
    places = demo_places(platform.region, len(UNKNOWN_EMPLOYERS), seed, salt="jobs")
    out = []
    for i, ((employer, title, code), place) in enumerate(
        zip(UNKNOWN_EMPLOYERS, places, strict=True)
    ):
        published = today - dt.timedelta(days=3 + 4 * i)
        out.append(
            Position(
                employer_name=employer,
                employer_postcode=place.postcode,
                employer_town=place.town,
                title=KIND_TITLES["full_time"][1].format(title=title),
                profession=code,
                kind="full_time",
                published=published,
                valid_through=published + dt.timedelta(days=90),
                description="\n\n".join((DEMO_NOTE, f"{employer} sucht {title} (m/w/d).")),
                source=DEMO_SOURCE,
                external_id=f"unmatched-{i + 1}",
                lat=place.lat,
                lon=place.lon,
                match="unmatched",
                is_demo=True,
                apply_phone=f"{PHONE_PREFIX}{100 + i}",
            )
        )
    return out


def demo_positions(
    platform: Platform, companies: list[Company], seed: int, today: dt.date
) -> list[Position]:
    """Every demo position for ``companies`` (the platform's demo companies), by ``today``."""
    hired = hiring(companies, seed)
    taken = {c.id for c in hired}
    others = [
        c
        for c in companies
        if c.is_demo and c.status == Status.PUBLISHED and c.id not in taken and _occupations(c)
    ]
    out = [p for company in hired for p in _company_positions(company, seed, today)]
    out.extend(_review_positions(others, seed, today))
    out.extend(_unmatched_positions(platform, seed, today))
    return out


def _keep_decision(made: Position, stored: Position | None) -> Position:
    """The demo position as made, with the company an operator matched it to (on the review
    list) kept: the demo runs at every start and must not undo the operator's work."""
    if stored is None or stored.match != "manual":
        return made
    return made.evolve(
        company_id=stored.company_id, match="manual", match_candidates=stored.match_candidates
    )


@hookimpl
def create_demo_data(platform: Platform, seed: int, today: dt.date) -> str:
    """Make (or move along) the demo positions; positions of other sources stay as they are."""
    companies = platform.companies(status=Status.PUBLISHED)
    positions = demo_positions(platform, companies, seed, today)
    made = {p.external_id for p in positions}
    with platform.session(write=True) as session:
        repo = PositionRepository(session)
        stored = {p.external_id: p for p in repo.all() if p.source == DEMO_SOURCE}
        repo.upsert([_keep_decision(p, stored.get(p.external_id)) for p in positions])
        for gone in stored.values():  # demo companies that no longer hire
            if gone.external_id not in made and gone.id:
                repo.delete(gone.id, bump=False)
        repo.changed()
    open_now = [p for p in positions if p.is_open(today)]
    employers = len({p.company_id for p in open_now if p.company_id is not None})
    return (
        f"{len(open_now)} offene fiktive Stellen bei {employers} Arbeitgebern "
        f"(fictitious open positions)"
    )
