from datetime import date

import pytest

from profiles.errors import MisperError
from profiles.periods import FinancialYear, Month, end_of_day


def test_month_bounds_are_london_midnights_across_dst():
    m = Month.parse("2026-03")
    assert m.start.isoformat() == "2026-03-01T00:00:00+00:00"
    assert Month.parse("2026-04").start.isoformat() == "2026-04-01T00:00:00+01:00"
    assert m.end == Month.parse("2026-04").start
    assert m.last_day == date(2026, 3, 31)


def test_month_arithmetic():
    m = Month.parse("2026-01")
    assert m.previous.label == "2025-12"
    assert m.same_month_last_year.label == "2025-01"
    t = m.trailing(12)
    assert (t.first_day, t.end_day) == (date(2025, 2, 1), date(2026, 2, 1))


def test_financial_year():
    fy = FinancialYear.parse("2025")
    assert (fy.first_day, fy.last_day, fy.label) == (date(2025, 4, 1), date(2026, 3, 31), "2025/26")


@pytest.mark.parametrize("bad", ["2026-13", "26-01", "2026/01", ""])
def test_bad_month_is_a_clear_error(bad):
    with pytest.raises(MisperError, match="^period: expected YYYY-MM"):
        Month.parse(bad)


def test_end_of_day():
    assert end_of_day(date(2026, 6, 30)).isoformat() == "2026-07-01T00:00:00+01:00"
