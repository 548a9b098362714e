"""/api/v1/opendata: the published companies as open data files (GeoJSON and CSV).

The files are streamed (companies are read in batches while the response is written) and may
be cached: ``Cache-Control`` from ``opendata.cache_seconds`` and an ETag that changes with any
published profile, so a conditional request costs one small query.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import func, select

from core.io.opendata import Licence, iter_csv, iter_geojson, open_data_licence, published
from core.model import Company, Status
from core.persistence.tables import CompanyRow
from core.platform import Platform
from webapp.context import current_platform

__all__ = ["blueprint"]


def _licence(platform: Platform) -> Licence:
    return open_data_licence(platform.settings)


def _etag(platform: Platform, kind: str) -> str:
    """Changes whenever a profile is published, changed, withdrawn or deleted."""
    with platform.session() as session:
        row = session.execute(
            select(func.count(), func.max(CompanyRow.id), func.max(CompanyRow.updated_at)).where(
                CompanyRow.status == Status.PUBLISHED.value
            )
        ).one()
    stamp = f"{kind}|{row[0]}|{row[1]}|{row[2]}|{_licence(platform)}"
    return hashlib.sha256(stamp.encode()).hexdigest()[:20]


def _stream(platform: Platform, write: Callable[[Iterable[Company], Licence], Iterator[str]]):
    licence = _licence(platform)

    def generate() -> Iterator[str]:
        # the session lives as long as the response is being written, not the view call
        with platform.session() as session:
            yield from write(published(session), licence)

    return generate()


def _file(kind: str, mimetype: str, write: Any) -> Response:
    platform = current_platform()
    if not platform.settings.opendata.enabled:
        abort(404, message="Open data is switched off on this portal (opendata.enabled).")
    etag = _etag(platform, kind)
    headers = {
        "Cache-Control": f"public, max-age={platform.settings.opendata.cache_seconds}",
        "Content-Disposition": f'attachment; filename="{platform.region.slug}-companies.{kind}"',
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.if_none_match:
        response = Response(status=304, headers=headers)
    else:
        response = Response(_stream(platform, write), mimetype=mimetype, headers=headers)
    response.set_etag(etag)
    return response


_NOT_MODIFIED = {"description": "Not modified since the ETag sent in If-None-Match."}


def blueprint(platform: Platform) -> Blueprint:
    """The open data resource of ``platform``'s app (made per app: its description names the
    licence configured there)."""
    blp = Blueprint(
        "opendata",
        __name__,
        url_prefix="/api/v1/opendata",
        description=(
            "The published companies as open data files, without personal data "
            f"(licence: {platform.settings.opendata.licence})."
        ),
    )

    @blp.route("/companies.geojson")
    class CompaniesGeoJSON(MethodView):
        @blp.doc(
            responses={
                "200": {
                    "description": (
                        "A GeoJSON FeatureCollection; its members license, license_url and "
                        "attribution state the terms of use."
                    ),
                    "content": {"application/geo+json": {"schema": {"type": "object"}}},
                },
                "304": _NOT_MODIFIED,
            }
        )
        def get(self) -> Response:
            """Download the published companies as GeoJSON

            Every published profile without contact data, one Point feature each (null geometry
            without a location). Streamed; cacheable (ETag, Cache-Control).
            """
            return _file("geojson", "application/geo+json", iter_geojson)

    @blp.route("/companies.csv")
    class CompaniesCSV(MethodView):
        @blp.doc(
            responses={
                "200": {
                    "description": (
                        "CSV (UTF-8, comma separated, lists joined by ';'); the column "
                        "license names the terms of use."
                    ),
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                },
                "304": _NOT_MODIFIED,
            }
        )
        def get(self) -> Response:
            """Download the published companies as CSV

            The same records as the GeoJSON file, with lat and lon columns.
            """
            return _file("csv", "text/csv", iter_csv)

    return blp
