"""Recommendations: the board's register of actions (``reports.recommendations_file``), as it
stood at the month's end, and the points this month's numbers suggest.

The register lists new items, open items with how long each has been open (overdue ones
flagged) and items closed in the month, so that a board tracks its actions from one
profile to the next (profiles/register.py reads and checks the file).
"""

from __future__ import annotations

import pandas as pd

from profiles.reports.objects import Section, Table
from profiles.reports.profile.context import Context
from profiles.register import RegisterView


def _chapter(ctx: Context, section_id: str | None, titles: dict[str, str]) -> str:
    return titles.get(section_id or "", section_id or "")


def register_tables(ctx: Context, view: RegisterView, titles: dict[str, str]) -> list[Table]:
    end = ctx.data.month.last_day
    new = Table(
        id="recommendations_new", caption=f"Raised in {ctx.data.month.title}",
        data=pd.DataFrame({
            "id": [r.id for r in view.new], "recommendation": [r.text for r in view.new],
            "owner": [r.owner for r in view.new], "due": [r.due for r in view.new],
            "rests_on": [_chapter(ctx, r.finding, titles) for r in view.new],
        }),
        formats={"due": "date"}, labels={"id": "Ref", "rests_on": "Chapter"},
    )
    still = Table(
        id="recommendations_open", caption=f"Open at the end of {ctx.data.month.title}, oldest first",
        data=pd.DataFrame({
            "id": [r.id for r in view.open], "recommendation": [r.text for r in view.open],
            "owner": [r.owner for r in view.open], "raised": [r.raised for r in view.open],
            "due": [r.due for r in view.open], "days_open": [r.days_open(end) for r in view.open],
            "overdue": ["Overdue" if r.due < end else "" for r in view.open],
            "note": [r.note for r in view.open],
        }),
        formats={"raised": "date", "due": "date", "days_open": "number"},
        labels={"id": "Ref", "days_open": "Days open", "overdue": "Overdue?"},
    )
    closed = Table(
        id="recommendations_closed", caption=f"Closed in {ctx.data.month.title}",
        data=pd.DataFrame({
            "id": [r.id for r in view.closed], "recommendation": [r.text for r in view.closed],
            "owner": [r.owner for r in view.closed], "outcome": [r.status.capitalize() for r in view.closed],
            "closed": [r.closed for r in view.closed], "note": [r.note for r in view.closed],
        }),
        formats={"closed": "date"}, labels={"id": "Ref"},
    )
    return [ctx.table(t) for t in (new, still, closed)]


def recommendations(ctx: Context, view: RegisterView | None, suggested: list[str], titles: dict[str, str]) -> Section:
    if view is None:
        paragraphs = ("No recommendations register is configured (reports.recommendations_file), so no actions "
                      "are tracked from one profile to the next.",)
        tables: list[Table] = []
    else:
        overdue = len(view.overdue)
        paragraphs = (
            f"The board's register at the end of {ctx.data.month.title}: {len(view.new)} raised in the month, "
            f"{len(view.open)} open ({overdue} overdue) and {len(view.closed)} closed in the month.",
        )
        tables = register_tables(ctx, view, titles)
    return Section(id="recommendations", title="Recommendations", paragraphs=paragraphs, tables=tuple(tables),
                   items=tuple(suggested))
