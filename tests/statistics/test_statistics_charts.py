"""The SVG charts: one bar per row, sized by value, labels escaped, a text alternative."""

from __future__ import annotations

import re

from webapp.admin.statistics import Figure, Row, bar_chart, column_chart

SCRIPT = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_bars_are_as_long_as_their_values_and_labels_are_escaped() -> None:
    figure = Figure(
        "profiles", "Meistaufgerufene Profile", (Row("1", SCRIPT, 40), Row("2", "B", 10))
    )
    svg = str(bar_chart(figure, "de"))
    widths = [float(w) for w in re.findall(r'<rect class="chart-bar"[^>]* width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == 4 * widths[1] > 0
    assert "<script" not in svg and "<img" not in svg and "&lt;script&gt;" in svg
    assert '<title id="chart-profiles-title">Meistaufgerufene Profile</title>' in svg
    assert "2 Einträge, insgesamt 50." in svg  # the description
    assert "style=" not in svg


def test_columns_show_every_period_and_the_peak_in_the_description() -> None:
    rows = tuple(Row(f"2026-{m:02d}", f"{m:02d}/2026", m * 3) for m in range(1, 13))
    svg = str(column_chart(Figure("months", "Neue Profile pro Monat", rows, chart="columns"), "en"))
    assert svg.count('<rect class="chart-bar"') == 12
    assert "Highest value: 36 (12/2026)." in svg
    heights = [float(h) for h in re.findall(r'height="([\d.]+)"><title>', svg)]
    assert heights == sorted(heights) and heights[0] > 0
