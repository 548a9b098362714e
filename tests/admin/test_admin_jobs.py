"""Large imports run as background jobs: the upload is answered 202 with a job page at once,
any worker (another app on the same database) shows the job's state and, when it is done,
the report; a bad large file ends as a failed job with the reason and changes nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from admin_support import OFFER_COLUMNS, OFFERS, PLUGINS, csv_bytes, report_counts, upload
from sqlalchemy import text

from core.io import jobs
from webapp.admin.datasets import BACKGROUND_BYTES

#: Offers with a long description each, so the file is larger than BACKGROUND_BYTES.
LONG = "Helle Wohnung mit Balkon, ruhige Lage, Bus und Bahn in der Nähe. " * 60


def _large_offers(count: int, bad_postcode_at: int | None = None) -> bytes:
    rows = []
    for n in range(count):
        row = list(OFFERS[0])
        row[0] = f"W-{n}"
        row[1] = f"Wohnung {n}"
        if n == bad_postcode_at:
            row[OFFER_COLUMNS.index("postcode")] = "123"
        rows.append([*row, LONG])
    data = csv_bytes([*OFFER_COLUMNS, "description"], rows)
    assert len(data) > BACKGROUND_BYTES
    return data


def _wait(platform: Any, job_id: int) -> jobs.Job:
    # the job runs in a thread of this process; poll its record as another worker would
    for _ in range(600):
        with platform.session() as session:
            found = jobs.get_job(session, job_id)
        if found.finished:
            return found
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def _count(platform: Any) -> int:
    with platform.db.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM housing_offers")).scalar_one())


def _job_id(location: str) -> int:
    return int(location.rstrip("/").rsplit("/", 1)[1])


def test_a_large_import_is_a_background_job_any_worker_can_follow(
    client: Any, token: str, platform: Any, new_database: Any, tmp_path: Path
) -> None:
    data = _large_offers(700)
    status, html = upload(client, token, "housing.offers", "angebote.csv", data, fmt="csv")
    assert status == 202, html[-1500:]
    assert 'id="job"' in html and "Hintergrund" in html
    answer = client.get("/admin/daten/housing.offers")  # the admin area stays usable
    assert answer.status_code == 200
    ids = [
        int(row[0])
        for row in platform.db.connect().execute(text("SELECT id FROM core_jobs")).fetchall()
    ]
    job = _wait(platform, ids[-1])
    assert job.state == "done", job.message
    assert job.result["created"] == 700 == _count(platform)
    # another worker: a second app on the same database, logged in on its own
    from admin_support import login

    from webapp.app import create_app

    other = create_app(
        {
            "portal": {
                "database_url": platform.settings.portal.database_url,
                "secret_key": platform.settings.portal.secret_key,
            },
            "plugins": {"enabled": PLUGINS},
            "limits": {"enabled": False},
        }
    )
    other_client = other.test_client()
    login(other_client)
    page = other_client.get(f"/admin/auftraege/{job.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-state="done"' in html and report_counts(html)["created"] == 700
    assert "refresh" not in html  # a finished job's page stays put
    english = other_client.get(f"/admin/auftraege/{job.id}?lang=en").get_data(as_text=True)
    assert "Job " in english and "done" in english
    other.extensions["regiokarte"].db.dispose()


def test_a_bad_large_file_is_a_failed_job_that_changed_nothing(
    client: Any, token: str, platform: Any
) -> None:
    data = _large_offers(700, bad_postcode_at=350)
    status, html = upload(client, token, "housing.offers", "angebote.csv", data, fmt="csv")
    assert status == 202
    with platform.db.connect() as connection:
        job_id = int(connection.execute(text("SELECT max(id) FROM core_jobs")).scalar_one())
    job = _wait(platform, job_id)
    assert job.state == "failed" and "postcode" in job.message
    assert _count(platform) == 0
    page = client.get(f"/admin/auftraege/{job_id}").get_data(as_text=True)
    assert 'data-state="failed"' in page and 'id="import-error"' in page


def test_job_pages_are_for_operators_only(app: Any) -> None:
    answer = app.test_client().get("/admin/auftraege/1")
    assert answer.status_code in (302, 303)
    assert "/admin/anmelden" in answer.headers["Location"]


def test_a_job_whose_process_ended_is_reported_failed(platform: Any) -> None:
    import datetime as dt

    with platform.session() as session:
        job_id = jobs.create_job(session, "dataset.import", "housing.offers: x.csv", "test")
    with platform.session() as session:
        assert jobs.get_job(session, job_id).state == "queued"
    old = dt.datetime.now(dt.UTC) - jobs.STALE_AFTER - dt.timedelta(minutes=1)
    with platform.db.begin() as connection:
        connection.execute(
            text("UPDATE core_jobs SET state = 'running', updated_at = :t WHERE id = :i"),
            {"t": old, "i": job_id},
        )
    with platform.session() as session:
        found = jobs.get_job(session, job_id)
    assert found.state == "failed" and "ended before it finished" in found.message
