"""Helpers of the admin-area tests: the app with the Kita and housing plugins, an operator,
forms and small data files written by the tests themselves."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core.portal import accounts

OPERATOR = ("betrieb", "ein-sehr-langes-passwort")
PLUGINS = ["childcare", "housing"]
#: Every in-tree plugin (the demo's set).
ALL_PLUGINS = ["childcare", "housing", "transit", "training", "events"]

#: Kitas of a CSV file in the columns the importer's default mapping reads.
KITA_COLUMNS = ["id", "name", "operator", "street", "postcode", "town", "lat", "lon", "plaetze"]
KITAS = [
    [
        "k1",
        "Kita Sonnenschein",
        "Stadt Marl",
        "Breite Straße 1",
        "45768",
        "Marl",
        "51.656",
        "7.09",
        "40",
    ],
    ["k2", "Kita Regenbogen", "AWO", "Lipper Weg 5", "45770", "Marl", "51.671", "7.12", "55"],
    [
        "k3",
        "Familienzentrum Pusteblume",
        "Caritas",
        "Hauptstraße 9",
        "45657",
        "Recklinghausen",
        "51.614",
        "7.197",
        "",
    ],
]

OFFER_COLUMNS = [
    "external_id",
    "title",
    "kind",
    "offer_type",
    "rooms",
    "area_m2",
    "warm_rent_eur",
    "street",
    "postcode",
    "town",
    "address_public",
    "lat",
    "lon",
    "expires_on",
]
OFFERS = [
    [
        "W-1",
        "Zwei Zimmer am Markt",
        "flat",
        "rent",
        "2",
        "55",
        "620",
        "Markt 1",
        "45657",
        "Recklinghausen",
        "ja",
        "51.6141",
        "7.1979",
        "2099-12-31",
    ],
    [
        "W-2",
        "WG-Zimmer nahe Hochschule",
        "shared_flat",
        "rent",
        "1",
        "18",
        "350",
        "",
        "45665",
        "Recklinghausen",
        "nein",
        "",
        "",
        "2099-12-31",
    ],
]


def make_app(
    database_url: str,
    folder: Path,
    *,
    extra: dict[str, Any] | None = None,
    plugins: list[str] = PLUGINS,
    **sections: Any,
) -> Flask:
    """The real app with the Kita and housing plugins (or ``plugins``; and ``extra`` test
    plugins, enabled after them) and an operator account."""
    from webapp.app import create_app

    config: dict[str, Any] = {
        "portal": {
            "database_url": database_url,
            "secret_key": "admin-test-secret-Qw7rT2yU9iO4pA6sD1fG",
        },
        "search": {"refresh_interval": 0.0},
        "mail": {"outbox_folder": str(folder / "outbox")},
        "limits": {"enabled": False},
        "plugins": {"enabled": [*plugins, *(extra or {})]},
    }
    for key, value in sections.items():
        config[key] = {**config.get(key, {}), **value}
    saved = {k: os.environ.pop(k) for k in list(os.environ) if k.startswith("REGIOKARTE_")}
    try:
        app = create_app(config, extra_plugins=extra)
    finally:
        os.environ.update(saved)
    app.config["TESTING"] = True
    platform = app.extensions["regiokarte"]
    platform.upgrade_database()
    with platform.session(write=True) as session:
        accounts.create_operator(session, OPERATOR[0], OPERATOR[1], accounts.Role.ADMIN)
    return app


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has a form with a CSRF token"
    return found.group(1)


def login(client: FlaskClient) -> str:
    """Log the operator in; the CSRF token of the session."""
    token = csrf(client.get("/admin/anmelden").get_data(as_text=True))
    answer = client.post(
        "/admin/anmelden",
        data={"csrf_token": token, "username": OPERATOR[0], "password": OPERATOR[1]},
    )
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    return csrf(client.get("/admin/").get_data(as_text=True))


def csv_bytes(columns: list[str], rows: list[list[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def upload(
    client: FlaskClient,
    token: str,
    dataset_id: str,
    name: str,
    data: bytes,
    fmt: str,
    *,
    lang: str = "de",
) -> tuple[int, str]:
    """Send a file through the import form of the page in ``lang``; (status, page)."""
    # encoded in memory: the test client would spool a large body to a file it never closes
    boundary, body = encode_multipart(
        {"csrf_token": token, "format": fmt, "file": FileStorage(io.BytesIO(data), filename=name)}
    )
    answer = client.post(
        f"/admin/daten/{dataset_id}/import" + ("" if lang == "de" else f"?lang={lang}"),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    return answer.status_code, answer.get_data(as_text=True)


def report_counts(html: str) -> dict[str, int]:
    """The counts of the import report a page shows."""
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}


def field_errors(html: str) -> dict[str, str]:
    """Field name -> the error the edit form shows at it."""
    return dict(re.findall(r'<p class="field-error" id="field-(\w+)-error">([^<]*)</p>', html))


def input_value(html: str, name: str) -> str | None:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return None if found is None else found.group(1)


def form_values(client: FlaskClient, url: str) -> dict[str, str]:
    """The edit form's current values, as a browser would send them back."""
    html = client.get(url).get_data(as_text=True)
    form = html.split('id="record-form"', 1)[1].split("</form>", 1)[0]
    values: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) == "csrf_token":
            continue
        if 'type="checkbox"' in tag:
            if " checked" in tag:
                values[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        values[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form):
        values[name] = body
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    return {k: v.replace("&#39;", "'").replace("&amp;", "&") for k, v in values.items()}
