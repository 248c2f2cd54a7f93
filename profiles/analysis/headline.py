"""The month's headline figures for page 1 of the problem profile ("at a glance").

Each figure is counted for the month, the month before and the same month a year earlier by
one query over the facts layer (sql/reports/headline.sql), so the three columns are the same
measure; the change on each is ``demand.change_on_last_year`` (the one rule for a change).
A red/amber/green status is given only where the force sets a threshold for the figure
(``settings.reports.glance_thresholds``); by default none is set and no status is given.

The counts are the police view; the report's glance section puts them through disclosure
for partner and public.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from profiles.analysis.demand import change_on_last_year
from profiles.analysis.people import repeat_window
from profiles.categories import RISK_ORDER
from profiles.config import ConfigError, GlanceThreshold, Settings
from profiles.db import query_df
from profiles.periods import Month


@dataclass(frozen=True)
class HeadlineFigure:
    """One page-1 figure: its id (the row of ``tables/at_a_glance.csv``), the column of
    sql/reports/headline.sql that counts it and, where a share makes sense, the column
    counting the share's base."""

    id: str
    base: str | None = None


#: The page-1 figures, in the order shown.
FIGURES: tuple[HeadlineFigure, ...] = (
    HeadlineFigure("calls"),
    HeadlineFigure("incidents"),
    HeadlineFigure("individuals"),
    HeadlineFigure("child_incidents", base="incidents"),
    HeadlineFigure("looked_after_child_incidents", base="child_incidents"),
    HeadlineFigure("repeat_people"),
    HeadlineFigure("high_risk_incidents", base="incidents"),
    HeadlineFigure("open_people"),
    HeadlineFigure("interviews_offered_in_time", base="child_returns"),
)
FIGURE_IDS: tuple[str, ...] = tuple(f.id for f in FIGURES)

#: The columns of the headline table (``tables/at_a_glance.csv`` adds the figure's label).
COLUMNS: tuple[str, ...] = (
    "figure", "count", "base", "share", "last_month", "change_on_last_month", "pct_change_on_last_month",
    "same_month_last_year", "change_on_last_year", "pct_change_on_last_year", "status",
)


def month_figures(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month) -> pd.Series:
    """Every headline count of ``month`` (one row of sql/reports/headline.sql)."""
    window = repeat_window(settings, month.last_day)
    row = query_df(con, "reports/headline.sql", {
        **month.params(), "repeat_start": window.start, "threshold": settings.repeat.threshold,
        "hours": settings.safeguarding.return_interview_hours, "high": RISK_ORDER[-1],
    })
    return row.iloc[0].astype("int64")


def _relative(now: int, before: int) -> float | None:
    relative = change_on_last_year(now, before)[1]
    return None if relative is None else round(float(relative), 4)


def check_thresholds(settings: Settings) -> dict[str, GlanceThreshold]:
    """The configured thresholds, each naming a page-1 figure (else a ConfigError)."""
    thresholds = settings.reports.glance_thresholds
    unknown = sorted(set(thresholds) - set(FIGURE_IDS))
    if unknown:
        raise ConfigError(f"reports.glance_thresholds: unknown figure(s) {', '.join(unknown)}; "
                          f"expected some of {', '.join(FIGURE_IDS)}")
    return thresholds


def rag_status(value: float | None, threshold: GlanceThreshold) -> str | None:
    """``red``, ``amber`` or ``green`` for ``value`` against ``threshold`` (None without a value).

    ``worse: higher``: red at or above ``red``, amber at or above ``amber``; ``worse: lower``:
    red at or below ``red``, amber at or below ``amber``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    sign = 1 if threshold.worse == "higher" else -1
    if sign * value >= sign * threshold.red:
        return "red"
    if sign * value >= sign * threshold.amber:
        return "amber"
    return "green"


def headline(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month) -> pd.DataFrame:
    """The page-1 table: one row per figure of ``FIGURES`` (columns ``COLUMNS``).

    ``count`` is the month's; ``base`` and ``share`` (``count / base``, 4 places) only where a
    share makes sense; ``last_month`` and ``same_month_last_year`` the same measure for those
    months, with the change on each (``count - before``) and its fraction of ``before``
    (``pct_change_*``: 0.25 = up 25%; empty when ``before`` is 0); ``status`` red, amber or
    green where ``settings.reports.glance_thresholds`` sets a threshold for the figure."""
    thresholds = check_thresholds(settings)
    now = month_figures(con, settings, month)
    previous = month_figures(con, settings, month.previous)
    last_year = month_figures(con, settings, month.same_month_last_year)
    rows = []
    for figure in FIGURES:
        count, before, year_ago = int(now[figure.id]), int(previous[figure.id]), int(last_year[figure.id])
        base = int(now[figure.base]) if figure.base else None
        share = round(count / base, 4) if base else None
        row = {
            "figure": figure.id, "count": count, "base": base, "share": share,
            "last_month": before, "change_on_last_month": count - before,
            "pct_change_on_last_month": _relative(count, before),
            "same_month_last_year": year_ago, "change_on_last_year": count - year_ago,
            "pct_change_on_last_year": _relative(count, year_ago),
        }
        threshold = thresholds.get(figure.id)
        row["status"] = rag_status(row[threshold.on], threshold) if threshold else None
        rows.append(row)
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({"base": "Int64"})
