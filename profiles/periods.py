"""Reporting periods: calendar months and financial years, in Europe/London time.

A period is half-open: ``start <= reported_at < end``. Bind ``start`` and ``end`` as
SQL parameters (``$period_start``, ``$period_end``); they are timezone-aware.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from profiles.errors import InvalidValue

LONDON = ZoneInfo("Europe/London")


def _local_midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=LONDON)


def _add_months(d: date, months: int) -> date:
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    """A span of whole days [first_day, end_day) in London time."""

    first_day: date
    end_day: date  # exclusive
    label: str

    @property
    def start(self) -> datetime:
        return _local_midnight(self.first_day)

    @property
    def end(self) -> datetime:
        return _local_midnight(self.end_day)

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end_day.toordinal() - 1)

    def params(self, prefix: str = "period") -> dict[str, datetime]:
        """``{"period_start": ..., "period_end": ...}`` for SQL binding."""
        return {f"{prefix}_start": self.start, f"{prefix}_end": self.end}


@dataclass(frozen=True)
class Month(Period):
    @classmethod
    def parse(cls, text: str) -> "Month":
        m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise InvalidValue("period", f"expected YYYY-MM, got '{text}'")
        return cls.of(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, year: int, month: int) -> "Month":
        first = date(year, month, 1)
        return cls(first, _add_months(first, 1), f"{year:04d}-{month:02d}")

    @property
    def year(self) -> int:
        return self.first_day.year

    @property
    def month(self) -> int:
        return self.first_day.month

    def shift(self, months: int) -> "Month":
        first = _add_months(self.first_day, months)
        return Month.of(first.year, first.month)

    @property
    def previous(self) -> "Month":
        return self.shift(-1)

    @property
    def same_month_last_year(self) -> "Month":
        return self.shift(-12)

    def trailing(self, months: int) -> Period:
        """The ``months`` whole months ending with this one (at least one)."""
        first = self.shift(-(check_months(months) - 1)).first_day
        return Period(first, self.end_day, f"{months} months to {self.label}")

    @property
    def title(self) -> str:
        return self.first_day.strftime("%B %Y")


@dataclass(frozen=True)
class FinancialYear(Period):
    """1 April YYYY to 31 March YYYY+1."""

    @classmethod
    def of(cls, year: int) -> "FinancialYear":
        return cls(date(year, 4, 1), date(year + 1, 4, 1), f"{year}/{str(year + 1)[-2:]}")

    @classmethod
    def parse(cls, text: str) -> "FinancialYear":
        if not re.fullmatch(r"\d{4}", str(text).strip()):
            raise InvalidValue("year", f"expected YYYY (the April it starts), got '{text}'")
        return cls.of(int(text))


def parse_date(text: str, field: str = "as_of") -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(field, f"expected YYYY-MM-DD, got '{text}'") from None


def check_months(months: int | None) -> int:
    """A number of whole months for a window: 1 or more (the one home of this rule)."""
    if months is None or months < 1:
        raise InvalidValue("months", f"expected 1 or more, got {months}")
    return months


def end_of_day(d: date) -> datetime:
    """The instant a London calendar day ends (exclusive bound)."""
    return _local_midnight(date.fromordinal(d.toordinal() + 1))
