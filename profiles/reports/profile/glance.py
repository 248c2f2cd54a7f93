"""Page 1, "at a glance": the month's headline figures with their changes, and the key messages.

Every figure shows its count, its share (where it is a share of something), and its change
on the month before and on the same month a year earlier, as a count and a per cent, with a
direction marker. A red/amber/green status shows only for the figures the force has given
thresholds (``reports.rag``); by default there are none, and no colours.
"""

from __future__ import annotations

import pandas as pd

from profiles.analysis.profile_measures import relative_change
from profiles.reports.objects import KeyFinding, Section, Table
from profiles.reports.profile.context import Context


def _direction(change: float | None) -> str:
    if change is None or pd.isna(change):
        return ""
    return "up" if change > 0 else ("down" if change < 0 else "same")


def rag_status(value: float | None, threshold) -> str:  # noqa: ANN001 - config.RagThreshold
    """``red``, ``amber`` or ``green`` for ``value`` against a force's thresholds."""
    if value is None or pd.isna(value):
        return ""
    worse = (lambda v, t: v >= t) if threshold.higher_is_worse else (lambda v, t: v <= t)
    if worse(value, threshold.red):
        return "red"
    if worse(value, threshold.amber):
        return "amber"
    return "green"


def headline_table(ctx: Context) -> Table:
    h = ctx.data.headline
    data = pd.DataFrame({
        "measure": h["label"].to_numpy(),
        "count": h["count"].to_numpy(),
        "share": [c / b if b else None for c, b in zip(h["count"], h["base"])],
        "share_of": [s or "" for s in h["share_of"]],
        "last_month": h["previous_count"].to_numpy(),
        "change_on_last_month": (h["count"] - h["previous_count"]).to_numpy(),
        "pct_on_last_month": [relative_change(c, p) for c, p in zip(h["count"], h["previous_count"])],
        "direction_on_last_month": [_direction(c - p) for c, p in zip(h["count"], h["previous_count"])],
        "last_year": h["last_year_count"].to_numpy(),
        "change_on_last_year": (h["count"] - h["last_year_count"]).to_numpy(),
        "pct_on_last_year": [relative_change(c, p) for c, p in zip(h["count"], h["last_year_count"])],
        "direction_on_last_year": [_direction(c - p) for c, p in zip(h["count"], h["last_year_count"])],
    })
    rag = ctx.settings.reports.rag
    if rag:
        data["status"] = [rag_status(share if rag[key].on == "share" else count, rag[key]) if key in rag else ""
                          for key, count, share in zip(h["id"], data["count"], data["share"])]
    month, before, year = ctx.data.month, ctx.data.month.previous, ctx.data.month.same_month_last_year
    on_month = ("last_month", "count")
    on_year = ("last_year", "count")
    return ctx.table(Table(
        id="at_a_glance", caption=f"{month.title} at a glance",
        data=data, count_columns=("count", "last_month", "last_year"), additive_columns=False,
        derived={"share": "count", "change_on_last_month": on_month, "pct_on_last_month": on_month,
                 "direction_on_last_month": on_month, "change_on_last_year": on_year, "pct_on_last_year": on_year,
                 "direction_on_last_year": on_year},
        formats={"share": "percent", "change_on_last_month": "signed", "change_on_last_year": "signed",
                 "pct_on_last_month": "signed_percent", "pct_on_last_year": "signed_percent"},
        labels={"measure": "", "count": month.title, "share": "Share", "share_of": "Share of",
                "last_month": before.title, "change_on_last_month": f"Change on {before.title}",
                "pct_on_last_month": "%", "direction_on_last_month": "",
                "last_year": year.title, "change_on_last_year": f"Change on {year.title}",
                "pct_on_last_year": "%", "direction_on_last_year": "", "status": "Status"},
        notes=("Reports still open at the month's end: provisional, counted from the records as they stand now "
               "(episodes reported by the month's end with no found time).",),
    ))


def at_a_glance(ctx: Context, headline: Table, messages: list[KeyFinding]) -> Section:
    return Section(id="at_a_glance", title="At a glance", tables=(headline,), findings=tuple(messages),
                   paragraphs=(ctx.scope_line(),))
