"""The search index's columns, read from the companies table in one query.

The index asks for the searchable fields of every published, located company column by column
(``IndexSource``); this is the one query that reads them, with the JSON columns decoded in
bulk. It lives with the search engine, so that the company repository stays below it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from core.model import Status
from core.persistence.tables import CompanyRow
from core.search.index import IndexSource

__all__ = ["load_index_source"]


def _raw(column: Any) -> Any:
    # JSON columns read as text: decoding them all in one json.loads call is much faster than
    # per-value decoding. A CAST in the SQL, not only in SQLAlchemy's typing: PostgreSQL's
    # driver decodes every json value by itself unless the server sends text.
    return cast(column, Text)


_SOURCE_COLUMNS = (
    CompanyRow.id,
    CompanyRow.name,
    CompanyRow.slug,
    CompanyRow.description,
    CompanyRow.town,
    CompanyRow.ags,
    CompanyRow.postcode,
    CompanyRow.lat,
    CompanyRow.lon,
    CompanyRow.industry,
    CompanyRow.industry_division,
    _raw(CompanyRow.professions),
    CompanyRow.employees,
    _raw(CompanyRow.family),
    _raw(CompanyRow.offers),
    _raw(CompanyRow.benefits),
    _raw(CompanyRow.certificates),
    CompanyRow.is_demo,
    _raw(CompanyRow.extensions),
)


def _interned(values: Sequence[str]) -> list[str]:
    # the driver returns a new string per row; sharing equal ones saves memory in the index
    return list(map(sys.intern, values))


def _decode_all(values: Sequence[Any]) -> list[Any]:
    """Decode a column of JSON texts with one parser call."""
    if all(isinstance(v, str) for v in values):
        return list(json.loads("[" + ",".join(values) + "]")) if values else []
    return [json.loads(v) if isinstance(v, str) else v for v in values]


def load_index_source(
    session: Session,
    ids: Iterable[int] | None = None,
    context: dict[str, Any] | None = None,
    today: dt.date | None = None,
) -> IndexSource:
    """The searchable columns of published, located companies (all, or those in ``ids``),
    for the day ``today`` (the system's date when None)."""
    stmt = (
        select(*_SOURCE_COLUMNS)
        .where(
            CompanyRow.status == Status.PUBLISHED.value,
            CompanyRow.lat.is_not(None),
            CompanyRow.lon.is_not(None),
        )
        .order_by(CompanyRow.id)
    )
    if ids is not None:
        stmt = stmt.where(CompanyRow.id.in_(list(ids)))
    rows = session.execute(stmt).all()
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(_SOURCE_COLUMNS)
    (
        c_id,
        c_name,
        c_slug,
        c_desc,
        c_town,
        c_ags,
        c_plz,
        c_lat,
        c_lon,
        c_ind,
        c_div,
        c_prof,
        c_emp,
        c_fam,
        c_off,
        c_ben,
        c_cert,
        c_demo,
        c_ext,
    ) = cols
    n = len(rows)
    return IndexSource(
        ids=np.fromiter(c_id, dtype=np.int64, count=n),
        names=list(c_name),
        slugs=list(c_slug),
        descriptions=list(c_desc),
        towns=_interned(c_town),
        ags=_interned(c_ags),
        postcodes=_interned(c_plz),
        lat=np.fromiter(c_lat, dtype=np.float64, count=n),
        lon=np.fromiter(c_lon, dtype=np.float64, count=n),
        industry=_interned(c_ind),
        industry_division=list(c_div),
        professions=[tuple(p or ()) for p in _decode_all(c_prof)],
        employees=np.fromiter(c_emp, dtype=np.int64, count=n),
        family=[tuple(f or ()) for f in _decode_all(c_fam)],
        offers=[tuple(o or ()) for o in _decode_all(c_off)],
        benefits=[tuple(b or ()) for b in _decode_all(c_ben)],
        certificates=[tuple(c or ()) for c in _decode_all(c_cert)],
        is_demo=np.fromiter(c_demo, dtype=bool, count=n),
        extensions=[e or {} for e in _decode_all(c_ext)],
        context=dict(context or {}),
        today=today or dt.date.today(),
    )
