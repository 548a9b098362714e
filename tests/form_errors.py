"""A form's error report as a person meets it, read from the HTML with the standard library's
parser (not with the templates' own macros): every problem in the summary at the top, each a
link to its field; the same message at the field, which the control names and marks invalid;
what was typed or ticked still in the form."""

from __future__ import annotations

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class FormPage(HTMLParser):
    """Elements by id (tag, attributes, text), the error summary's links, controls' values."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: dict[str, dict[str, str]] = {}
        self.tags: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self.summary: list[tuple[str, str]] = []
        self.summaries = 0
        self.selected: dict[str, list[str]] = {}
        self._open: list[tuple[str, str | None]] = []
        self._link: list[str] | None = None
        self._select: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        ident = values.get("id")
        if ident:
            assert ident not in self.attrs, f"the id {ident!r} is on the page twice"
            self.attrs[ident], self.tags[ident], self.texts[ident] = values, tag, ""
        if "error-summary" in values.get("class", "").split():
            self.summaries += 1
        if tag == "a" and self._in_summary():
            self._link = [values.get("href", ""), ""]
        if tag == "select":
            self._select = ident
        if tag == "option" and self._select and "selected" in values:
            self.selected.setdefault(self._select, []).append(values.get("value", ""))
        if tag not in VOID:
            self._open.append((tag, ident))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.summary.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None
        if tag == "select":
            self._select = None
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                break

    def handle_data(self, data: str) -> None:
        for _, ident in self._open:
            if ident:
                self.texts[ident] += data
        if self._link is not None:
            self._link[1] += data

    def _in_summary(self) -> bool:
        return any(ident == "error-summary" for _, ident in self._open)

    def text(self, ident: str) -> str:
        return " ".join(self.texts[ident].split())


def assert_reports(
    html: str, problems: dict[str, str], kept: dict[str, str | bool] | None = None
) -> FormPage:
    """``html`` reports exactly ``problems`` (control id -> message) in its one summary and at
    each control, and its controls still hold ``kept`` (a text, or a tick as True)."""
    page = FormPage(html)
    assert page.summaries == 1, "one error summary at the top of the form"
    assert page.attrs["error-summary"].get("role") == "alert"
    assert page.summary == [(f"#{ident}", said) for ident, said in problems.items()], page.summary
    for ident, said in problems.items():
        control = page.attrs[ident]
        assert page.text(f"{ident}-error") == said, ident
        assert f"{ident}-error" in control.get("aria-describedby", "").split(), ident
        assert control.get("aria-invalid") == "true", ident
    for ident, value in (kept or {}).items():
        control, tag = page.attrs[ident], page.tags[ident]
        if value is True:
            assert "checked" in control, f"{ident} is still ticked"
        elif tag == "select":
            assert page.selected.get(ident) == [value], ident
        elif tag == "textarea":
            assert page.texts[ident] == value, ident
        else:
            assert control.get("value") == value, ident
    return page
