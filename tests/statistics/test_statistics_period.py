"""The period of the dashboard: defaults, month and day series, the errors a form can make."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import ValidationError
from core.portal.statistics import Period

TODAY = dt.date(2026, 2, 14)


def test_the_default_is_the_last_twelve_months_up_to_today() -> None:
    period = Period.parse(None, "", today=TODAY)
    assert (period.start, period.end) == (dt.date(2025, 3, 1), TODAY)
    assert period.grain == "month"
    assert period.buckets() == [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]


def test_a_short_period_counts_per_day() -> None:
    period = Period.parse("2026-01-30", "2026-02-02", today=TODAY)
    assert period.grain == "day"
    assert period.buckets() == ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"]
    assert period.months() == ["2026-01", "2026-02"]
    start, end = period.bounds()
    assert start == dt.datetime(2026, 1, 30, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 2, 3, tzinfo=dt.UTC)


def test_only_an_end_before_the_default_start_starts_in_its_month() -> None:
    assert Period.parse("", "2024-05-20", today=TODAY) == Period(
        dt.date(2024, 5, 1), dt.date(2024, 5, 20)
    )


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("gestern", "", "start"),
        ("2026-01-01", "31.01.2026", "end"),
        ("2026-02-01", "2026-01-01", "end"),
    ],
)
def test_bad_dates_say_what_is_wrong(start: str, end: str, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Period.parse(start, end, today=TODAY)
    assert field in caught.value.errors
    assert "YYYY-MM-DD" in caught.value.message or "before it starts" in caught.value.message
