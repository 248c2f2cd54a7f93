"""Sections on demand: scope, trend, time pattern, who goes missing, risk, duration, found by, cost."""

from __future__ import annotations

import pandas as pd

from profiles.reports import charts
from profiles.reports.objects import Figure, Section, Table
from profiles.reports.profile.context import Context, numbers, withheld_note
from profiles.reports.profile.published import measure_table, rates_table, still_missing_sentence
from profiles.reports.profile.words import SIGNALS, words


def scope(ctx: Context) -> Section:
    m = ctx.data.month
    audience_text = {
        "police": "Police audience: every count, and sites by name. No person is named in this document: the "
                  "police annex lists them. Handle as marked.",
        "partner": "Partner audience (safeguarding partnerships): no person appears, there is no free text, "
                   "children's homes are not named or located and small counts are withheld.",
        "public": "Public audience: counts only; small counts are withheld and no individual or children's home "
                  "can be identified.",
    }[ctx.audience]
    return Section(
        id="scope", title="Scope and period",
        paragraphs=(
            f"Missing-person reports made to {ctx.settings.force.name} in {m.title} "
            f"({m.first_day.day} to {m.last_day.day} {m.first_day.strftime('%B %Y')}, by the time of the report, "
            f"London time). Trends cover the {ctx.settings.demand.trend_months} months to {m.title}; places the "
            f"{ctx.settings.sites.ranking_months} months to it; people as of {m.last_day.day} {m.title}.",
            "Three grains, never mixed: calls to the control room, incidents (one episode of one person going "
            "missing) and individuals (distinct people).",
            audience_text,
            f"A table shows at most {ctx.settings.reports.body_rows} rows; every row is in tables/<name>.csv "
            "beside this document.",
        ),
    )


def demand_trend(ctx: Context) -> Section:
    t = ctx.data.trend
    data = pd.DataFrame({
        "month": t["month"], "incidents": t["incidents"], "individuals": t["individuals"], "calls": t["calls"],
        "child_incidents": t["child_incidents"], "adult_incidents": t["adult_incidents"],
        "same_month_last_year": t["same_month_last_year"], "change_vs_last_year": t["change_vs_last_year"],
        "ucl": t["ucl"], "lcl": t["lcl"], "signal": [SIGNALS.get(s, s) for s in t["signal"]],
    })
    table = ctx.table(Table(
        id="demand_monthly", caption="Reports per month, the same month a year earlier and the usual range",
        data=data, keep_last=True,
        body_columns=("month", "incidents", "individuals", "calls", "child_incidents", "same_month_last_year",
                      "change_vs_last_year", "signal"),
        count_columns=("incidents", "individuals", "calls", "child_incidents", "adult_incidents", "same_month_last_year"),
        derived={"change_vs_last_year": ("incidents", "same_month_last_year")},
        formats={"change_vs_last_year": "number", "ucl": "number", "lcl": "number"},
        labels={"ucl": "Top of usual range", "lcl": "Bottom of usual range", "same_month_last_year": "Same month last year",
                "change_vs_last_year": "Change on last year", "child_incidents": "Children", "adult_incidents": "Adults"},
        notes=("The usual range comes from the months before the latest (see Methods): a month outside it, or "
               "8 months in a row on one side of the average, is a real change rather than ordinary ups and downs.",),
    ))
    fig = charts.line_chart(
        id="demand_trend", caption="Reports per month with the usual range",
        alt=f"Line chart of incidents per month over {len(data)} months to {ctx.data.month.title}, with the same "
            "months a year earlier and a shaded band for the usual range.",
        labels=list(data["month"]),
        series={"Incidents": numbers(table.data["incidents"]),
                "Same month last year": numbers(table.data["same_month_last_year"])},
        bands={"Usual range": (list(t["lcl"].fillna(0)), list(t["ucl"].fillna(0)))} if t["ucl"].notna().any() else None,
    )
    fig = Figure(**{**fig.__dict__, "notes": withheld_note(table)})
    rates, rate_text = rates_table(ctx)
    return Section(id="demand_trend", title="Demand trend", tables=(table, rates), figures=(fig,),
                   paragraphs=(rate_text,))


def time_pattern(ctx: Context) -> Section:
    dh = ctx.data.day_hour
    grid = dh.pivot_table(index=["day_of_week", "day_name"], columns="hour", values="incidents", aggfunc="sum", fill_value=0)
    grid.columns = [f"{h:02d}" for h in grid.columns]
    data = grid.reset_index().drop(columns=["day_of_week"]).rename(columns={"day_name": "day"})
    hours = [c for c in data.columns if c != "day"]
    table = ctx.table(Table(
        id="time_day_hour",
        caption=f"Reports by day of week and hour of report, {ctx.data.pattern_window.label}",
        data=data, count_columns=tuple(hours), additive_rows=True, labels={h: h for h in hours}, in_body=False,
    ))
    values = [[float(v) if not isinstance(v, str) else float("nan") for v in row[1:]] for row in table.data.itertuples(index=False)]
    busiest = dh.sort_values("incidents", ascending=False).head(1)
    alt = "Heat map of reports by day of week (rows) and hour of day (columns)"
    if len(busiest) and busiest["incidents"].iat[0] > 0:
        alt += f"; the busiest hour is {busiest['day_name'].iat[0]} {int(busiest['hour'].iat[0]):02d}:00"
    fig = charts.heatmap(id="time_pattern", caption="When reports are made (London time)", alt=alt + ".",
                         rows=list(data["day"]), columns=hours, values=values, colorbar_label="Reports")
    return Section(id="time_pattern", title="Time pattern", tables=(table,), figures=(fig,),
                   paragraphs=("Reports are counted by the hour they were made, in London time, over the months "
                               "shown; the hour a person was last seen is often earlier.",))


def breakdown(ctx: Context, dimension: str, id: str, caption: str) -> Table:
    b = ctx.data.breakdowns
    sub = b[b.dimension == dimension]
    groups = [g for g in ("child", "adult", "unknown") if g in set(sub.child_adult)]
    order = sub[sub.child_adult == "all"].sort_values("sort_order")["category"].tolist()
    data = pd.DataFrame({"category": [words(c) for c in order]})
    for g in groups:
        counts = sub[sub.child_adult == g].set_index("category")["incidents"]
        data[g] = [int(counts.get(c, 0)) for c in order]
    allg = sub[sub.child_adult == "all"].set_index("category")
    data["total"] = [int(allg["incidents"].get(c, 0)) for c in order]
    data["individuals"] = [int(allg["individuals"].get(c, 0)) for c in order]
    data["share"] = [float(allg["share_of_incidents"].get(c, 0.0)) for c in order]
    overlapping = dimension == "vulnerability"
    return ctx.table(Table(
        id=id, caption=caption, data=data,
        count_columns=tuple(groups) + ("total", "individuals"),
        # a row's age groups add up to its total even when the categories overlap (issue 14.4)
        additive_rows=True, total_column="total",
        row_columns=tuple(groups) + ("total",),
        derived={"share": "total"}, formats={"share": "percent"},
        labels={"category": "", "child": "Children", "adult": "Adults", "unknown": "Age unknown",
                "total": "Incidents", "share": "Share of incidents"},
        notes=("An incident counts under every flag it carries, so the rows do not add up to the total.",)
        if overlapping else (),
    ))


def bar_from(table: Table, id: str, caption: str, alt_subject: str, column: str = "total") -> Figure:
    labels = list(table.data["category"])
    values = numbers(table.data[column])
    described = ", ".join(f"{lab}: {int(v)}" for lab, v in zip(labels, values))
    fig = charts.bar_chart(id=id, caption=caption, alt=f"Bar chart of {alt_subject}: {described}.",
                           labels=labels, series={"Incidents": values}, horizontal=True)
    return Figure(**{**fig.__dict__, "notes": withheld_note(table)})


def demographics(ctx: Context) -> Section:
    age = breakdown(ctx, "age_band", "demographics_age", "Incidents by age band at the report")
    gender = breakdown(ctx, "gender", "demographics_gender", "Incidents by gender")
    ethnic = breakdown(ctx, "ethnic_group", "demographics_ethnicity", "Incidents by officer-defined ethnicity")
    la = ctx.data.looked_after
    looked = ctx.table(Table(
        id="demographics_looked_after", caption="Looked-after children among the reports",
        data=pd.DataFrame({
            "group": [words(g) if g != "all" else "Everyone" for g in la["child_adult"]],
            "incidents": la["incidents"], "looked_after_incidents": la["looked_after_incidents"],
            "share_incidents": la["share_incidents"], "individuals": la["individuals"],
            "looked_after_individuals": la["looked_after_individuals"], "share_individuals": la["share_individuals"],
        }),
        count_columns=("incidents", "looked_after_incidents", "individuals", "looked_after_individuals"),
        derived={"share_incidents": ("looked_after_incidents", "incidents"),
                 "share_individuals": ("looked_after_individuals", "individuals")},
        formats={"share_incidents": "percent", "share_individuals": "percent"},
        labels={"group": ""},
    ))
    fig = bar_from(age, "demographics_age", "Incidents by age band", "incidents by age band")
    placed = measure_table(ctx, "placements", "Looked-after children's reports by placement and by who placed them",
                           ("incidents", "individuals"),
                           notes=("in_area: placed by a local authority of the force area; out_of_area: by any "
                                  "other; not_recorded: no placing authority, or one that matches none.",))
    placing = measure_table(ctx, "placing_authorities", "Looked-after children's reports by placing authority",
                            ("incidents", "individuals"))
    return Section(id="demographics", title="Demographics", tables=(age, gender, ethnic, looked, placed, placing),
                   figures=(fig,),
                   paragraphs=("Child: under 18 at the time of the report. Ethnicity is officer-defined (IC codes), "
                               "grouped as in the UKMPU return.",))


def risk(ctx: Context) -> Section:
    initial = breakdown(ctx, "risk_initial", "risk_initial", "Incidents by risk grade at first assessment")
    highest = breakdown(ctx, "risk_highest", "risk_highest", "Incidents by the highest risk grade during the episode")
    fig = bar_from(initial, "risk_initial", "Initial risk grade", "incidents by initial risk grade")
    return Section(id="risk", title="Risk", tables=(initial, highest), figures=(fig,),
                   paragraphs=("Grades: high, medium, low, no apparent risk (formerly 'absent'). A grade can be "
                               "reviewed upward during an episode: the highest grade is shown apart.",))


def duration(ctx: Context) -> Section:
    table = breakdown(ctx, "duration_band", "duration_bands", "Incidents by time from report to found")
    fig = bar_from(table, "duration", "How long people were missing", "incidents by duration band")
    still = measure_table(ctx, "open_at_period_end", f"Still missing at the end of {ctx.data.month.title}, by time open",
                          ("incidents", "individuals"), additive_columns=False,
                          notes=("Every episode reported before 00:00 on the first day of the next month and not "
                                 "found before it, however long ago it was reported; time open is real elapsed time.",))
    return Section(id="duration", title="Duration", tables=(table, still), figures=(fig,),
                   paragraphs=("From the report to the person being found; upper bounds inclusive. Episodes not "
                               "yet resolved have no duration and are counted as still missing.",
                               still_missing_sentence(ctx)))


def found_by(ctx: Context) -> Section:
    by = breakdown(ctx, "found_by", "found_by", "Incidents by who found the person")
    outcome = breakdown(ctx, "outcome", "outcomes", "Incidents by outcome")
    return Section(id="found_by", title="Who found them and outcomes", tables=(by, outcome))


def cost(ctx: Context) -> Section:
    c = ctx.data.cost
    t = c.table.copy()
    t["risk"] = [("Total" if r == "total" else words(r)) for r in t["risk"]]
    has_hours = c.total_officer_hours is not None
    cols = ["risk", "incidents", "unit_cost_gbp", "cost_gbp"] + (["officer_hours"] if has_hours else [])
    table = ctx.table(Table(
        id="cost_of_demand", caption=f"Estimated cost of the month's investigations ({c.price_basis})",
        data=t[cols], count_columns=("incidents",), total_row=True,
        derived={"cost_gbp": "incidents", "officer_hours": "incidents"},
        formats={"unit_cost_gbp": "gbp", "cost_gbp": "gbp", "officer_hours": "number"},
        labels={"risk": "Initial risk", "unit_cost_gbp": "Unit cost", "cost_gbp": "Cost"},
        notes=("Unit cost of one investigation by initial risk grade (configuration). Default: the Portsmouth "
               "study's realistic estimate for a medium-risk case, £2,415.80 at 2012 prices.",),
    ))
    return Section(id="cost", title="Cost of demand", tables=(table,),
                   paragraphs=(f"Estimated cost: £{c.total_cost_gbp:,.0f}. Nationally about 14% of police time is "
                               "spent on missing-person work.",))
