"""Sections on people: repeat individuals, exploitation, return interviews."""

from __future__ import annotations

import pandas as pd

from profiles.analysis.profile_measures import repeat_groups
from profiles.reports.objects import Section, Table
from profiles.reports.profile.context import Context
from profiles.reports.profile.demand import breakdown
from profiles.reports.profile.published import concentration_sentence, measure_table


#: Where the police find the people behind the counts: no person is named in a main document.
ANNEX_LINE = "The police annex lists them (annex.pdf and annex.xlsx in the police folder; police only)."


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
    concentration = measure_table(
        ctx, "repeat_concentration",
        f"Reports made by the people reported most often, {ctx.settings.sites.ranking_months} months to {ctx.data.month.title}",
        ("incidents", "all_incidents"), derived={"share_of_incidents": "incidents"},
        formats={"share_of_incidents": "percent"}, additive_columns=False)
    tables = [summary, concentration]
    f = p.figures
    paragraphs = [
        concentration_sentence(ctx),
        f"{ctx.n(f['referrals'])} people were due referral to social care this month; "
        f"{ctx.n(f['trigger_plans_new'])} need a new trigger plan and {ctx.n(f['trigger_plans_review'])} a review; "
        f"{ctx.n(f['cross_border_people'])} crossed a local authority or force boundary.",
    ]
    if ctx.police:
        paragraphs.append(ANNEX_LINE)
    return Section(id="repeat_individuals", title="Repeat individuals", tables=tuple(tables), paragraphs=tuple(paragraphs))


def exploitation(ctx: Context) -> Section:
    flags = breakdown(ctx, "vulnerability", "exploitation_flags", "Incidents by vulnerability flag")
    tables = [flags]
    paragraphs = ["Flags recorded on reports: child sexual exploitation (CSE), child criminal exploitation (CCE, "
                  "county lines), trafficking and others. They point to the exploitation intelligence products.",
                  f"{ctx.n(ctx.data.people.figures['intelligence_due'])} people flagged for exploitation or trafficking "
                  "are due an intelligence report."]
    if ctx.police:
        paragraphs.append(ANNEX_LINE)
    return Section(id="exploitation", title="Exploitation indicators", tables=tuple(tables),
                   paragraphs=tuple(paragraphs))


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
    themes = measure_table(ctx, "rhi_themes", "Themes recorded from return home interviews", ("incidents", "individuals"),
                           additive_columns=False,
                           notes=("An episode counts once under each theme it carries; free text stays police only.",))
    return Section(id="return_interviews", title="Return-interview compliance", tables=(table, themes))
