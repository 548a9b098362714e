"""``regiokarte jobs fetch-ba``: the region's positions from the Jobsuche of the Bundesagentur
für Arbeit, kept as a file and imported.

Off unless the setting ``ba_fetch`` is on (the command refuses, naming the setting), so no
installation asks a third party by accident. One search per kind of offer (``ba_offer_types``:
1 Arbeit, 4 Ausbildung/duales Studium, 34 Praktikum/Trainee) around ``ba_where`` within
``ba_radius_km``, paged through to the end (at most ``ba_max_pages`` pages of
``ba_page_size``), with the ``X-API-Key`` header the service documents. The answer is written
to ``ba_folder`` (the newest ``ba_keep_files`` are kept) before it is imported, so each run can
be imported again and checked later. When every search was paged to its end the file is the
complete feed of the source ``ba``: positions it no longer lists are closed; a search cut off
by ``ba_max_pages`` closes nothing, and neither does an answer with invalid records (they
are reported and left out; the rest is imported).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from core import ImportError_
from core import ImportReport
from core import Sentence

from plugins.jobs.ba import Opener
from plugins.jobs.ba import dump_pages
from plugins.jobs.ba import fetch_pages

if TYPE_CHECKING:
    from core import Platform

    from plugins.jobs.settings import JobsSettings

__all__ = ["FILE_PREFIX", "fetch_ba"]

#: Names of the kept answers: ``jobsuche-20261208-0300.json``.
FILE_PREFIX = "jobsuche-"


def _refused(en: str, de: str, key: str) -> ImportError_:
    message = Sentence(en, de)
    return ImportError_(message, {key: [message]})


def _where(settings: JobsSettings) -> str:
    """The place to search around; refuses when the fetch is off or has no place."""
    if not settings.ba_fetch:
        raise _refused(
            "The fetch from the Jobsuche of the Bundesagentur für Arbeit is switched off; set "
            "ba_fetch = true (and ba_where, the place to search around) in [plugins.jobs] of "
            "the configuration to use it.",
            "Der Abruf aus der Jobsuche der Bundesagentur für Arbeit ist ausgeschaltet; setzen "
            "Sie ba_fetch = true (und ba_where, den Ort der Suche) in [plugins.jobs] der "
            "Konfiguration, um ihn zu nutzen.",
            "ba_fetch",
        )
    where = settings.ba_where.strip()
    if not where:
        raise _refused(
            "The setting ba_where is empty; name the place the Jobsuche should search around "
            "(e.g. Recklinghausen) in [plugins.jobs] of the configuration.",
            "Die Einstellung ba_where ist leer; nennen Sie in [plugins.jobs] der Konfiguration "
            "den Ort, um den die Jobsuche suchen soll (etwa Recklinghausen).",
            "ba_where",
        )
    return where


def _fetch_all(
    settings: JobsSettings, where: str, opener: Opener | None
) -> tuple[list[dict[str, Any]], bool]:
    """Every page of every search (one per kind of offer), and whether each reached its end."""
    pages: list[dict[str, Any]] = []
    complete = True
    for offer_type in settings.ba_offer_types:
        found, whole = fetch_pages(
            settings.ba_url,
            settings.ba_api_key,
            {"wo": where, "umkreis": settings.ba_radius_km},
            angebotsart=offer_type,
            page_size=settings.ba_page_size,
            max_pages=settings.ba_max_pages,
            timeout=settings.ba_timeout_s,
            opener=opener,
        )
        pages.extend(found)
        complete = complete and whole
    return pages, complete


def _keep(settings: JobsSettings, text: str) -> Path:
    """Write the answer into ``ba_folder`` and drop all but the newest ``ba_keep_files``."""
    folder = Path(settings.ba_folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    path = folder / f"{FILE_PREFIX}{stamp}.json"
    path.write_text(text, encoding="utf-8")
    files = sorted(folder.glob(f"{FILE_PREFIX}*.json"))
    for old in files[: max(0, len(files) - settings.ba_keep_files)]:
        old.unlink(missing_ok=True)
    return path


_CUT_OFF = (
    "A search stopped after ba_max_pages ({pages}) pages before its end; positions missing "
    "from this answer were not closed. Raise ba_max_pages or narrow ba_radius_km.",
    "Eine Suche endete nach ba_max_pages ({pages}) Seiten vor ihrem Ende; in dieser Antwort "
    "fehlende Stellen wurden nicht geschlossen. Erhöhen Sie ba_max_pages oder verkleinern Sie "
    "ba_radius_km.",
)
_INVALID = Sentence(
    "Positions missing from this answer were not closed, as some of its records were invalid.",
    "In dieser Antwort fehlende Stellen wurden nicht geschlossen, da einige ihrer Datensätze "
    "fehlerhaft waren.",
)


def fetch_ba(
    platform: Platform, *, allow_outside_region: bool = False, opener: Opener | None = None
) -> ImportReport:
    """Fetch, keep and import the Jobsuche's positions of the region (see the module);
    ``opener`` replaces urllib's ``urlopen``."""
    from plugins.jobs.hooks import service_for
    from plugins.jobs.importer import check_text
    from plugins.jobs.importer import write_checked

    service = service_for(platform)
    settings = service.settings
    pages, complete = _fetch_all(settings, _where(settings), opener)
    text = dump_pages(pages)
    path = _keep(settings, text)
    today = service.today()
    # a scheduled run imports what it can: a position the service sends broken (say,
    # without an employer) is reported, not a reason to drop the day's feed
    report, checked = check_text(
        platform,
        text,
        name=path.name,
        fmt="ba",
        skip_invalid=True,
        allow_outside_region=allow_outside_region,
        today=today,
    )
    report.details["file"] = str(path)
    if not complete:
        en, de = (part.format(pages=settings.ba_max_pages) for part in _CUT_OFF)
        report.notes.append(Sentence(en, de))
    elif report.invalid:
        report.notes.append(_INVALID)
    with platform.session(write=True) as session:
        write_checked(session, report, checked, today=today, full=complete and not report.invalid)
    return report
