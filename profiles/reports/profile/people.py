"""Sections on people: repeat individuals, exploitation, return interviews."""

from __future__ import annotations

import pandas as pd

from profiles.analysis.profile_measures import repeat_groups
from profiles.reports.objects import Section, Table
from profiles.reports.profile.context import Context, listed, person_list
from profiles.reports.profile.demand import breakdown


def repeat_individuals(ctx: Context) -> Section:
    p = ctx.data.people
    r = p.repeats
    rule = ctx.settings.repeat
    summary = ctx.table(Table(
        id="repeat_summary", caption=f"Repeat missing people at the end of {ctx.data.month.title}",
        data=repeat_groups(r), count_columns=("people", "reports_in_window"), additive_columns=False,
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
        tables.append(listed(ctx, Table(
            id="repeat_people", caption="Repeat missing people" + ("" if ctx.police else " (pseudonymised)"),
            data=person_list(ctx, r, cols),
            formats={"first_report_at": "date", "last_report_at": "date"},
            labels={"person_id": "Person", "person_ref": "Pseudonym"},
        )))
    if ctx.police:
        tables.append(listed(ctx, Table(
            id="referrals", caption="Referrals to social care due",
            data=person_list(ctx, p.referrals, ["reasons", "reported_at", "highest_risk", "flags", "looked_after", "responsible_la"]),
            formats={"reported_at": "datetime"}, labels={"person_id": "Person"},
        )))
        tp = p.trigger_plans.persons
        tables.append(listed(ctx, Table(
            id="trigger_plans", caption="Trigger plans due or to review",
            data=person_list(ctx, tp, ["plan_status", "reasons", "reports_in_period", "usual_days", "usual_hours"]),
            labels={"person_id": "Person"},
        )))
    return Section(id="repeat_individuals", title="Repeat individuals", tables=tuple(tables), paragraphs=tuple(paragraphs))


def exploitation(ctx: Context) -> Section:
    flags = breakdown(ctx, "vulnerability", "exploitation_flags", "Incidents by vulnerability flag")
    tables = [flags]
    if ctx.police:
        tables.append(listed(ctx, Table(
            id="intelligence_due", caption="People flagged for exploitation or trafficking: intelligence report due",
            data=person_list(ctx, ctx.data.people.oversight.intelligence_due,
                              ["flagged_episodes", "flags", "last_flagged_at", "highest_risk", "looked_after", "is_repeat"]),
            formats={"last_flagged_at": "date"}, labels={"person_id": "Person"},
        )))
    return Section(id="exploitation", title="Exploitation indicators", tables=tuple(tables),
                   paragraphs=("Flags recorded on reports: child sexual exploitation (CSE), child criminal "
                               "exploitation (CCE, county lines), trafficking and others. They point to the "
                               "exploitation intelligence products.",))


def return_interviews(ctx: Context) -> Section:
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
