"""A write the database refuses loses nothing silently.

A trigger makes the database refuse every change of a questionnaire submission (as a full
disk or a broken constraint would). Saving the second step then shows a clear error with the
typed answers still in the form; the first step's answers stay saved, and once the database
takes writes again the same answers go through.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import pytest
from reliability_support import ANSWERS, build_app, platform_of, save_step, start_questionnaire
from sqlalchemy import text

from core.portal import submissions

TRIGGERS = {
    "sqlite": (
        [
            "CREATE TRIGGER refuse_writes BEFORE UPDATE ON core_submissions "
            "BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
        ],
        ["DROP TRIGGER refuse_writes"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION refuse_writes() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'no space left on device'; END $$",
            "CREATE TRIGGER refuse_writes BEFORE UPDATE ON core_submissions "
            "FOR EACH ROW EXECUTE FUNCTION refuse_writes()",
        ],
        ["DROP TRIGGER refuse_writes ON core_submissions", "DROP FUNCTION refuse_writes()"],
    ),
}


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_refused_save_shows_the_error_and_keeps_the_typed_and_the_saved_answers(
    database_of: Callable[[str], str], tmp_path: Path, engine: str
) -> None:
    app = build_app(database_of(engine), tmp_path, plugins=[])
    platform = platform_of(app)
    platform.upgrade_database()
    client = app.test_client()
    token = start_questionnaire(client, "inhaberin@morgenrot.example")
    assert save_step(client, token, "unternehmen", ANSWERS["unternehmen"]).status_code == 303

    create, drop = TRIGGERS[engine]
    with platform.db.begin() as connection:
        for statement in create:
            connection.execute(text(statement))
    typed = {"street": "Kirchstraße 3", "postcode": "45699", "town": "Herten"}
    response = save_step(client, token, "standort", typed)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "nicht gespeichert" in page
    for value in typed.values():
        assert f'value="{value}"' in page, value
    assert "Traceback" not in page and "no space left" not in page

    (submission,) = submissions.queue(platform, (submissions.SubmissionStatus.DRAFT,))
    assert submission.answers["unternehmen"]["name"] == ANSWERS["unternehmen"]["name"]
    assert not submission.answers.get("standort")
    first = html.unescape(client.get("/fragebogen/schritt/unternehmen").get_data(as_text=True))
    assert f'value="{ANSWERS["unternehmen"]["name"]}"' in first

    with platform.db.begin() as connection:
        for statement in drop:
            connection.execute(text(statement))
    assert save_step(client, token, "standort", typed).status_code == 303
    saved = submissions.get(platform, submission.id)
    assert saved.answers["standort"]["street"] == "Kirchstraße 3"
    platform.db.dispose()


REFUSE_COMPANIES = {
    "sqlite": [
        "CREATE TRIGGER refuse_companies BEFORE INSERT ON core_companies "
        "BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_companies() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'no space left on device'; END $$",
        "CREATE TRIGGER refuse_companies BEFORE INSERT ON core_companies "
        "FOR EACH ROW EXECUTE FUNCTION refuse_companies()",
    ],
}


@pytest.mark.parametrize(
    "engine", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_refused_api_write_answers_a_json_error_and_stores_nothing(
    database_of: Callable[[str], str], tmp_path: Path, engine: str
) -> None:
    app = build_app(database_of(engine), tmp_path, plugins=[], operator_token="op-token")
    platform = platform_of(app)
    platform.upgrade_database()
    with platform.db.begin() as connection:
        for statement in REFUSE_COMPANIES[engine]:
            connection.execute(text(statement))
    response = app.test_client().post(
        "/api/v1/companies",
        json={"name": "Abgelehnt GmbH", "status": "published", "postcode": "45768"},
        headers={"Authorization": "Bearer op-token"},
    )
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == 500 and "nothing was changed" in body["message"]
    assert "no space left" not in response.get_data(as_text=True)
    with platform.db.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM core_companies")) == 0
        assert connection.scalar(text("SELECT count(*) FROM core_changes")) == 0
    platform.db.dispose()
