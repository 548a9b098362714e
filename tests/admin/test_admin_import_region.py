"""The admin import form's region check: the real Flensburg Kitas (and housing offers at their
addresses) are refused in the Emscher-Lippe portal, naming the distance, and imported when the
operator ticks "Daten außerhalb der Region zulassen"."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from admin_support import report_counts
from dumps import database_dump
from flensburg_data import FLENSBURG, offers_csv
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

CASES = {
    "childcare.kitas": ("kitas-flensburg.geojson", FLENSBURG.read_bytes(), "geojson", 70),
    "housing.offers": ("wohnungen-flensburg.csv", offers_csv(12), "csv", 12),
}


def post(client: Any, token: str, dataset: str, *, allow: bool) -> tuple[int, str]:
    name, data, fmt, _ = CASES[dataset]
    fields: dict[str, Any] = {
        "csrf_token": token,
        "format": fmt,
        "file": FileStorage(io.BytesIO(data), filename=name),
    }
    if allow:
        fields["allow_outside_region"] = "yes"
    boundary, body = encode_multipart(fields)
    answer = client.post(
        f"/admin/daten/{dataset}/import",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    return answer.status_code, answer.get_data(as_text=True)


@pytest.mark.parametrize("dataset", sorted(CASES))
def test_the_form_refuses_another_region_unless_allowed(client, token, platform, dataset):
    page = client.get(f"/admin/daten/{dataset}/import").get_data(as_text=True)
    assert 'name="allow_outside_region"' in page
    assert "Daten außerhalb der Region zulassen" in page
    before = database_dump(platform)
    status, html = post(client, token, dataset, allow=False)
    assert status == 400
    error = " ".join(html.split('id="import-error">', 1)[1].split("</p>", 1)[0].split())
    count = CASES[dataset][3]
    # in the page's language, naming the tick box as the fix
    assert f"{count} von {count} Einträgen liegen außerhalb von Emscher-Lippe" in error
    assert re.search(r"im Median 35\d km von der Region entfernt", error)  # about 355 km
    assert "„Daten außerhalb der Region zulassen“" in error
    assert database_dump(platform) == before
    status, html = post(client, token, dataset, allow=True)
    assert status == 200, html[-2000:]
    assert report_counts(html)["created"] == count
    assert "imported because data outside the region was allowed" in html
