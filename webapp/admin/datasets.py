"""Operator pages of the plugins' datasets (``register_datasets``): overview, list with search,
edit form, delete, import and export, generated from each ``Dataset``'s fields.

Every write runs in one write session together with its audit entry (an error rolls both
back, so a rejected import writes nothing) and calls the dataset's ``changed()`` after the
commit. Only what a dataset offers is shown: no ``update``, no form; no ``import_file``, no
upload.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from flask import Blueprint, Response, make_response, request, session, url_for
from werkzeug.utils import secure_filename

from core import format_km
from core.errors import ImportError_, NotFound, OutsideRegionError, Sentence, ValidationError
from core.io import jobs
from core.io.datasets import Dataset, DatasetField, DatasetImport
from core.portal import audit
from webapp.admin.i18n import admin_language, translate
from webapp.admin.views import _go, _page, current_operator, operator_required
from webapp.portal.views import page_url
from webapp.questionnaire import flow as helpers

__all__ = ["BACKGROUND_BYTES", "IMPORT_MAX_BYTES", "PER_PAGE", "form_value", "register"]

PER_PAGE = 50
#: Largest file the import form takes (the app's other requests stay at 1 MiB).
IMPORT_MAX_BYTES = 20 * 1024 * 1024
#: Larger files are imported by a background job (``core.io.jobs``), not in the request: a
#: file of 100,000 events takes longer than a worker may answer.
BACKGROUND_BYTES = 2 * 1024 * 1024
NOTICE_KEY = "admin_notice"


def _t(key: str, **values: Any) -> str:
    return translate(key, admin_language(), **values)


def _whole(text: str, default: int = 1) -> int:
    return int(text) if text.isdigit() and len(text) < 7 else default


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):g} MB"


def form_value(item: DatasetField, value: Any) -> str:
    """A stored value as the text of its form control."""
    if value is None:
        return ""
    if item.kind == "bool":
        return "on" if value else ""
    if item.kind == "datetime" and isinstance(value, str):
        return value[:16]  # what <input type="datetime-local"> shows
    return str(value)


def shown(item: DatasetField, value: Any, lang: str) -> str:
    """A stored value as the list shows it."""
    if value is None or value == "":
        return "–"
    if item.kind == "bool":
        return translate("yes" if value else "no", lang)
    if item.kind == "choice":
        return item.choice_label(value, lang)
    return str(value)


def _actor() -> str:
    operator = current_operator()
    assert operator is not None
    return operator.actor


def _missing(dataset: Dataset | None, dataset_id: str, record_id: str | None = None) -> Any:
    """The 404 page naming what is not there, with the way back to the list it was on."""
    lang = admin_language()
    if dataset is None:
        note = _t("dataset_not_found", id=dataset_id)
        back, back_text = page_url("admin.datasets", lang), _t("back_to_datasets")
    else:
        note = _t("record_not_found", id=record_id or "", dataset=dataset.label(lang))
        back = page_url("admin.dataset_list", lang, dataset_id=dataset.id)
        back_text = _t("back_to_list")
    return _page("not_found.html", 404, note=note, back=back, back_text=back_text)


def _dataset(dataset_id: str) -> Dataset | None:
    try:
        return helpers.platform().dataset(dataset_id)
    except NotFound:
        return None


def _changed(dataset: Dataset) -> None:
    if dataset.changed is not None:
        dataset.changed()


def _title(dataset: Dataset, row: Mapping[str, Any]) -> str:
    """The record's name for headings: its first required listed text field (else the first
    listed text field), else its id."""
    texts = [f for f in dataset.fields if f.listed and f.kind in ("text", "textarea")]
    for item in sorted(texts, key=lambda f: not (f.required and f.editable)):
        if row.get(item.name):
            return str(row[item.name])
    return str(row.get("id", ""))


def _submitted(dataset: Dataset) -> dict[str, str]:
    """The editable fields as the form sent them (an unticked checkbox sends nothing)."""
    values: dict[str, str] = {}
    for item in dataset.editable_fields:
        if item.kind == "bool":
            values[item.name] = "true" if request.form.get(item.name) else "false"
        else:
            # twice the limit: longer text is cut, yet still reported as too long
            values[item.name] = request.form.get(item.name, "")[: item.max_length * 2 + 10]
    return values


def register(blp: Blueprint) -> None:
    """Add the dataset pages to the admin blueprint."""
    blp.before_app_request(_larger_uploads)
    for rule, view, methods in _ROUTES:
        blp.add_url_rule(rule, view.__name__, operator_required(view), methods=methods)


def _larger_uploads() -> None:
    # runs before any form parsing (the CSRF check reads the form); only for a logged-in
    # operator (the session cookie, no body read): anyone else keeps the 1 MiB limit, so an
    # anonymous 19 MB upload is refused (413) from its Content-Length, unread
    if (
        request.endpoint == "admin.dataset_import"
        and request.method == "POST"
        and current_operator() is not None
    ):
        request.max_content_length = IMPORT_MAX_BYTES


def datasets() -> Any:
    platform = helpers.platform()
    counts: dict[str, int] = {}
    with platform.session() as db:
        for dataset_id, dataset in platform.datasets().items():
            counts[dataset_id] = dataset.search(db, "", 0, 1).total
    return _page("datasets.html", datasets=platform.datasets(), counts=counts)


def dataset_list(dataset_id: str) -> Any:
    dataset = _dataset(dataset_id)
    if dataset is None:
        return _missing(None, dataset_id)
    text = request.args.get("q", "").strip()[:200]
    page = _whole(request.args.get("page", "1"))
    with helpers.platform().session() as db:
        found = dataset.search(db, text, (page - 1) * PER_PAGE, PER_PAGE)
        pages = max(1, math.ceil(found.total / PER_PAGE))
        if page > pages:
            page = pages
            found = dataset.search(db, text, (page - 1) * PER_PAGE, PER_PAGE)
        links = [(link, None if link.count is None else link.count(db)) for link in dataset.links]
    return _page(
        "dataset.html",
        dataset=dataset,
        rows=found.rows,
        total=found.total,
        page=page,
        pages=pages,
        args={"q": text} if text else {},
        columns=[f for f in dataset.fields if f.listed],
        shown=shown,
        links=links,
        notice=session.pop(NOTICE_KEY, None),
    )


def _form_problems(
    dataset: Dataset, exc: ValidationError
) -> tuple[dict[str, list[str]], list[str]]:
    """A rejected record's problems: per form field, and the others as sentences; in the
    page's language where a message knows it (a ``Sentence``)."""
    lang = admin_language()
    said = {k: [Sentence.of(m, lang) for m in v] for k, v in exc.errors.items()}
    names = {f.name for f in dataset.editable_fields}
    errors = {k: v for k, v in said.items() if k in names}
    general = [f"{k}: {' '.join(v)}" for k, v in said.items() if k not in names] or (
        [] if errors else [Sentence.of(exc.message, lang)]
    )
    return errors, general


def _typed(dataset: Dataset, submitted: Mapping[str, str]) -> dict[str, str]:
    """What the operator typed, as the form shows it again (a ticked box is "on")."""
    return {
        name: ("on" if text == "true" else "") if dataset.field_named(name).kind == "bool" else text
        for name, text in submitted.items()
    }


def _record_page(dataset: Dataset, status: int = 200, **context: Any) -> Any:
    context.setdefault("errors", {})
    context.setdefault("general", [])
    return _page(
        "dataset_record.html",
        status,
        dataset=dataset,
        shown=shown,
        notice=session.pop(NOTICE_KEY, None),
        **context,
    )


def dataset_record(dataset_id: str, record_id: str) -> Any:
    dataset = _dataset(dataset_id)
    if dataset is None:
        return _missing(None, dataset_id)
    platform = helpers.platform()
    try:
        with platform.session() as db:
            row = dataset.get(db, record_id)
    except NotFound:
        return _missing(dataset, dataset_id, record_id)
    values = {f.name: form_value(f, row.get(f.name)) for f in dataset.fields}
    page = {"record_id": record_id, "row": row, "title": _title(dataset, row), "values": values}
    if request.method == "POST" and dataset.update is not None:
        submitted = _submitted(dataset)
        try:
            with platform.session(write=True) as db:
                stored = dataset.update(db, record_id, submitted)
                changed = sorted(
                    f.name for f in dataset.editable_fields if stored.get(f.name) != row.get(f.name)
                )
                audit.log_action(
                    db, _actor(), "dataset.update", f"{dataset.id}:{record_id}", {"fields": changed}
                )
        except ValidationError as exc:
            errors, general = _form_problems(dataset, exc)
            values.update(_typed(dataset, submitted))  # what the operator typed stays
            return _record_page(dataset, 400, errors=errors, general=general, **page)
        except NotFound:
            return _missing(dataset, dataset_id, record_id)
        _changed(dataset)
        session[NOTICE_KEY] = _t("saved")
        return _go("admin.dataset_record", dataset_id=dataset.id, record_id=record_id)
    return _record_page(dataset, **page)


def dataset_new(dataset_id: str) -> Any:
    """A new record, checked and stored by the dataset's ``create``."""
    dataset = _dataset(dataset_id)
    if dataset is None or dataset.create is None:
        return _page("not_found.html", 404)
    values: dict[str, str] = {}
    page = {"record_id": None, "row": {}, "title": "", "new": True}
    if request.method == "POST":
        submitted = _submitted(dataset)
        values = _typed(dataset, submitted)
        try:
            with helpers.platform().session(write=True) as db:
                stored = dataset.create(db, submitted)
                audit.log_action(
                    db, _actor(), "dataset.create", f"{dataset.id}:{stored.get('id')}", {}
                )
        except ValidationError as exc:
            errors, general = _form_problems(dataset, exc)
            return _record_page(dataset, 400, errors=errors, general=general, values=values, **page)
        _changed(dataset)
        session[NOTICE_KEY] = _t("created", id=stored.get("id"))
        return _go("admin.dataset_record", dataset_id=dataset.id, record_id=str(stored.get("id")))
    return _record_page(dataset, values=values, **page)


def dataset_action(dataset_id: str, record_id: str, action: str) -> Any:
    """One of the dataset's ``actions`` on a record (a button of its page), audited."""
    dataset = _dataset(dataset_id)
    if dataset is None:
        return _missing(None, dataset_id)
    try:
        step = dataset.action_named(action)
    except NotFound:
        return _page("not_found.html", 404)
    platform = helpers.platform()
    try:
        with platform.session(write=True) as db:
            step.run(db, record_id)
            audit.log_action(
                db, _actor(), f"dataset.action.{step.name}", f"{dataset.id}:{record_id}", {}
            )
    except NotFound:
        return _missing(dataset, dataset_id, record_id)
    except ValidationError as exc:
        # the step does not apply: the record's page says why, with nothing changed
        with platform.session() as db:
            row = dataset.get(db, record_id)
        errors, general = _form_problems(dataset, exc)
        values = {f.name: form_value(f, row.get(f.name)) for f in dataset.fields}
        return _record_page(
            dataset,
            400,
            errors=errors,
            general=general,
            record_id=record_id,
            row=row,
            title=_title(dataset, row),
            values=values,
        )
    _changed(dataset)
    session[NOTICE_KEY] = _t("action_done", action=step.label(admin_language()))
    return _go("admin.dataset_record", dataset_id=dataset.id, record_id=record_id)


def dataset_delete(dataset_id: str, record_id: str) -> Any:
    dataset = _dataset(dataset_id)
    if dataset is None or dataset.delete is None:
        return _page("not_found.html", 404)
    platform = helpers.platform()
    try:
        with platform.session() as db:
            row = dataset.get(db, record_id)
        if request.method == "POST":
            with platform.session(write=True) as db:
                dataset.delete(db, record_id)
                audit.log_action(db, _actor(), "dataset.delete", f"{dataset.id}:{record_id}", {})
            _changed(dataset)
            session[NOTICE_KEY] = _t("deleted", id=record_id)
            return _go("admin.dataset_list", dataset_id=dataset.id)
    except NotFound:
        return _missing(dataset, dataset_id, record_id)
    return _page(
        "dataset_delete.html", dataset=dataset, record_id=record_id, title=_title(dataset, row)
    )


def dataset_import(dataset_id: str) -> Any:
    dataset = _dataset(dataset_id)
    if dataset is None or dataset.import_file is None or not dataset.import_formats:
        return _page("not_found.html", 404)
    error = ""
    report: DatasetImport | None = None
    fmt = request.form.get("format", dataset.import_formats[0])
    allow_outside = request.form.get("allow_outside_region") == "yes"
    if request.method == "POST":
        upload = request.files.get("file")
        if fmt not in dataset.import_formats:
            error = _t("import_bad_format")
        elif upload is None or not upload.filename:
            error = _t("import_no_file")
        else:
            try:
                done = _run_import(dataset, upload, fmt, allow_outside)
                if isinstance(done, int):
                    # a large file: imported in the background; the job page follows it
                    return _go_job(done)
                # each line in the admin's language where the importer said it in several
                lang = admin_language()
                report = attrs.evolve(
                    done, messages=tuple(Sentence.of(m, lang) for m in done.messages)
                )
            except OutsideRegionError as exc:
                error = _outside_region(exc)
            except ValidationError as exc:  # ImportError_ and bad values alike
                error = Sentence.of(exc.message, admin_language())
    return _page(
        "dataset_import.html",
        400 if error else 200,
        dataset=dataset,
        fmt=fmt,
        allow_outside=allow_outside,
        error=error,
        report=report,
        limit=_size(IMPORT_MAX_BYTES),
    )


def _outside_region(exc: OutsideRegionError) -> str:
    # the form's own words: the fix here is the tick box, not a flag
    return _t(
        "import_outside_region",
        outside=exc.check.outside if exc.check else "",
        located=exc.check.located if exc.check else "",
        region=helpers.platform().region.name,
        median=format_km(exc.median_km, admin_language()),
    )


def job(job_id: int) -> Any:
    try:
        with helpers.platform().session() as db:
            found = jobs.get_job(db, job_id)
    except NotFound:
        return _page("not_found.html", 404)
    return _page("job.html", job=found, counts=REPORT_COUNTS)


def dataset_export(dataset_id: str, fmt: str) -> Any:
    dataset = _dataset(dataset_id)
    if dataset is None or dataset.export is None or fmt not in dataset.export_formats:
        return _page("not_found.html", 404)
    # a write session: the audit log records who took the data (it may hold contacts)
    with helpers.platform().session(write=True) as db:
        exported = dataset.export(db, fmt)
        audit.log_action(db, _actor(), "dataset.export", dataset.id, {"format": fmt})
    name = secure_filename(exported.filename) or f"{dataset.id}.{fmt}"
    return Response(
        exported.content,
        mimetype=exported.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


_GET, _GET_POST = ["GET"], ["GET", "POST"]
#: The dataset pages under the admin area: (URL rule, view, methods).
_ROUTES: tuple[tuple[str, Any, list[str]], ...] = (
    ("/daten", datasets, _GET),
    ("/daten/<dataset_id>", dataset_list, _GET),
    ("/daten/<dataset_id>/neu", dataset_new, _GET_POST),
    ("/daten/<dataset_id>/eintrag/<record_id>", dataset_record, _GET_POST),
    ("/daten/<dataset_id>/eintrag/<record_id>/loeschen", dataset_delete, _GET_POST),
    ("/daten/<dataset_id>/eintrag/<record_id>/aktion/<action>", dataset_action, ["POST"]),
    ("/daten/<dataset_id>/import", dataset_import, _GET_POST),
    ("/auftraege/<int:job_id>", job, _GET),
    ("/daten/<dataset_id>/export/<fmt>", dataset_export, _GET),
)


def _go_job(job_id: int) -> Any:
    """202 Accepted: the job page, and where it stays (``Location``)."""
    with helpers.platform().session() as db:
        found = jobs.get_job(db, job_id)
    response = make_response(_page("job.html", 202, job=found, counts=REPORT_COUNTS))
    response.headers["Location"] = url_for("admin.job", job_id=job_id)
    return response


def _run_import(
    dataset: Dataset, upload: Any, fmt: str, allow_outside_region: bool = False
) -> DatasetImport | int:
    """Save the upload under its own name (datasets name a source after it) and import it in
    one write session with its audit entry, then tell the dataset. A file larger than
    ``BACKGROUND_BYTES`` is imported by a background job instead: its id is returned."""
    assert dataset.import_file is not None
    name = secure_filename(upload.filename) or f"upload.{fmt}"
    folder = Path(tempfile.mkdtemp(prefix="regiokarte-import-"))
    try:
        path = folder / name
        upload.save(path)
        size = path.stat().st_size
        if size > IMPORT_MAX_BYTES:
            raise ImportError_(_t("import_too_large", size=_size(IMPORT_MAX_BYTES)))
        platform, actor = helpers.platform(), _actor()
        if size <= BACKGROUND_BYTES:
            return _import_saved(platform, dataset, path, fmt, allow_outside_region, actor)
        with platform.session(write=True) as db:
            job_id = jobs.create_job(db, "dataset.import", f"{dataset.id}: {name}", actor)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise

    def work() -> dict[str, Any]:
        report = _import_saved(platform, dataset, path, fmt, allow_outside_region, actor)
        return {
            "dataset": dataset.id,
            **{k: getattr(report, k) for k in REPORT_COUNTS},
            "messages": list(report.messages),
        }

    jobs.start_job(platform, job_id, work, done=lambda: shutil.rmtree(folder, ignore_errors=True))
    return job_id


#: The counts of an import report, in the order pages show them.
REPORT_COUNTS = ("created", "updated", "unchanged", "deleted", "rejected")


def _import_saved(
    platform: Any, dataset: Dataset, path: Path, fmt: str, allow_outside_region: bool, actor: str
) -> DatasetImport:
    """Import a saved file with its audit entry (in a request or a background job)."""
    assert dataset.import_file is not None
    with platform.session(write=True) as db:
        if dataset.import_region_checked:
            report = dataset.import_file(db, path, fmt, allow_outside_region=allow_outside_region)
        else:
            report = dataset.import_file(db, path, fmt)
        audit.log_action(
            db,
            actor,
            "dataset.import",
            dataset.id,
            {
                "format": fmt,
                "bytes": path.stat().st_size,
                "allow_outside_region": allow_outside_region,
                **{k: getattr(report, k) for k in REPORT_COUNTS},
            },
        )
    _changed(dataset)
    return report
