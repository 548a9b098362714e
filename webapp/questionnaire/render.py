"""What the questionnaire templates show: one step's fields, the progress, the live preview."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from markupsafe import Markup

from core import classifications as vocab
from core.builtin import STORY, story_title
from core.errors import ValidationError
from core.formatting import format_date_input
from core.i18n import Text
from core.model import Company
from core.persistence import submissions as submission_repo
from core.platform import Platform
from core.portal import submissions as flow
from core.portal.answer_texts import answer_text
from core.portal.privacy import CONSENTS
from core.portal.questionnaire import (
    DOMAIN,
    ITEM_ID,
    AnswerType,
    Message,
    Question,
    Section,
    item_field,
)
from webapp.kit import map_attribution
from webapp.portal.views import _label, page_url
from webapp.questionnaire.i18n import translate

__all__ = ["AUTOCOMPLETE", "address_values", "preview_view", "step_view", "still_map_config"]

#: autocomplete tokens (WCAG 1.3.5) for core's questions
AUTOCOMPLETE = {
    "name": "organization",
    "website": "url",
    "street": "street-address",
    "postcode": "postal-code",
    "town": "address-level2",
    "contact_name": "name",
    "contact_email": "email",
    "contact_phone": "tel",
}
#: at most this many options are shown as radio buttons; more become a select list
MAX_RADIOS = 6


def _field(
    section: Section,
    question: Question,
    values: dict[str, Any],
    problem: Message | None,
    lang: str,
    *,
    name: str = "",
    problems: dict[str, Message] | None = None,
) -> dict[str, Any]:
    value = values.get(question.key)
    kind = question.answer
    name = name or question.key
    field: dict[str, Any] = {
        "q": question,
        "id": f"q-{section.key}-{name}",
        "name": name,
        "kind": kind.value,
        "label": question.label(lang),
        "help": question.help(lang),
        "example": question.example(lang),
        "required": question.required,
        "problem": problem.text(lang) if problem is not None else "",
        "value": value,
        "hidden": not section.visible(question, values),
        "show_if": json.dumps(list(question.show_if)) if question.show_if else "",
        "autocomplete": AUTOCOMPLETE.get(question.key, "off")
        if section.plugin == "core"
        else "off",
        "limit": question.limit,
    }
    if kind in (AnswerType.CHOICE, AnswerType.MULTICHOICE):
        field["options"] = [
            {"value": o.value, "label": o.label(lang), "group": o.group} for o in question.options
        ]
        field["as_select"] = kind is AnswerType.CHOICE and len(question.options) > MAX_RADIOS
        groups: list[tuple[str, list[dict[str, Any]]]] = []
        for option in field["options"]:
            label = _group_label(question, option["group"], lang)
            if not groups or groups[-1][0] != label:
                groups.append((label, []))
            groups[-1][1].append(option)
        field["groups"] = groups
        field["selected"] = set(value if isinstance(value, list) else [value] if value else [])
    if kind is AnswerType.LOCATION:
        pinned = isinstance(value, dict)
        field["lat"] = value.get("lat", "") if isinstance(value, dict) else ""
        field["lon"] = value.get("lon", "") if isinstance(value, dict) else ""
        # the postcode the stored pin belongs to (see webapp.questionnaire.flow.form_answers)
        field["pinned_for"] = address_values(section, values)["postcode"] if pinned else ""
        field["status"] = translate("location.moved" if pinned else "location.waiting", lang)
    if kind is AnswerType.CONSENT:
        text = CONSENTS.get(question.consent)
        field["consent_text"] = text.text(lang) if text else ""
        field["consent_version"] = text.version_text(lang) if text else ""
    if kind is AnswerType.BOOL:
        field["selected"] = {"yes"} if value is True else {"no"} if value is False else set()
    if kind is AnswerType.DATE:
        field["value"] = _date_input(value, lang)
    if kind is AnswerType.ITEMS:
        field["records"] = _records(section, question, value, problems or {}, lang)
        after = len(field["records"])
        field["add_label"] = (
            Text.message(DOMAIN, "item_add", item=question.item_label(after))(lang)
            if after < question.most_items
            else ""
        )
    return field


def _date_input(value: Any, lang: str) -> Any:
    """A stored day as the date field shows it for typing (``7.12.2026`` in German); a bad
    value as it was entered."""
    if isinstance(value, str):
        try:
            return format_date_input(dt.date.fromisoformat(value), lang)
        except ValueError:
            return value
    return value


def _records(
    section: Section,
    question: Question,
    value: Any,
    problems: dict[str, Message],
    lang: str,
) -> list[dict[str, Any]]:
    """The rows of an ITEMS question's form: one per stored record, then one blank row for a
    new record (unless the question takes no more)."""
    records = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
    rows: list[dict[str, Any]] = []
    for index, record in enumerate([*records, {}][: question.most_items]):
        fields = [
            _field(
                section,
                item,
                record,
                problems.get(item_field(question, index, item)),
                lang,
                name=item_field(question, index, item),
            )
            for item in question.items
        ]
        new = index == len(records)
        rows.append(
            {
                "index": index,
                "id": record.get(ITEM_ID, ""),
                "prefix": f"{question.key}-{index}-",
                "new": new,
                "legend": Text.message(DOMAIN, "item_new", item=question.item_label(index))(lang)
                if new
                else question.item_label(index)(lang),
                "remove_label": Text.message(
                    DOMAIN, "item_remove", item=question.item_label(index)
                )(lang),
                "fields": fields,
            }
        )
    return rows


def _flat(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fields and the fields of every record row, in the form's order (for the error
    summary)."""
    out: list[dict[str, Any]] = []
    for field in fields:
        out.append(field)
        for row in field.get("records", ()):
            out.extend(row["fields"])
    return out


def address_values(section: Section, values: dict[str, Any]) -> dict[str, str]:
    """The section's street, postcode and town answers (what places its pin)."""
    out = {"street": "", "postcode": "", "town": ""}
    for question in section.questions:
        part = "postcode" if question.answer is AnswerType.POSTCODE else question.target
        if part in out and isinstance(values.get(question.key), str):
            out[part] = values[question.key].strip()
    return out


def _address_fields(section: Section) -> dict[str, str]:
    """Form field names of the section's street, postcode and town questions, for the script
    that moves the pin when the address changes."""
    out: dict[str, str] = {}
    for question in section.questions:
        part = "postcode" if question.answer is AnswerType.POSTCODE else question.target
        if part in ("street", "postcode", "town"):
            out.setdefault(part, question.key)
    return out


def _group_label(question: Question, group: str | None, lang: str) -> str:
    if not group:
        return ""
    if question.key == "professions":
        return _label(vocab.profession_areas(), group, lang)
    return ""


def progress(
    platform: Platform, submission: flow.Submission, current: str, lang: str
) -> list[dict[str, Any]]:
    answered = set(submission.answers)
    return [
        {
            "key": s.key,
            "title": s.title(lang),
            "current": s.key == current,
            "done": s.key in answered and s.key != current,
        }
        for s in platform.questionnaire.sections
    ]


def step_view(
    platform: Platform,
    submission: flow.Submission,
    section: Section,
    problems: dict[str, Message],
    lang: str,
) -> dict[str, Any]:
    keys = platform.questionnaire.keys
    position = keys.index(section.key)
    values = dict(submission.answers.get(section.key) or {})
    fields = [
        _field(section, q, values, problems.get(q.key), lang, problems=problems)
        for q in section.questions
    ]
    region = platform.region
    map_config = {
        "tileUrl": platform.settings.map.tile_url,
        "attribution": map_attribution(lang),
        "center": [region.center.lat, region.center.lon],
        "regionZoom": region.zoom,
        "placeUrl": page_url("questionnaire.place", lang),
        "address": _address_fields(section),
        "texts": {
            key: translate(f"location.{key}", lang)
            for key in ("waiting", "searching", "moved", "failed", "marker")
        },
    }
    return {
        "submission": submission,
        "section": section,
        "fields": fields,
        "problems": [(f["id"] + "-wrap", f["problem"]) for f in _flat(fields) if f["problem"]],
        "position": position + 1,
        "total": len(keys),
        "steps": progress(platform, submission, section.key, lang),
        "previous": keys[position - 1] if position > 0 else None,
        "is_last": position + 1 == len(keys),
        "map_config": Markup(json.dumps(map_config, ensure_ascii=False).replace("<", "\\u003c")),
        "has_map": any(f["kind"] == "location" for f in fields),
        "multipart": any(f["kind"] == "image" for f in fields),
        **preview_view(platform, submission, lang),
    }


def still_map_config(platform: Platform) -> Markup:
    """What the still map of the review page needs (the profile's script draws it)."""
    config = {
        "tileUrl": platform.settings.map.tile_url,
        "attribution": map_attribution(),
    }
    return Markup(json.dumps(config, ensure_ascii=False).replace("<", "\\u003c"))


def preview_view(platform: Platform, submission: flow.Submission, lang: str) -> dict[str, Any]:
    """The profile the answers make, with labels of ``lang``, for ``_preview.html``."""
    try:
        company = flow.preview(platform, submission)
    except ValidationError:
        company = platform.questionnaire.apply({})
    consent = platform.questionnaire.consents(submission.answers).get("publish_contact", False)
    contact = (
        company.contact if consent and company.contact and not company.contact.is_empty() else None
    )
    story = company.extensions.get("core") or {}
    plugin_parts = []
    checked = platform.questionnaire.checked(submission.answers)
    for section in platform.questionnaire.sections:
        if section.plugin == "core":
            continue
        items = []
        for question in section.questions:
            value = checked.get(section.key, {}).get(question.key)
            if value in (None, "", []):
                continue
            items.append((question.label(lang), answer_text(question, value, lang)))
        if items:
            plugin_parts.append((section.title(lang), items))
    return {
        "preview": company,
        "preview_industry": _label(vocab.industries(), company.industry, lang),
        "preview_size": _label(vocab.size_classes(), company.size_class, lang),
        "preview_offers": [_label(vocab.offers(), c, lang) for c in company.offers],
        "preview_benefits": [_label(vocab.benefits(), c, lang) for c in company.benefits],
        "preview_family": [_label(vocab.family_features(), c, lang) for c in company.family],
        "preview_professions": [_label(vocab.professions(), c, lang) for c in company.professions],
        "preview_contact": contact,
        "preview_story": [
            (story_title(key)(lang), story.get(key))
            for key in STORY
            if isinstance(story.get(key), str) and story.get(key)
        ],
        "preview_plugins": plugin_parts,
        "preview_logo": submission.has_logo,
    }


def has_published_logo(platform: Platform, company: Company) -> bool:
    if company.id is None:
        return False
    with platform.session() as session:
        return submission_repo.company_logo(session, company.id) is not None
