"""The page "Leichte Sprache": its text is a small Markdown file the operator can replace.

Leichte Sprache (easy-to-read German, rules of the Netzwerk Leichte Sprache) sets every
sentence on a line of its own, so the file is read line by line and each line stays a line on
the page. The accepted Markdown is deliberately small, and anything else is refused at start-up
with the line number, so an operator's typo never reaches readers as stray symbols:

- ``# Title`` once, on the first line; ``## Heading`` for each part;
- text lines (a blank line starts a new paragraph); ``- item`` lines form a list;
- ``**word**`` in bold (the Netzwerk's way to mark a word that is explained next);
- ``[text](target)`` links to ``https://``, ``http://``, ``mailto:``, ``/path`` or a URL
  placeholder such as ``{search_url}``;
- ``{name}`` placeholders from the portal's settings (``PLACEHOLDERS``), and ``{contact}`` alone
  on a line for the operator's name, postal address and e-mail address.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from markupsafe import Markup, escape

from core.errors import ConfigError

__all__ = ["DEFAULT_TEXT", "PLACEHOLDERS", "EasyText", "load_easy_text", "parse_easy_text"]

#: The shipped text (German, Leichte Sprache); ``portal.easy_language`` replaces it.
DEFAULT_TEXT = Path(__file__).parent / "leichte-sprache.md"

#: Placeholders a text may use, with what they stand for (docs/leichte-sprache.md lists them too).
PLACEHOLDERS = {
    "portal": "the portal's title (portal.title)",
    "region": "the region's name",
    "operator": "who runs the portal (portal.operator)",
    "contact_email": "the contact e-mail address (portal.contact_email)",
    "search_url": "the start page with search, map and list",
    "questionnaire_url": "the questionnaire for companies",
    "watchlist_url": "the watch list",
    "accessibility_url": "the accessibility statement",
    "imprint_url": "the legal notice (Impressum)",
    "privacy_url": "the privacy notice",
}
CONTACT = "{contact}"

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_INLINE = re.compile(r"\*\*(?P<strong>[^*]+)\*\*|\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_SAFE_TARGET = re.compile(r"(https?://|mailto:|/)\S*|\{\w+_url\}")


@attrs.frozen
class Block:
    """One block of the page: a heading, a paragraph (its lines), a list or the contact."""

    kind: str  # "h2", "p", "ul" or "contact"
    lines: tuple[str, ...] = ()


@attrs.frozen
class EasyText:
    """A checked text: its title and blocks, rendered per request with the portal's values."""

    source: str
    title: str
    blocks: tuple[Block, ...]

    def render_title(self, values: Mapping[str, str]) -> Markup:
        return _inline(self.title, values)

    def render(self, values: Mapping[str, str], contact: Markup) -> Markup:
        """The page body as HTML; ``values`` fill the placeholders (they are escaped here)."""
        parts: list[str] = []
        for block in self.blocks:
            if block.kind == "h2":
                parts.append(f"<h2>{_inline(block.lines[0], values)}</h2>")
            elif block.kind == "p":
                # a line of its own per sentence, set apart from a sentence that wraps
                lines = "\n".join(
                    f'<span class="easy-line">{_inline(line, values)}</span>'
                    for line in block.lines
                )
                parts.append(f"<p>{lines}</p>")
            elif block.kind == "ul":
                items = "".join(f"<li>{_inline(line, values)}</li>" for line in block.lines)
                parts.append(f"<ul>{items}</ul>")
            else:
                parts.append(str(contact))
        return Markup("\n".join(parts))


def _inline(line: str, values: Mapping[str, str]) -> Markup:
    out: list[Markup] = []
    position = 0
    for match in _INLINE.finditer(line):
        out.append(_fill(line[position : match.start()], values))
        if match["strong"] is not None:
            out.append(Markup("<strong>%s</strong>") % _fill(match["strong"], values))
        else:
            target = _PLACEHOLDER.sub(lambda m: values[m[1]], match["target"])
            out.append(Markup('<a href="%s">%s</a>') % (target, _fill(match["text"], values)))
        position = match.end()
    out.append(_fill(line[position:], values))
    return Markup("").join(out)


def _fill(text: str, values: Mapping[str, str]) -> Markup:
    pieces = _PLACEHOLDER.split(text)
    # split() alternates text and placeholder names: escape both, the values are settings
    return Markup("").join(
        escape(values[piece]) if index % 2 else _unbroken(piece)
        for index, piece in enumerate(pieces)
    )


def _unbroken(text: str) -> Markup:
    """``text`` escaped, its hyphenated words (Arbeit-Geber) kept on one line: Leichte Sprache
    never splits a word at the end of a line."""
    out: list[Markup] = []
    position = 0
    for match in _HYPHENATED.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(Markup('<span class="easy-word">%s</span>') % match.group())
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("").join(out)


def parse_easy_text(text: str, source: str) -> EasyText:
    """Check ``text`` (see the module docstring) and return it as blocks.

    Raises ConfigError naming ``source``, the line and the fix for anything it does not accept.
    """

    def refuse(number: int, problem: str) -> ConfigError:
        return ConfigError(f"The Leichte Sprache text {source!r}, line {number}: {problem}")

    lines = text.splitlines()
    numbered = [(number, line.rstrip()) for number, line in enumerate(lines, 1)]
    content = [(number, line) for number, line in numbered if line.strip()]
    if not content or not content[0][1].startswith("# "):
        raise refuse(
            content[0][0] if content else 1,
            "the text must begin with its title as '# Title' (for example '# Leichte Sprache').",
        )
    title_number, title_line = content[0]
    title = title_line[2:].strip()
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[str] = []

    def close() -> None:
        if paragraph:
            blocks.append(Block("p", tuple(paragraph)))
            paragraph.clear()
        if items:
            blocks.append(Block("ul", tuple(items)))
            items.clear()

    _check_inline(title, title_number, refuse)
    for number, line in numbered[title_number:]:
        stripped = line.strip()
        if not stripped:
            close()
        elif stripped == CONTACT:
            close()
            blocks.append(Block("contact"))
        elif stripped.startswith("## "):
            close()
            heading = stripped[3:].strip()
            _check_inline(heading, number, refuse)
            blocks.append(Block("h2", (heading,)))
        elif stripped.startswith("#"):
            raise refuse(
                number,
                f"{stripped.split()[0]!r} is not a heading this page knows: use '# ' once for "
                "the title and '## ' for each part.",
            )
        elif stripped.startswith(("- ", "* ")):
            if paragraph:
                close()
            item = stripped[2:].strip()
            _check_inline(item, number, refuse)
            items.append(item)
        else:
            if items:
                close()
            _check_inline(stripped, number, refuse)
            paragraph.append(stripped)
    close()
    if not blocks:
        raise refuse(title_number, "the text has a title but nothing under it.")
    return EasyText(source=source, title=title, blocks=tuple(blocks))


def _check_inline(line: str, number: int, refuse: Any) -> None:
    for match in _INLINE.finditer(line):
        target = match["target"]
        if target is not None and not _SAFE_TARGET.fullmatch(target):
            raise refuse(
                number,
                f"the link target {target!r} is not allowed: use an address beginning with "
                "https://, http://, mailto: or /, or a page placeholder such as {search_url}.",
            )
    for name in _PLACEHOLDER.findall(line):
        if name == "contact":
            raise refuse(number, "{contact} must stand alone on its line.")
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + key + "}" for key in [*PLACEHOLDERS, "contact"])
            raise refuse(number, f"the placeholder {{{name}}} is unknown; known are {known}.")
    rest = _INLINE.sub("", line)
    if "**" in rest:
        raise refuse(number, "a '**' has no partner: mark bold words as **word**.")
    if re.search(r"\]\(", rest):
        raise refuse(number, "a link is not complete: write it as [text](address).")


def load_easy_text(path: str | Path | None) -> EasyText:
    """The operator's text (``portal.easy_language``), or the shipped one when ``path`` is empty."""
    file = Path(path) if path else DEFAULT_TEXT
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"portal.easy_language {str(file)!r} does not exist; name a Markdown file (relative "
            "to the configuration file) or leave the setting empty for the built-in text."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"portal.easy_language {str(file)!r} cannot be read as UTF-8 text: {exc}."
        ) from None
    return parse_easy_text(text, str(file) if path else "built-in text")
