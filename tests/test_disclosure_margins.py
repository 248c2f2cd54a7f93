"""No withheld cell can be worked out from a margin (issue 14, point 4).

Property-based: hypothesis draws small tables of counts with a total column, a total row
or overlapping categories; after ``profiles.disclosure.suppress_frame`` an attacker's
linear-programming check (tests/margin_audit.py, written apart from the suppression code)
must find no withheld cell whose value is pinned down exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from profiles.disclosure import suppress_frame
from tests.margin_audit import exposed_cells

C = "[c]"
counts = st.integers(min_value=0, max_value=12)


def _frame(parts: list[list[int]], names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(parts, columns=names)


@st.composite
def tables_with_a_total_column(draw, min_rows: int = 1):
    n_rows = draw(st.integers(min_rows, 6))
    n_parts = draw(st.integers(2, 4))
    values = draw(st.lists(st.lists(counts, min_size=n_parts, max_size=n_parts), min_size=n_rows, max_size=n_rows))
    names = [f"g{j}" for j in range(n_parts)]
    frame = _frame(values, names)
    frame["total"] = frame[names].sum(axis=1)
    return frame, names


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_with_a_total_column(min_rows=2), st.booleans())
def test_a_table_with_row_totals_leaves_no_withheld_cell_recoverable(table, with_total_row):
    """(One row is left out: a column's total, known elsewhere, is then the cell itself.)"""
    frame, parts = table
    if with_total_row:
        frame = pd.concat([frame, frame.sum().to_frame().T], ignore_index=True)
    cols = parts + ["total"]
    out = suppress_frame(frame, cols, threshold=5, marker=C, additive_rows=True, total_column="total",
                         total_row=with_total_row)
    leaks = exposed_cells(out.frame, frame, C, counts=cols, relations=[(tuple(parts), "total")],
                          total_row=with_total_row)
    assert leaks == [], f"\n{frame}\n{out.frame}"


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_with_a_total_column())
def test_overlapping_categories_still_protect_each_row_total(table):
    """Flags overlap (an incident counts under each of its flags), so a column has no total,
    but each row's age groups still add up to that row's total: Suicidal,[c],10,12 must not happen."""
    frame, parts = table
    cols = parts + ["total"]
    out = suppress_frame(frame, cols, threshold=5, marker=C, additive_rows=True, additive_columns=False,
                         total_column="total")
    leaks = exposed_cells(out.frame, frame, C, counts=cols, relations=[(tuple(parts), "total")],
                          total_row=False, column_totals=False)
    assert leaks == [], f"\n{frame}\n{out.frame}"


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(counts, min_size=1, max_size=4), min_size=2, max_size=7).filter(
    lambda rows: len({len(r) for r in rows}) == 1))
def test_columns_of_counts_leave_no_withheld_cell_recoverable(values):
    names = [f"c{j}" for j in range(len(values[0]))]
    frame = _frame(values, names)
    out = suppress_frame(frame, names, threshold=5, marker=C)
    leaks = exposed_cells(out.frame, frame, C, counts=names, relations=[], total_row=False)
    assert leaks == [], f"\n{frame}\n{out.frame}"


def test_the_exploitation_row_of_the_issue_is_protected():
    """Suicidal: 2 children, 10 adults, 12 in all, in a table of overlapping flags."""
    frame = pd.DataFrame({"category": ["Suicidal", "Mental health"], "child": [2, 30], "adult": [10, 40],
                          "total": [12, 70], "individuals": [11, 60]})
    out = suppress_frame(frame, ["child", "adult", "total", "individuals"], threshold=5, marker=C,
                         additive_rows=True, additive_columns=False, total_column="total",
                         row_columns=["child", "adult", "total"])
    row = out.frame.iloc[0]
    assert row["child"] == C
    assert (row["adult"] == C) or (row["total"] == C)
    assert np.sum([row[c] == C for c in ("child", "adult", "total")]) >= 2
