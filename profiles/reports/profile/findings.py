"""Key findings and recommendations: sentences written from the tables as the audience sees them."""

from __future__ import annotations

import pandas as pd

from profiles.analysis.profile_measures import relative_change, under_recorded_fields
from profiles.reports.objects import KeyFinding, Section, Table
from profiles.reports.profile.context import Context, plural, shown
from profiles.reports.profile.published import still_missing_sentence


def key_findings(ctx: Context, findings: list[KeyFinding]) -> Section:
    return Section(id="key_findings", title="Key findings", findings=tuple(findings))


def findings(ctx: Context, tables: dict[str, Table]) -> list[KeyFinding]:
    d = ctx.data
    out: list[KeyFinding] = []
    month, last = d.month.title, d.month.same_month_last_year.title
    incidents = shown(tables, "scope_summary", "measure", "Incidents (episodes)", "value")
    people = shown(tables, "scope_summary", "measure", "Individuals (people)", "value")
    before = shown(tables, "demand_monthly", "month", d.month.label, "same_month_last_year")
    head = f"{ctx.n(incidents)} reports involving {ctx.n(people)} people were made in {month}"
    change = relative_change(incidents, before)
    if change is not None:
        direction = "rose" if change > 0 else ("fell" if change < 0 else "were unchanged")
        pct = f" {abs(change):.0%}" if change else ""
        out.append(KeyFinding(f"{head}; reports {direction}{pct} on {last} ({ctx.n(before)}).", "demand_trend"))
    else:
        out.append(KeyFinding(head + ".", "demand_trend"))
    out.append(KeyFinding(still_missing_sentence(ctx), "duration"))
    latest = d.trend.iloc[-1] if len(d.trend) else None
    if latest is not None and latest["signal"] in ("above_ucl", "below_lcl") and incidents is not None:
        side = "above the upper" if latest["signal"] == "above_ucl" else "below the lower"
        out.append(KeyFinding(f"Reports in {month} were {side} control limit set by the months before: "
                              "a change in demand, not ordinary variation.", "demand_trend"))
    child = shown(tables, "scope_summary", "measure", "Children's incidents", "value")
    if child is not None and incidents:
        text = f"Children made {ctx.n(child)} of the reports ({child / incidents:.0%})"
        lac = shown(tables, "demographics_looked_after", "group", "Child", "looked_after_incidents")
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
    everyone = shown(tables, "repeat_summary", "group", "Everyone", "people")
    if everyone is None and not ctx.police:  # a primary-only table: withheld means small
        out.append(KeyFinding(
            f"Fewer than {ctx.threshold} people were repeat missing ({rule.threshold} or more reports in "
            f"{rule.window_days} days) at the end of {month}.", "repeat_individuals"))
    elif everyone is not None:
        kids = shown(tables, "repeat_summary", "group", "Children", "people")
        looked = shown(tables, "repeat_summary", "group", "Looked-after", "people")
        extra = ""
        if kids is not None and looked is not None:
            extra = f", {ctx.n(kids)} of them children and {ctx.n(looked)} looked after"
        out.append(KeyFinding(
            f"{ctx.n(everyone)} people were repeat missing ({rule.threshold} or more reports in {rule.window_days} "
            f"days) at the end of {month}{extra}.", "repeat_individuals"))
    rate = shown(tables, "return_interviews", "local_authority", "All authorities", "offered_within_limit_rate")
    returns = shown(tables, "return_interviews", "local_authority", "All authorities", "returns")
    if rate is not None and returns:
        out.append(KeyFinding(
            f"{rate:.0%} of {ctx.n(returns)} children's returns were offered a return home interview within "
            f"{ctx.settings.safeguarding.return_interview_hours} hours.", "return_interviews"))
    high = shown(tables, "risk_initial", "category", "High", "total")
    if high is not None and incidents:
        out.append(KeyFinding(f"{ctx.n(high)} {plural(high, 'report')} ({high / incidents:.0%}) "
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
