"""Demand and time: the monthly trend with control limits, same month last year, the
day-of-week by hour-of-day pattern, who goes missing and how episodes go, and the cost
of demand. Definitions follow ../shared/DOMAIN.md; docs/methods.md explains each.

Three grains are never mixed: calls, incidents (episodes) and individuals (persons).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from profiles.analysis.places_common import require_tables
from profiles.canonical import FOUND_BY_CODES, MISSING_FROM_TYPES, OUTCOME_CODES, RISK_CODES
from profiles.config import Settings
from profiles.db import query_df
from profiles.errors import InvalidValue
from profiles.periods import Month, Period, check_months

#: XmR (individuals and moving range) chart constant: 3 / d2 with d2 = 1.128 for ranges of two.
XMR_CONSTANT = 2.66
#: A run of this many months on one side of the centre line is a signal too.
RUN_LENGTH = 8

#: Every category of each breakdown, in display order (zero rows are kept).
CATEGORY_ORDER: dict[str, tuple[str, ...]] = {
    "age_band": ("0-11", "12-14", "15-17", "18-21", "22-39", "40-59", "60-79", "80+", "unknown"),
    "gender": ("male", "female", "other", "unknown"),
    "ethnic_group": ("white", "black", "asian", "chinese_japanese_se_asian", "middle_eastern", "other_unknown"),
    "risk_initial": RISK_CODES,
    "risk_highest": RISK_CODES,
    "duration_band": ("0-8h", "8-24h", "24-48h", "2-7d", "7-28d", "28d-1y", "over_1y", "still_missing"),
    "found_by": (*FOUND_BY_CODES, "not_recorded", "still_missing"),
    "outcome": (*OUTCOME_CODES, "not_recorded", "still_missing"),
    "missing_from_type": (*MISSING_FROM_TYPES, "not_recorded"),
    "looked_after": ("yes", "no", "not_recorded"),
    "vulnerability": ("cse", "cce", "trafficking", "mental_health", "suicidal", "dementia", "learning_disability"),
}
CHILD_ADULT = ("all", "child", "adult", "unknown")


# ---- trend -----------------------------------------------------------------------------


def xmr_limits(values: np.ndarray) -> tuple[float, float, float]:
    """Centre line and control limits of an XmR chart from baseline ``values``.

    centre = mean; MR = mean of |x_t - x_(t-1)|; UCL = centre + 2.66 MR;
    LCL = max(0, centre - 2.66 MR). Needs at least two values (else NaNs).
    """
    x = np.asarray(values, dtype=float)
    if x.size < 2:
        return (np.nan, np.nan, np.nan)
    centre = float(x.mean())
    mr = float(np.abs(np.diff(x)).mean())
    return centre, centre + XMR_CONSTANT * mr, max(0.0, centre - XMR_CONSTANT * mr)


def chart_signals(values: np.ndarray, centre: float, ucl: float, lcl: float, run_length: int = RUN_LENGTH) -> list[str]:
    """'above_ucl' / 'below_lcl' for a point outside the limits; 'run_above' / 'run_below'
    for the ``run_length``-th and later of consecutive points on one side of the centre;
    '' otherwise (and everywhere when there are no limits)."""
    x = np.asarray(values, dtype=float)
    out = [""] * x.size
    if np.isnan(centre):
        return out
    run_side, run = 0, 0
    for i, v in enumerate(x):
        side = 1 if v > centre else (-1 if v < centre else 0)
        run = run + 1 if side != 0 and side == run_side else (1 if side != 0 else 0)
        run_side = side
        if v > ucl:
            out[i] = "above_ucl"
        elif v < lcl:
            out[i] = "below_lcl"
        elif run >= run_length:
            out[i] = "run_above" if side > 0 else "run_below"
    return out


def monthly_counts(con: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Per month of ``period``: month (date), incidents, individuals, calls, child_incidents,
    adult_incidents (sql/reports/demand_monthly.sql)."""
    require_tables(con, "episodes")
    return query_df(con, "reports/demand_monthly.sql", period.params())


def monthly_trend(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Month, *, months: int | None = None
) -> pd.DataFrame:
    """The monthly trend to ``period`` with XmR control limits and the year before.

    ``months`` months are shown (default ``settings.demand.trend_months``). The centre line
    and limits come from the shown months *before* ``period`` (the baseline), so the latest
    month is judged against what came before it.

    Columns: month ("YYYY-MM"), month_start (date), incidents, individuals, calls,
    child_incidents, adult_incidents, same_month_last_year (incidents twelve months
    earlier), change_vs_last_year, pct_change_vs_last_year (empty when last year had
    none), centre, ucl, lcl, signal ('above_ucl', 'below_lcl', 'run_above', 'run_below', '').
    """
    months = settings.demand.trend_months if months is None else months
    check_months(months)
    counts = monthly_counts(con, period.trailing(months + 12))
    counts["last_year"] = counts["incidents"].shift(12)
    shown = counts.iloc[12:].reset_index(drop=True)
    baseline = shown["incidents"].to_numpy()[:-1]
    centre, ucl, lcl = xmr_limits(baseline)
    last_year = shown.pop("last_year").astype(int)
    change = shown["incidents"] - last_year
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(last_year > 0, (change / last_year.where(last_year > 0)) * 100, np.nan)
    result = pd.DataFrame(
        {
            "month": pd.to_datetime(shown["month"]).dt.strftime("%Y-%m"),
            "month_start": pd.to_datetime(shown["month"]).dt.date,
            "incidents": shown["incidents"],
            "individuals": shown["individuals"],
            "calls": shown["calls"],
            "child_incidents": shown["child_incidents"],
            "adult_incidents": shown["adult_incidents"],
            "same_month_last_year": last_year,
            "change_vs_last_year": change,
            "pct_change_vs_last_year": np.round(pct, 1),
            "centre": round(centre, 2) if not np.isnan(centre) else np.nan,
            "ucl": round(ucl, 2) if not np.isnan(ucl) else np.nan,
            "lcl": round(lcl, 2) if not np.isnan(lcl) else np.nan,
        }
    )
    result["signal"] = chart_signals(result["incidents"].to_numpy(), centre, ucl, lcl)
    return result


@dataclass(frozen=True)
class YearOnYear:
    """One month against the same month a year earlier (incidents, individuals, calls)."""

    month: str
    incidents: int
    individuals: int
    calls: int
    last_year_incidents: int
    last_year_individuals: int
    last_year_calls: int

    @property
    def change(self) -> int:
        return self.incidents - self.last_year_incidents

    @property
    def pct_change(self) -> float | None:
        """Percentage change in incidents; None when last year had none."""
        if self.last_year_incidents == 0:
            return None
        return round(100.0 * self.change / self.last_year_incidents, 1)


def same_month_last_year(con: duckdb.DuckDBPyConnection, settings: Settings, period: Month) -> YearOnYear:
    """``period`` against the same month of the year before."""
    now = monthly_counts(con, period).iloc[0]
    before = monthly_counts(con, period.same_month_last_year).iloc[0]
    return YearOnYear(
        period.label,
        int(now["incidents"]), int(now["individuals"]), int(now["calls"]),
        int(before["incidents"]), int(before["individuals"]), int(before["calls"]),
    )


# ---- time pattern ----------------------------------------------------------------------


def day_hour_pattern(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Period, *, clock: str = "reported"
) -> pd.DataFrame:
    """Reports by day of week and hour of day in London time: 168 rows.

    ``clock='reported'`` uses the time of the report; ``'last_seen'`` the time last seen
    (when recorded, else the report), closer to when people actually go. Columns:
    day_of_week (1 = Monday), day_name, hour (0-23), incidents.
    """
    if clock not in ("reported", "last_seen"):
        raise InvalidValue("clock", f"expected reported or last_seen, got '{clock}'")
    require_tables(con, "episodes")
    return query_df(con, "reports/demand_dow_hour.sql", {**period.params(), "clock": clock})


# ---- who and how -----------------------------------------------------------------------


def breakdowns(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Incidents and individuals per category of each dimension, for everyone and for
    children and adults apart (sql/reports/demand_breakdowns.sql defines every category).

    Columns: dimension, category, child_adult ('all', 'child', 'adult', 'unknown'),
    incidents, individuals, share_of_incidents (of the child_adult group's incidents;
    for ``vulnerability`` an incident counts under every flag, so shares can add past 1),
    sort_order. Every category of ``CATEGORY_ORDER`` is present for 'all', 'child' and
    'adult' (0 when none); 'unknown' rows only when some ages are unknown.
    """
    require_tables(con, "episodes")
    counted = query_df(con, "reports/demand_breakdowns.sql", period.params())
    groups = ["all", "child", "adult"]
    if (counted["child_adult"] == "unknown").any():
        groups.append("unknown")
    frame = pd.DataFrame(
        [
            (dimension, category, group, order)
            for dimension, categories in CATEGORY_ORDER.items()
            for group in groups
            for order, category in enumerate(categories, start=1)
        ],
        columns=["dimension", "category", "child_adult", "sort_order"],
    )
    # codes outside the lists (should not pass ingestion) are kept, after the known ones
    extra = counted.merge(frame, on=["dimension", "category", "child_adult"], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"][["dimension", "category", "child_adult"]].assign(sort_order=99)
    frame = pd.concat([frame, extra], ignore_index=True)
    frame = frame.merge(counted, on=["dimension", "category", "child_adult"], how="left")
    for col in ("incidents", "individuals"):
        frame[col] = frame[col].fillna(0).astype(int)
    frame["share_of_incidents"] = frame["share_of_incidents"].fillna(0.0)
    frame["_group"] = frame["child_adult"].map({g: i for i, g in enumerate(CHILD_ADULT)})
    frame["_dim"] = frame["dimension"].map({d: i for i, d in enumerate(CATEGORY_ORDER)})
    frame = frame.sort_values(["_dim", "_group", "sort_order", "category"]).drop(columns=["_group", "_dim"])
    return frame.loc[
        :, ["dimension", "category", "child_adult", "incidents", "individuals", "share_of_incidents", "sort_order"]
    ].reset_index(drop=True)


def looked_after_share(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Share of incidents and of individuals that were looked-after children.

    Columns: child_adult, incidents, looked_after_incidents, share_incidents, individuals,
    looked_after_individuals, share_individuals (a person counts as looked-after if any
    of their episodes in the period says so). Rows: all, child, adult (and unknown).
    """
    require_tables(con, "episodes")
    return query_df(con, "reports/demand_looked_after.sql", period.params())


# ---- cost ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CostOfDemand:
    """``table``: risk, incidents, unit_cost_gbp, cost_gbp, officer_hours_per_incident,
    officer_hours (hours empty unless ``settings.costs.officer_hours`` is set), one row per
    grade and a final ``total`` row. ``price_basis`` says what the unit costs are."""

    table: pd.DataFrame
    total_cost_gbp: float
    total_officer_hours: float | None
    price_basis: str


def cost_of_demand(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> CostOfDemand:
    """Incidents in ``period`` by initial risk grade x ``settings.costs.unit_cost_gbp``
    (default GBP 2,415.80 for every grade: the Portsmouth realistic estimate for a
    medium-risk case, 2012 prices), and officer hours when ``settings.costs.officer_hours``
    gives hours per incident by grade. A grade without a unit cost costs 0 and shows no
    unit cost."""
    require_tables(con, "episodes")
    costs, hours = settings.costs.unit_cost_gbp, settings.costs.officer_hours
    params = {
        **period.params(),
        "cost_risks": list(costs),
        "cost_values": [float(v) for v in costs.values()],
        "hour_risks": list(hours),
        "hour_values": [float(v) for v in hours.values()],
    }
    table = query_df(con, "reports/demand_cost.sql", params)
    total_hours = float(table["officer_hours"].sum()) if hours else None
    total = pd.DataFrame(
        [{
            "risk": "total",
            "incidents": int(table["incidents"].sum()),
            "unit_cost_gbp": np.nan,
            "cost_gbp": round(float(table["cost_gbp"].sum()), 2),
            "officer_hours_per_incident": np.nan,
            "officer_hours": round(total_hours, 1) if total_hours is not None else np.nan,
        }]
    )
    table = pd.concat([table, total], ignore_index=True)
    return CostOfDemand(table, float(total["cost_gbp"].iat[0]), total_hours, settings.costs.price_basis)
