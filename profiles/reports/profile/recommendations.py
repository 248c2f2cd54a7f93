"""The Recommendations section: the board's register (profiles/register.py) at the month's end.

A board tracks its actions from one profile to the next, so the section reads the
register the coordinator keeps (``reports.recommendations_file``) and lists the actions
raised in the month, those still open from before (how long each has been open, overdue
ones first and flagged) and those closed in the month, each addressed to its owner.

Without a register the section says so and how to start one, and lists the actions the
month's figures suggest (``findings.recommendations``), named as suggestions: nobody has
agreed them and they are not tracked, so they change with the numbers. With a register
the suggestions are left out: the board's own list is the record, and a second list that
changes every month is what boards complain of.
"""

from __future__ import annotations

import pandas as pd

from profiles.periods import Month
from profiles.register import PlacedItem, RegisterAtMonth, register_at
from profiles.reports.objects import Section, Table
from profiles.reports.profile import findings
from profiles.reports.profile.context import Context

TITLE = "Recommendations"

_LABELS = {"ref": "Ref", "action": "Action", "owner": "Addressed to", "rests_on": "Rests on",
           "status": "Status", "open_for": "Open for", "overdue": "", "outcome": "Outcome"}


def _rests_on(item_finding: str | None, tables: dict[str, Table]) -> str:
    """The finding an action cites, as the reader finds it: the table's caption when the
    report shows that table, else the reference as the coordinator wrote it."""
    if not item_finding:
        return ""
    table = tables.get(item_finding)
    return table.caption if table is not None else item_finding


def _status(p: PlacedItem) -> str:
    if p.open_at_end:
        return f"Open, overdue by {_days(p.days_overdue)}" if p.overdue else "Open"
    return f"{p.item.status.capitalize()} {p.item.closed.day} {p.item.closed:%B %Y}"


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def register_tables(at: RegisterAtMonth, tables: dict[str, Table]) -> tuple[Table, Table, Table]:
    """The three tables of the section: new, still open, closed in the month."""
    month = at.month.title
    new_cols = ["ref", "action", "owner", "raised", "due", "status", "rests_on", "note"]
    new = _frame([{
        "ref": p.item.id, "action": p.item.text, "owner": p.item.owner, "raised": p.item.raised, "due": p.item.due,
        "status": _status(p), "rests_on": _rests_on(p.item.finding, tables), "note": p.item.note,
    } for p in at.new], new_cols)
    open_cols = ["ref", "action", "owner", "raised", "due", "open_for", "overdue", "note"]
    still_open = _frame([{
        "ref": p.item.id, "action": p.item.text, "owner": p.item.owner, "raised": p.item.raised, "due": p.item.due,
        "open_for": p.how_long_open, "overdue": f"Overdue by {_days(p.days_overdue)}" if p.overdue else "",
        "note": p.item.note,
    } for p in at.open], open_cols)
    closed_cols = ["ref", "action", "owner", "raised", "closed", "outcome", "note"]
    closed = _frame([{
        "ref": p.item.id, "action": p.item.text, "owner": p.item.owner, "raised": p.item.raised,
        "closed": p.item.closed, "outcome": p.item.status.capitalize(), "note": p.item.note,
    } for p in at.closed], closed_cols)
    dates = {"raised": "date", "due": "date", "closed": "date"}
    return (
        Table(id="recommendations_new", caption=f"Actions raised in {month}", data=new, formats=dates,
              labels=_LABELS),
        Table(id="recommendations_open", caption=f"Actions raised before {month} and still open at its end",
              data=still_open, formats=dates, labels=_LABELS,
              notes=("Open for: from the day raised to the end of the month, both days counted. Overdue: still "
                     "open at the end of the month with its due date on or before the month's last day.",)),
        Table(id="recommendations_closed", caption=f"Actions closed in {month} (since the last profile)",
              data=closed, formats=dates, labels=_LABELS),
    )


def register_summary(at: RegisterAtMonth) -> str:
    """One sentence with every count the tables hold."""
    month = at.month.title
    open_now, overdue, closed = at.open_at_end, at.overdue, at.closed_in_month
    done = sum(1 for p in closed if p.item.status == "done")
    actions = "action" if len(open_now) == 1 else "actions"
    text = (f"At the end of {month}, {len(open_now)} of the board's {actions} {'was' if len(open_now) == 1 else 'were'} "
            f"open, {len(overdue)} of them overdue; {len(at.new)} {'was' if len(at.new) == 1 else 'were'} raised in "
            f"{month} and {len(closed)} closed ({done} done, {len(closed) - done} dropped).")
    if overdue:
        owners = sorted({p.item.owner for p in overdue})
        text += " Overdue actions are addressed to " + _and(owners) + "."
    return text


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def no_register_text(month: Month) -> tuple[str, ...]:
    return (
        "No recommendations register is configured (reports.recommendations_file), so this section cannot "
        "track the board's actions from one profile to the next.",
        "To start one, the coordinator keeps a YAML file with one item per action the board agrees (id, text, "
        "owner, raised, due, status, and a note and the finding it rests on) and names it in the configuration; "
        "docs/reports.md shows the format. The profile then lists the actions raised, still open (with how long "
        "and whether overdue) and closed each month.",
        f"Until then, the actions below are only suggested by the figures for {month.title}: nobody has agreed "
        "them and they are not tracked.",
    )


def recommendations(ctx: Context, tables: dict[str, Table]) -> Section:
    """The section for this audience: the register as at the month's end, or suggestions without one."""
    register = ctx.data.register
    if register is None:
        suggested = findings.recommendations(ctx, tables).items
        return Section(id="recommendations", title=TITLE, paragraphs=no_register_text(ctx.data.month),
                       items=suggested)
    at = register_at(register, ctx.data.month)
    return Section(id="recommendations", title=TITLE, paragraphs=(register_summary(at),),
                   tables=register_tables(at, tables))
