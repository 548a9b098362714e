"""The operators' statistics: dashboard (/admin/statistik), CSV export and a printable report.

The figures come from ``core.portal.statistics``. Charts are drawn here as inline SVG: no script, no
chart library, no style attribute (the CSP allows none of them; colours come from
``static/statistics.css``). Every chart has a title, a description and a data table below it,
for screen readers and for paper.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import evolve, frozen
from flask import Blueprint, Flask, Response, current_app, request, url_for
from markupsafe import Markup, escape

from core import classifications as vocab
from core.errors import ValidationError
from core.formatting import format_date_input, format_number
from core.io.csvfiles import csv_writer
from core.platform import Platform
from core.portal import statistics as stats
from core.portal.statistics_sections import StatisticsFigure, StatisticsPart, StatisticsRow
from webapp.admin.i18n import admin_language, translate
from webapp.admin.views import _page, operator_required
from webapp.portal.views import lang_args, security_headers
from webapp.questionnaire import flow as helpers

__all__ = ["Figure", "PluginPart", "Row", "blp", "figures", "init_statistics", "plugin_parts"]


def st(key: str, lang: str, **values: Any) -> str:
    """The statistics' text ``key`` in ``lang`` (the ``statistics.`` keys of the admin
    catalog), placeholders filled."""
    return translate(f"statistics.{key}", lang, **values)


# --- figures --------------------------------------------------------------------------------


#: One bar and one table row (core's, which plugin sections use too).
Row = StatisticsRow
#: A chart with its table (core's, which plugin sections use too).
Figure = StatisticsFigure


@frozen
class PluginPart:
    """A plugin's section as the dashboard shows it: its title and note in the page's
    language and what it counts for the period, its figures keyed ``<section>.<figure>``."""

    key: str
    title: str
    note: str
    part: StatisticsPart


def number(value: float, lang: str, digits: int = 0) -> str:
    """A number as people of ``lang`` write it (1.234,5 or 1,234.5)."""
    return format_number(value, lang, digits)


def percent(share: float, lang: str) -> str:
    return f"{number(share * 100, lang, 1)} %"


def day_label(day: dt.date, lang: str) -> str:
    return format_date_input(day, lang)


def _bucket_label(key: str, lang: str) -> str:
    if len(key) == 7:  # YYYY-MM
        year, month = key.split("-")
        return f"{month}/{year}" if lang == "de" else key
    return day_label(dt.date.fromisoformat(key), lang)


def _rows(counts: Iterable[stats.Count], label: Any) -> tuple[Row, ...]:
    return tuple(Row(c.key, label(c), c.count) for c in counts)


def _term(vocabulary: vocab.Vocabulary, code: str, lang: str, missing: str) -> str:
    if not code:
        return missing
    try:
        return vocabulary.get(code).label(lang)
    except ValidationError:
        return code


def _filter_label(platform: Platform, key: str, lang: str) -> str:
    if key == "q":
        return st("free_text", lang)
    if key == "near":
        return st("near", lang)
    return platform.filters[key].label(lang) if key in platform.filters else key


def _filter_value_label(platform: Platform, key: str, lang: str) -> str:
    name, _, code = key.partition("=")
    label = code
    if name in platform.filters:
        for choice in platform.filters[name].choices:
            if choice.value == code:
                label = choice.label(lang)
                break
    return f"{_filter_label(platform, name, lang)}: {label}"


def _step_title(platform: Platform, key: str, lang: str) -> str:
    try:
        section = platform.questionnaire.section(key)
    except KeyError:
        return key
    return st("funnel_step", lang, title=section.title(lang))


def figures(platform: Platform, found: stats.Statistics, lang: str) -> list[Figure]:
    """The dashboard's figures in ``lang``, in the order they are shown."""
    return [
        *_profile_figures(found, lang),
        _funnel_figure(platform, found.funnel, lang),
        *_usage_figures(platform, found, lang),
    ]


def _profile_figures(found: stats.Statistics, lang: str) -> list[Figure]:
    """Towns, industries, sizes, new profiles by month, completeness and its fields."""
    published = found.published
    completeness = found.completeness
    return [
        Figure(
            "towns",
            st("fig_towns", lang),
            _rows(found.by_town, lambda c: c.key or st("no_town", lang)),
            total=published,
        ),
        Figure(
            "industries",
            st("fig_industries", lang),
            _rows(
                found.by_industry,
                lambda c: (
                    f"{c.key} – {_term(vocab.industries(), c.key, lang, '')}"
                    if c.key
                    else st("no_industry", lang)
                ),
            ),
            total=published,
        ),
        Figure(
            "sizes",
            st("fig_sizes", lang),
            _rows(found.by_size, lambda c: _term(vocab.size_classes(), c.key, lang, c.key)),
            total=published,
        ),
        Figure(
            "months",
            st("fig_months", lang),
            _rows(found.by_month, lambda c: _bucket_label(c.key, lang)),
            chart="columns",
        ),
        Figure(
            "completeness",
            st("fig_completeness", lang),
            _rows(
                completeness.bands,
                lambda c: st("band", lang, low=c.key.split("-")[0], high=c.key.split("-")[1]),
            ),
            total=completeness.profiles,
            note=st("completeness_note", lang, count=len(stats.PROFILE_FIELDS)),
        ),
        Figure(
            "fields",
            st("fig_fields", lang),
            _rows(completeness.fields, lambda c: st(f"field_{c.key}", lang)),
            total=completeness.profiles,
        ),
    ]


def _funnel_figure(platform: Platform, funnel: stats.Funnel, lang: str) -> Figure:
    """The questionnaire: started, each step saved, submitted, approved."""
    return Figure(
        "funnel",
        st("fig_funnel", lang),
        (
            Row("started", st("funnel_started", lang), funnel.started),
            *(
                Row(f"step:{c.key}", _step_title(platform, c.key, lang), c.count)
                for c in funnel.steps
            ),
            Row("submitted", st("funnel_submitted", lang), funnel.submitted),
            Row("approved", st("funnel_approved", lang), funnel.approved),
        ),
        total=funnel.started,
        note=st("funnel_note", lang),
    )


def _usage_figures(platform: Platform, found: stats.Statistics, lang: str) -> list[Figure]:
    """Searches over time, the filters and values used, layers shown, profiles viewed."""
    searches_title = st(
        "fig_searches_day" if found.period.grain == "day" else "fig_searches_month", lang
    )
    layers = platform.layers
    return [
        Figure(
            "searches",
            searches_title,
            _rows(found.searches, lambda c: _bucket_label(c.key, lang)),
            chart="columns",
        ),
        Figure(
            "filters",
            st("fig_filters", lang),
            _rows(found.filters, lambda c: _filter_label(platform, c.key, lang)),
        ),
        Figure(
            "filter_values",
            st("fig_filter_values", lang),
            _rows(found.filter_values, lambda c: _filter_value_label(platform, c.key, lang)),
        ),
        Figure(
            "layers",
            st("fig_layers", lang),
            _rows(
                found.layers,
                lambda c: layers[c.key].label(lang) if c.key in layers else c.key,
            ),
        ),
        Figure(
            "profiles",
            st("fig_profiles", lang),
            _rows(found.profiles, lambda c: c.label or st("gone_profile", lang, id=c.key)),
        ),
    ]


def plugin_parts(
    platform: Platform, session: Any, period: stats.Period, lang: str
) -> list[PluginPart]:
    """The plugins' sections (``register_statistics``) for ``period`` in ``lang``, in plugin
    order, their figures' keys made unique on the page and in the CSV."""
    parts = []
    for key, section in platform.statistics_sections().items():
        part = section.collect(session, period, lang)
        part = StatisticsPart(
            numbers=part.numbers,
            figures=tuple(evolve(f, key=f"{key}.{f.key}") for f in part.figures),
        )
        parts.append(PluginPart(key, section.title(lang), section.note(lang), part))
    return parts


def summary(found: stats.Statistics, lang: str) -> list[tuple[str, str, str]]:
    """The key numbers: (CSV key, label, value as shown)."""
    new_profiles = sum(c.count for c in found.by_month)
    searches = sum(c.count for c in found.searches)
    return [
        ("published", st("published", lang), number(found.published, lang)),
        ("new_profiles", st("new_profiles", lang), number(new_profiles, lang)),
        (
            "completeness_mean_percent",
            st("completeness_mean", lang),
            percent(found.completeness.mean, lang),
        ),
        ("started", st("started", lang), number(found.funnel.started, lang)),
        ("submitted", st("submitted_total", lang), number(found.funnel.submitted, lang)),
        ("approved", st("approved_total", lang), number(found.funnel.approved, lang)),
        ("searches", st("searches_total", lang), number(searches, lang)),
        ("profile_views", st("views_total", lang), number(found.profile_views, lang)),
    ]


# --- charts as SVG --------------------------------------------------------------------------

WIDTH = 760
LABEL_WIDTH = 300
BAR_AREA = 380
ROW_HEIGHT = 26
BAR_HEIGHT = 18
COLUMN_HEIGHT = 200


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _describe(figure: Figure, lang: str) -> str:
    total = sum(r.value for r in figure.rows)
    if figure.chart == "columns" and figure.rows:
        text = st(
            "describe_series",
            lang,
            title=figure.title,
            rows=len(figure.rows),
            first=figure.rows[0].label,
            last=figure.rows[-1].label,
            total=number(total, lang),
        )
        peak = max(figure.rows, key=lambda r: r.value)
        if peak.value:
            text += st("describe_peak", lang, count=number(peak.value, lang), label=peak.label)
        return text
    text = st(
        "describe", lang, title=figure.title, rows=len(figure.rows), total=number(total, lang)
    )
    if figure.rows and figure.key != "funnel":
        top = max(figure.rows, key=lambda r: r.value)
        if top.value:
            text += st("describe_top", lang, label=top.label, count=number(top.value, lang))
    return text


def _svg(figure: Figure, lang: str, height: int, body: Sequence[str]) -> Markup:
    ident = f"chart-{figure.key}"
    head = (
        f'<svg class="chart chart-{figure.chart}" id="{ident}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(figure.title)}</title>'
        f'<desc id="{ident}-desc">{escape(_describe(figure, lang))}</desc>'
    )
    # every text in head and body went through escape() (labels may be company names)
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(figure: Figure, lang: str) -> Markup:
    """Horizontal bars, one per row, labelled on the left, the value at the bar's end."""
    top = max((r.value for r in figure.rows), default=0) or 1
    body = []
    for i, row in enumerate(figure.rows):
        y = 6 + i * ROW_HEIGHT
        width = round(BAR_AREA * row.value / top, 1)
        label = escape(_short(row.label, 40))
        value = escape(number(row.value, lang))
        body.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 14}" '
            f'text-anchor="end">{label}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{width}" '
            f'height="{BAR_HEIGHT}"><title>{escape(row.label)}: {value}</title></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + width + 6}" y="{y + 14}">{value}</text>'
        )
    return _svg(figure, lang, 12 + len(figure.rows) * ROW_HEIGHT, body)


def column_chart(figure: Figure, lang: str) -> Markup:
    """Vertical bars over time with a baseline, the largest value and spaced-out labels."""
    rows = figure.rows
    top = max((r.value for r in rows), default=0) or 1
    left, right, base = 60, WIDTH - 10, 20 + COLUMN_HEIGHT
    slot = (right - left) / max(1, len(rows))
    step = max(1, -(-len(rows) // 12))  # at most about 12 axis labels
    body = [
        f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}"/>',
        f'<text class="chart-value" x="{left - 6}" y="24" text-anchor="end">'
        f"{escape(number(top, lang))}</text>",
        f'<text class="chart-value" x="{left - 6}" y="{base}" text-anchor="end">0</text>',
    ]
    for i, row in enumerate(rows):
        height = round(COLUMN_HEIGHT * row.value / top, 1)
        x = round(left + i * slot + slot * 0.1, 1)
        value = escape(number(row.value, lang))
        body.append(
            f'<rect class="chart-bar" x="{x}" y="{round(base - height, 1)}" '
            f'width="{round(slot * 0.8, 1)}" height="{height}">'
            f"<title>{escape(row.label)}: {value}</title></rect>"
        )
        if i % step == 0:
            body.append(
                f'<text class="chart-tick" x="{round(x + slot * 0.4, 1)}" y="{base + 18}" '
                f'text-anchor="middle">{escape(_short(row.label, 10))}</text>'
            )
    return _svg(figure, lang, base + 28, body)


def chart(figure: Figure, lang: str) -> Markup:
    """The figure's SVG chart."""
    return column_chart(figure, lang) if figure.chart == "columns" else bar_chart(figure, lang)


# --- requests -------------------------------------------------------------------------------


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _period() -> tuple[stats.Period, bool]:
    """The period the request asks for (``von``, ``bis``), and whether it was valid."""
    try:
        return (
            stats.Period.parse(request.args.get("von"), request.args.get("bis"), today=_today()),
            True,
        )
    except ValidationError:
        return stats.Period.last_months(_today()), False


def _collect(
    platform: Platform, period: stats.Period, lang: str
) -> tuple[stats.Statistics, list[PluginPart]]:
    """Core's figures and the plugins' sections, read in one session."""
    with platform.session() as session:
        found = stats.collect(session, period, steps=platform.questionnaire.keys)
        return found, plugin_parts(platform, session, period, lang)


def _period_args(period: stats.Period, lang: str) -> dict[str, str]:
    return {"von": period.start.isoformat(), "bis": period.end.isoformat(), **lang_args(lang)}


def csv_text(
    found: stats.Statistics, rows: list[Figure], lang: str, parts: Sequence[PluginPart] = ()
) -> str:
    """Every figure as one CSV: figure, key, label, value (one row per bar or number); a
    plugin section's numbers are figure ``<section>``, its figures ``<section>.<figure>``."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(["figure", "key", "label", "value"])
    writer.writerow(["period", "start", st("start", lang), found.period.start.isoformat()])
    writer.writerow(["period", "end", st("end", lang), found.period.end.isoformat()])
    for key, label, _ in summary(found, lang):
        value: Any = {
            "published": found.published,
            "new_profiles": sum(c.count for c in found.by_month),
            "completeness_mean_percent": round(found.completeness.mean * 100, 1),
            "started": found.funnel.started,
            "submitted": found.funnel.submitted,
            "approved": found.funnel.approved,
            "searches": sum(c.count for c in found.searches),
            "profile_views": found.profile_views,
        }[key]
        writer.writerow(["summary", key, label, value])
    for part in parts:
        for item in part.part.numbers:
            value = "" if item.value is None else item.value
            writer.writerow([part.key, item.key, item.label, value])
    for figure in [*rows, *(f for part in parts for f in part.part.figures)]:
        for row in figure.rows:
            writer.writerow([figure.key, row.key, row.label, row.value])
    return out.getvalue()


blp = Blueprint(
    "statistics",
    __name__,
    url_prefix="/admin/statistik",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
blp.after_request(security_headers)


@blp.context_processor
def _admin_helpers() -> dict[str, Any]:
    # the operator pages' base template uses the helpers of the admin blueprint
    helpers_of_admin: dict[str, Any] = {}
    for processor in current_app.template_context_processors.get("admin", ()):
        helpers_of_admin.update(processor())
    return helpers_of_admin


@blp.after_request
def _private(response: Response) -> Response:
    if request.endpoint != "statistics.static":
        response.headers["Cache-Control"] = "private, no-store"
        response.headers.setdefault("X-Robots-Tag", "noindex")
    return response


#: The dashboard's sections and the figures each shows, in order.
SECTIONS = [
    ("profiles", ["towns", "industries", "sizes", "months", "completeness", "fields"]),
    ("questionnaire", ["funnel"]),
    ("usage", ["searches", "filters", "filter_values", "layers", "profiles"]),
]


def _context(report: bool) -> tuple[dict[str, Any], int]:
    """The template values of the dashboard or the report, and the status (400: the period
    asked for was invalid, the last twelve months are shown)."""
    platform = helpers.platform()
    lang = admin_language()
    period, valid = _period()
    found, parts = _collect(platform, period, lang)
    return {
        "st": lambda key, **values: st(key, lang, **values),
        "stats": found,
        "figures": {f.key: f for f in figures(platform, found, lang)},
        "sections": SECTIONS,
        "plugin_parts": parts,
        "summary": summary(found, lang),
        "chart": lambda figure: chart(figure, lang),
        "number": lambda value, digits=0: "–" if value is None else number(value, lang, digits),
        "percent": lambda share: percent(share, lang),
        "period_start": day_label(period.start, lang),
        "period_end": day_label(period.end, lang),
        "period_args": _period_args(period, lang),
        "period_error": not valid,
        "counting": platform.settings.statistics.usage_counting,
        "generated": day_label(_today(), lang),
        "stylesheet": url_for(
            "statistics.static",
            filename="statistics.css",
            v=current_app.extensions["regiokarte.portal"]["version"],
        ),
        "report": report,
    }, 200 if valid else 400


@blp.get("")
@operator_required
def dashboard() -> Any:
    values, status = _context(report=False)
    return _page("statistics.html", status, **values)


@blp.get("/bericht")
@operator_required
def report() -> Any:
    values, status = _context(report=True)
    return _page("statistics_report.html", status, **values)


@blp.get("/statistik.csv")
@operator_required
def export() -> Any:
    platform = helpers.platform()
    lang = admin_language()
    period, valid = _period()
    if not valid:
        return Response(st("period_error", lang), status=400, mimetype="text/plain")
    found, parts = _collect(platform, period, lang)
    text = csv_text(found, figures(platform, found, lang), lang, parts)
    name = f"statistik-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def init_statistics(app: Flask) -> None:
    """Register the statistics pages (operators only, see ``webapp.security``)."""
    app.register_blueprint(blp)
