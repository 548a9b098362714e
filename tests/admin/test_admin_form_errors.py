"""Every admin form names every problem at once (a summary linking to the fields, a message
at each field), in the admin page's language, and keeps what the operator typed.

The dataset forms are checked for every dataset of every in-tree plugin, over the records
their demo data makes: a bad value in every field that can hold one, then both languages.
"""

from __future__ import annotations

import datetime as dt
import html as markup
import re
from collections.abc import Iterator
from typing import Any

import pytest
from admin_support import (
    ALL_PLUGINS,
    field_errors,
    form_values,
    input_value,
    login,
    make_app,
    upload,
)
from flask import Flask
from sqlalchemy import text

from core.io.datasets import Dataset, DatasetField
from core.plugins.manager import results_by_plugin
from webapp.admin.i18n import translate

#: A value each kind of field refuses (text fields: one character more than they take).
BAD = {
    "number": "viele",
    "integer": "zwölf",
    "date": "gestern",
    "datetime": "morgen früh",
    "email": "post@",
    "url": "keine Adresse",
    "choice": "weder-noch",
}


def bad_value(item: DatasetField) -> str | None:
    """A value ``item`` must refuse, None for a field that takes every value (a checkbox)."""
    if item.kind in ("text", "textarea"):
        return "" if item.required else "x" * (item.max_length + 1)
    return BAD.get(item.kind)


@pytest.fixture(scope="module")
def demo_app(new_module_database: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app with every in-tree plugin and their demo data (read only: forms are refused)."""
    app = make_app(
        new_module_database("forms"), tmp_path_factory.mktemp("forms"), plugins=ALL_PLUGINS
    )
    platform = app.extensions["regiokarte"]
    results_by_plugin(
        platform.pm, "create_demo_data", platform=platform, seed=1, today=dt.date.today()
    )
    yield app
    platform.db.dispose()


@pytest.fixture(scope="module")
def demo_client(demo_app: Flask) -> Any:
    return demo_app.test_client()


@pytest.fixture(scope="module")
def demo_token(demo_client: Any) -> str:
    return login(demo_client)


def _editable(app: Flask) -> list[Dataset]:
    return [d for d in app.extensions["regiokarte"].datasets().values() if d.update is not None]


def _first_record(app: Flask, dataset: Dataset) -> str:
    platform = app.extensions["regiokarte"]
    with platform.session() as db:
        rows = dataset.search(db, "", 0, 1).rows
    assert rows, f"the demo data has a record of {dataset.id}"
    return str(rows[0]["id"])


def _table_rows(app: Flask) -> dict[str, list[Any]]:
    """Every row of every plugin table: what a refused form must leave as it was."""
    platform = app.extensions["regiokarte"]
    out: dict[str, list[Any]] = {}
    with platform.db.connect() as connection:
        for dataset in _editable(app):
            table = dataset.id.replace(".", "_")
            try:
                found = connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            except Exception:  # a dataset whose table is named otherwise
                connection.rollback()
                continue
            out[table] = [tuple(r) for r in found]
    return out


def test_the_demo_has_editable_datasets_of_every_plugin(demo_app: Flask) -> None:
    plugins = {d.plugin for d in _editable(demo_app)}
    assert {"childcare", "housing", "training", "events"} <= plugins


def _shown_errors(page: str) -> dict[str, str]:
    return {k: markup.unescape(v) for k, v in field_errors(page).items()}


def _summary(page: str) -> str:
    assert 'id="error-summary"' in page, "the page opens with the error summary"
    return page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_an_edit_with_every_field_bad_names_every_field(
    demo_app: Flask, demo_client: Any, demo_token: str, lang: str
) -> None:
    before = _table_rows(demo_app)
    for dataset in _editable(demo_app):
        url = f"/admin/daten/{dataset.id}/eintrag/{_first_record(demo_app, dataset)}?lang={lang}"
        bad = {f.name: v for f in dataset.editable_fields if (v := bad_value(f)) is not None}
        assert len(bad) >= 2, dataset.id
        answer = demo_client.post(
            url, data={**form_values(demo_client, url), **bad, "csrf_token": demo_token}
        )
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400, (dataset.id, page[:500])
        errors = _shown_errors(page)
        assert set(bad) <= set(errors), (dataset.id, sorted(set(bad) - set(errors)))
        summary = _summary(page)
        for name in bad:
            assert f'href="#field-{name}"' in summary, (dataset.id, name)
            if bad[name]:  # what was typed stays in the form
                typed = input_value(page, name)
                if typed is not None:  # (a select keeps its options: no value attribute)
                    assert markup.unescape(typed) == bad[name], (dataset.id, name)
    assert _table_rows(demo_app) == before, "a refused edit changes nothing"


def test_a_german_page_says_every_problem_in_german(
    demo_app: Flask, demo_client: Any, demo_token: str
) -> None:
    """The same bad values give other sentences on the English page than on the German one:
    no message stays in one language (the English developer message of old)."""
    for dataset in _editable(demo_app):
        record = _first_record(demo_app, dataset)
        bad = {f.name: v for f in dataset.editable_fields if (v := bad_value(f)) is not None}
        said = {}
        for lang in ("de", "en"):
            url = f"/admin/daten/{dataset.id}/eintrag/{record}?lang={lang}"
            answer = demo_client.post(
                url, data={**form_values(demo_client, url), **bad, "csrf_token": demo_token}
            )
            said[lang] = _shown_errors(answer.get_data(as_text=True))
        for name in bad:
            assert said["de"][name] != said["en"][name], (dataset.id, name, said["de"][name])
            assert said["en"][name] not in said["de"][name], (dataset.id, name)


def test_kita_edit_with_two_bad_fields_names_both_in_german(
    demo_app: Flask, demo_client: Any, demo_token: str
) -> None:
    dataset = demo_app.extensions["regiokarte"].dataset("childcare.kitas")
    url = f"/admin/daten/childcare.kitas/eintrag/{_first_record(demo_app, dataset)}"
    typed = {"name": "", "places": "200000"}
    answer = demo_client.post(
        url, data={**form_values(demo_client, url), **typed, "csrf_token": demo_token}
    )
    page = answer.get_data(as_text=True)
    errors = _shown_errors(page)
    assert answer.status_code == 400
    assert errors["places"] == "Die Zahl der Plätze muss zwischen 0 und 100000 liegen."
    assert "Pflichtangabe" in errors["name"]
    assert input_value(page, "places") == "200000"
    summary = _summary(page)
    assert translate("errors_heading", "de", n=2) in summary
    assert 'href="#field-name"' in summary and 'href="#field-places"' in summary


#: Values each dataset reads but its own rules refuse, with an empty required field besides:
#: the form's problems and the record's rules are named together.
RULES = {
    "childcare.kitas": {"name": "", "places": "200000", "lat": "95"},
    "housing.offers": {"title": "", "rooms": "500", "postcode": "12", "lat": "95"},
    "training.courses": {"title": "", "postcode": "12"},
    "events.events": {"title": "", "postcode": "12", "lat": "95"},
}


@pytest.mark.parametrize("dataset_id", sorted(RULES))
def test_form_problems_and_rule_problems_are_named_together(
    demo_app: Flask, demo_client: Any, demo_token: str, dataset_id: str
) -> None:
    dataset = demo_app.extensions["regiokarte"].dataset(dataset_id)
    bad = RULES[dataset_id]
    said = {}
    for lang in ("de", "en"):
        url = f"/admin/daten/{dataset_id}/eintrag/{_first_record(demo_app, dataset)}?lang={lang}"
        answer = demo_client.post(
            url, data={**form_values(demo_client, url), **bad, "csrf_token": demo_token}
        )
        assert answer.status_code == 400
        page = answer.get_data(as_text=True)
        said[lang] = _shown_errors(page)
        assert set(said[lang]) == set(bad), said[lang]
        for name, value in bad.items():
            assert f'href="#field-{name}"' in _summary(page)
            assert markup.unescape(input_value(page, name) or "") == value
    for name in bad:
        assert said["de"][name] != said["en"][name], (name, said["de"][name])


def test_a_new_record_with_every_field_bad_names_every_field(
    demo_app: Flask, demo_client: Any, demo_token: str
) -> None:
    platform = demo_app.extensions["regiokarte"]
    creatable = [d for d in platform.datasets().values() if d.create is not None]
    assert creatable
    before = _table_rows(demo_app)
    for dataset in creatable:
        bad = {f.name: v for f in dataset.editable_fields if (v := bad_value(f)) is not None}
        answer = demo_client.post(
            f"/admin/daten/{dataset.id}/neu", data={**bad, "csrf_token": demo_token}
        )
        errors = _shown_errors(answer.get_data(as_text=True))
        assert answer.status_code == 400
        assert set(bad) <= set(errors), (dataset.id, sorted(set(bad) - set(errors)))
    assert _table_rows(demo_app) == before


def test_the_unchanged_checks_compare_every_plugin_table(demo_app: Flask) -> None:
    # the "changes nothing" checks above compare these tables: they must be there and filled
    tables = _table_rows(demo_app)
    assert {"childcare_kitas", "housing_offers", "training_courses"} <= set(tables)
    assert all(tables[name] for name in ("childcare_kitas", "housing_offers"))


#: Files refused as a whole for their structure, with the words the refusal must hold in
#: German and in English (the file's own name and values stay as they are).
STRUCTURE = [
    ("leer.csv", b"", "csv", "ist leer", "is empty"),
    (
        "doppelt.csv",
        b"name,name,lat,lon\nKita A,Kita A,51.6,7.1\n",
        "csv",
        "nennt die Spalte(n) name zweimal",
        "names the column(s) name twice",
    ),
    (
        "kaputt.geojson",
        b'{"type": "FeatureCollection", "features": [',
        "geojson",
        "mitten in einem Datensatz",
        "cut off",
    ),
    ("kein.geojson", b"{nope}", "geojson", "ist kein JSON", "is not JSON"),
    (
        "ohne-namen.csv",
        b"kennung,ort\nk1,Marl\n",
        "csv",
        "Keine Spalte enthält den Namen der Kita",
        "no column holds the Kita's name",
    ),
    (
        "ungueltig.csv",
        b"name,lat,lon\nKita A,51.6,7.1\n,51.6,7.1\n",
        "csv",
        "1 von 2 Datensätzen sind ungültig, es wurde nichts importiert",
        "1 of 2 records are invalid, nothing was imported",
    ),
]


@pytest.mark.parametrize(("name", "data", "fmt", "german", "english"), STRUCTURE)
def test_an_import_refused_for_its_structure_says_why_in_the_page_language(
    client: Any,
    token: str,
    platform: Any,
    name: str,
    data: bytes,
    fmt: str,
    german: str,
    english: str,
) -> None:
    said = {}
    for lang in ("de", "en"):
        status, page = upload(client, token, "childcare.kitas", name, data, fmt, lang=lang)
        assert status == 400, page[:300]
        found = page.split('id="import-error">', 1)[1].split("</p>", 1)[0]
        said[lang] = markup.unescape(found)
        assert name in said[lang]
    assert german in said["de"] and english not in said["de"], said["de"]
    assert english in said["en"], said["en"]
    with platform.db.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM childcare_kitas")).scalar_one() == 0


@pytest.mark.parametrize("lang", ["de", "en"])
def test_choice_lists_show_labels_in_the_page_language(
    demo_app: Flask, demo_client: Any, demo_token: str, lang: str
) -> None:
    """Every choice of every dataset form (event status, registration, kinds, yes/no ...) is
    offered by its label in the page's language, never by its code or in both languages."""
    other = "en" if lang == "de" else "de"
    seen = 0
    for dataset in _editable(demo_app):
        url = f"/admin/daten/{dataset.id}/eintrag/{_first_record(demo_app, dataset)}?lang={lang}"
        page = demo_client.get(url).get_data(as_text=True)
        for item in dataset.editable_fields:
            if item.kind != "choice":
                continue
            select = page.split(f'name="{item.name}"', 1)[1].split("</select>", 1)[0]
            shown = [
                markup.unescape(t)
                for v, t in re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select)
            ]
            assert shown == [label(lang) for _, label in item.choices], (dataset.id, item.name)
            for code, label in item.choices:
                # a code shown as it is reads the same in both languages ("yes" is English)
                assert (
                    label(lang)
                    and code not in (label("de"), label("en"))
                    or (label("de") != label("en"))
                ), (dataset.id, item.name, code)
                if label(other) != label(lang):
                    assert label(other) not in shown, (dataset.id, item.name, code)
            seen += 1
    assert seen >= 6  # kinds, yes/no, event status and registration, course kinds ...


@pytest.mark.parametrize("lang", ["de", "en"])
def test_login_with_both_fields_empty_names_both_and_counts_no_attempt(
    client: Any, platform: Any, lang: str
) -> None:
    from admin_support import OPERATOR, csrf

    url = f"/admin/anmelden?lang={lang}"
    token = csrf(client.get(url).get_data(as_text=True))
    answer = client.post(url, data={"csrf_token": token, "username": " ", "password": ""})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    summary = _summary(page)
    for name, key in (("username", "login_no_username"), ("password", "login_no_password")):
        message = translate(key, lang)
        assert f'href="#login-{name}"' in summary and message in summary
        assert f'<p class="field-error" id="login-{name}-error">{message}</p>' in page
    # a name typed without a password is kept, and the slip is no failed login
    answer = client.post(url, data={"csrf_token": token, "username": OPERATOR[0], "password": ""})
    page = answer.get_data(as_text=True)
    assert f'value="{OPERATOR[0]}"' in page and "login-username-error" not in page
    assert _failed_logins(platform) == 0
    answer = client.post(url, data={"csrf_token": token, "username": OPERATOR[0], "password": "x"})
    assert answer.status_code == 401  # a wrong password is refused and counted as before
    assert _failed_logins(platform) == 1


def _failed_logins(platform: Any) -> int:
    with platform.db.connect() as connection:
        return int(
            connection.execute(text("SELECT count(*) FROM core_login_failures")).scalar_one()
        )


@pytest.mark.parametrize("lang", ["de", "en"])
def test_not_found_pages_say_what_is_missing_and_lead_back(
    client: Any, token: str, lang: str
) -> None:
    answer = client.get(f"/admin/daten/keine.daten?lang={lang}")
    page = markup.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 404
    assert translate("dataset_not_found", lang, id="keine.daten") in page
    back = page.split('id="not-found-back"', 1)[0].rsplit("<a", 1)[1]
    assert 'href="/admin/daten' in back
    answer = client.get(f"/admin/daten/childcare.kitas/eintrag/987654?lang={lang}")
    page = markup.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 404
    label = translate("not_found", lang)
    assert label in page
    assert "987654" in page.split('id="not-found-note">', 1)[1].split("</p>", 1)[0]
    back = page.split('id="not-found-back"', 1)[0].rsplit("<a", 1)[1]
    assert "/admin/daten/childcare.kitas" in back
