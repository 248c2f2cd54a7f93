"""The monthly problem profile: sections built from the measures, per audience.

``write_profile`` gathers the measures once (``profile_data.gather``) and, for each
audience, builds a ``Report`` (``build_profile``), renders ``problem_profile.html`` and
``problem_profile.pdf``, writes every table shown to ``tables/<id>.csv``, a short
``summary.html`` for the email body and ``manifest.json`` for ``misper send``.

What each audience sees (docs/reports.md):

- police: everything, people named by the force's reference, sites by name;
- partner: no person references (repeat individuals by pseudonym only), no free
  text, children's homes as "Children's home A (Bolton)", small counts withheld with
  secondary suppression, no points on maps;
- public: as partner, without any list of individuals.

Key findings are sentences written from the numbers; outside the police audience a
number below the suppression threshold is written "fewer than 5".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from profiles import progress
from profiles.config import Settings
from profiles.disclosure import (
    AUDIENCES, Audience, SiteLabeller, check_columns, check_files, disclose_table, only_local_authority, withheld_for,
)
from profiles.files import published, publishing
from profiles.periods import Month
from profiles.reports import charts, maps
from profiles.reports.objects import Figure, KeyFinding, Report, Section, Table
from profiles.reports.output import write_manifest, write_table_csv
from profiles.reports.profile_data import ProfileData, gather
from profiles.reports.render import Renderer, report_for
from profiles.reports.safety import sensitive_values

#: The sections of the profile, in order (issue 5 and ../shared/DOMAIN.md).
SECTION_IDS: tuple[str, ...] = (
    "scope", "key_findings", "demand_trend", "time_pattern", "demographics", "risk", "duration",
    "found_by", "sites", "found_locations", "repeat_individuals", "exploitation",
    "return_interviews", "cost", "interventions", "data_quality", "recommendations", "methods",
)

_WORDS = {
    "cse": "CSE", "cce": "CCE", "no_apparent_risk": "No apparent risk", "own_accord": "Returned of own accord",
    "local_authority": "Local authority", "not_recorded": "Not recorded", "still_missing": "Still missing",
    "crime_victim": "Victim of crime", "sexual_offence_victim": "Victim of sexual offence",
    "crime_suspect": "Suspected of crime", "found_dead": "Found dead", "safe": "Found safe", "harmed": "Harm suffered",
    "chinese_japanese_se_asian": "Chinese, Japanese or SE Asian", "other_unknown": "Other or unknown",
    "over_1y": "Over 1 year", "28d-1y": "28 days to 1 year", "7-28d": "7 to 28 days", "2-7d": "2 to 7 days",
    "24-48h": "24 to 48 hours", "8-24h": "8 to 24 hours", "0-8h": "Up to 8 hours", "yes": "Yes", "no": "No",
    "childrens_home": "Children's home", "adult_care_home": "Adult care home", "mental_health_unit": "Mental health unit",
    "supported_accommodation": "Supported accommodation", "foster_care": "Foster care", "same_location": "Same place",
    "go_missing_location": "Where they went missing from",
    "cawn": "Child Abduction Warning Notice",
}


_SIGNALS = {"above_ucl": "Above upper limit", "below_lcl": "Below lower limit", "run_above": "Run above average",
            "run_below": "Run below average", "": ""}


def words(code: object) -> str:
    """A code as a reader would say it (``no_apparent_risk`` -> ``No apparent risk``)."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return "Not recorded"
    text = str(code)
    return _WORDS.get(text, text.replace("_", " ").capitalize() if "_" in text or text.islower() else text)


# ---- per-audience context --------------------------------------------------------------


@dataclass
class Context:
    data: ProfileData
    audience: Audience
    run_date: date
    labeller: SiteLabeller = field(init=False)

    def __post_init__(self) -> None:
        self.labeller = SiteLabeller(self.audience, self.data.lad_names)
        reg = self.data.site_register
        self._sites = {r.site_id: r for r in reg.itertuples(index=False)}

    @property
    def settings(self) -> Settings:
        return self.data.settings

    @property
    def police(self) -> bool:
        return self.audience == "police"

    @property
    def threshold(self) -> int:
        return self.settings.disclosure.suppression_threshold

    def n(self, value: float | int | None) -> str:
        """A count for running text: 'fewer than 5' when small outside the police."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "no"
        v = int(round(value))
        if self.small(v):
            return f"fewer than {self.threshold}"
        return f"{v:,}"

    def small(self, value: float | int | None) -> bool:
        return withheld_for(self.audience, value, self.settings)

    def site(self, site_id: object) -> str:
        """A site's name as this audience may see it."""
        if site_id is None or (isinstance(site_id, float) and math.isnan(site_id)):
            return "Not matched to a site"
        row = self._sites.get(site_id)
        if row is None:
            return f"Site {site_id}"
        candidate = row.status != "register"
        return self.labeller.label(site_id, name=row.name, type="candidate" if candidate else row.type,
                                   lad_code=row.lad_code, sensitive=bool(row.sensitive) or candidate)

    def sensitive_site(self, site_id: object) -> bool:
        """A children's home (or other sensitive or unregistered site): its locality is never shown."""
        row = self._sites.get(site_id) if isinstance(site_id, str) else None
        return isinstance(site_id, str) and (row is None or bool(row.sensitive) or row.status != "register")

    def la(self, code: object) -> str:
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return "Not recorded"
        return self.data.lad_names.get(str(code), str(code))

    def table(self, table: Table) -> Table:
        return disclose_table(table, self.audience, self.settings)


def _numbers(values: pd.Series) -> list[float]:
    """Chart values from a (possibly withheld) column: withheld or empty -> 0."""
    return [float(v) if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v) else 0.0 for v in values]


def _withheld_note(table: Table) -> tuple[str, ...]:
    if table.suppressed is not None and table.suppressed.to_numpy().any():
        return ("Withheld values are drawn as zero.",)
    return ()


# ---- sections ----------------------------------------------------------------------------


def _scope(ctx: Context) -> Section:
    d, m = ctx.data, ctx.data.month
    yoy = d.year_on_year
    la = d.looked_after.set_index("child_adult")
    child = int(la.loc["child", "incidents"]) if "child" in la.index else 0
    adult = int(la.loc["adult", "incidents"]) if "adult" in la.index else 0
    # totals only: a breakdown's row here would bypass that table's secondary suppression
    table = ctx.table(Table(
        id="scope_summary",
        caption=f"Reports in {m.title}",
        data=pd.DataFrame({
            "measure": ["Incidents (episodes)", "Individuals (people)", "Calls to police", "Children's incidents",
                        "Adults' incidents"],
            "value": [yoy.incidents, yoy.individuals, yoy.calls, child, adult],
        }),
        count_columns=("value",), additive_columns=False,
        labels={"measure": "Measure", "value": m.title},
        notes=("Three grains, never mixed: calls to the control room, incidents (one episode of one person "
               "going missing) and individuals (distinct people).",),
    ))
    audience_text = {
        "police": "Police audience: everything, with people named by the force's reference. Handle as marked.",
        "partner": "Partner audience (safeguarding partnerships): people appear only by pseudonym, there is no "
                   "free text, children's homes are not named or located and small counts are withheld.",
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
            audience_text,
        ),
        tables=(table,),
    )


def _key_findings(ctx: Context, findings: list[KeyFinding]) -> Section:
    return Section(id="key_findings", title="Key findings", findings=tuple(findings))


def _plural(n: float | None, word: str) -> str:
    return word if n == 1 else word + "s"


def _shown(tables: dict[str, Table], table_id: str, key_col: str, key: object, col: str) -> float | None:
    """A number as the audience's table shows it; None when withheld or absent.

    Findings quote tables, never the raw measures, so a sentence cannot give away a
    cell that a table withholds.
    """
    table = tables.get(table_id)
    if table is None or col not in table.data.columns:
        return None
    rows = table.data[table.data[key_col] == key]
    if rows.empty:
        return None
    value = rows[col].iloc[0]
    if isinstance(value, str) or value is None or pd.isna(value):
        return None
    return float(value)


def _findings(ctx: Context, tables: dict[str, Table]) -> list[KeyFinding]:
    d = ctx.data
    out: list[KeyFinding] = []
    month, last = d.month.title, d.month.same_month_last_year.title
    incidents = _shown(tables, "scope_summary", "measure", "Incidents (episodes)", "value")
    people = _shown(tables, "scope_summary", "measure", "Individuals (people)", "value")
    before = _shown(tables, "demand_monthly", "month", d.month.label, "same_month_last_year")
    head = f"{ctx.n(incidents)} reports involving {ctx.n(people)} people were made in {month}"
    if incidents is not None and before:
        change = (incidents - before) / before
        direction = "rose" if change > 0 else ("fell" if change < 0 else "were unchanged")
        pct = f" {abs(change):.0%}" if change else ""
        out.append(KeyFinding(f"{head}; reports {direction}{pct} on {last} ({ctx.n(before)}).", "demand_trend"))
    else:
        out.append(KeyFinding(head + ".", "demand_trend"))
    latest = d.trend.iloc[-1] if len(d.trend) else None
    if latest is not None and latest["signal"] in ("above_ucl", "below_lcl") and incidents is not None:
        side = "above the upper" if latest["signal"] == "above_ucl" else "below the lower"
        out.append(KeyFinding(f"Reports in {month} were {side} control limit set by the months before: "
                              "a change in demand, not ordinary variation.", "demand_trend"))
    child = _shown(tables, "scope_summary", "measure", "Children's incidents", "value")
    if child is not None and incidents:
        text = f"Children made {ctx.n(child)} of the reports ({child / incidents:.0%})"
        lac = _shown(tables, "demographics_looked_after", "group", "Child", "looked_after_incidents")
        if child and lac is not None:
            text += f"; {lac / child:.0%} of children's reports were of looked-after children"
        out.append(KeyFinding(text + ".", "demographics"))
    ranked = tables.get("sites_ranked")
    if ranked is not None and len(ranked.data) and d.sites_12m_incidents:
        top = ranked.data.head(3)
        if not any(isinstance(v, str) for v in top["incidents"]):
            share = float(top["incidents"].sum()) / d.sites_12m_incidents
            out.append(KeyFinding(
                f"The {len(top)} sites with most reports ({', '.join(top['site'])}) made {share:.0%} of all reports "
                f"in the {ctx.settings.sites.ranking_months} months to {month}.", "sites"))
    rule = ctx.settings.repeat
    everyone = _shown(tables, "repeat_summary", "group", "Everyone", "people")
    if everyone is None and not ctx.police:  # a primary-only table: withheld means small
        out.append(KeyFinding(
            f"Fewer than {ctx.threshold} people were repeat missing ({rule.threshold} or more reports in "
            f"{rule.window_days} days) at the end of {month}.", "repeat_individuals"))
    elif everyone is not None:
        kids = _shown(tables, "repeat_summary", "group", "Children", "people")
        looked = _shown(tables, "repeat_summary", "group", "Looked-after", "people")
        extra = ""
        if kids is not None and looked is not None:
            extra = f", {ctx.n(kids)} of them children and {ctx.n(looked)} looked after"
        out.append(KeyFinding(
            f"{ctx.n(everyone)} people were repeat missing ({rule.threshold} or more reports in {rule.window_days} "
            f"days) at the end of {month}{extra}.", "repeat_individuals"))
    rate = _shown(tables, "return_interviews", "local_authority", "All authorities", "offered_within_limit_rate")
    returns = _shown(tables, "return_interviews", "local_authority", "All authorities", "returns")
    if rate is not None and returns:
        out.append(KeyFinding(
            f"{rate:.0%} of {ctx.n(returns)} children's returns were offered a return home interview within "
            f"{ctx.settings.safeguarding.return_interview_hours} hours.", "return_interviews"))
    high = _shown(tables, "risk_initial", "category", "High", "total")
    if high is not None and incidents:
        out.append(KeyFinding(f"{ctx.n(high)} {_plural(high, 'report')} ({high / incidents:.0%}) "
                              f"{'was' if high == 1 else 'were'} graded high risk at first assessment.", "risk"))
    flags = tables.get("exploitation_flags")
    if flags is not None:
        parts = [f"{ctx.n(v)} {cat if cat.isupper() else cat.lower()}"
                 for cat, v in zip(flags.data["category"], flags.data["total"])
                 if cat in ("CSE", "CCE", "Trafficking") and not isinstance(v, str) and v]
        if parts:
            out.append(KeyFinding("Exploitation indicators recorded on the month's reports: " + ", ".join(parts) + ".",
                                  "exploitation"))
    out.append(KeyFinding(
        f"The estimated cost of the month's investigations is £{d.cost.total_cost_gbp:,.0f}, at "
        f"{ctx.settings.costs.price_basis}.", "cost"))
    return out


def _demand_trend(ctx: Context) -> Section:
    t = ctx.data.trend
    data = pd.DataFrame({
        "month": t["month"], "incidents": t["incidents"], "individuals": t["individuals"], "calls": t["calls"],
        "child_incidents": t["child_incidents"], "adult_incidents": t["adult_incidents"],
        "same_month_last_year": t["same_month_last_year"], "change_vs_last_year": t["change_vs_last_year"],
        "ucl": t["ucl"], "lcl": t["lcl"], "signal": [_SIGNALS.get(s, s) for s in t["signal"]],
    })
    table = ctx.table(Table(
        id="demand_monthly", caption="Reports per month, the same month a year earlier and control limits",
        data=data,
        count_columns=("incidents", "individuals", "calls", "child_incidents", "adult_incidents", "same_month_last_year"),
        derived={"change_vs_last_year": ("incidents", "same_month_last_year")},
        formats={"change_vs_last_year": "number", "ucl": "number", "lcl": "number"},
        labels={"ucl": "Upper limit", "lcl": "Lower limit", "same_month_last_year": "Same month last year",
                "change_vs_last_year": "Change on last year", "child_incidents": "Children", "adult_incidents": "Adults"},
        notes=("Control limits (XmR chart) from the months before the latest: a point outside them, or a run of "
               "8 months on one side of the average, is a signal rather than ordinary variation.",),
    ))
    fig = charts.line_chart(
        id="demand_trend", caption="Incidents per month with control limits",
        alt=f"Line chart of incidents per month over {len(data)} months to {ctx.data.month.title}, with the same "
            "months a year earlier and a shaded band between the control limits.",
        labels=list(data["month"]),
        series={"Incidents": _numbers(table.data["incidents"]),
                "Same month last year": _numbers(table.data["same_month_last_year"])},
        bands={"Control limits": (list(t["lcl"].fillna(0)), list(t["ucl"].fillna(0)))} if t["ucl"].notna().any() else None,
    )
    fig = Figure(**{**fig.__dict__, "notes": _withheld_note(table)})
    return Section(id="demand_trend", title="Demand trend", tables=(table,), figures=(fig,))


def _time_pattern(ctx: Context) -> Section:
    dh = ctx.data.day_hour
    grid = dh.pivot_table(index=["day_of_week", "day_name"], columns="hour", values="incidents", aggfunc="sum", fill_value=0)
    grid.columns = [f"{h:02d}" for h in grid.columns]
    data = grid.reset_index().drop(columns=["day_of_week"]).rename(columns={"day_name": "day"})
    hours = [c for c in data.columns if c != "day"]
    table = ctx.table(Table(
        id="time_day_hour",
        caption=f"Reports by day of week and hour of report, {ctx.data.pattern_window.label}",
        data=data, count_columns=tuple(hours), additive_rows=True, labels={h: h for h in hours},
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


def _breakdown(ctx: Context, dimension: str, id: str, caption: str) -> Table:
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


def _bar_from(table: Table, id: str, caption: str, alt_subject: str, column: str = "total") -> Figure:
    labels = list(table.data["category"])
    values = _numbers(table.data[column])
    described = ", ".join(f"{lab}: {int(v)}" for lab, v in zip(labels, values))
    fig = charts.bar_chart(id=id, caption=caption, alt=f"Bar chart of {alt_subject}: {described}.",
                           labels=labels, series={"Incidents": values}, horizontal=True)
    return Figure(**{**fig.__dict__, "notes": _withheld_note(table)})


def _demographics(ctx: Context) -> Section:
    age = _breakdown(ctx, "age_band", "demographics_age", "Incidents by age band at the report")
    gender = _breakdown(ctx, "gender", "demographics_gender", "Incidents by gender")
    ethnic = _breakdown(ctx, "ethnic_group", "demographics_ethnicity", "Incidents by officer-defined ethnicity")
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
    fig = _bar_from(age, "demographics_age", "Incidents by age band", "incidents by age band")
    return Section(id="demographics", title="Demographics", tables=(age, gender, ethnic, looked), figures=(fig,),
                   paragraphs=("Child: under 18 at the time of the report. Ethnicity is officer-defined (IC codes), "
                               "grouped as in the UKMPU return.",))


def _risk(ctx: Context) -> Section:
    initial = _breakdown(ctx, "risk_initial", "risk_initial", "Incidents by risk grade at first assessment")
    highest = _breakdown(ctx, "risk_highest", "risk_highest", "Incidents by the highest risk grade during the episode")
    fig = _bar_from(initial, "risk_initial", "Initial risk grade", "incidents by initial risk grade")
    return Section(id="risk", title="Risk", tables=(initial, highest), figures=(fig,),
                   paragraphs=("Grades: high, medium, low, no apparent risk (formerly 'absent'). A grade can be "
                               "reviewed upward during an episode: the highest grade is shown apart.",))


def _duration(ctx: Context) -> Section:
    table = _breakdown(ctx, "duration_band", "duration_bands", "Incidents by time from report to found")
    fig = _bar_from(table, "duration", "How long people were missing", "incidents by duration band")
    return Section(id="duration", title="Duration", tables=(table,), figures=(fig,),
                   paragraphs=("From the report to the person being found; upper bounds inclusive. Episodes not "
                               "yet resolved have no duration and are counted as still missing.",))


def _found_by(ctx: Context) -> Section:
    by = _breakdown(ctx, "found_by", "found_by", "Incidents by who found the person")
    outcome = _breakdown(ctx, "outcome", "outcomes", "Incidents by outcome")
    return Section(id="found_by", title="Who found them and outcomes", tables=(by, outcome))


def _sites(ctx: Context) -> Section:
    d = ctx.data
    top = d.sites.head(ctx.settings.reports.top_rows).reset_index(drop=True)
    data = pd.DataFrame({
        "rank": range(1, len(top) + 1),
        "site": [ctx.site(s) for s in top["site_id"]],
        "type": [words(t) for t in top["type"]],
        "local_authority": [ctx.la(c) for c in top["lad_code"]],
    })
    if ctx.police:
        data["site_ref"] = top["site_ref"]
        data["postcode"] = top["postcode"]
    for col in ("incidents", "individuals", "repeat_individuals", "calls", "estimated_cost_gbp"):
        data[col] = top[col].to_numpy()
    if ctx.police:
        data["change_vs_previous"] = top["change_vs_previous"].to_numpy()
    else:  # an exact change with the count shown would give the earlier (maybe small) count away
        data["change_vs_previous"] = ["up" if c > 0 else ("down" if c < 0 else "no change") for c in top["change_vs_previous"]]
    months = ctx.settings.sites.ranking_months
    ranked = ctx.table(Table(
        id="sites_ranked", caption=f"Sites with most reports, {months} months to {d.month.title}",
        data=data, count_columns=("incidents", "individuals", "repeat_individuals", "calls"),
        derived={"estimated_cost_gbp": "incidents"},
        formats={"estimated_cost_gbp": "gbp", "rank": "text", "change_vs_previous": "number" if ctx.police else "text"},
        labels={"site_ref": "Ref", "local_authority": "Local authority", "repeat_individuals": "Repeat individuals",
                "estimated_cost_gbp": "Estimated cost", "change_vs_previous": f"Change on previous {months} months"},
        notes=("A site's reports are those whose go-missing location the geocoder matched to it.",),
    ))
    tables = [ranked]
    flagged = d.persistent[d.persistent["persistent"] | d.persistent["emerging"]].reset_index(drop=True)
    tables.append(ctx.table(Table(
        id="sites_persistent_emerging", caption="Persistent and emerging sites",
        data=pd.DataFrame({
            "site": [ctx.site(s) for s in flagged["site_id"]],
            "type": [words(t) for t in flagged["type"]],
            "local_authority": [ctx.la(c) for c in flagged["lad_code"]],
            "incidents": flagged["incidents"].to_numpy(), "recent_incidents": flagged["recent_incidents"].to_numpy(),
            "status": flagged["status"].to_numpy(),
        }),
        count_columns=("incidents", "recent_incidents"),
        labels={"local_authority": "Local authority", "incidents": f"Incidents, {months} months",
                "recent_incidents": f"Last {ctx.settings.sites.emerging_recent_months} months"},
        notes=("Persistent: high in most months. Emerging: rising now against the earlier months.",),
    )))
    if ctx.police:
        from profiles.reports.care_homes import summary_table

        tables.append(summary_table(d.care_homes, d.lad_names))
    homes = d.people.absences.by_home
    if len(homes):
        tables.append(ctx.table(Table(
            id="sites_absences", caption="Unauthorised absences shared by care providers, and how many were reported",
            data=pd.DataFrame({
                "home": [ctx.site(s) if isinstance(s, str) else (n if ctx.police else "Home not matched to a site")
                         for s, n in zip(homes["site_id"], homes["site_name"])],
                "absences": homes["absences"], "reported_to_police": homes["reported_to_police"],
                "not_reported": homes["not_reported"], "reported_share": homes["reported_share"],
            }),
            count_columns=("absences", "reported_to_police", "not_reported"), additive_rows=True,
            total_column="absences", derived={"reported_share": ("reported_to_police", "absences")},
            formats={"reported_share": "percent"},
        )))
    cl = d.clusters_missing.head(ctx.settings.reports.top_rows)
    cdata = pd.DataFrame({
        "cluster": cl["cluster_id"].to_numpy(),
        "incidents": cl["incidents"].to_numpy(), "individuals": cl["individuals"].to_numpy(),
        "local_authority": cl["lad_name"].to_numpy(), "ward": cl["ward_name"].to_numpy(),
        "main_site": [ctx.site(s) if isinstance(s, str) else "None" for s in cl["main_site_id"]],
        "share_at_known_sites": cl["share_at_known_sites"].to_numpy(),
        "nearest_place": cl["nearest_place"].to_numpy(),
    })
    if ctx.police:
        cdata["centre_easting"] = cl["centre_easting"].to_numpy()
        cdata["centre_northing"] = cl["centre_northing"].to_numpy()
    cdata = only_local_authority(cdata, [ctx.sensitive_site(s) for s in cl["main_site_id"]], ctx.audience)
    tables.append(ctx.table(Table(
        id="sites_clusters", caption=f"Clusters of go-missing locations, {months} months (DBSCAN)",
        data=cdata, count_columns=("incidents", "individuals"),
        derived={"share_at_known_sites": "incidents"}, formats={"share_at_known_sites": "percent", "cluster": "text"},
        labels={"share_at_known_sites": "Share at known sites", "main_site": "Main site", "local_authority": "Local authority"},
        notes=(f"A cluster: at least {ctx.settings.sites.cluster_min_points} go-missing points within "
               f"{ctx.settings.sites.cluster_radius_m:.0f} m of one another; it finds demand no register names.",),
    )))
    figures: list[Figure] = []
    paragraphs = []
    if ctx.police:
        hot = d.hot_cells[d.hot_cells["hotspot"] == "hot"].head(ctx.settings.reports.top_rows).reset_index(drop=True)
        tables.append(Table(
            id="sites_hot_cells", caption=f"Hot-spot grid cells, {months} months (Getis-Ord Gi*, FDR controlled)",
            data=hot[["cell_id", "easting", "northing", "incidents", "neighbourhood_incidents", "gi_z", "q_value"]],
            count_columns=("incidents", "neighbourhood_incidents"), formats={"gi_z": "number", "q_value": "text"},
            labels={"cell_id": "Cell", "neighbourhood_incidents": "With neighbours", "gi_z": "Gi* z", "q_value": "q"},
        ))
        if d.lads is not None:
            sites_xy = top.dropna(subset=["easting", "northing"]).assign(rank=lambda f: f.index + 1)
            cells = d.hot_cells[d.hot_cells["hotspot"] == "hot"]
            figures.append(maps.point_map(
                id="sites_map", caption=f"Where people went missing from, {months} months",
                areas=d.lads, points=d.points[["easting", "northing"]], hot_cells=cells[["easting", "northing", "cell_m"]],
                sites=sites_xy[["easting", "northing", "rank"]], notes=tuple(d.map_attribution)))
    elif d.ward_hotspots is not None:
        wh = d.ward_hotspots
        hot = wh[wh["hotspot"] == "hot"].head(ctx.settings.reports.top_rows)
        tables.append(ctx.table(Table(
            id="sites_hot_wards", caption=f"Hot-spot wards, {months} months (Getis-Ord Gi*, FDR controlled)",
            data=pd.DataFrame({"ward": hot["name"].to_numpy(), "incidents": hot["incidents"].to_numpy(),
                               "gi_z": hot["gi_z"].to_numpy()}),
            count_columns=("incidents",), formats={"gi_z": "number"}, labels={"gi_z": "Gi* z"},
        )))
    if not ctx.police:
        areas, codes, word = (d.wards, d.points["ward_code"], "ward") if d.wards is not None else (d.lads, d.points["lad_code"], "local authority")
        if areas is not None:
            figures.append(maps.area_map(
                id="sites_map", caption=f"Reports by {word}, {months} months", areas=areas,
                counts=codes.value_counts().to_dict(), threshold=ctx.threshold, area_word=word,
                notes=tuple(d.map_attribution)))
    if not figures:
        paragraphs.append("No boundaries have been imported (misper reference import), so there is no map.")
    return Section(id="sites", title="High-demand sites and maps", tables=tuple(tables), figures=tuple(figures),
                   paragraphs=tuple(paragraphs))


def _found_locations(ctx: Context) -> Section:
    d = ctx.data
    fp = d.found_places
    names = []
    for kind, code, name in zip(fp["place_kind"], fp["place_code"], fp["place_name"]):
        names.append(ctx.site(code) if kind == "site" else (d.ward_names.get(code, name) if kind == "ward" else words(kind)))
    places_table = ctx.table(Table(
        id="found_places", caption=f"Where people were found most often, {d.month.title}",
        data=pd.DataFrame({"place": names, "kind": [words(k) for k in fp["place_kind"]],
                           "incidents": fp["incidents"].to_numpy(), "individuals": fp["individuals"].to_numpy(),
                           "share_of_found": fp["share_of_found"].to_numpy(),
                           "median_distance_m": fp["median_distance_m"].to_numpy()}),
        count_columns=("incidents", "individuals"),
        derived={"share_of_found": "incidents", "median_distance_m": "incidents"},
        formats={"share_of_found": "percent", "median_distance_m": "number"},
        labels={"median_distance_m": "Median distance (m)", "share_of_found": "Share of found"},
    ))
    ring_cols = [c for c in d.rings.columns if c.startswith("p") and c.endswith("_m")]
    rings = ctx.table(Table(
        id="found_distance_rings", caption="Found-distance rings: within what distance each share was found",
        data=d.rings.drop(columns=["category"]).rename(columns={"label": "group"}),
        count_columns=("found",), derived={c: "found" for c in ring_cols},
        formats={c: "number" for c in ring_cols},
        labels={c: f"{c[1:-2]}% within (m)" for c in ring_cols},
        notes=("Straight-line distance on the British National Grid from where they went missing to where they "
               "were found; for search planning. Groups overlap.",),
    ))
    directions = ctx.table(Table(
        id="found_directions", caption="Direction of the found place from where they went missing",
        data=d.directions.assign(direction=[words(x) if x == "same_location" else x for x in d.directions["direction"]]),
        count_columns=("found",), derived={"share": "found", "median_distance_m": "found"},
        formats={"share": "percent", "median_distance_m": "number"},
        labels={"median_distance_m": "Median distance (m)"},
    ))
    return Section(id="found_locations", title="Found locations", tables=(places_table, rings, directions))


def _person_list(ctx: Context, frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Police: the person's reference first; partner: the pseudonym; never both."""
    out = frame.loc[:, columns].copy()
    if ctx.police:
        out.insert(0, "person_id", [ctx.data.identities.get(k, "") for k in frame["person_key"]])
    else:
        out.insert(0, "person_ref", frame["person_key"].to_numpy())
    return out


def _listed(ctx: Context, table: Table) -> Table:
    """A list of people: the first ``reports.list_rows`` on the page, all of them in the CSV."""
    limit = ctx.settings.reports.list_rows
    if len(table.data) <= limit:
        return table
    note = f"The first {limit:,} of {len(table.data):,} are shown; all are in tables/{table.id}.csv."
    return Table(**{**table.__dict__, "data": table.data.head(limit), "csv_data": table.data,
                    "notes": table.notes + (note,)})


def _repeat_individuals(ctx: Context) -> Section:
    p = ctx.data.people
    r = p.repeats
    rule = ctx.settings.repeat
    def _row(label: str, mask: pd.Series) -> dict:
        return {"group": label, "people": int(mask.sum()), "reports_in_window": int(r.loc[mask, "reports_in_window"].sum())}
    rows = [_row("Everyone", pd.Series(True, index=r.index)),
            _row("Children", r["any_child"].fillna(False).astype(bool)),
            _row("Looked-after", r["looked_after"].fillna(False).astype(bool))] if len(r) else [
        {"group": g, "people": 0, "reports_in_window": 0} for g in ("Everyone", "Children", "Looked-after")]
    summary = ctx.table(Table(
        id="repeat_summary", caption=f"Repeat missing people at the end of {ctx.data.month.title}",
        data=pd.DataFrame(rows), count_columns=("people", "reports_in_window"), additive_columns=False,
        labels={"group": "", "reports_in_window": f"Their reports in {rule.window_days} days"},
        notes=(f"Repeat: {rule.threshold} or more reports in a rolling {rule.window_days}-day period.",),
    ))
    tables = [summary]
    f = p.figures
    paragraphs = [
        f"{ctx.n(f['referrals'])} people were due referral to social care this month; "
        f"{ctx.n(f['trigger_plans_new'])} need a new trigger plan and {ctx.n(f['trigger_plans_review'])} a review; "
        f"{ctx.n(f['cross_border_people'])} crossed a local authority or force boundary.",
    ]
    if ctx.audience in ("police", "partner"):
        cols = ["reports_in_window", "first_report_at", "last_report_at", "looked_after", "highest_risk", "flags"]
        tables.append(_listed(ctx, Table(
            id="repeat_people", caption="Repeat missing people" + ("" if ctx.police else " (pseudonymised)"),
            data=_person_list(ctx, r, cols),
            formats={"first_report_at": "date", "last_report_at": "date"},
            labels={"person_id": "Person", "person_ref": "Pseudonym"},
        )))
    if ctx.police:
        tables.append(_listed(ctx, Table(
            id="referrals", caption="Referrals to social care due",
            data=_person_list(ctx, p.referrals, ["reasons", "reported_at", "highest_risk", "flags", "looked_after", "responsible_la"]),
            formats={"reported_at": "datetime"}, labels={"person_id": "Person"},
        )))
        tp = p.trigger_plans.persons
        tables.append(_listed(ctx, Table(
            id="trigger_plans", caption="Trigger plans due or to review",
            data=_person_list(ctx, tp, ["plan_status", "reasons", "reports_in_period", "usual_days", "usual_hours"]),
            labels={"person_id": "Person"},
        )))
    return Section(id="repeat_individuals", title="Repeat individuals", tables=tuple(tables), paragraphs=tuple(paragraphs))


def _exploitation(ctx: Context) -> Section:
    flags = _breakdown(ctx, "vulnerability", "exploitation_flags", "Incidents by vulnerability flag")
    tables = [flags]
    if ctx.police:
        tables.append(_listed(ctx, Table(
            id="intelligence_due", caption="People flagged for exploitation or trafficking: intelligence report due",
            data=_person_list(ctx, ctx.data.people.oversight.intelligence_due,
                              ["flagged_episodes", "flags", "last_flagged_at", "highest_risk", "looked_after", "is_repeat"]),
            formats={"last_flagged_at": "date"}, labels={"person_id": "Person"},
        )))
    return Section(id="exploitation", title="Exploitation indicators", tables=tuple(tables),
                   paragraphs=("Flags recorded on reports: child sexual exploitation (CSE), child criminal "
                               "exploitation (CCE, county lines), trafficking and others. They point to the "
                               "exploitation intelligence products.",))


def _return_interviews(ctx: Context) -> Section:
    ri = ctx.data.people.return_interviews
    data = pd.DataFrame({
        "local_authority": [("All authorities" if c == "all" else ("Not recorded" if c == "unknown" else ctx.la(c)))
                            for c in ri["responsible_la"]],
        "returns": ri["returns"].to_numpy(), "offered_within_limit": ri["offered_within_limit"].to_numpy(),
        "done_within_limit": ri["done_within_limit"].to_numpy(),
        "offered_within_limit_rate": ri["offered_within_limit_rate"].to_numpy(),
        "done_within_limit_rate": ri["done_within_limit_rate"].to_numpy(),
    })
    hours = ctx.settings.safeguarding.return_interview_hours
    table = ctx.table(Table(
        id="return_interviews", caption=f"Return home interviews for children within {hours} hours, by responsible authority",
        data=data, count_columns=("returns", "offered_within_limit", "done_within_limit"),
        total_row=bool(len(data)) and data["local_authority"].iloc[-1] == "All authorities",
        derived={"offered_within_limit_rate": ("offered_within_limit", "returns"),
                 "done_within_limit_rate": ("done_within_limit", "returns")},
        formats={"offered_within_limit_rate": "percent", "done_within_limit_rate": "percent"},
        labels={"local_authority": "Local authority", "offered_within_limit": f"Offered within {hours} h",
                "done_within_limit": f"Done within {hours} h", "offered_within_limit_rate": "Offered rate",
                "done_within_limit_rate": "Done rate"},
        notes=("Children found in the month, except those found dead (DfE statutory guidance 2014: an independent "
               f"interview offered within {hours} hours of return).",),
    ))
    return Section(id="return_interviews", title="Return-interview compliance", tables=(table,))


def _cost(ctx: Context) -> Section:
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


def _interventions(ctx: Context) -> Section:
    d = ctx.data
    if d.interventions is None:
        return Section(id="interventions", title="Intervention impact",
                       paragraphs=("No interventions file is configured (reports.interventions_file), so no "
                                   "intervention is assessed this month.",))
    iv = d.interventions
    ref_to_site = {r.site_ref: r.site_id for r in d.site_register.itertuples() if isinstance(r.site_ref, str)}
    target = []
    for tt, ref in zip(iv["target_type"], iv["target_ref"]):
        if tt != "site":
            target.append("A person")
        elif ref in ref_to_site:
            target.append(ctx.site(ref_to_site[ref]))
        else:
            target.append(f"{ref} (not in the sites register)" if ctx.police else "A site not in the register")
    data = pd.DataFrame({
        "intervention": iv["intervention_id"].to_numpy(), "target": target, "type": [words(t) for t in iv["type"]],
        "started_on": iv["started_on"].to_numpy(), "window_days": iv["window_days"].to_numpy(),
        "episodes_before": iv["episodes_before"].to_numpy(), "episodes_after": iv["episodes_after"].to_numpy(),
        "change": iv["change"].to_numpy(), "p_value": iv["p_value"].to_numpy(), "status": iv["status"].to_numpy(),
    })
    if ctx.police:
        data["description"] = iv["description"].to_numpy()
    table = ctx.table(Table(
        id="interventions", caption="Episodes before and after each intervention", data=data,
        count_columns=("episodes_before", "episodes_after"), additive_rows=False,
        derived={"change": ("episodes_before", "episodes_after"), "p_value": ("episodes_before", "episodes_after")},
        formats={"started_on": "date", "change": "number", "p_value": "text", "window_days": "number"},
        notes=(d.interventions_caveat,),
    ))
    return Section(id="interventions", title="Intervention impact", tables=(table,))


def _data_quality(ctx: Context) -> Section:
    d = ctx.data
    comp = d.quality_completeness
    completeness = ctx.table(Table(
        id="quality_completeness", caption="How completely each field is recorded",
        data=comp[["field", "applies_to", "applicable", "recorded", "pct_recorded"]],
        count_columns=("applicable", "recorded"), derived={"pct_recorded": ("applicable", "recorded")},
        formats={"pct_recorded": "number"}, labels={"pct_recorded": "% recorded", "applies_to": "Applies to"},
    ))
    geo = d.quality_geocoding
    geocoding = ctx.table(Table(
        id="quality_geocoding", caption="How locations were placed (geocoding method)",
        data=geo[["role", "method", "locations", "share"]].assign(role=[words(r) for r in geo["role"]],
                                                                  method=[words(m) for m in geo["method"]]),
        count_columns=("locations",), derived={"share": "locations"}, formats={"share": "percent"},
    ))
    op = d.quality_open
    open_cols = [c for c in op.columns if c.startswith("open_")]
    open_table = ctx.table(Table(
        id="quality_open_episodes", caption=f"Episodes still open at the end of {d.month.title}, by risk and time open",
        data=op[["risk"] + open_cols].assign(risk=[("Total" if r == "total" else words(r)) for r in op["risk"]])
        if len(op) else pd.DataFrame(columns=["risk"] + open_cols),
        count_columns=tuple(open_cols), additive_rows=True, total_row=bool(len(op)), total_column="open_episodes",
        labels={"open_episodes": "Open", "open_up_to_72h": "Up to 72 h", "open_72h_to_28d": "72 h to 28 days",
                "open_28d_to_1y": "28 days to 1 year", "open_over_1y": "Over 1 year"},
    ))
    late = d.quality_late
    tables = [completeness, geocoding, open_table]
    if ctx.police and len(d.quality_quarantine):
        tables.append(Table(id="quality_quarantine", caption="Rows refused at ingestion this month",
                            data=d.quality_quarantine, count_columns=("rows",)))
    share = f" ({late.share_late:.0%})" if late.share_late is not None and not ctx.small(late.late) else ""
    return Section(
        id="data_quality", title="Data quality", tables=tuple(tables),
        paragraphs=(f"{ctx.n(late.late)} of {ctx.n(late.found)} returns in the month were recorded late{share}: an "
                    f"extract loaded more than {ctx.settings.demand.late_return_tolerance_hours:.0f} hours after the "
                    "person was found still showed them missing.",),
    )


def _recommendations(ctx: Context, tables: dict[str, Table]) -> Section:
    """Actions that follow from the numbers; figures quoted as the audience's tables show them."""
    d, f = ctx.data, ctx.data.people.figures
    items = []
    if f["trigger_plans_new"] or f["trigger_plans_review"]:
        items.append(f"Put trigger plans in place for {ctx.n(f['trigger_plans_new'])} people and review "
                     f"{ctx.n(f['trigger_plans_review'])} (the police edition lists them).")
    if f["referrals"]:
        items.append(f"Confirm that the {ctx.n(f['referrals'])} referrals to social care due this month were made.")
    ranked = tables.get("sites_ranked")
    if ranked is not None and len(ranked.data):
        top = ranked.data.iloc[0]
        count = "" if isinstance(top["incidents"], str) else f" ({ctx.n(top['incidents'])})"
        items.append(f"Hold a multi-agency problem-solving meeting on {top['site']}, the site with most reports over "
                     f"{ctx.settings.sites.ranking_months} months{count}.")
    flagged = d.persistent[d.persistent["emerging"]]
    if len(flagged):
        items.append("Look early at emerging sites: " + ", ".join(ctx.site(s) for s in flagged["site_id"].head(3)) + ".")
    ri = tables.get("return_interviews")
    if ri is not None:
        rows = ri.data[(ri.data["local_authority"] != "All authorities")]
        rates = [(r, la) for la, r in zip(rows["local_authority"], rows["offered_within_limit_rate"])
                 if not isinstance(r, str) and not pd.isna(r)]
        if rates:
            rate, la = min(rates)
            if rate < 0.9:
                items.append(f"Raise return-interview compliance with {la}: {rate:.0%} offered within "
                             f"{ctx.settings.safeguarding.return_interview_hours} hours.")
    if f["intelligence_due"]:
        items.append(f"Submit intelligence reports for {ctx.n(f['intelligence_due'])} people flagged for exploitation "
                     "or trafficking.")
    if f["ukmpu_notifications"]:
        items.append(f"Check that {ctx.n(f['ukmpu_notifications'])} people missing over "
                     f"{ctx.settings.safeguarding.ukmpu_notify_hours} hours were notified to the UK Missing Persons Unit.")
    comp = d.quality_completeness
    weak = comp[(comp["applicable"] >= ctx.threshold) & (comp["pct_recorded"] < 90)].sort_values(["pct_recorded", "field"])
    if len(weak):
        fields = list(dict.fromkeys(weak["field"]))
        more = f" and {len(fields) - 5} more" if len(fields) > 5 else ""
        items.append("Improve recording of " + ", ".join(fields[:5]) + more + " (under 90% complete).")
    if not items:
        items.append("No action stands out from this month's numbers.")
    return Section(id="recommendations", title="Recommendations", items=tuple(items))


def _methods(ctx: Context) -> Section:
    s = ctx.settings
    items = [
        "Incidents are episodes of one person going missing; individuals are distinct people (pseudonymised "
        "before analysis); calls are calls to police. The three are never added together.",
        "Child: under 18 at the time of the report. Periods are calendar months in London time, by the time the "
        "report was made.",
        f"Repeat missing: {s.repeat.threshold} or more reports within a rolling {s.repeat.window_days} days.",
        "Duration: from the report to the person being found; bands have inclusive upper bounds.",
        "Demand trend: XmR control chart; limits from the months before the latest.",
        f"Clusters: DBSCAN, {s.sites.cluster_radius_m:.0f} m radius, at least {s.sites.cluster_min_points} points. "
        f"Hot spots: Getis-Ord Gi* with Benjamini-Hochberg false-discovery-rate control at {s.sites.hotspot_fdr_alpha}.",
        f"Cost: incidents by initial risk times unit costs ({s.costs.price_basis}).",
        "Definitions follow the College of Policing APP on missing persons and the UKMPU data return.",
    ]
    if not ctx.police:
        items.append(f"Disclosure control: counts from 1 to {ctx.threshold - 1} are withheld "
                     f"({s.disclosure.suppression_marker}), with other cells withheld so that totals cannot reveal "
                     "them; children's homes are shown by type, letter and local authority only.")
    items += [f"Attribution: {line}" for line in ctx.data.attribution]
    return Section(id="methods", title="Methods, definitions and attribution", items=tuple(items))


# ---- the report ---------------------------------------------------------------------------


def build_profile(data: ProfileData, audience: Audience, run_date: date) -> Report:
    """The problem profile for ``audience`` from measures gathered once."""
    ctx = Context(data, audience, run_date)
    body = {
        "scope": _scope(ctx), "demand_trend": _demand_trend(ctx), "time_pattern": _time_pattern(ctx),
        "demographics": _demographics(ctx), "risk": _risk(ctx), "duration": _duration(ctx),
        "found_by": _found_by(ctx), "sites": _sites(ctx), "found_locations": _found_locations(ctx),
        "repeat_individuals": _repeat_individuals(ctx), "exploitation": _exploitation(ctx),
        "return_interviews": _return_interviews(ctx), "cost": _cost(ctx), "interventions": _interventions(ctx),
        "data_quality": _data_quality(ctx), "methods": _methods(ctx),
    }
    tables = {t.id: t for section in body.values() for t in section.tables}
    body["key_findings"] = _key_findings(ctx, _findings(ctx, tables))
    body["recommendations"] = _recommendations(ctx, tables)
    sections = tuple(body[s] for s in SECTION_IDS)
    for table in (t for s in sections for t in s.tables):
        check_columns(table.data.columns, audience, where=f"table {table.id}")
    settings = data.settings
    return report_for(
        settings,
        audience=audience,
        kind="problem_profile",
        title="Missing persons problem profile",
        subtitle=f"{data.month.title} · {audience} edition",
        period_label=data.month.title,
        run_date=run_date,
        sections=sections,
        attribution=tuple(data.attribution),
    )


def default_out_dir(settings: Settings, month: Month, audience: Audience) -> Path:
    return settings.output_dir / "profile" / month.label / audience


def write_profile_files(report: Report, data: ProfileData, out_dir: Path, settings: Settings,
                        con: duckdb.DuckDBPyConnection | None = None, *, pdf: bool = True) -> list[Path]:
    """Write one audience's folder, published whole (``profiles.files.publishing``): a re-run
    replaces the tables, never mixes two runs; the manifest comes last."""
    with publishing(out_dir, replace=["tables/*.csv"]) as stage:
        files = _write_profile_files(report, data, stage, settings, con, pdf=pdf)
    return published(files, stage, out_dir)


def _write_profile_files(report: Report, data: ProfileData, out_dir: Path, settings: Settings,
                         con: duckdb.DuckDBPyConnection | None, *, pdf: bool) -> list[Path]:
    renderer = Renderer(settings)
    html_path = out_dir / "problem_profile.html"
    html = renderer.write_html(report, html_path)
    summary_path = out_dir / "summary.html"
    renderer.write_html(report, summary_path, template="summary.html.j2")
    tables_dir = out_dir / "tables"
    csvs = [write_table_csv(t, tables_dir) for t in report.tables]
    files = [html_path, summary_path, *csvs]
    if report.audience != "police" and con is not None:
        check_files(files, sensitive_values(con, data.month), report.audience)
    if pdf:
        pdf_path = out_dir / "problem_profile.pdf"
        renderer.write_pdf(html, pdf_path)
        files.append(pdf_path)
    manifest = write_manifest(
        out_dir, kind="problem_profile", period=data.month.label, audience=report.audience, marking=report.marking,
        synthetic=report.synthetic, run_date=report.run_date, files=files,
    )
    return files + [manifest]


def write_profile(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    month: Month,
    run_date: date,
    *,
    audiences: tuple[Audience, ...] = AUDIENCES,
    out_dir: Path | None = None,
    pdf: bool | None = None,
) -> dict[str, list[Path]]:
    """Gather once, then write each audience's folder (``out_dir`` only with one audience;
    default ``<output_dir>/profile/<period>/<audience>``)."""
    if out_dir is not None and len(audiences) > 1:
        out_dirs = {a: out_dir / a for a in audiences}
    else:
        out_dirs = {a: out_dir or default_out_dir(settings, month, a) for a in audiences}
    step = progress.Stage("problem profile: measures, then each audience", total=1 + len(audiences))
    data = gather(con, settings, month)
    step.advance()
    written = {}
    for audience in audiences:
        report = build_profile(data, audience, run_date)
        written[audience] = write_profile_files(report, data, out_dirs[audience], settings, con,
                                                pdf=settings.reports.pdf if pdf is None else pdf)
        step.advance()
    return written
