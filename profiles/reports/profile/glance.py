"""Page 1, "at a glance": the month's headline figures as the audience may see them.

The figures come from ``profiles.analysis.headline`` (counted over the facts layer); this
module only labels them, puts them through disclosure and words each change with its
direction. ``tables/at_a_glance.csv`` holds the numbers as the audience sees them (withheld
cells carry the marker); the page shows the same numbers in words.

A figure that another table of the same report withholds (secondary suppression there) is
withheld here too, so page 1 never gives away what a chapter protects.
"""

from __future__ import annotations

import pandas as pd

from profiles.disclosure import withhold_cells
from profiles.reports.objects import Section, Table
from profiles.reports.profile.context import Context

GLANCE_ID = "at_a_glance"

#: Where a chapter table shows the same number: (glance column, table id, key column, key, column).
#: ``{month}``, ``{last_month}`` and ``{last_year}`` are month labels ("2026-10").
_MONTHLY = {"calls": "calls", "incidents": "incidents", "individuals": "individuals",
            "child_incidents": "child_incidents"}


def _labels(ctx: Context) -> dict[str, tuple[str, str | None]]:
    """Each figure's label and, for a share, what it is a share of."""
    rule, hours = ctx.settings.repeat, ctx.settings.safeguarding.return_interview_hours
    return {
        "calls": ("Calls to police", None),
        "incidents": ("Reports (incidents)", None),
        "individuals": ("People reported missing", None),
        "child_incidents": ("Children's reports", "reports"),
        "looked_after_child_incidents": ("Looked-after children's reports", "children's reports"),
        "repeat_people": (f"Repeat missing people ({rule.threshold}+ reports in {rule.window_days} days)", None),
        "high_risk_incidents": ("High risk at first assessment", "reports"),
        "open_people": (f"People still missing at the end of {ctx.data.month.title}", None),
        "interviews_offered_in_time": (f"Return interviews offered within {hours} h", "children's returns"),
    }


def glance_table(ctx: Context, tables: dict[str, Table]) -> Table:
    """``tables/at_a_glance.csv``: every figure with its share and changes, disclosed."""
    h = ctx.data.headline
    labels = _labels(ctx)
    data = h.assign(measure=[labels[f][0] for f in h["figure"]],
                    share_of=[labels[f][1] or "" for f in h["figure"]])
    columns = ["figure", "measure", "count", "share", "share_of", "base", "last_month", "change_on_last_month",
               "pct_change_on_last_month", "same_month_last_year", "change_on_last_year", "pct_change_on_last_year"]
    if data["status"].notna().any():
        columns.append("status")
    table = ctx.table(Table(
        id=GLANCE_ID, caption=f"{ctx.data.month.title} at a glance", data=data[columns].reset_index(drop=True),
        count_columns=("count", "base", "last_month", "same_month_last_year"), additive_columns=False,
        derived={"share": ("count", "base"),
                 "change_on_last_month": ("count", "last_month"), "pct_change_on_last_month": ("count", "last_month"),
                 "change_on_last_year": ("count", "same_month_last_year"),
                 "pct_change_on_last_year": ("count", "same_month_last_year"),
                 "status": ("count", "base", "last_month", "same_month_last_year")},
        formats={"share": "percent", "change_on_last_month": "number", "pct_change_on_last_month": "percent",
                 "change_on_last_year": "number", "pct_change_on_last_year": "percent"},
    ))
    if ctx.police:
        return table
    return withhold_cells(table, _withheld_elsewhere(ctx, table, tables), ctx.settings)


def _withheld_elsewhere(ctx: Context, glance: Table, tables: dict[str, Table]) -> list[tuple[int, str]]:
    """The glance cells whose number a chapter table of this report withholds."""
    m = ctx.data.month
    sources: dict[str, list[tuple[str, str, str, object, str]]] = {}
    for figure, col in _MONTHLY.items():
        sources[figure] = [(gcol, "demand_monthly", "month", label, col) for gcol, label in
                           (("count", m.label), ("last_month", m.previous.label),
                            ("same_month_last_year", m.same_month_last_year.label))]
    sources["looked_after_child_incidents"] = [("count", "demographics_looked_after", "group", "Child",
                                                "looked_after_incidents"),
                                               ("base", "demand_monthly", "month", m.label, "child_incidents")]
    sources["child_incidents"].append(("base", "demand_monthly", "month", m.label, "incidents"))
    sources["high_risk_incidents"] = [("count", "risk_initial", "category", "High", "total"),
                                      ("base", "demand_monthly", "month", m.label, "incidents")]
    sources["repeat_people"] = [("count", "repeat_summary", "group", "Everyone", "people")]
    sources["interviews_offered_in_time"] = [
        ("count", "return_interviews", "local_authority", "All authorities", "offered_within_limit"),
        ("base", "return_interviews", "local_authority", "All authorities", "returns")]
    cells = []
    for i, figure in enumerate(glance.data["figure"]):
        for gcol, table_id, key_col, key, col in sources.get(figure, []):
            table = tables.get(table_id)
            if table is None or col not in table.data.columns:
                continue
            hit = table.data.loc[table.data[key_col] == key, col]
            if len(hit) and isinstance(hit.iloc[0], str):
                cells.append((i, gcol))
    return cells


def _pct(value: object) -> str:
    return f"{abs(float(value)):.0%}"


def change_words(change: object, pct: object, before: object, marker: str) -> str:
    """A change in words with its direction: "▲ up 12 (8%)", "▼ down 3 (20%)", "no change";
    the marker where it is withheld. The arrow repeats the word, so colour or shape is never
    the only sign."""
    if isinstance(change, str) or isinstance(before, str):
        return marker
    if change is None or pd.isna(change):
        return "–"
    change = int(change)
    if change == 0:
        return "= no change"
    pct_text = f" ({_pct(pct)})" if isinstance(pct, (int, float)) and not pd.isna(pct) else " (none before)"
    return f"{'▲ up' if change > 0 else '▼ down'} {abs(change):,}{pct_text}"


def _count(value: object) -> str:
    return value if isinstance(value, str) else f"{int(value):,}"


def _share(share: object, share_of: str, base: object) -> str:
    if not share_of:
        return ""
    if isinstance(share, str):
        return share
    if share is None or pd.isna(share):
        return "–"
    return f"{float(share):.0%} of {_count(base)} {share_of}"


def glance_display(ctx: Context, table: Table) -> Table:
    """The page's view of the glance table: each figure's count, share and changes in words.

    ``csv_data`` keeps the numbers (``tables/at_a_glance.csv``)."""
    marker = ctx.settings.disclosure.suppression_marker
    d = table.data
    shown = pd.DataFrame({
        "measure": d["measure"],
        "count": [_count(v) for v in d["count"]],
        "share": [_share(s, of, b) for s, of, b in zip(d["share"], d["share_of"], d["base"])],
        "on_last_month": [change_words(c, p, b, marker) for c, p, b in
                          zip(d["change_on_last_month"], d["pct_change_on_last_month"], d["last_month"])],
        "on_last_year": [change_words(c, p, b, marker) for c, p, b in
                         zip(d["change_on_last_year"], d["pct_change_on_last_year"], d["same_month_last_year"])],
    })
    if "status" in d.columns:
        shown["status"] = [v if isinstance(v, str) and v == marker else (str(v).capitalize() if isinstance(v, str) else "")
                           for v in d["status"]]
    m = ctx.data.month
    withheld = table.suppressed is not None and table.suppressed.to_numpy().any()
    notes = ["Share: of the base named beside it. Changes: on the month before and on the same month a year "
             "earlier, with the number and its per cent of the earlier month."]
    if withheld:
        notes.append(f"{marker} = withheld: a count below {ctx.threshold}, or a figure a chapter table withholds.")
    return Table(
        id=table.id, caption=table.caption, data=shown, csv_data=table.data, notes=tuple(notes),
        labels={"measure": "", "count": m.title, "share": "Share", "on_last_month": f"On {m.previous.title}",
                "on_last_year": f"On {m.same_month_last_year.title}", "status": "Status"},
        formats={"count": "count"},
    )


def at_a_glance(ctx: Context, tables: dict[str, Table]) -> Section:
    """Page 1: the period and audience in one line, then the figures."""
    m = ctx.data.month
    audience = {"police": "Police edition.",
                "partner": "Partner edition: small counts are withheld.",
                "public": "Public edition: small counts are withheld."}[ctx.audience]
    return Section(
        id=GLANCE_ID, title="At a glance",
        paragraphs=(f"Missing-person reports to {ctx.settings.force.name} in {m.title}, by the time of the report "
                    f"(London time). {audience}",),
        tables=(glance_display(ctx, glance_table(ctx, tables)),),
    )
