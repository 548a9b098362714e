"""Company repository: functions that take a session and never commit.

Every write records a change (``core_changes``) so the search index of every process follows;
bulk writes bump the index generation instead, which makes every index rebuild in full.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from core.errors import Conflict, NotFound
from core.model import Address, Company, Contact, Location, Status
from core.persistence.db import MAX_INTEGER
from core.persistence.tables import ChangeRow, CompanyRow, ContactRow, IndexStateRow, utcnow

__all__ = [
    "add_company",
    "all_slugs",
    "bulk_insert_companies",
    "bulk_insert_rows",
    "bump_generation",
    "count_companies",
    "current_generation",
    "delete_company",
    "existing_ids",
    "get_company",
    "get_company_by_slug",
    "list_companies",
    "max_company_id",
    "read_changes",
    "unique_slug",
    "update_company",
]

_PROFILE_FIELDS = (
    "slug",
    "name",
    "description",
    "street",
    "postcode",
    "town",
    "ags",
    "lat",
    "lon",
    "industry",
    "industry_division",
    "professions",
    "employees",
    "family",
    "certificates",
    "offers",
    "benefits",
    "website",
    "status",
    "is_demo",
    "extensions",
)


def _values(company: Company) -> dict[str, Any]:
    return {
        "slug": company.slug,
        "name": company.name,
        "description": company.description,
        "street": company.address.street,
        "postcode": company.address.postcode,
        "town": company.address.town,
        "ags": company.address.ags,
        "lat": company.location.lat if company.location else None,
        "lon": company.location.lon if company.location else None,
        "industry": company.industry,
        "industry_division": company.industry_division,
        "professions": list(company.professions),
        "employees": company.employees,
        "family": list(company.family),
        "certificates": list(company.certificates),
        "offers": list(company.offers),
        "benefits": list(company.benefits),
        "website": company.website,
        "status": company.status.value,
        "is_demo": company.is_demo,
        "extensions": company.extensions,
    }


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; they were written as UTC
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _company(row: CompanyRow, contact: ContactRow | None = None) -> Company:
    return Company(
        id=row.id,
        slug=row.slug,
        name=row.name,
        description=row.description,
        address=Address(row.street, row.postcode, row.town, row.ags),
        location=Location(row.lat, row.lon)
        if row.lat is not None and row.lon is not None
        else None,
        industry=row.industry,
        industry_division=row.industry_division,
        professions=tuple(row.professions or ()),
        employees=row.employees,
        family=tuple(row.family or ()),
        certificates=tuple(row.certificates or ()),
        offers=tuple(row.offers or ()),
        benefits=tuple(row.benefits or ()),
        website=row.website,
        contact=Contact(contact.name, contact.email, contact.phone) if contact else None,
        status=Status(row.status),
        is_demo=row.is_demo,
        created_at=_aware(row.created_at),
        updated_at=_aware(row.updated_at),
        extensions=dict(row.extensions or {}),
    )


def record_change(session: Session, company_id: int) -> None:
    session.execute(insert(ChangeRow).values(company_id=company_id, changed_at=utcnow()))


def bump_generation(session: Session) -> None:
    """Make every search index rebuild in full (after bulk writes)."""
    updated = session.execute(
        update(IndexStateRow)
        .where(IndexStateRow.id == 1)
        .values(generation=IndexStateRow.generation + 1)
    )
    if updated.rowcount == 0:  # type: ignore[attr-defined]
        session.execute(insert(IndexStateRow).values(id=1, generation=1))


def current_generation(session: Session) -> int:
    return int(session.scalar(select(IndexStateRow.generation).where(IndexStateRow.id == 1)) or 0)


def read_changes(session: Session, after_seq: int) -> list[tuple[int, int]]:
    """(seq, company_id) of every change with a sequence number above ``after_seq``."""
    rows = session.execute(
        select(ChangeRow.seq, ChangeRow.company_id)
        .where(ChangeRow.seq > after_seq)
        .order_by(ChangeRow.seq)
    )
    return [(int(s), int(c)) for s, c in rows]


def unique_slug(session: Session, wanted: str, *, exclude_id: int | None = None) -> str:
    """``wanted`` or ``wanted-2``, ``wanted-3``, ... whichever is free."""
    taken = set(
        session.scalars(
            select(CompanyRow.slug).where(
                (CompanyRow.slug == wanted) | CompanyRow.slug.like(f"{wanted}-%"),
                CompanyRow.id != (exclude_id or -1),
            )
        )
    )
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _save_contact(session: Session, company_id: int, contact: Contact | None) -> None:
    if contact is None:
        return
    session.execute(delete(ContactRow).where(ContactRow.company_id == company_id))
    if not contact.is_empty():
        session.execute(
            insert(ContactRow).values(
                company_id=company_id, name=contact.name, email=contact.email, phone=contact.phone
            )
        )


def _sync_id_sequence(session: Session) -> None:
    """After rows were inserted with explicit ids, let PostgreSQL's id sequence continue above
    them (SQLite takes the largest id anyway); otherwise the next add_company collides."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(
                func.setval(
                    func.pg_get_serial_sequence(CompanyRow.__tablename__, "id"),
                    select(func.max(CompanyRow.id)).scalar_subquery(),
                )
            )
        )


def add_company(session: Session, company: Company, *, keep_slug: bool = False) -> Company:
    """Insert a validated company; its slug is made unique unless ``keep_slug``."""
    company.validate()
    values = _values(company)
    if keep_slug:
        if session.scalar(select(CompanyRow.id).where(CompanyRow.slug == company.slug)) is not None:
            raise Conflict(
                f"The slug {company.slug!r} is taken; choose another or leave it empty.",
                {"slug": ["already taken"]},
            )
    else:
        values["slug"] = unique_slug(session, company.slug)
    now = utcnow()
    values.update(created_at=now, updated_at=now)
    if company.id is not None:
        values["id"] = company.id
    row = CompanyRow(**values)
    session.add(row)
    session.flush()
    if company.id is not None:
        _sync_id_sequence(session)
    _save_contact(session, row.id, company.contact)
    record_change(session, row.id)
    return _company(row, None if company.contact is None else _contact_row(session, row.id))


def _contact_row(session: Session, company_id: int) -> ContactRow | None:
    return session.get(ContactRow, company_id)


def _company_row(session: Session, company_id: int) -> CompanyRow | None:
    # ids outside the INTEGER range exist nowhere; PostgreSQL would fail on the comparison
    if not 0 < company_id <= MAX_INTEGER:
        return None
    return session.get(CompanyRow, company_id)


def update_company(session: Session, company: Company) -> Company:
    """Write all profile fields of an existing company."""
    if company.id is None:
        raise NotFound("A company without an id cannot be updated; add it first.")
    company.validate()
    row = _company_row(session, company.id)
    if row is None:
        raise NotFound(f"There is no company with id {company.id}.")
    values = _values(company)
    if values["slug"] != row.slug:
        if (
            session.scalar(
                select(CompanyRow.id).where(
                    CompanyRow.slug == values["slug"], CompanyRow.id != row.id
                )
            )
            is not None
        ):
            raise Conflict(
                f"The slug {company.slug!r} is taken; choose another.", {"slug": ["already taken"]}
            )
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.flush()
    _save_contact(session, row.id, company.contact)
    record_change(session, row.id)
    return _company(row, _contact_row(session, row.id))


def delete_company(session: Session, company_id: int) -> None:
    """Remove a company and its contact data."""
    row = _company_row(session, company_id)
    if row is None:
        raise NotFound(f"There is no company with id {company_id}.")
    session.execute(delete(ContactRow).where(ContactRow.company_id == company_id))
    session.delete(row)
    session.flush()
    record_change(session, company_id)


def get_company(
    session: Session, company_id: int, *, public_only: bool = False, with_contact: bool = False
) -> Company:
    row = _company_row(session, company_id)
    if row is None or (public_only and row.status != Status.PUBLISHED.value):
        raise NotFound(f"There is no company with id {company_id}.")
    return _company(row, _contact_row(session, company_id) if with_contact else None)


def get_company_by_slug(
    session: Session, slug: str, *, public_only: bool = False, with_contact: bool = False
) -> Company:
    row = session.scalar(select(CompanyRow).where(CompanyRow.slug == slug))
    if row is None or (public_only and row.status != Status.PUBLISHED.value):
        raise NotFound(f"There is no company {slug!r}.")
    return _company(row, _contact_row(session, row.id) if with_contact else None)


def list_companies(
    session: Session,
    *,
    status: Status | None = None,
    offset: int = 0,
    limit: int | None = None,
    with_contact: bool = False,
) -> list[Company]:
    stmt = select(CompanyRow).order_by(CompanyRow.id).offset(offset)
    if status is not None:
        stmt = stmt.where(CompanyRow.status == status.value)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = list(session.scalars(stmt))
    contacts: dict[int, ContactRow] = {}
    if with_contact and rows:
        contacts = {
            c.company_id: c
            for c in session.scalars(
                select(ContactRow).where(ContactRow.company_id.in_([r.id for r in rows]))
            )
        }
    return [_company(r, contacts.get(r.id)) for r in rows]


def count_companies(session: Session, *, status: Status | None = None) -> int:
    stmt = select(func.count()).select_from(CompanyRow)
    if status is not None:
        stmt = stmt.where(CompanyRow.status == status.value)
    return int(session.scalar(stmt) or 0)


def all_slugs(session: Session) -> set[str]:
    """Every slug in use (imports make new slugs unique against them)."""
    return set(session.scalars(select(CompanyRow.slug)))


def existing_ids(session: Session, ids: Iterable[int], *, chunk: int = 500) -> set[int]:
    """Those of ``ids`` that a company has."""
    wanted = sorted(i for i in set(ids) if 0 < i <= MAX_INTEGER)
    found: set[int] = set()
    for start in range(0, len(wanted), chunk):
        part = wanted[start : start + chunk]
        found.update(session.scalars(select(CompanyRow.id).where(CompanyRow.id.in_(part))))
    return found


def max_company_id(session: Session) -> int:
    """The highest company id, 0 when there is none."""
    return int(session.scalar(select(func.max(CompanyRow.id))) or 0)


def bulk_insert_companies(
    session: Session, companies: Sequence[Company], *, chunk: int = 5000
) -> int:
    """Insert many validated companies in one transaction (slugs must already be unique)."""
    rows = []
    for company in companies:
        row = _values(company)
        if company.contact is not None:
            row["contact"] = attrs.asdict(company.contact)
        if company.id is not None:
            row["id"] = company.id
        # imports keep the timestamps of an export; new companies get "now" below
        if company.created_at is not None:
            row["created_at"] = company.created_at
        if company.updated_at is not None:
            row["updated_at"] = company.updated_at
        rows.append(row)
    return bulk_insert_rows(session, rows, chunk=chunk)


def bulk_insert_rows(session: Session, rows: Iterable[dict[str, Any]], *, chunk: int = 5000) -> int:
    """Insert company rows (dicts of table columns, plus an optional ``contact`` dict).

    Ids are given out here, so contacts need no look-up; the index generation is bumped once.
    """
    next_id = int(session.scalar(select(func.max(CompanyRow.id))) or 0) + 1
    now = utcnow()
    total = 0
    batch: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []

    def flush() -> None:
        if batch:
            session.execute(insert(CompanyRow), batch)
        if contacts:
            session.execute(insert(ContactRow), contacts)
        batch.clear()
        contacts.clear()

    for row in rows:
        row = dict(row)
        contact = row.pop("contact", None)
        if row.get("id") is None:
            row["id"] = next_id
        next_id = max(next_id, int(row["id"])) + 1
        row.setdefault("created_at", now)
        row.setdefault("updated_at", now)
        batch.append(row)
        if contact and any(contact.values()):
            contacts.append({"company_id": row["id"], **contact})
        total += 1
        if len(batch) >= chunk:
            flush()
    flush()
    _sync_id_sequence(session)
    bump_generation(session)
    return total
