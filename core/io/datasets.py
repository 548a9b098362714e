"""Datasets that operators maintain: Kitas, housing offers, courses, events, stops.

A plugin that stores records of its own (not companies) describes them as a ``Dataset`` in the
``register_datasets`` hook. The admin area then lists, searches, edits, imports and exports
them without knowing the plugin: the dataset names its fields, and its functions do the work
inside the session the caller gives (the caller commits; an error rolls everything back).

Rows are plain dicts from field name to a JSON-ready value; every row has the key ``id``
(a string). Functions raise ``core.errors.NotFound`` for an unknown id,
``core.errors.ValidationError`` (with a field -> messages dict) for bad values and
``core.errors.ImportError_`` for a file that cannot be imported; all of them name the
problem and the fix in plain words, because operators read them.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from attrs import field, frozen
from sqlalchemy.orm import Session

from core.errors import NotFound, Sentence, ValidationError
from core.i18n import Text, translatable
from core.io.values import check_email, check_web_address, parse_yes_no
from core.labels import old_label_pair, to_text
from core.texts import DOMAIN

__all__ = [
    "FIELD_KINDS",
    "Dataset",
    "DatasetAction",
    "DatasetField",
    "DatasetImport",
    "DatasetLink",
    "DatasetPage",
    "ExportFile",
    "checked_record",
    "edited_values",
    "parse_values",
    "record_id",
    "submitted_values",
]

T = TypeVar("T")

#: Kinds of a field; they choose the form control and how a submitted string is read.
FIELD_KINDS = (
    "text",
    "textarea",
    "number",
    "integer",
    "bool",
    "date",
    "datetime",
    "choice",
    "url",
    "email",
)


def _said(exc: ValueError) -> str:
    """What a reader's ``ValueError`` says, its German kept when it is a ``Sentence``."""
    said = exc.args[0] if exc.args else ""
    return said if isinstance(said, Sentence) else str(exc)


def _choice_texts(choices: Any) -> tuple[tuple[str, Text], ...]:
    return tuple((str(code), to_text(label)) for code, label in choices)


@old_label_pair(1, new_there=lambda kind: kind in FIELD_KINDS)
@translatable("label")
@frozen
class DatasetField:
    """One field of a dataset's rows, as the admin area shows and edits it."""

    name: str
    label: Text = field(converter=to_text)
    kind: str = "text"
    #: (value, label) pairs of a ``choice`` field; a label is a ``Text`` (a catalog key, so
    #: the admin page shows it in its language) or a plain string
    choices: tuple[tuple[str, Text], ...] = field(default=(), converter=_choice_texts)
    #: false: shown, never sent back in an edit (ids, sources, computed values)
    editable: bool = True
    required: bool = False
    max_length: int = 500
    #: shown as a column of the list page (the others only on the record's page)
    listed: bool = False

    def __attrs_post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(
                f"DatasetField {self.name!r}: kind {self.kind!r} is not one of {FIELD_KINDS}"
            )

    def choice_label(self, value: Any, lang: str | None = None) -> str:
        """The label of the choice ``value`` in ``lang`` (the value itself when no choice has
        it: a value stored before the choices changed)."""
        for code, label in self.choices:
            if code == str(value):
                return label(lang)
        return str(value)

    def parse(self, value: Any) -> Any:
        """The JSON value of a submitted form string (or a JSON value) for this field's kind.

        Empty means ``None`` (``False`` for ``bool``); ``ValueError`` says what is wrong and
        what would be valid, in a sentence an operator can act on. A list (JSON) for a text
        field reads as its items separated by "; ", as a form shows codes.
        """
        if isinstance(value, list | tuple) and self.kind in ("text", "textarea"):
            value = "; ".join(str(item).strip() for item in value if str(item).strip())
        if isinstance(value, str):
            value = value.strip()
        if self.kind == "bool":
            return _parse_bool(value)
        if value is None or value == "":
            if self.required:
                raise ValueError(Sentence.message(DOMAIN, "error.required"))
            return None
        if isinstance(value, str) and len(value) > self.max_length:
            raise ValueError(
                Sentence.message(DOMAIN, "error.too_long", limit=self.max_length, length=len(value))
            )
        parse = _PARSERS.get(self.kind)
        if parse is not None:
            return parse(value)
        if self.kind == "choice":
            allowed = [code for code, _ in self.choices]
            if str(value) not in allowed:
                raise ValueError(
                    Sentence.message(
                        "core", "error.not_a_choice", value=repr(value), choices=", ".join(allowed)
                    )
                )
            return str(value)
        return str(value)


def _parse_bool(value: Any) -> bool:
    return parse_yes_no(value) is True


def _parse_number(value: Any) -> float:
    text = value.replace(" ", "") if isinstance(value, str) else value
    if isinstance(text, str) and "," in text:
        text = text.replace(".", "").replace(",", ".")  # German: 1.190,50
    try:
        number = float(text)
    except (TypeError, ValueError):
        raise ValueError(
            Sentence.message(DOMAIN, "error.not_a_number", value=repr(value))
        ) from None
    if not math.isfinite(number):
        raise ValueError(Sentence.message(DOMAIN, "error.not_finite", value=repr(value)))
    return number


def _parse_integer(value: Any) -> int:
    if isinstance(value, bool) or not re.fullmatch(r"[+-]?\d+", str(value).strip()):
        raise ValueError(Sentence.message(DOMAIN, "error.not_a_whole_number", value=repr(value)))
    return int(str(value).strip())


def _parse_date(value: Any) -> str:
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(Sentence.message(DOMAIN, "error.not_a_date", value=repr(value))) from None


def _parse_datetime(value: Any) -> str:
    try:
        return dt.datetime.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError(
            Sentence.message(DOMAIN, "error.not_a_datetime", value=repr(value))
        ) from None


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "number": _parse_number,
    "integer": _parse_integer,
    "date": _parse_date,
    "datetime": _parse_datetime,
    "url": lambda value: check_web_address(str(value)),
    "email": lambda value: check_email(str(value)),
}


@frozen
class DatasetPage:
    """One page of a search: its rows and the number of all matching rows."""

    rows: list[dict[str, Any]]
    total: int


@frozen
class DatasetImport:
    """What an import did: counts, and the problems of rejected or doubtful records."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    rejected: int = 0
    #: one line per problem, naming the record (row number or id) and the fix
    messages: tuple[str, ...] = ()


@frozen
class ExportFile:
    """A file to download: its bytes, media type and suggested file name."""

    content: bytes
    media_type: str
    filename: str


_ACTION_NAME = re.compile(r"[a-z][a-z0-9_]*")


def _check_action_name(_instance: object, _attribute: object, value: str) -> None:
    # the name is a part of the action's address (/eintrag/<id>/aktion/<name>)
    if not _ACTION_NAME.fullmatch(value):
        raise ValueError(
            f"A dataset action's name must be lower-case letters, digits and _ starting with a "
            f"letter (such as mark_filled), not {value!r}."
        )


@translatable("label", "help")
@frozen
class DatasetAction:
    """A button on a record's page that changes the record in one step ("mark as filled").

    ``run(session, id)`` does it inside the session the admin area commits together with its
    audit entry (then ``Dataset.changed()`` is called) and returns the stored row; it raises
    ``NotFound`` for an unknown id and ``ValidationError`` when the step does not apply to
    the record (already filled), with a sentence the operator can act on.
    """

    name: str = field(validator=_check_action_name)
    label: Text = field(converter=to_text)
    run: Callable[[Session, str], dict[str, Any]] = field(eq=False, repr=False)
    #: a sentence beside the button: what the step changes
    help: Text = field(default=Text.plain(""), converter=to_text)


@translatable("label")
@frozen
class DatasetLink:
    """A page of the plugin's own about a dataset (a review list), linked from its list page.

    ``href`` is a path on this site; ``count(session)``, when given, is shown with the link
    ("Zuordnungen prüfen (4)") so operators see at a glance that work is waiting.
    """

    label: Text = field(converter=to_text)
    href: str
    count: Callable[[Session], int] | None = field(default=None, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.href.startswith("/") or self.href.startswith("//"):
            raise ValueError(
                f"A dataset link's href must be a path on this site such as "
                f"/admin/stellen/zuordnung, not {self.href!r}."
            )


@old_label_pair(1)
@translatable("label", "help")
@frozen
class Dataset:
    """A plugin's dataset as the admin area sees it.

    ``search(session, text, offset, limit)`` returns a ``DatasetPage`` of the rows matching a
    free text (empty: all), in a stable order. ``get(session, id)`` returns one row.
    ``update(session, id, values)`` validates and stores the editable fields in ``values``
    (strings as a form sends them, or JSON values) and returns the stored row; ``None`` makes
    the dataset read-only. ``create(session, values)`` checks the editable fields of a new
    record the same way and stores it, returning the stored row with its ``id``; ``None``: the
    admin area offers no "new record" form. ``delete(session, id)`` removes a record; ``None``:
    not possible.
    ``import_file(session, path, fmt)`` imports a file of one of ``import_formats`` atomically
    (raise ``ImportError_`` and write nothing when it is rejected); ``None``: no import.
    With ``import_region_checked`` the import checks the region (``core.check_in_region``) and
    takes the keyword ``allow_outside_region`` (the admin form's option "Daten außerhalb der
    Region zulassen").
    ``export(session, fmt)`` returns an ``ExportFile`` in one of ``export_formats``.
    ``changed()`` is called after a write was committed so caches and indexes follow.
    ``actions`` are buttons on a record's page that change it in one step
    (``DatasetAction``); ``links`` are the plugin's own pages about the dataset
    (``DatasetLink``), shown on its list page.
    """

    id: str
    label: Text = field(converter=to_text)
    fields: tuple[DatasetField, ...]
    search: Callable[[Session, str, int, int], DatasetPage] = field(eq=False, repr=False)
    get: Callable[[Session, str], dict[str, Any]] = field(eq=False, repr=False)
    update: Callable[[Session, str, Mapping[str, Any]], dict[str, Any]] | None = field(
        default=None, eq=False, repr=False
    )
    delete: Callable[[Session, str], None] | None = field(default=None, eq=False, repr=False)
    create: Callable[[Session, Mapping[str, Any]], dict[str, Any]] | None = field(
        default=None, eq=False, repr=False
    )
    import_file: Callable[..., DatasetImport] | None = field(default=None, eq=False, repr=False)
    import_formats: tuple[str, ...] = ()
    import_region_checked: bool = False
    export: Callable[[Session, str], ExportFile] | None = field(default=None, eq=False, repr=False)
    export_formats: tuple[str, ...] = ()
    changed: Callable[[], None] | None = field(default=None, eq=False, repr=False)
    plugin: str = "core"
    #: a sentence for the operator: where the data comes from, what an import replaces
    help: Text = field(default=Text.plain(""), converter=to_text)
    actions: tuple[DatasetAction, ...] = field(default=(), converter=tuple)
    links: tuple[DatasetLink, ...] = field(default=(), converter=tuple)

    def action_named(self, name: str) -> DatasetAction:
        """The action ``name``; ``NotFound`` names the dataset's actions."""
        for action in self.actions:
            if action.name == name:
                return action
        raise NotFound(
            f"The dataset {self.id!r} has no action {name!r}; its actions are: "
            f"{', '.join(a.name for a in self.actions) or 'none'}."
        )

    def field_named(self, name: str) -> DatasetField:
        for item in self.fields:
            if item.name == name:
                return item
        raise KeyError(name)

    @property
    def editable_fields(self) -> tuple[DatasetField, ...]:
        """The fields an edit form shows as inputs (all of them are sent back)."""
        return tuple(f for f in self.fields if f.editable)

    def read(self, values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The editable fields of ``values`` read by their kinds (``DatasetField.parse``),
        and the problems of those that cannot be read (left out of the first).

        Fields missing from ``values`` are left out (``bool`` ones read as false: an unticked
        checkbox sends nothing). An ``update`` that checks its own rules goes on with the
        values that could be read and adds its problems to these (``checked_record``), so a
        form names every problem at once.
        """
        out: dict[str, Any] = {}
        problems: dict[str, list[str]] = {}
        for item in self.editable_fields:
            if item.name not in values and item.kind != "bool":
                continue
            try:
                out[item.name] = item.parse(values.get(item.name))
            except ValueError as exc:
                problems[item.name] = [_said(exc)]
        return out, problems

    def clean(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The editable fields of ``values`` read by their kinds (``read``); a
        ``ValidationError`` names every field that cannot be read."""
        out, problems = self.read(values)
        if problems:
            raise ValidationError(
                "Some values are invalid: "
                + "; ".join(f"{name}: {' '.join(m)}" for name, m in problems.items()),
                problems,
            )
        return out


#: The largest id an INTEGER column holds on every engine (PostgreSQL's integer).
MAX_RECORD_ID = 2**31 - 1


def record_id(value: str, what: str) -> int:
    """The numeric id of a dataset row from its string ``id``; ``NotFound`` for anything else.

    ``what`` names the record for the message ("Kita", "course"). Ids beyond what an INTEGER
    column holds are not found either (rather than a database error).
    """
    text = str(value).strip()
    if text.isascii() and text.isdigit() and 0 < int(text) <= MAX_RECORD_ID:
        return int(text)
    raise NotFound(f"There is no {what} {value!r}; {what} ids are the numbers in the list.")


def _unchanged(value: Any, shown: Any) -> bool:
    """Whether a submitted value is the one shown (a form sends text: "false", "7")."""
    if value == shown or (value in (None, "") and shown in (None, "")):
        return True
    if not isinstance(value, str):
        return False
    if isinstance(shown, bool):
        try:
            return _parse_bool(value) is shown
        except ValueError:
            return False
    return value.strip() == ("" if shown is None else str(shown))


def submitted_values(
    fields: tuple[DatasetField, ...],
    shown: Mapping[str, Any],
    values: Mapping[str, Any],
    what: str,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The submitted values of editable fields, and the problems of the others.

    For an ``update`` that reads values its own way: ``id`` is ignored, a name that is no
    field is a problem, a read-only field may come back as ``shown`` (a form sends what it
    showed) but not changed. The messages speak of "this record" in every language;
    ``what`` (the record's English name, "a course") stays an argument so callers keep working.
    """
    by_name = {item.name: item for item in fields}
    editable = ", ".join(item.name for item in fields if item.editable)
    out: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        item = by_name.get(name)
        if name == "id":
            continue
        if item is None:
            problems.setdefault(name, []).append(
                Sentence.message(DOMAIN, "error.no_such_field", name=repr(name), fields=editable)
            )
        elif not item.editable:
            if not _unchanged(value, shown.get(name)):
                problems.setdefault(name, []).append(
                    Sentence.message(
                        "core", "error.read_only", name=repr(name), shown=repr(shown.get(name))
                    )
                )
        else:
            out[name] = value
    return out, problems


def parse_values(
    fields: tuple[DatasetField, ...], values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Each of ``values`` read by its field's kind (``DatasetField.parse``), and the problems.

    Unlike ``Dataset.clean`` only the names in ``values`` are read (an absent checkbox stays
    as it was), so an ``update`` can read what ``submitted_values`` returned. A problem's
    value is left out of the result.
    """
    by_name = {item.name: item for item in fields}
    out: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        try:
            out[name] = by_name[name].parse(value)
        except ValueError as exc:
            problems.setdefault(name, []).append(_said(exc))
    return out, problems


def edited_values(
    fields: tuple[DatasetField, ...],
    shown: Mapping[str, Any],
    values: Mapping[str, Any],
    what: str,
    *,
    lists: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """What an edit changes: ``submitted_values`` and ``parse_values`` in one.

    Only the values that differ from ``shown`` are read (a form sends back every field as it
    showed it; what stays as shown keeps the stored value, which a form's text may round). A
    value that cannot be read is ``None`` in the result, so the record's own check that
    follows leaves it out, and is named in the problems. The fields in ``lists`` hold codes a
    form shows as one text ("26; 25"): they come back as lists.
    """
    submitted, problems = submitted_values(fields, shown, values, what)
    edited = {k: v for k, v in submitted.items() if not _unchanged(v, shown.get(k))}
    parsed, bad = parse_values(fields, edited)
    problems.update(bad)
    for name in lists:
        if isinstance(parsed.get(name), str):
            parsed[name] = [p for p in re.split(r"[;,\s]+", parsed[name]) if p]
    return {**dict.fromkeys(bad), **parsed}, problems


def _errors(exc: ValidationError) -> Mapping[str, list[str]]:
    return exc.errors or {"record": [exc.message]}


def checked_record(
    check: Callable[[], T],
    problems: dict[str, list[str]],
    what: str,
    *,
    explain: Callable[[ValidationError], Mapping[str, list[str]]] = _errors,
) -> T:
    """The record ``check()`` makes of an edit's values, or one ``ValidationError`` naming
    every problem at once.

    ``problems`` are the form's (``edited_values``); the record is checked all the same, and
    ``explain`` turns the ``ValidationError`` of its check into field -> messages (a field the
    form already named keeps the form's message, so a value is named once). ``what`` begins
    the message: "Course 4 ('Pflege') was not changed" gives "Course 4 ('Pflege') was not
    changed: title: required; fill it in.".
    """
    try:
        record = check()
    except ValidationError as exc:
        for name, messages in explain(exc).items():
            problems.setdefault(name, list(messages))
        if not problems:
            raise
    else:
        if not problems:
            return record
    details = "; ".join(f"{name}: {', '.join(m)}" for name, m in problems.items())
    raise ValidationError(f"{what}: {details.rstrip('.')}.", problems)
