"""The closing sections: intervention impact, data quality, methods and attribution."""

from __future__ import annotations

import pandas as pd

from profiles.categories import OPEN_BANDS
from profiles.reports.objects import Section, Table
from profiles.reports.profile.context import Context
from profiles.reports.profile.words import words


def interventions(ctx: Context) -> Section:
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
        body_columns=("intervention", "target", "type", "started_on", "episodes_before", "episodes_after", "change",
                      "status"),
        count_columns=("episodes_before", "episodes_after"), additive_rows=False,
        derived={"change": ("episodes_before", "episodes_after"), "p_value": ("episodes_before", "episodes_after")},
        formats={"started_on": "date", "change": "number", "p_value": "text", "window_days": "number"},
        notes=(d.interventions_caveat,),
    ))
    return Section(id="interventions", title="Intervention impact", tables=(table,))


def data_quality(ctx: Context) -> Section:
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
        labels={"open_episodes": "Open", **{f"open_{b}": words(b) for b in OPEN_BANDS}},
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


def methods(ctx: Context) -> Section:
    s = ctx.settings
    items = [
        "Incidents are episodes of one person going missing; individuals are distinct people (pseudonymised "
        "before analysis); calls are calls to police. The three are never added together.",
        "Child: under 18 at the time of the report. Periods are calendar months in London time, by the time the "
        "report was made.",
        f"Repeat missing: {s.repeat.threshold} or more reports within a rolling {s.repeat.window_days} days.",
        "Duration: from the report to the person being found; bands have inclusive upper bounds.",
        "Demand trend: the usual range is the control limits of an XmR chart, from the months before the latest.",
        f"Clusters: DBSCAN, {s.sites.cluster_radius_m:.0f} m radius, at least {s.sites.cluster_min_points} points. "
        f"Hot spots: Getis-Ord Gi* (hot-spot strength is its z-score) with Benjamini-Hochberg false-discovery-rate "
        f"control at {s.sites.hotspot_fdr_alpha}.",
        f"Cost: incidents by initial risk times unit costs ({s.costs.price_basis}).",
        "Definitions follow the College of Policing APP on missing persons and the UKMPU data return.",
    ]
    if not ctx.police:
        items.append(f"Disclosure control: counts from 1 to {ctx.threshold - 1} are withheld "
                     f"({s.disclosure.suppression_marker}), with other cells withheld so that totals cannot reveal "
                     "them; children's homes are shown by type, letter and local authority only.")
    items += [f"Attribution: {line}" for line in ctx.data.attribution]
    return Section(id="methods", title="Methods, definitions and attribution", items=tuple(items))
