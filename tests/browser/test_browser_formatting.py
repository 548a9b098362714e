"""The browser writes numbers and units exactly as the server does (core.formatting)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from browser_support import new_page

from core import (
    format_amount,
    format_date,
    format_km,
    format_metres,
    format_minutes,
    format_number,
    format_quantity,
)

VALUES = [0, 0.05, 0.8, 1, 1.5, 2.45, 2.4, 9.96, 12.6, 153.4, 999.6, 1234.5, 2400, 65.2, 125,
          1250, 12.5, -3.25]  # fmt: skip
DAYS = ["2026-01-01", "2026-03-01", "2026-05-31", "2026-12-07"]


@pytest.mark.parametrize("lang", ["de", "en", "tr", "ar"])
def test_js_helper_matches_the_python_helper(browser: Any, live_server: Any, lang: str) -> None:
    page = new_page(browser, live_server, width=390, height=844)
    page.goto(f"{live_server.url}/barrierefreiheit?lang={lang}")
    shown = page.evaluate(
        """values => values.map(v => [RK.format.number(v, 1), RK.format.km(v),
             RK.format.metres(v), RK.format.minutes(v), RK.format.amount(v),
             RK.format.quantity(v, 'm²'), RK.format.quantity(v, '/h')])""",
        VALUES,
    )
    days = page.evaluate("days => days.map(d => RK.format.date(d))", DAYS)
    expected = [
        [
            format_number(v, lang, 1),
            format_km(v, lang),
            format_metres(v, lang),
            format_minutes(v, lang),
            format_amount(v, lang),
            format_quantity(v, "m²", lang),
            format_quantity(v, "/h", lang),
        ]
        for v in VALUES
    ]
    page.context.close()
    assert shown == expected
    assert days == [format_date(dt.date.fromisoformat(d), lang) for d in DAYS]
