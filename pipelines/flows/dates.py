"""Default dates of a run, in London: the run date, the month before it, the year just ended."""

from __future__ import annotations

from datetime import date, datetime

from profiles.periods import LONDON, FinancialYear, Month, parse_date


def london_today() -> date:
    return datetime.now(LONDON).date()


def run_date_for(text: str | date | None, *, scheduled: datetime | None = None) -> date:
    """The run date printed on reports: as given, else the scheduled date, else today (London).

    A scheduled run that starts late (a server outage, a retry the next morning) still
    takes its date, and so its period, from when it was scheduled.
    """
    if isinstance(text, date):
        return text
    if text:
        return parse_date(text, "run_date")
    if scheduled is not None:
        return scheduled.astimezone(LONDON).date()
    return london_today()


def month_for(period: Month | str | None, run_date: date) -> Month:
    """``period`` (a Month, as the CLI passes it, or YYYY-MM, as a deployment's parameter
    arrives), or by default the month before the run date."""
    if isinstance(period, Month):
        return period
    if period:
        return Month.parse(period)
    return Month.of(run_date.year, run_date.month).previous


def financial_year_for(year: FinancialYear | str | int | None, run_date: date) -> FinancialYear:
    """``year`` (a FinancialYear, or the April it starts), or by default the financial year
    that ended last.

    Run in April 2026 (or any time up to 31 March 2027) the default is 2025/26.
    """
    if isinstance(year, FinancialYear):
        return year
    if year is not None and str(year).strip():
        return FinancialYear.parse(str(year))
    start = run_date.year - 1 if run_date.month >= 4 else run_date.year - 2
    return FinancialYear.of(start)
