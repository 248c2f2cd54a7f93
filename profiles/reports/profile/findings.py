"""Key findings and recommendations: sentences written from the tables as the audience sees them."""

from __future__ import annotations

import pandas as pd

from profiles.analysis.profile_measures import relative_change, under_recorded_fields
from profiles.reports.objects import KeyFinding, Section, Table
from profiles.reports.profile.context import Context, plural, shown
from profiles.reports.profile.published import still_missing_sentence


#: At most this many key messages (the board pack, issue 10): the first ones, in the order below.
KEY_MESSAGES_MAX = 8


def key_findings(ctx: Context, findings: list[KeyFinding]) -> Section:
    return Section(id="key_findings", title="Key messages", findings=tuple(findings[:KEY_MESSAGES_MAX]))


def message(text: str, table: str, section: str) -> KeyFinding:
    """One sentence that quotes a figure and names the table showing it: "... (table demand_monthly)."."""
    text = text[0].upper() + text[1:].rstrip(".")
    return KeyFinding(f"{text} (table {table}).", section, table)


def _pct(part: float, whole: float | None) -> str:
    return f"{part / whole:.0%}" if whole else ""


def findings(ctx: Context, tables: dict[str, Table]) -> list[KeyFinding]:
    """Every key message the numbers support, most important first (``key_findings`` keeps the
    first ``KEY_MESSAGES_MAX``). Each quotes the audience's own table, so a sentence never
    gives away a cell the table withholds."""
    d = ctx.data
    out: list[KeyFinding] = []
    month, last = d.month.title, d.month.same_month_last_year.title
    incidents = shown(tables, "demand_monthly", "month", d.month.label, "incidents")
    people = shown(tables, "demand_monthly", "month", d.month.label, "individuals")
    before = shown(tables, "demand_monthly", "month", d.month.label, "same_month_last_year")
    head = f"{ctx.n(incidents)} reports involving {ctx.n(people)} people were made in {month}"
    change = relative_change(incidents, before)
    if change is not None:
        direction = "rose" if change > 0 else ("fell" if change < 0 else "were unchanged")
        pct = f" {abs(change):.0%}" if change else ""
        out.append(message(f"{head}; reports {direction}{pct} on {last} ({ctx.n(before)})", "demand_monthly",
                           "demand_trend"))
    else:
        out.append(message(head, "demand_monthly", "demand_trend"))
    latest = d.trend.iloc[-1] if len(d.trend) else None
    if latest is not None and latest["signal"] in ("above_ucl", "below_lcl") and incidents is not None:
        side = "above the upper" if latest["signal"] == "above_ucl" else "below the lower"
        limit = latest["ucl"] if latest["signal"] == "above_ucl" else latest["lcl"]
        out.append(message(f"The {ctx.n(incidents)} reports in {month} were {side} control limit ({limit:,.0f}) "
                           "set by the months before: a change in demand, not ordinary variation",
                           "demand_monthly", "demand_trend"))
    child = shown(tables, "demographics_looked_after", "group", "Child", "incidents")
    if child is not None and incidents:
        text = f"Children made {ctx.n(child)} of the {ctx.n(incidents)} reports ({_pct(child, incidents)})"
        lac = shown(tables, "demographics_looked_after", "group", "Child", "looked_after_incidents")
        if child and lac is not None:
            text += f"; {ctx.n(lac)} of the children's reports ({_pct(lac, child)}) were of looked-after children"
        out.append(message(text, "demographics_looked_after", "demographics"))
    out.append(message(still_missing_sentence(ctx), "open_at_period_end", "duration"))
    rule = ctx.settings.repeat
    everyone = shown(tables, "repeat_summary", "group", "Everyone", "people")
    if everyone is None and not ctx.police:  # a primary-only table: withheld means small
        out.append(message(
            f"Fewer than {ctx.threshold} people were repeat missing ({rule.threshold} or more reports in "
            f"{rule.window_days} days) at the end of {month}", "repeat_summary", "repeat_individuals"))
    elif everyone is not None:
        kids = shown(tables, "repeat_summary", "group", "Children", "people")
        looked = shown(tables, "repeat_summary", "group", "Looked-after", "people")
        extra = ""
        if kids is not None and looked is not None:
            extra = f", {ctx.n(kids)} of them children and {ctx.n(looked)} looked after"
        out.append(message(
            f"{ctx.n(everyone)} people were repeat missing ({rule.threshold} or more reports in {rule.window_days} "
            f"days) at the end of {month}{extra}", "repeat_summary", "repeat_individuals"))
    high = shown(tables, "risk_initial", "category", "High", "total")
    if high is not None and incidents:
        out.append(message(f"{ctx.n(high)} {plural(high, 'report')} ({_pct(high, incidents)}) "
                           f"{'was' if high == 1 else 'were'} graded high risk at first assessment",
                           "risk_initial", "risk"))
    rate = shown(tables, "return_interviews", "local_authority", "All authorities", "offered_within_limit_rate")
    offered = shown(tables, "return_interviews", "local_authority", "All authorities", "offered_within_limit")
    returns = shown(tables, "return_interviews", "local_authority", "All authorities", "returns")
    if rate is not None and offered is not None and returns:
        out.append(message(
            f"{ctx.n(offered)} of {ctx.n(returns)} children's returns ({_pct(offered, returns)}) were offered a return home "
            f"interview within {ctx.settings.safeguarding.return_interview_hours} hours", "return_interviews",
            "return_interviews"))
    ranked = tables.get("sites_ranked")
    if ranked is not None and len(ranked.data) and d.sites_12m_incidents:
        top = ranked.data.head(3)
        if not any(isinstance(v, str) for v in top["incidents"]):
            made = int(top["incidents"].sum())
            out.append(message(
                f"The {len(top)} sites with most reports ({', '.join(top['site'])}) made {ctx.n(made)} of the "
                f"{ctx.n(d.sites_12m_incidents)} reports ({_pct(made, d.sites_12m_incidents)}) in the "
                f"{ctx.settings.sites.ranking_months} months to {month}", "sites_ranked", "sites"))
    flags = tables.get("exploitation_flags")
    if flags is not None:
        parts = [f"{ctx.n(v)} {cat if cat.isupper() else cat.lower()}"
                 for cat, v in zip(flags.data["category"], flags.data["total"])
                 if cat in ("CSE", "CCE", "Trafficking") and not isinstance(v, str) and v]
        if parts:
            out.append(message("Exploitation indicators recorded on the month's reports: " + ", ".join(parts),
                               "exploitation_flags", "exploitation"))
    cost = shown(tables, "cost_of_demand", "risk", "Total", "cost_gbp")
    if cost is not None and incidents is not None:
        out.append(message(
            f"The estimated cost of the month's {ctx.n(incidents)} investigations is £{cost:,.0f}, at "
            f"{ctx.settings.costs.price_basis}", "cost_of_demand", "cost"))
    return out


def recommendations(ctx: Context, tables: dict[str, Table]) -> Section:
    """Actions that follow from the numbers; figures quoted as the audience's tables show them."""
    d, f = ctx.data, ctx.data.people.figures
    items = []
    if f["trigger_plans_new"] or f["trigger_plans_review"]:
        items.append(f"Put trigger plans in place for {ctx.n(f['trigger_plans_new'])} people and review "
                     f"{ctx.n(f['trigger_plans_review'])} (the police annex lists them).")
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
            if rate < ctx.settings.reports.return_interview_target:
                items.append(f"Raise return-interview compliance with {la}: {rate:.0%} offered within "
                             f"{ctx.settings.safeguarding.return_interview_hours} hours.")
    if f["intelligence_due"]:
        items.append(f"Submit intelligence reports for {ctx.n(f['intelligence_due'])} people flagged for exploitation "
                     "or trafficking.")
    if f["ukmpu_notifications"]:
        items.append(f"Check that {ctx.n(f['ukmpu_notifications'])} people missing over "
                     f"{ctx.settings.safeguarding.ukmpu_notify_hours} hours were notified to the UK Missing Persons Unit.")
    target = ctx.settings.reports.completeness_target_pct
    fields = under_recorded_fields(d.quality_completeness, target_pct=target, min_applicable=ctx.threshold)
    if fields:
        more = f" and {len(fields) - 5} more" if len(fields) > 5 else ""
        items.append("Improve recording of " + ", ".join(fields[:5]) + more + f" (under {target:g}% complete).")
    if not items:
        items.append("No action stands out from this month's numbers.")
    return Section(id="recommendations", title="Recommendations", items=tuple(items))
