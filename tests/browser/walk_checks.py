"""What the walk over the public pages checks on each page (tests/browser/test_browser_walk.py).

The lists the checks hold a page against are derived from the running app, never written out
by hand: the texts of every registered catalog (another language's sentence on a page), and
the codes a page must never show as text (raw codes): every code of core's vocabularies, every
option of every questionnaire section (core's and the plugins'), every choice of every search
filter, every value the API lists as an ``enum`` (sort keys such as ``-rent``, statuses), every
catalog key (``portal.not_found_title``) and every key suffix that is no word (``u3``,
``3to6``, ``deutschlandticket_job``). A new plugin, filter or sort order is checked without
touching the walk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from attrs import frozen

from core import classifications
from core.i18n import catalogs

#: what must never stand alone in a page's text besides the derived codes: Python's and
#: JavaScript's empty values and a browser date field's English pattern
EMPTY_VALUES = frozenset({"None", "null", "undefined", "NaN", "True", "False", "mm/dd/yyyy"})

#: a word as people write it: letters only (a code such as ``u3``, ``3to6`` or
#: ``job_ticket`` is none); numbers and single capitals (WZ sections, KldB groups) are too
#: common in prose to count as codes on their own
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"\d+")
#: where a catalog text is cut into runs of words: placeholders and sentence punctuation
#: (Latin and Arabic)
_CUT = re.compile(r"\{[^}]*\}|[.:;!?()\n،؛؟«»„“”]")
#: what surrounds a token in running text
_PUNCTUATION = ",.;:!?()[]{}\"'«»„“”‚‘’…·–—"


@frozen
class Visit:
    """One page state of the walk.

    ``path`` is opened in the default language; the other languages are reached with the
    header's language switcher (``switcher``) or, for a page without one (the embedded map),
    by its ``lang`` parameter. ``submit`` names the button of a form that is sent empty in
    every language, so that the page with the form's error messages is checked. ``status``
    is the page's HTTP status (a not-found page answers 404, a refused form 422): the
    browser's console line for it is expected.
    """

    path: str
    submit: str | None = None
    switcher: bool = True
    status: int = 200


# --- raw codes ------------------------------------------------------------------------------


def is_word(token: str) -> bool:
    return bool(_WORD.fullmatch(token))


def _enum_values(node: Any) -> Iterator[str]:
    """Every string in an ``enum`` of an OpenAPI document."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "enum" and isinstance(value, list):
                yield from (v for v in value if isinstance(v, str))
            else:
                yield from _enum_values(value)
    elif isinstance(node, list):
        for item in node:
            yield from _enum_values(item)


def vocabulary_codes(app: Any) -> set[str]:
    """The codes of the running portal: core's vocabularies, the questionnaire's options,
    the search filters' choices and the API's enumerations (sort orders among them)."""
    platform = app.extensions["regiokarte"]
    codes: set[str] = set()
    for name in (
        "industries",
        "industry_divisions",
        "profession_areas",
        "professions",
        "size_classes",
        "family_features",
        "certificates",
        "offers",
        "benefits",
        "statuses",
    ):
        codes.update(classifications.vocabulary(name).codes)
    for _, question in platform.questionnaire.questions():
        codes.update(option.value for option in question.options)
    for spec in platform.filters:
        codes.update(spec.choice_values)
    spec = app.test_client().get("/api/openapi.json")
    assert spec.status_code == 200, "the API describes itself at /api/openapi.json"
    codes.update(_enum_values(spec.get_json()))
    return {code for code in codes if code}


def catalog_keys() -> set[str]:
    """Every key of every registered catalog, alone and after its domain (``not_found_title``,
    ``portal.not_found_title``)."""
    keys = set()
    for domain in catalogs().values():
        keys.update(domain.keys())
        keys.update(f"{domain.domain}.{key}" for key in domain.keys())
    return keys


def words_of(lang: str) -> set[str]:
    """The words of every catalog text in ``lang`` (what the language itself writes)."""
    found: set[str] = set()
    for domain in catalogs().values():
        for text in domain.texts(lang).values():
            found.update(_WORD.findall(text))
    return found


@frozen
class RawCodes:
    """What a page in one language must not show as a word of its own."""

    #: codes that are no word (``u3``, ``-rent``, ``job_fair``) and full catalog keys
    always: frozenset[str]
    #: codes that are a word in English (``rent``, ``micro``) but none of the language's own
    words: frozenset[str]

    @classmethod
    def derive(cls, app: Any, lang: str, english: str = "en") -> RawCodes:
        keys = catalog_keys()
        codes = vocabulary_codes(app) | {key.rsplit(".", 1)[-1] for key in keys}
        # a key with a dot is never a word; its last part counts when it is none either
        always = {k for k in keys if "." in k}
        always |= {c for c in codes if not is_word(c) and not _NUMBER.fullmatch(c)}
        always -= {c for c in always if len(c) == 1}
        worded: set[str] = set()
        if lang != english:
            own = words_of(lang)
            # a code written in lower case that the language never writes: an API value on a
            # German page ("rent", "newest"); a capitalised code is a name ("Jobcenter")
            worded = {c for c in codes if is_word(c) and c.islower() and c not in own}
        return cls(frozenset(always | EMPTY_VALUES), frozenset(worded))

    def found_in(self, text: str) -> list[str]:
        """The raw codes that stand as tokens in ``text``, sorted."""
        tokens: set[str] = set()
        for raw in text.split():
            token = raw.strip(_PUNCTUATION)
            tokens.add(token)
            tokens.update(part.strip(_PUNCTUATION) for part in token.split("/"))
        return sorted(tokens & (self.always | self.words))


# --- another language ---------------------------------------------------------------------------


def runs(text: str) -> list[str]:
    """The runs of at least three words in ``text``, placeholders cut out."""
    parts = (" ".join(part.split()) for part in _CUT.split(text))
    return [run for run in parts if len(run.split()) >= 3]


def other_languages(lang: str, languages: Iterable[str]) -> frozenset[str]:
    """What a page in ``lang`` must not show: the texts of every catalog in every other
    offered language, as runs of at least three words (so that a shared word, ``Name``,
    ``Jobcenter``, counts not), leaving out runs that ``lang``'s own texts hold too (a name
    such as "Bundesagentur für Arbeit" inside a Turkish sentence)."""
    every = catalogs().values()
    own = "\n".join(text for domain in every for text in domain.texts(lang).values())
    foreign: set[str] = set()
    for other in languages:
        if other == lang:
            continue
        for domain in every:
            mine = domain.texts(lang)
            for key, text in domain.texts(other).items():
                if text == mine.get(key):
                    continue  # the same in both languages (a brand, a unit)
                foreign.update(run for run in runs(text) if run not in own)
    return frozenset(foreign)


def data_texts(app: Any) -> tuple[str, ...]:
    """What people and companies wrote, shown as written in every language: the companies'
    names and the titles of every map layer's records (Kitas, homes, stops, courses, events,
    the events' actors). Longest first, so that a title is cut out before a name inside it."""
    platform = app.extensions["regiokarte"]
    client = app.test_client()
    found = set(platform.engine.index.names)
    for layer in client.get("/api/v1/layers").get_json()["layers"]:
        if layer["id"] == "companies":
            continue
        answer = client.get(f"/api/v1/layers/{layer['id']}")
        assert answer.status_code == 200, f"layer {layer['id']}: {answer.status_code}"
        for feature in answer.get_json()["features"]:
            props = feature.get("properties", {})
            found.update(
                str(v)
                for v in (
                    props.get("title"),
                    props.get("name"),
                    (props.get("popup") or {}).get("title"),
                )
                if v
            )
    return tuple(sorted(found, key=len, reverse=True))


# --- what the page shows --------------------------------------------------------------------

#: Read in the page: its language and direction, its width, every visible form control with
#: the computed style that tells a styled one from the browser's default, and the text a
#: person reads (the visible text, the options of choice lists, placeholders, accessible
#: names and tooltips). What people and companies wrote (names, titles, descriptions) is data,
#: not the page's text: titles of cards and pages, and parts marked in another language.
LOOK = """() => {
  const visible = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden'
      && style.opacity !== '0' && !el.closest('.hp');  // .hp: the honeypot nobody sees
  };
  const TEXT_LIKE = ['', 'text', 'email', 'search', 'tel', 'url', 'number', 'password', 'date',
                     'time', 'datetime-local', 'month', 'week'];
  const BUTTONS = ['submit', 'button', 'reset', 'image'];
  const controls = [];
  document.querySelectorAll('input, select, textarea, button').forEach(el => {
    const type = el.tagName === 'INPUT' ? (el.getAttribute('type') || '').toLowerCase()
      : el.tagName.toLowerCase();
    if (type === 'hidden' || !visible(el)) return;
    const style = getComputedStyle(el);
    let kind = 'field';
    if (type === 'checkbox' || type === 'radio') kind = 'tick';
    else if (type === 'file') kind = 'file';
    else if (type === 'button' || BUTTONS.includes(type)) kind = 'button';
    else if (type === 'range' || type === 'color') kind = 'other';
    else if (el.tagName === 'INPUT' && !TEXT_LIKE.includes(type)) kind = 'other';
    const file = type === 'file' ? getComputedStyle(el, '::file-selector-button') : null;
    const box = el.getBoundingClientRect();
    controls.push({
      name: (el.id ? '#' + el.id : el.name || el.className || type) + ' (' + type + ')',
      kind: kind, type: type, hidden: el.getAttribute('aria-hidden') === 'true',
      height: box.height, width: box.width,
      border: style.borderTopStyle, background: style.backgroundColor,
      fontSize: style.fontSize, accent: style.accentColor, appearance: style.appearance,
      fileBackground: file ? file.backgroundColor : '', fileBorder: file ? file.borderTopStyle : '',
    });
  });
  const page = document.documentElement.lang;
  const copy = document.body.cloneNode(true);
  const data = 'h1, .kit-card h3, .hit h3, script, style, template, noscript, [lang]';
  copy.querySelectorAll(data).forEach(el => {
    if (el.matches('[lang]') && el.getAttribute('lang') === page) return;
    el.remove();
  });
  const read = [];
  copy.querySelectorAll('option').forEach(el => read.push(el.textContent));
  copy.querySelectorAll('[placeholder], [aria-label], [title], [alt]').forEach(el => {
    for (const name of ['placeholder', 'aria-label', 'title', 'alt']) {
      if (el.hasAttribute(name)) read.push(el.getAttribute(name));
    }
  });
  copy.style.position = 'absolute';
  document.body.appendChild(copy);
  const text = copy.innerText;
  copy.remove();
  return {text: text + '\\n' + read.join('\\n'), width: document.documentElement.scrollWidth,
          controls: controls, lang: page, dir: document.documentElement.dir};
}"""

#: what the browser itself paints a control with (Chromium's user-agent style sheet)
_BROWSER_BUTTON = "rgb(239, 239, 239)"
_BROWSER_FONT = "13.3333px"


def unstyled(control: Mapping[str, Any]) -> str:
    """Why a control looks like the browser's default, "" when it is styled."""
    kind = control["kind"]
    if control["type"] == "date" and not control["hidden"]:
        # the web kit's date field is text in the page's format, the calendar behind a button
        return "a browser date field, in the format of the browser's language, not the page's"
    if kind == "field":
        if control["border"] in ("none", "inset") or control["height"] < 36:
            return "no border or less than 36 px high"
        if control["fontSize"] == _BROWSER_FONT:
            return "the browser's font"
    elif kind == "tick":
        if control["accent"] == "auto" and control["appearance"] != "none":
            return "the browser's colour"
        if min(control["width"], control["height"]) < 16:
            return "smaller than 16 px"
    elif kind == "file":
        if control["fileBackground"] == _BROWSER_BUTTON or control["fileBorder"] == "outset":
            return "the browser's file button"
    elif kind == "button":
        if control["border"] == "outset" or control["background"] == _BROWSER_BUTTON:
            return "the browser's button"
        if control["fontSize"] == _BROWSER_FONT:
            return "the browser's font"
    return ""
