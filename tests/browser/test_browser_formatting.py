"""The browser writes numbers and units exactly as the server does (core.formatting)."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import new_page

from core import format_amount, format_km, format_metres, format_minutes, format_number

VALUES = [0, 0.05, 0.8, 1.5, 2.45, 2.4, 9.96, 12.6, 153.4, 999.6, 1234.5, 2400, 65.2, 1250, 12.5]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_js_helper_matches_the_python_helper(browser: Any, live_server: Any, lang: str) -> None:
    page = new_page(browser, live_server, width=390, height=844)
    page.goto(f"{live_server.url}/barrierefreiheit?lang={lang}")
    shown = page.evaluate(
        """values => values.map(v => [RK.format.number(v, 1), RK.format.km(v),
             RK.format.metres(v), RK.format.minutes(v), RK.format.amount(v)])""",
        VALUES,
    )
    expected = [
        [
            format_number(v, lang, 1),
            format_km(v, lang),
            format_metres(v, lang),
            format_minutes(v, lang),
            format_amount(v, lang),
        ]
        for v in VALUES
    ]
    page.context.close()
    assert shown == expected
