"""The housing offers as a dataset of the operators' admin area: search, edit, delete, import,
export.

Edits obey the rules of every other source (``offer_from_fields``: the operator API, files,
the questionnaire), and writes go through the repository, whose version counter makes every
process reload its offers (map layer, commute filters) and rebuild its search index. An import
is the command line's ``regiokarte housing import FILE``: the file name (without suffix) is
the source, offers are matched by their external id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import attrs
from core import Dataset
from core import DatasetField
from core import DatasetImport
from core import ExportFile
from core import Text
from core import ValidationError
from core import checked_record
from core import export_file
from core import read_bounded
from core import record_id
from core import table_dataset
from sqlalchemy import select

from plugins.housing import repository as repo
from plugins.housing import tables as t
from plugins.housing.formats import FORMATS
from plugins.housing.importer import import_offers
from plugins.housing.model import DOMAIN
from plugins.housing.model import FIELDS
from plugins.housing.model import KINDS
from plugins.housing.model import MAX_TEXT
from plugins.housing.model import MAX_TITLE
from plugins.housing.model import OFFER_TYPES
from plugins.housing.model import PROVIDERS
from plugins.housing.model import FieldProblems
from plugins.housing.model import Offer
from plugins.housing.model import offer_from_fields

if TYPE_CHECKING:
    from core import Choice
    from core import Platform
    from sqlalchemy.orm import Session

    from plugins.housing.service import HousingService

__all__ = ["DATASET_ID", "checked_offer", "invalid_offer", "offer_dataset", "offer_row"]

DATASET_ID = "housing.offers"


def _choices(choices: tuple[Choice, ...]) -> tuple[tuple[str, Text], ...]:
    # the labels stay Texts: the admin page shows them in its language
    return tuple((c.value, c.label) for c in choices)


def _field(name: str, **options: Any) -> DatasetField:
    """A field of the offer form, labelled by the catalog's ``dataset.field.<name>``."""
    return DatasetField(name, Text.message(DOMAIN, f"dataset.field.{name}"), **options)


def _number(name: str, *, listed: bool = False) -> DatasetField:
    return _field(name, kind="number", max_length=20, listed=listed)


DATASET_FIELDS: tuple[DatasetField, ...] = (
    _field("id", kind="integer", editable=False, listed=True),
    _field("source", editable=False, listed=True),
    _field("external_id", editable=False),
    _field("title", required=True, max_length=MAX_TITLE, listed=True),
    _field("kind", kind="choice", choices=_choices(KINDS), listed=True),
    _field("offer_type", kind="choice", choices=_choices(OFFER_TYPES)),
    _number("rooms"),
    _number("area_m2"),
    _number("cold_rent_eur"),
    _number("warm_rent_eur", listed=True),
    _number("additional_costs_eur"),
    _number("price_eur"),
    _field("available_from", kind="date"),
    _field("street", max_length=200),
    _field("postcode", required=True, max_length=5, listed=True),
    _field("town", max_length=100, listed=True),
    _field("address_public", kind="bool"),
    _number("lat"),
    _number("lon"),
    _field("provider_type", kind="choice", choices=_choices(PROVIDERS)),
    _field("provider_name", max_length=200),
    _field("contact_name", max_length=200),
    _field("contact_email", kind="email", max_length=320),
    _field("contact_phone", max_length=50),
    _field("link", kind="url", max_length=500),
    _field("description", kind="textarea", max_length=MAX_TEXT),
    _field("expires_on", kind="date", listed=True),
    _field("company_id", kind="integer"),
)

#: Fields whose change moves the offer (its point is then found again from the address).
_ADDRESS = ("street", "postcode", "town", "address_public")


#: An offer (expired ones too) is found by its title, address, source, provider or id there.
_SEARCHED = ("title", "town", "postcode", "street", "source", "provider_name", "external_id")


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def offer_row(offer: Offer) -> dict[str, Any]:
    """An offer as a dataset row (JSON values, the ``id`` as a string)."""
    row = {name: _json(value) for name, value in offer.fields().items()}
    row.update(id=str(offer.id), source=offer.source, lat=offer.lat, lon=offer.lon)
    return row


def _offer_id(value: str) -> int:
    return record_id(value, "housing offer")


def export(session: Session, fmt: str) -> ExportFile:
    """Every offer (expired ones too) as CSV or GeoJSON, in the import's canonical columns
    (GeoJSON: with the offer's number and source)."""
    offers = [Offer.from_row(r) for r in session.execute(select(t.offers).order_by(t.offers.c.id))]
    # a re-import of the file updates the same offers: the source is the file name
    sources = {o.source for o in offers}
    name = sources.pop() if len(sources) == 1 else "wohnungsangebote"
    columns = list(FIELDS) if fmt == "csv" else ["id", "source", *FIELDS]
    rows = [{**o.fields(), "id": o.id, "source": o.source} for o in offers]
    return export_file(fmt, rows, columns, name=name, what="housing offers")


def _update(
    service: HousingService, session: Session, record_id: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check and store an edit by the rules of every other source (``offer_from_fields``)."""
    existing = repo.get_offer(session, _offer_id(record_id))
    # every problem at once: those of the form and those of the offer's rules (a value the
    # form cannot read keeps the stored one for the rules, so it is named once)
    clean, problems = DATASET.read(values)
    data = existing.fields()
    before = offer_row(existing)
    moved = any(name in clean and clean[name] != before.get(name) for name in _ADDRESS)
    unchanged_point = all(clean.get(n, before[n]) == before[n] for n in ("lat", "lon"))
    data.update({k: v for k, v in clean.items() if k in FIELDS})
    if moved and unchanged_point:
        data["lat"] = data["lon"] = None  # placed again from the new address
    offer = checked_record(
        lambda: checked_offer(service, data, existing.source), problems, "The offer is invalid"
    )
    offer.id, offer.external_id = existing.id, existing.external_id
    return offer_row(repo.update_offer(session, offer))


def _create(service: HousingService, session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """A new offer entered by an operator, checked like every other."""
    clean, problems = DATASET.read(values)
    given = {k: v for k, v in clean.items() if v not in (None, "")}
    offer = checked_record(
        lambda: checked_offer(service, given, "manual"), problems, "The offer is invalid"
    )
    return offer_row(repo.add_offer(session, offer))


def _delete(session: Session, record_id: str) -> None:
    repo.delete_offer(session, _offer_id(record_id))


def _import(
    platform: Platform,
    service: HousingService,
    session: Session,
    path: Path,
    fmt: str,
    *,
    allow_outside_region: bool = False,
) -> DatasetImport:
    """The command line's import of a file; its name (without suffix) is the source."""
    report = import_offers(
        session,
        read_bounded(path, max_bytes=service.settings.max_import_bytes),
        file_name=path.name,
        fmt=fmt,
        source=path.name.split(".")[0],
        today=service.today(),
        lifetime_days=service.settings.default_lifetime_days,
        locate=service.locate,
        max_bytes=service.settings.max_import_bytes,
        region=platform.region,
        allow_outside_region=allow_outside_region,
    )
    return report.dataset_import()


#: The dataset without the functions that need the running plugin (``offer_dataset``).
DATASET = table_dataset(
    DATASET_ID,
    t.offers,
    record="housing offer",
    search_columns=_SEARCHED,
    row=lambda r: offer_row(Offer.from_row(r)),
    label=Text.message(DOMAIN, "dataset.label"),
    fields=DATASET_FIELDS,
    import_formats=FORMATS,
    import_region_checked=True,
    export=export,
    export_formats=("csv", "geojson"),
    help=Text.message(DOMAIN, "dataset.help"),
)


def invalid_offer(problems: Mapping[str, list[str]]) -> str:
    """'The offer is invalid: title: ...; postcode: ...' (the problems themselves say it in
    the page's language, field by field)."""
    details = "; ".join(f"{k}: {', '.join(m.rstrip('.') for m in v)}" for k, v in problems.items())
    return f"The offer is invalid: {details}."


def checked_offer(service: HousingService, data: Mapping[str, Any], source: str) -> Offer:
    """An offer from its fields by the rules of every source; ``ValidationError`` names every
    bad field."""
    try:
        return offer_from_fields(
            dict(data),
            locate=service.locate,
            today=service.today(),
            lifetime_days=service.settings.default_lifetime_days,
            source=source,
        )
    except FieldProblems as exc:
        raise ValidationError(invalid_offer(exc.problems), exc.problems) from None


def offer_dataset(platform: Platform, service: HousingService) -> Dataset:
    """The housing offers as the admin area's dataset ``housing.offers``."""

    return attrs.evolve(
        DATASET,
        update=partial(_update, service),
        delete=_delete,
        create=partial(_create, service),
        import_file=partial(_import, platform, service),
        changed=lambda: service.state(force=True),
    )
