"""The care-home summary for regulator referral decisions (police audience).

Per care setting (``sites`` whose type is a care setting, matched to go-missing
locations by the geocoder) for one month: incidents, individuals, the share of them
who are repeat missing (the people analysis's rule, via the places analysis's site
ranking), the median reporting delay (last seen to reported), outcomes, and the trend
over the last twelve months. Named sites and the force's references: police only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from profiles import db
from profiles.analysis.places import prepare_site_episodes, site_monthly_incidents, site_ranking
from profiles.categories import CARE_SETTING_TYPES
from profiles.config import Settings
from profiles.periods import Month
from profiles.reports import charts
from profiles.reports.objects import Figure, Report, Section, Table
from profiles.reports.render import month_note

COLUMNS = (
    "site_id", "site_ref", "name", "type", "lad_code", "incidents", "individuals", "repeat_individuals",
    "repeat_share", "reporting_delay_median_hours", "found_safe", "harmed", "crime_victim", "crime_suspect",
    "found_dead", "still_missing", "outcome_not_recorded", "incidents_12_months", "last_3_months",
    "previous_3_months", "trend",
)
TREND_MONTHS = 12
_TYPE_WORDS = {
    "childrens_home": "Children's home", "foster_care": "Foster care", "adult_care_home": "Adult care home",
    "hospital": "Hospital", "mental_health_unit": "Mental health unit", "supported_accommodation": "Supported accommodation",
}


def _trend(last3: float, prev3: float) -> str:
    """rising / falling / steady: a change of at least 2 incidents and 25% between the 3-month spans."""
    if last3 - prev3 >= 2 and last3 >= 1.25 * prev3:
        return "rising"
    if prev3 - last3 >= 2 and last3 <= 0.75 * prev3:
        return "falling"
    return "steady"


def care_home_summary(con: duckdb.DuckDBPyConnection, settings: Settings, month: Month) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, monthly): one row per care setting with an incident in the month (``COLUMNS``,
    most incidents first), and its incidents per month over the last twelve months."""
    ranked = site_ranking(con, settings, month, months=1, audience="police")
    ranked = ranked[ranked["type"].isin(CARE_SETTING_TYPES)]
    prepare_site_episodes(con)
    outcomes = db.query_df(con, "reports/care_home_outcomes.sql", {**month.params(), "care_types": list(CARE_SETTING_TYPES)})
    monthly = site_monthly_incidents(con, settings, month, months=TREND_MONTHS)
    monthly = monthly[monthly["site_id"].isin(ranked["site_id"])]
    summary = ranked.merge(outcomes, on="site_id", how="left")
    if summary.empty:
        return pd.DataFrame(columns=list(COLUMNS)), monthly
    grid = monthly.pivot(index="site_id", columns="month", values="incidents").sort_index(axis=1)
    grid = grid.reindex(summary["site_id"]).fillna(0)
    counts = grid.to_numpy(dtype=float)
    summary["incidents_12_months"] = counts.sum(axis=1).astype(int)
    summary["last_3_months"] = counts[:, -3:].sum(axis=1).astype(int)
    summary["previous_3_months"] = counts[:, -6:-3].sum(axis=1).astype(int)
    summary["trend"] = [_trend(a, b) for a, b in zip(summary["last_3_months"], summary["previous_3_months"])]
    with np.errstate(divide="ignore", invalid="ignore"):
        summary["repeat_share"] = (summary["repeat_individuals"] / summary["individuals"]).round(3)
    summary["reporting_delay_median_hours"] = summary["reporting_delay_median_hours"].astype(float).round(1)
    return summary.loc[:, list(COLUMNS)].reset_index(drop=True), monthly


def summary_table(summary: pd.DataFrame, la_names: dict[str, str]) -> Table:
    data = summary.drop(columns=["site_id"]).copy()
    data["type"] = [_TYPE_WORDS.get(t, t) for t in data["type"]]
    data.insert(4, "local_authority", [la_names.get(c, c) if isinstance(c, str) else None for c in data["lad_code"]])
    data = data.drop(columns=["lad_code"])
    return Table(
        id="care_home_summary",
        caption="Care settings: incidents in the month, repeat share, reporting delay, outcomes and trend",
        data=data,
        count_columns=("incidents", "individuals", "repeat_individuals", "found_safe", "harmed", "crime_victim",
                       "crime_suspect", "found_dead", "still_missing", "outcome_not_recorded",
                       "incidents_12_months", "last_3_months", "previous_3_months"),
        formats={"repeat_share": "percent", "reporting_delay_median_hours": "hours"},
        labels={
            "site_ref": "Ref", "repeat_individuals": "Repeat individuals", "repeat_share": "Repeat share",
            "reporting_delay_median_hours": "Median delay (last seen to report)",
            "outcome_not_recorded": "Outcome not recorded", "incidents_12_months": "Incidents, 12 months",
            "last_3_months": "Last 3 months", "previous_3_months": "Previous 3 months",
        },
        notes=(
            "Repeat individuals: people who reached the repeat threshold (settings.repeat) on a report in the month.",
            "Trend: rising or falling when the last three months differ from the three before by at least 2 "
            "incidents and 25%.",
            "Crime victim includes victims of sexual offences.",
        ),
    )


def trend_figure(summary: pd.DataFrame, monthly: pd.DataFrame, top: int = 5) -> Figure | None:
    if summary.empty:
        return None
    ids = summary["site_id"].head(top).tolist()
    names = dict(zip(summary["site_id"], summary["name"].fillna(summary["site_id"])))
    months = sorted(monthly["month"].unique())
    series = {
        str(names[s]): [int(monthly[(monthly["site_id"] == s) & (monthly["month"] == m)]["incidents"].sum()) for m in months]
        for s in ids
    }
    labels = [pd.Timestamp(m).strftime("%b %Y") for m in months]
    return charts.line_chart(
        id="care_home_trend",
        caption=f"Incidents per month at the {len(ids)} care settings with most incidents this month",
        alt="Line chart of monthly incidents over twelve months for "
        + "; ".join(f"{n}: {', '.join(str(v) for v in vals)}" for n, vals in series.items()),
        labels=labels,
        series=series,
    )


def build_report(summary: pd.DataFrame, monthly: pd.DataFrame, month: Month, settings: Settings,
                 run_date: date, la_names: dict[str, str], attribution: tuple[str, ...] = ()) -> Report:
    figure = trend_figure(summary, monthly)
    section = Section(
        id="care_homes",
        title="Care settings",
        paragraphs=(
            f"Care settings (children's homes, foster placements, adult care homes, hospitals, mental health units, "
            f"supported accommodation) where people went missing in {month.title}, most incidents first. "
            "For decisions on referral to the regulator (Ofsted, CQC). Police only: names children's homes.",
        ),
        tables=(summary_table(summary, la_names),),
        figures=(figure,) if figure else (),
    )
    return month_note(settings, audience="police", month=month, section=section, kind="care_home_summary",
                      title="Care-home summary", subtitle="For regulator referral decisions", run_date=run_date,
                      attribution=attribution)


def write_care_home_summary(
    con: duckdb.DuckDBPyConnection, month: Month, out_dir: Path, settings: Settings, run_date: date
) -> list[Path]:
    """``care_home_summary.html`` and ``care_home_summary.csv`` (police audience) in ``out_dir``."""
    from profiles.analysis.places import SITE_ATTRIBUTION_KINDS
    from profiles.analysis.places_common import area_names, attribution_lines
    from profiles.reports.output import write_table_csv
    from profiles.reports.render import Renderer

    summary, monthly = care_home_summary(con, settings, month)
    names = area_names(con, "lad")
    attribution = tuple(attribution_lines(con, SITE_ATTRIBUTION_KINDS))
    report = build_report(summary, monthly, month, settings, run_date, names, attribution)
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "care_home_summary.html"
    Renderer(settings).write_html(report, html_path)
    csv_path = write_table_csv(report.tables[0], out_dir)
    return [html_path, csv_path]
