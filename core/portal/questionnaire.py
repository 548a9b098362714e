"""The Leitfragebogen as data: sections, questions, answer types, validation and mapping.

A company answers the questionnaire section by section; each question says which profile
field its answer fills (``Question.target``). Core's own sections come from the built-in
plugin, plugins add theirs through the ``register_questionnaire_sections`` hook; a plugin's
answers go into its namespace of the profile (``Company.extensions[plugin]``).

Answers are kept per section as a plain JSON mapping (``{section: {question: value}}``); a value
that failed validation is kept as it was entered, so a form shows it again. Validation returns
one ``Message`` per bad question, naming the question and how to fix it, in every language of
the ``questionnaire`` catalog (core/portal/locale). Labels, help texts and examples are
``Text`` values: core's from that catalog, a plugin's from its own. Nothing here knows about
HTTP or HTML.
"""

from __future__ import annotations

import enum
import html
import math
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import nh3
from attrs import field, frozen

from core import classifications as vocab
from core.errors import ConfigError
from core.formatting import parse_date
from core.i18n import Text, catalog, current_language, register_catalog, translatable
from core.model import Address, Company, Contact, Location
from core.portal.placing import in_region, postcode_problem
from core.region import Region
from core.search.geocoding import postcode_centroids

__all__ = [
    "COMPANY_TARGETS",
    "DOMAIN",
    "AnswerType",
    "Message",
    "Option",
    "Question",
    "Questionnaire",
    "Section",
    "check",
    "check_items",
    "clean_text",
    "coerce",
    "image_problem",
    "item_field",
    "options_from",
    "section_from_data",
]

#: The catalog domain of the questionnaire's own texts (core/portal/locale).
DOMAIN = "questionnaire"
register_catalog(DOMAIN, Path(__file__).resolve().parent / "locale")
#: Profile fields a core question may fill (``contact.*`` is the contact person).
COMPANY_TARGETS = (
    "name",
    "description",
    "website",
    "employees",
    "industry",
    "professions",
    "family",
    "certificates",
    "offers",
    "benefits",
    "street",
    "postcode",
    "town",
    "location",
    "contact.name",
    "contact.email",
    "contact.phone",
    "logo",
)
_LIST_TARGETS = {
    "professions": vocab.professions,
    "family": vocab.family_features,
    "certificates": vocab.certificates,
    "offers": vocab.offers,
    "benefits": vocab.benefits,
}
_KEY = re.compile(r"[a-z][a-z0-9_]{0,59}")
#: Form field names the web forms use themselves; no question may take them.
RESERVED_KEYS = frozenset({"csrf_token", "action", "lang", "homepage_url"})
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+?[0-9][0-9 ()/\-]{4,}")
_URL = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z/!?]")
_TRUE = {"true", "yes", "ja", "on", "1"}
_FALSE = {"false", "no", "nein", "off", "0"}


class AnswerType(enum.StrEnum):
    """How a question is answered (and so shown and checked)."""

    TEXT = "text"  # one line
    LONGTEXT = "longtext"  # paragraphs
    EMAIL = "email"
    PHONE = "phone"
    URL = "url"
    INTEGER = "integer"
    NUMBER = "number"
    BOOL = "bool"  # yes / no
    CHOICE = "choice"  # one of the options
    MULTICHOICE = "multichoice"  # any of the options
    POSTCODE = "postcode"  # a German postcode that exists
    LOCATION = "location"  # {"lat": .., "lon": ..}: a pin the editor moved (none: the address)
    CONSENT = "consent"  # a versioned consent (``Question.consent`` names its kind)
    IMAGE = "image"  # an uploaded picture (the logo); the answer says whether there is one
    DATE = "date"  # a calendar day, stored as YYYY-MM-DD (typed as 7.12.2026 or 2026-12-07)
    ITEMS = "items"  # a list of records, each answering the questions ``Question.items``


#: Longest text per type unless a question sets ``max_length``.
DEFAULT_MAX_LENGTH = {
    AnswerType.TEXT: 200,
    AnswerType.LONGTEXT: 2000,
    AnswerType.EMAIL: 320,
    AnswerType.PHONE: 50,
    AnswerType.URL: 500,
}
_TEXTUAL = frozenset(DEFAULT_MAX_LENGTH) | {AnswerType.POSTCODE}
#: Most records an ITEMS question takes unless it sets ``maximum``.
DEFAULT_MAX_ITEMS = 50
#: The key of a record's own id in an ITEMS answer: kept as it is (a positive whole number),
#: so whoever stores the records (``Section.publish``) knows which one was changed.
ITEM_ID = "id"
#: Answer types a record of an ITEMS question may ask (no pins, uploads, consents or lists).
_ITEM_TYPES = frozenset(AnswerType) - {
    AnswerType.LOCATION,
    AnswerType.IMAGE,
    AnswerType.CONSENT,
    AnswerType.ITEMS,
}


def _as_text(value: Text | str | None) -> Text:
    """A text field's value as a ``Text`` (a plain string reads the same in every language)."""
    return Text.of(value)


@frozen
class Message:
    """A message for the user, in any language of the catalogs: ``text(lang)``.

    A problem with an answer names its question: ``label`` is put in front of ``body`` the
    way the language quotes it (``problem.format``), both in the same language.
    """

    body: Text = field(converter=_as_text)
    label: Text | None = None

    def text(self, lang: str | None = None) -> str:
        lang = lang or current_language()
        body = self.body(lang)
        if self.label is None:
            return body
        return catalog(DOMAIN).text("problem.format", lang, label=self.label(lang), text=body)

    @property
    def de(self) -> str:
        return self.text("de")

    @property
    def en(self) -> str:
        return self.text("en")

    def as_dict(self) -> dict[str, str]:
        """The message in each language of the questionnaire's catalog."""
        return {lang: self.text(lang) for lang in catalog(DOMAIN).languages()}


def _old_positional_option(init: Callable[..., None]) -> Callable[..., None]:
    """Let ``Option(value, label_de, label_en[, group])`` (positional, the old form) work with
    a DeprecationWarning: ``group`` is keyword-only now, so three or four positional
    arguments can only mean the old form."""

    def __init__(self: Option, *args: Any, **kwargs: Any) -> None:
        if len(args) in (3, 4):
            warnings.warn(
                "Option(value, label_de, label_en, group) is deprecated: pass "
                "Option(value, label, group=...) with label a Text (see docs/stability.md).",
                DeprecationWarning,
                stacklevel=2,
            )
            value, de, en, *group = args
            args = (value, Text.literal(de=de, en=en))
            if group:
                kwargs["group"] = group[0]
        init(self, *args, **kwargs)

    return __init__


@translatable("label")
@frozen
class Option:
    """One possible answer of a choice question; ``group`` (a code) groups long lists."""

    value: str
    label: Text = field(converter=_as_text)
    group: str | None = field(default=None, kw_only=True)


Option.__init__ = _old_positional_option(Option.__init__)  # type: ignore[method-assign]


def options_from(vocabulary: vocab.Vocabulary) -> tuple[Option, ...]:
    """Options for every term of a core vocabulary (its parent code becomes the group)."""
    return tuple(Option(t.code, _term_label(t), group=t.parent) for t in vocabulary)


def _term_label(term: Any) -> Text:
    # a term whose labels are still a German/English pair
    if isinstance(term.label, Text):
        return term.label
    return Text.literal(de=term.label_de, en=term.label_en)


def _options(value: Iterable[Any]) -> tuple[Option, ...]:
    out = []
    for item in value:
        if isinstance(item, Option):
            out.append(item)
        elif isinstance(item, Mapping):
            values = {k: v for k, v in item.items() if k in _OPTION_FIELDS}
            out.append(Option(value=str(values.pop("value")), **values))
        else:
            out.append(Option(str(item.value), item.label))
    return tuple(out)


_OPTION_FIELDS = frozenset({"value", "label", "label_de", "label_en", "group"})


def _show_if(value: Any) -> tuple[str, Any] | None:
    if value is None:
        return None
    key, wanted = value
    return (str(key), wanted)


def _item_questions(value: Iterable[Any]) -> tuple[Question, ...]:
    return _questions(value)  # defined below, once Question is


@translatable("label", "help", "example")
@frozen(kw_only=True)
class Question:
    """One question: labels, help and example texts, answer type, rules and its target.

    ``target`` names the profile field the answer fills: for core's sections one of
    ``COMPANY_TARGETS``; for a plugin's section (and core questions left without a target) the
    key in ``Company.extensions[section.extension]`` (default: the question's key).
    """

    key: str
    label: Text = field(converter=_as_text)
    answer: AnswerType = field(converter=AnswerType)
    target: str = ""
    options: tuple[Option, ...] = field(default=(), converter=_options)
    help: Text = field(default=Text.plain(""), converter=_as_text)
    example: Text = field(default=Text.plain(""), converter=_as_text)
    required: bool = False
    #: shown (and kept) only while the question ``show_if[0]`` has the answer ``show_if[1]``
    show_if: tuple[str, Any] | None = field(default=None, converter=_show_if)
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    #: the consent kind a CONSENT question records (see ``core.portal.privacy.CONSENTS``)
    consent: str = ""
    #: an ITEMS question's questions, asked once per record (``maximum``: most records)
    items: tuple[Question, ...] = field(default=(), converter=_item_questions)
    #: how an ITEMS question names one record, with ``{n}`` its number ("Stelle {n}")
    item_name: Text = field(default=Text.plain(""), converter=_as_text)
    #: anything else the plugin declared (kept, not used by core)
    extra: Mapping[str, Any] = field(factory=dict, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        if not _KEY.fullmatch(self.key) or self.key in RESERVED_KEYS:
            raise ConfigError(
                f"Question key {self.key!r} must be lower-case letters, digits and '_', "
                f"starting with a letter, and none of {', '.join(sorted(RESERVED_KEYS))}."
            )
        if self.answer in (AnswerType.CHOICE, AnswerType.MULTICHOICE) and not self.options:
            raise ConfigError(f"Question {self.key!r}: a {self.answer} question needs options.")
        if self.answer is AnswerType.CONSENT and not self.consent:
            raise ConfigError(f"Question {self.key!r}: a consent question names its consent.")
        if (self.answer is AnswerType.ITEMS) != bool(self.items):
            raise ConfigError(
                f"Question {self.key!r}: an items question, and only one, lists the "
                "questions of its records (items)."
            )
        for item in self.items:
            if item.answer not in _ITEM_TYPES or item.show_if is not None:
                raise ConfigError(
                    f"Question {self.key!r}: its record question {item.key!r} must be a plain "
                    f"question ({', '.join(sorted(t.value for t in _ITEM_TYPES))}) without "
                    "show_if."
                )
            if item.key == ITEM_ID:
                raise ConfigError(
                    f"Question {self.key!r}: {ITEM_ID!r} is the record's own id, not a question."
                )

    @property
    def limit(self) -> int | None:
        """The longest answer (texts) allowed."""
        return self.max_length or DEFAULT_MAX_LENGTH.get(self.answer)

    @property
    def most_items(self) -> int:
        """The most records an ITEMS question takes."""
        return int(self.maximum) if self.maximum is not None else DEFAULT_MAX_ITEMS

    def item_label(self, index: int) -> Text:
        """The name of record ``index`` (from 0) of an ITEMS question: "Stelle 2"."""
        name = self.item_name or Text.message(DOMAIN, "item_name")
        return name.with_values(n=index + 1)

    def option_label(self, value: Any, lang: str | None = None) -> str:
        for option in self.options:
            if option.value == value:
                return option.label(lang)
        return str(value)

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        """A JSON-ready description (labels of ``lang`` only, when given)."""
        data: dict[str, Any] = {
            "key": self.key,
            "answer": self.answer.value,
            "target": self.target,
            "required": self.required,
            "show_if": list(self.show_if) if self.show_if else None,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "max_length": self.limit,
            "consent": self.consent or None,
        }
        if self.items:
            data["items"] = [q.as_dict(lang) for q in self.items]
        if lang is None:
            data.update(_in_every_language(label=self.label, help=self.help, example=self.example))
            data["options"] = [
                {"value": o.value, **_in_every_language(label=o.label), "group": o.group}
                for o in self.options
            ]
        else:
            data.update(
                label=self.label(lang),
                help=self.help(lang),
                example=self.example(lang),
                options=[
                    {"value": o.value, "label": o.label(lang), "group": o.group}
                    for o in self.options
                ],
            )
        return data


def _questions(value: Iterable[Any]) -> tuple[Question, ...]:
    return tuple(q if isinstance(q, Question) else _question_from(q) for q in value)


@translatable("title", "intro")
@frozen(kw_only=True)
class Section:
    """One step of the questionnaire: titles, an introduction and questions, in order.

    ``apply``, when given, is called as ``apply(company, answers)`` with the checked answers of
    this section (keyed by question key) and stores them itself (to switch a core filter code
    on, say); without it every answer goes to its target.

    A section whose answers live in its plugin's own tables (records such as open positions,
    not profile fields) gives ``load`` and ``publish`` instead: ``load(company)`` returns the
    section's answers for the published ``company`` (to edit them and to show the moderator
    what changes), ``publish(session=, company=, submission_id=, answers=)`` stores the
    checked answers when an operator approves the submission, inside the approval's
    transaction (it must not commit). Such answers never enter ``Company.extensions``.
    ``check(values)``, when given, adds problems that involve several answers (an end
    before a start) to those core finds per answer.
    """

    key: str
    title: Text = field(converter=_as_text)
    questions: tuple[Question, ...] = field(default=(), converter=_questions)
    intro: Text = field(default=Text.plain(""), converter=_as_text)
    plugin: str = "core"
    #: the ``Company.extensions`` key this section's untargeted answers go to
    extension: str = ""
    #: shown after sections with a lower order; core's sections use 10 to 60
    order: int = 100
    apply: Callable[[Company, Mapping[str, Any]], Company] | None = field(
        default=None, eq=False, hash=False
    )
    load: Callable[[Company], Mapping[str, Any]] | None = field(default=None, eq=False, hash=False)
    publish: Callable[..., None] | None = field(default=None, eq=False, hash=False)
    #: rules across answers: ``check(values)`` with the checked answers returns problems as
    #: texts keyed by question key (or a record's ``item_field``); core names the question
    check: Callable[[Mapping[str, Any]], Mapping[str, Text]] | None = field(
        default=None, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,59}", self.key):
            raise ConfigError(
                f"Section key {self.key!r} (plugin {self.plugin}) must be lower-case letters, "
                "digits, '-' and '_', starting with a letter; it becomes part of URLs."
            )
        if (self.load is None) != (self.publish is None):
            raise ConfigError(
                f"Section {self.key!r} (plugin {self.plugin}): give both load and publish, "
                "or neither."
            )
        keys = [q.key for q in self.questions]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ConfigError(f"Section {self.key!r} repeats question(s) {', '.join(duplicates)}.")
        for question in self.questions:
            if question.show_if is not None and question.show_if[0] not in keys:
                raise ConfigError(
                    f"Question {question.key!r} of section {self.key!r} depends on "
                    f"{question.show_if[0]!r}, which the section does not have."
                )
            if self.plugin == "core" and question.target and "." not in question.target:
                if question.target not in COMPANY_TARGETS:
                    raise ConfigError(
                        f"Question {question.key!r}: target {question.target!r} is not a "
                        f"profile field; valid are {', '.join(COMPANY_TARGETS)}."
                    )

    @property
    def namespace(self) -> str:
        """The key of ``Company.extensions`` that holds this section's own answers."""
        return self.extension or self.plugin

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)

    @property
    def stores_itself(self) -> bool:
        """Whether the section keeps its answers in its plugin's tables (``publish``)."""
        return self.publish is not None

    def label_of(self, key: str) -> Text:
        """The label a problem of ``key`` (a question key, or a record's ``item_field``) is
        named by."""
        for question in self.questions:
            if question.key == key:
                return question.label
            for index, item in _item_key(question, key):
                return Text.message(
                    DOMAIN, "item_label", item=question.item_label(index), label=item.label
                )
        raise KeyError(key)

    def visible(self, question: Question, answers: Mapping[str, Any]) -> bool:
        """Whether ``question`` applies, given this section's (raw or checked) answers."""
        if question.show_if is None:
            return True
        parent = self.question(question.show_if[0])
        if not self.visible(parent, answers):
            return False
        value, problem = coerce(parent, answers.get(parent.key))
        return problem is None and value == question.show_if[1]

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "plugin": self.plugin, "order": self.order}
        if lang is None:
            data.update(_in_every_language(title=self.title, intro=self.intro))
        else:
            data.update(title=self.title(lang), intro=self.intro(lang))
        data["questions"] = [q.as_dict(lang) for q in self.questions]
        return data


def _item_key(question: Question, key: str) -> list[tuple[int, Question]]:
    """[(record index, record question)] when ``key`` is an ``item_field`` of ``question``."""
    head, _, rest = key.partition("-")
    if head != question.key or not question.items:
        return []
    index, _, name = rest.partition("-")
    if not index.isdigit():
        return []
    return [(int(index), item) for item in question.items if item.key == name]


def _in_every_language(**texts: Text) -> dict[str, str]:
    """``label_de``, ``label_en``, ``label_tr`` ... for each text, in each catalog language
    (the JSON shape of ``as_dict()`` without a language)."""
    languages = catalog(DOMAIN).languages()
    return {f"{name}_{lang}": text(lang) for name, text in texts.items() for lang in languages}


#: the deprecated language pairs (``label_de`` ...) a plugin's data may still give
_PAIRS = frozenset(
    f"{name}_{lang}" for name in ("label", "help", "example") for lang in ("de", "en")
)
_QUESTION_FIELDS = ({a.name for a in attrs.fields(Question)} - {"extra"}) | _PAIRS


def _question_from(data: Any) -> Question:
    values = dict(data) if isinstance(data, Mapping) else attrs.asdict(data, recurse=False)
    known = {k: v for k, v in values.items() if k in _QUESTION_FIELDS}
    extra = {k: v for k, v in values.items() if k not in _QUESTION_FIELDS}
    return Question(**known, extra=extra)


def section_from_data(data: Any, *, plugin: str | None = None, **changes: Any) -> Section:
    """A ``Section`` from a plugin's own section value (an attrs object or a mapping of the
    same fields, e.g. what its ``as_dict()`` returns); unknown question fields are kept in
    ``Question.extra``, unknown section fields are an error."""
    if isinstance(data, Section):
        if plugin is not None and data.plugin != plugin:
            changes["plugin"] = plugin  # a section belongs to the plugin that registers it
        return attrs.evolve(data, **changes) if changes else data
    values: dict[str, Any]
    if isinstance(data, Mapping):
        values = dict(data)
    elif callable(getattr(data, "as_dict", None)):
        values = dict(data.as_dict())
    else:
        values = attrs.asdict(data, recurse=False)
    if plugin is not None:
        values["plugin"] = plugin
    values.update(changes)
    known = {a.name for a in attrs.fields(Section)} | {
        f"{name}_{lang}" for name in ("title", "intro") for lang in ("de", "en")
    }
    unknown = sorted(set(values) - known)
    if unknown:
        raise ConfigError(
            f"Section {values.get('key')!r}: unknown field(s) {', '.join(unknown)}; "
            f"valid are {', '.join(sorted(known))}."
        )
    values["questions"] = _questions(values.get("questions") or ())
    return Section(**values)


# --- text -----------------------------------------------------------------------------------


def clean_text(value: str, *, multiline: bool = False) -> str:
    """User text as plain text: no HTML markup, no control characters, trimmed.

    Text that looks like markup (``<`` followed by a letter, ``/``, ``!`` or ``?``) goes through
    nh3 with no tags allowed (scripts and styles lose their content too); what remains is
    turned back into plain text, which every page escapes when it shows it.
    """
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    if _TAG.search(text):
        text = html.unescape(nh3.clean(text, tags=set()))
    keep = "\n" if multiline else ""
    text = "".join(
        c for c in text if c in keep or c == "\t" or unicodedata.category(c)[0] != "C"
    ).replace("\t", " ")
    if multiline:
        lines = [line.strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return " ".join(text.split())


# --- checking one answer ----------------------------------------------------------------------


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _fmt(number: float | None) -> str:
    if number is None:
        return ""
    # a whole number in full ("1000000", never "1e+06")
    return str(int(number)) if number == int(number) else repr(number)


def _problem(question: Question, kind: str, **values: Any) -> Message:
    """The problem ``kind`` (``problem.<kind>`` of the catalog) with ``question``'s label."""
    return Message(Text.message(DOMAIN, f"problem.{kind}", **values), question.label)


def image_problem(question: Question, max_kb: int) -> Message:
    """The message for an upload that is not a usable picture (the web layer checks files)."""
    return _problem(question, "image", kb=max_kb)


def coerce(question: Question, raw: Any) -> tuple[Any, Message | None]:
    """The checked value of an answer (form text or JSON) and the problem with it, if any.

    An empty answer is ``None`` (a problem only for required questions, see ``check``).
    A problem comes with the value as entered, so it can be shown again.
    """
    kind = question.answer
    if kind is AnswerType.ITEMS:
        items, problems = check_items(question, raw)
        return items or None, next(iter(problems.values()), None)
    if isinstance(raw, list | tuple) and kind is not AnswerType.MULTICHOICE:
        raw = raw[-1] if raw else None
    if isinstance(raw, str) and kind is not AnswerType.LONGTEXT:
        raw = raw.strip()
    if _empty(raw):
        return None, None
    if kind in _TEXTUAL:
        if not isinstance(raw, str):
            raw = str(raw)
        text = clean_text(raw, multiline=kind is AnswerType.LONGTEXT)
        if _empty(text):
            return None, None
        limit = question.limit
        if limit is not None and len(text) > limit:
            return text, _problem(question, "too_long", n=len(text), limit=limit)
        if kind is AnswerType.EMAIL and not _EMAIL.fullmatch(text):
            return text, _problem(question, "email")
        if kind is AnswerType.PHONE and not _PHONE.fullmatch(text):
            return text, _problem(question, "phone")
        if kind is AnswerType.URL:
            if not _URL.match(text) and "." in text and " " not in text:
                text = "https://" + text  # "www.baeckerei.de" is what people write
            if not _URL.fullmatch(text):
                return text, _problem(question, "url")
        if kind is AnswerType.POSTCODE:
            if not re.fullmatch(r"\d{5}", text):
                return text, _problem(question, "postcode")
            if text not in postcode_centroids():
                return text, _problem(question, "postcode_unknown", value=text)
        return text, None
    if kind in (AnswerType.INTEGER, AnswerType.NUMBER):
        number = _number(raw)
        if number is None or (kind is AnswerType.INTEGER and number != int(number)):
            return _as_entered(raw), _problem(
                question, "integer" if kind is AnswerType.INTEGER else "number"
            )
        low = question.minimum if question.minimum is not None else -math.inf
        high = question.maximum if question.maximum is not None else math.inf
        if not low <= number <= high:
            return _as_entered(raw), _problem(
                question, "range", low=_fmt(question.minimum), high=_fmt(question.maximum)
            )
        return (
            int(number) if kind is AnswerType.INTEGER or number == int(number) else number
        ), None
    if kind is AnswerType.DATE:
        text = str(raw).strip()[:50]
        try:
            return parse_date(text).isoformat(), None
        except ValueError:
            return text, _problem(question, "date")
    if kind in (AnswerType.BOOL, AnswerType.CONSENT, AnswerType.IMAGE):
        flag = _flag(raw)
        if flag is None:
            return _as_entered(raw), _problem(question, "bool")
        return flag, None
    if kind is AnswerType.CHOICE:
        valid = {o.value for o in question.options}
        value = raw if isinstance(raw, str) else str(raw)
        if value not in valid:
            return _as_entered(raw), _problem(question, "choose")
        return value, None
    if kind is AnswerType.MULTICHOICE:
        values = (
            [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else None
        )
        order = [o.value for o in question.options]
        if values is None or any(not isinstance(v, str) or v not in order for v in values):
            return _as_entered(raw), _problem(question, "choose_many")
        return [v for v in order if v in values], None
    if kind is AnswerType.LOCATION:
        if not isinstance(raw, Mapping):
            return _as_entered(raw), _problem(question, "location")
        lat, lon = _number(raw.get("lat")), _number(raw.get("lon"))
        if lat is None and lon is None and _empty(raw.get("lat")) and _empty(raw.get("lon")):
            return None, None
        if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return {"lat": _as_entered(raw.get("lat")), "lon": _as_entered(raw.get("lon"))}, (
                _problem(question, "location")
            )
        return {"lat": lat, "lon": lon}, None
    raise AssertionError(kind)  # pragma: no cover - every answer type is handled above


def _as_entered(raw: Any) -> Any:
    """A bad value as it may be stored and shown again: short text, never a structure."""
    if isinstance(raw, bool | int | float) or raw is None:
        return raw
    return str(raw)[:200] if not isinstance(raw, list) else [str(v)[:200] for v in raw][:50]


def _number(raw: Any) -> float | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        number = float(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(" ", "")
        # German decimal comma; "1.000" as a thousands separator is ambiguous and left alone
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _flag(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip().casefold()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    return None


def item_field(question: Question, index: int, item: Question) -> str:
    """The name of record ``index``'s answer to ``item`` (an ITEMS question's record
    question): ``positions-0-title``. Problems of records are keyed by it, and forms use it
    as the field's name."""
    return f"{question.key}-{index}-{item.key}"


def check_items(question: Question, raw: Any) -> tuple[list[dict[str, Any]], dict[str, Message]]:
    """The checked records of an ITEMS answer and the problems of each record's answers
    (keyed by ``item_field``). A record without any answer is left out; a record keeps its
    ``id``; a bad answer is kept as entered."""
    if _empty(raw):
        return [], {}
    records = list(raw.values()) if isinstance(raw, Mapping) else raw
    if not isinstance(records, list | tuple):
        return [], {question.key: _problem(question, "items")}
    out: list[dict[str, Any]] = []
    problems: dict[str, Message] = {}
    for record in records:
        if not isinstance(record, Mapping):
            problems[question.key] = _problem(question, "items")
            continue
        index = len(out)
        values: dict[str, Any] = {}
        found: dict[str, Message] = {}
        for item in question.items:
            value, problem = coerce(item, record.get(item.key))
            if value is not None:
                values[item.key] = value
            if problem is not None:
                found[item_field(question, index, item)] = _item_problem(question, index, problem)
        if not values:
            continue  # an empty record (a form's blank row): no record
        for item in question.items:
            if item.required and values.get(item.key) in (None, []):
                found[item_field(question, index, item)] = _item_problem(
                    question, index, _problem(item, "required")
                )
        own = record.get(ITEM_ID)
        if isinstance(own, str) and own.strip().isdigit():
            own = int(own.strip())
        if isinstance(own, int) and not isinstance(own, bool) and own > 0:
            values = {ITEM_ID: own, **values}
        out.append(values)
        problems.update(found)
    if len(out) > question.most_items:
        problems[question.key] = _problem(
            question, "items_many", n=len(out), limit=question.most_items
        )
    return out, problems


def _item_problem(question: Question, index: int, problem: Message) -> Message:
    """``problem`` of a record's answer, named by the record and the question:
    „Stelle 2: Titel“."""
    label = problem.label or Text.plain("")
    return Message(
        problem.body,
        Text.message(DOMAIN, "item_label", item=question.item_label(index), label=label),
    )


def check(question: Question, raw: Any) -> tuple[Any, Message | None]:
    """``coerce`` plus the rules that need the whole answer: required, required consent."""
    value, problem = coerce(question, raw)
    if problem is not None:
        return value, problem
    if question.required:
        if value is None or value == []:
            return value, _problem(question, "required")
        if question.answer is AnswerType.CONSENT and value is not True:
            return value, _problem(question, "consent")
    return value, None


# --- the whole questionnaire -----------------------------------------------------------------


Answers = dict[str, dict[str, Any]]
Problems = dict[str, dict[str, Message]]


@frozen
class Questionnaire:
    """Every section, core's first, then the plugins' (by ``order``, then plugin order).

    With a ``region``, a postcode must lie in it and a pin on the map within its bounds: the
    portal shows the companies of its region only.
    """

    sections: tuple[Section, ...]
    region: Region | None = None

    @classmethod
    def build(cls, sections: Sequence[Section], region: Region | None = None) -> Questionnaire:
        """Check that section keys are unique and sort them by ``order`` (stable)."""
        seen: dict[str, str] = {}
        for section in sections:
            if section.key in seen:
                raise ConfigError(
                    f"Questionnaire section {section.key!r} is registered by both "
                    f"{seen[section.key]} and {section.plugin}."
                )
            seen[section.key] = section.plugin
        return cls(tuple(sorted(sections, key=lambda s: s.order)), region)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def questions(self, answer: AnswerType | None = None) -> Iterable[tuple[Section, Question]]:
        for section in self.sections:
            for question in section.questions:
                if answer is None or question.answer is answer:
                    yield section, question

    def as_dict(self, lang: str | None = None) -> dict[str, Any]:
        return {"sections": [s.as_dict(lang) for s in self.sections]}

    # --- answers ---------------------------------------------------------------------------

    def clean_section(
        self, key: str, raw: Mapping[str, Any], *, partial: bool = False
    ) -> tuple[dict[str, Any], dict[str, Message]]:
        """Checked answers of one section (bad ones as entered) and the problems per question.

        Unknown keys are dropped; answers of questions hidden by ``show_if`` are dropped too.
        ``partial`` checks only the questions present in ``raw`` (an API client saving a few).
        """
        section = self.section(key)
        values: dict[str, Any] = {}
        problems: dict[str, Message] = {}
        for question in section.questions:
            if partial and question.key not in raw:
                continue
            if question.answer is AnswerType.ITEMS:
                items, found = check_items(question, raw.get(question.key))
                if items:
                    values[question.key] = items
                problems.update(found)
                if question.required and not items and question.key not in problems:
                    problems[question.key] = _problem(question, "required")
                continue
            value, problem = check(question, raw.get(question.key))
            if value is not None:
                values[question.key] = value
            if problem is not None:
                problems[question.key] = problem
        if self.region is not None:
            _place_checks(self.region, section, values, problems)
        if section.check is not None:
            for key, said in section.check(values).items():
                if key not in problems:
                    problems[key] = Message(said, section.label_of(key))
        for question in section.questions:
            if not section.visible(question, values):
                values.pop(question.key, None)
                problems.pop(question.key, None)
                for key in [k for k in problems if k.startswith(f"{question.key}-")]:
                    problems.pop(key)
        return values, problems

    def validate(self, answers: Mapping[str, Mapping[str, Any]]) -> Problems:
        """Problems of every section (an empty dict when the answers are complete and valid)."""
        problems: Problems = {}
        for section in self.sections:
            _, found = self.clean_section(section.key, answers.get(section.key) or {})
            if found:
                problems[section.key] = found
        return problems

    def checked(self, answers: Mapping[str, Mapping[str, Any]]) -> Answers:
        """Only the valid, visible answers of every section (for previews and profiles)."""
        out: Answers = {}
        for section in self.sections:
            values, problems = self.clean_section(section.key, answers.get(section.key) or {})
            out[section.key] = {
                k: _without_problems(section.question(k), v, problems)
                for k, v in values.items()
                if k not in problems
            }
        return out

    def consents(self, answers: Mapping[str, Mapping[str, Any]]) -> dict[str, bool]:
        """Consent kind -> given, for every consent question answered."""
        out: dict[str, bool] = {}
        checked = self.checked(answers)
        for section, question in self.questions(AnswerType.CONSENT):
            value = checked.get(section.key, {}).get(question.key)
            if value is not None:
                out[question.consent] = bool(value)
        return out

    # --- answers <-> profile ---------------------------------------------------------------

    def apply(
        self, answers: Mapping[str, Mapping[str, Any]], base: Company | None = None
    ) -> Company:
        """The profile the answers make: ``base`` (the published version) with every answered
        target replaced. Invalid answers are skipped, so this also draws previews."""
        checked = self.checked(answers)
        company = attrs.evolve(base) if base is not None else Company(name="")
        company.extensions = {k: dict(v) for k, v in (company.extensions or {}).items()}
        contact = attrs.asdict(company.contact) if company.contact else {}
        address = attrs.asdict(company.address)
        for section in self.sections:
            values = checked.get(section.key, {})
            own: dict[str, Any] = {}
            for question in section.questions:
                if question.answer is AnswerType.CONSENT:
                    continue
                value = values.get(question.key)
                target = question.target
                if section.plugin == "core" and target in COMPANY_TARGETS:
                    if target == "logo":
                        continue
                    _set_company(company, target, value, contact, address)
                else:
                    own[target or question.key] = value
            if section.stores_itself and section.apply is None:
                continue  # published into the plugin's own tables (``Section.publish``)
            if section.apply is not None:
                company = section.apply(
                    company, {k: v for k, v in values.items() if k in _keys(section)}
                )
                continue
            own = {k: v for k, v in own.items() if v is not None}
            if own or section.namespace in company.extensions:
                merged = {**company.extensions.get(section.namespace, {})}
                for question in section.questions:
                    merged.pop(question.target or question.key, None)
                merged.update(own)
                if merged:
                    company.extensions[section.namespace] = merged
                else:
                    company.extensions.pop(section.namespace, None)
        company.address = Address(
            street=address.get("street", ""),
            postcode=address.get("postcode", ""),
            town=address.get("town", ""),
            # a new postcode means a new municipality key (Platform.complete_company finds it)
            ags=address.get("ags", "")
            if base and address.get("postcode") == base.address.postcode
            else "",
        )
        company.contact = Contact(
            contact.get("name", ""), contact.get("email", ""), contact.get("phone", "")
        )
        if base is None:
            company.slug = ""  # made from the name the answers give
        company.__attrs_post_init__()
        return company

    def answers_from(self, company: Company) -> Answers:
        """Answers that reproduce ``company`` (to edit a published profile)."""
        answers: Answers = {}
        for section in self.sections:
            if section.load is not None:
                loaded = section.load(company) if company.id is not None else {}
                answers[section.key] = {k: v for k, v in loaded.items() if not _empty(v)}
                continue
            values: dict[str, Any] = {}
            stored = company.extensions.get(section.namespace) or {}
            for question in section.questions:
                if question.answer is AnswerType.CONSENT:
                    continue
                target = question.target
                if section.plugin == "core" and target in COMPANY_TARGETS:
                    value = _get_company(company, target)
                else:
                    value = stored.get(target or question.key)
                if not _empty(value):
                    values[question.key] = value
            answers[section.key] = values
        return answers


def _without_problems(question: Question, value: Any, problems: Mapping[str, Message]) -> Any:
    """An ITEMS answer without the record answers that have problems (others as they are)."""
    if question.answer is not AnswerType.ITEMS or not isinstance(value, list):
        return value
    return [
        {
            k: v
            for k, v in record.items()
            if k == ITEM_ID or f"{question.key}-{index}-{k}" not in problems
        }
        for index, record in enumerate(value)
    ]


def _keys(section: Section) -> set[str]:
    return {q.key for q in section.questions}


def _place_checks(
    region: Region, section: Section, values: Mapping[str, Any], problems: dict[str, Message]
) -> None:
    """Add the problems of postcodes outside ``region`` and of pins outside its bounds."""
    for question in section.questions:
        value = values.get(question.key)
        if value is None or question.key in problems:
            continue
        if question.answer is AnswerType.POSTCODE:
            said = postcode_problem(region, str(value))
            if said is not None:
                problems[question.key] = Message(said, question.label)
        elif question.answer is AnswerType.LOCATION and isinstance(value, Mapping):
            if not in_region(region, Location(value["lat"], value["lon"])):
                problems[question.key] = _problem(question, "location_outside", region=region.name)


def _set_company(
    company: Company,
    target: str,
    value: Any,
    contact: dict[str, Any],
    address: dict[str, Any],
) -> None:
    if target.startswith("contact."):
        contact[target.split(".", 1)[1]] = value or ""
    elif target in ("street", "postcode", "town"):
        address[target] = value or ""
    elif target == "location":
        company.location = Location(value["lat"], value["lon"]) if value else None
    elif target in _LIST_TARGETS:
        setattr(company, target, tuple(value or ()))
    elif target == "employees":
        company.employees = int(value) if value is not None else 1
    elif target == "industry":
        company.industry = value or ""
        division = company.industry_division
        # the published profile's finer division belongs to its old section: an edit that
        # changes the section drops it (the questionnaire does not ask for divisions)
        if division and division in vocab.industry_divisions():
            if vocab.industry_divisions().get(division).parent != company.industry:
                company.industry_division = None
    else:
        setattr(company, target, value or "")


def _get_company(company: Company, target: str) -> Any:
    if target.startswith("contact."):
        contact = company.contact
        return getattr(contact, target.split(".", 1)[1]) if contact else None
    if target in ("street", "postcode", "town"):
        return getattr(company.address, target)
    if target == "location":
        location = company.location
        return {"lat": location.lat, "lon": location.lon} if location else None
    if target == "logo":
        return None
    if target in _LIST_TARGETS:
        return list(getattr(company, target))
    return getattr(company, target)
