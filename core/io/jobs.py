"""Background jobs: long imports run in a thread of the worker that took the upload, with
their state in the database, so the upload is answered at once (202) and any worker shows
the progress.

A job is ``queued`` when created, ``running`` while its work runs, then ``done`` (with a
result: the import report) or ``failed`` (with the error's message; nothing was imported,
as imports are all or nothing). A job still ``running`` whose record was not touched for
``STALE_AFTER`` is reported as failed: the process running it ended (a restart, a killed
worker) and the import was rolled back with it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen
from sqlalchemy import select

from core.errors import NotFound, RegiokarteError
from core.persistence.tables import JobRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.platform import Platform

__all__ = ["STALE_AFTER", "Job", "create_job", "get_job", "start_job"]

LOG = logging.getLogger(__name__)
#: A running job whose record is older than this is taken as ended with its process.
STALE_AFTER = dt.timedelta(hours=2)


@frozen
class Job:
    """What a job is, as every worker sees it."""

    id: int
    kind: str
    subject: str
    actor: str
    state: str
    message: str
    result: Mapping[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")

    @classmethod
    def from_row(cls, row: JobRow, now: dt.datetime) -> Job:
        state, message = row.state, row.message
        updated = row.updated_at if row.updated_at.tzinfo else row.updated_at.replace(tzinfo=dt.UTC)
        if state in ("queued", "running") and now - updated > STALE_AFTER:
            state = "failed"
            message = (
                "The process running this job ended before it finished (a restart or a killed "
                "worker); nothing was imported. Start the import again."
            )
        return cls(
            row.id,
            row.kind,
            row.subject,
            row.actor,
            state,
            message,
            dict(row.result or {}),
            row.created_at,
            updated,
        )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_job(session: Session, kind: str, subject: str, actor: str) -> int:
    """Record a queued job in the caller's transaction; its id."""
    row = JobRow(
        kind=kind[:60],
        subject=subject[:200],
        actor=actor[:60],
        state="queued",
        message="",
        result={},
        created_at=_now(),
        updated_at=_now(),
    )
    session.add(row)
    session.flush()
    return row.id


def get_job(session: Session, job_id: int) -> Job:
    """The job with ``job_id``; NotFound if there is none."""
    row = session.execute(select(JobRow).where(JobRow.id == job_id)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no job {job_id}.")
    return Job.from_row(row, _now())


def _set(platform: Platform, job_id: int, **values: Any) -> None:
    with platform.session() as session:
        row = session.get(JobRow, job_id)
        if row is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = _now()


def start_job(
    platform: Platform,
    job_id: int,
    work: Callable[[], Mapping[str, Any]],
    *,
    done: Callable[[], None] | None = None,
) -> threading.Thread:
    """Run ``work`` in a thread: the job is ``running``, then ``done`` with what ``work``
    returned as its result, or ``failed`` with the message of the error it raised (a
    ``RegiokarteError``'s own message; other errors are logged and named as internal).
    ``done`` runs after either (to remove an uploaded file, say)."""

    def run() -> None:
        try:
            _set(platform, job_id, state="running")
            result = dict(work())
        except RegiokarteError as exc:
            _set(platform, job_id, state="failed", message=exc.message)
        except Exception:
            LOG.exception("job %s failed", job_id)
            _set(
                platform,
                job_id,
                state="failed",
                message="The job failed on an internal error (see the server log); nothing "
                "was imported.",
            )
        else:
            _set(platform, job_id, state="done", result=result)
        finally:
            if done is not None:
                done()

    thread = threading.Thread(target=run, name=f"regiokarte-job-{job_id}", daemon=True)
    thread.start()
    return thread
