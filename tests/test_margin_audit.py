"""The attacker's check itself (tests/margin_audit.py): its search for row relations finds
what trying every subset finds, and stays within a small step budget on a wide table (the demo's hour-by-day
tables have 20+ count columns, where every subset is millions)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
from hypothesis import given, settings as hsettings, strategies as st

from tests.margin_audit import row_relations


def _every_subset(full: pd.DataFrame, counts: list[str]) -> set:
    values = full[counts].astype(float)
    found = set()
    for total in counts:
        others = [c for c in counts if c != total and values[c].any()]
        for k in range(2, len(others) + 1):
            for parts in combinations(others, k):
                if np.allclose(values[list(parts)].sum(axis=1), values[total]) and values[total].sum() > 0:
                    found.add((parts, total))
    return found


@hsettings(max_examples=80, deadline=None)
@given(st.integers(1, 4), st.integers(2, 6), st.data())
def test_the_search_finds_what_every_subset_finds(n_rows, n_cols, data):
    rows = data.draw(st.lists(st.lists(st.integers(0, 4), min_size=n_cols, max_size=n_cols),
                              min_size=n_rows, max_size=n_rows))
    full = pd.DataFrame(rows, columns=[f"c{j}" for j in range(n_cols)])
    if data.draw(st.booleans()):
        full["total"] = full.sum(axis=1)
    counts = list(full.columns)
    assert set(row_relations(full, counts)) == _every_subset(full, counts)


def test_a_wide_table_is_searched_in_moments():
    rng = np.random.default_rng(3)
    full = pd.DataFrame(rng.integers(0, 9, size=(7, 24)), columns=[f"h{h:02d}" for h in range(24)])
    full["total"] = full.sum(axis=1)
    found = row_relations(full, list(full.columns), budget=20_000)  # raises past the budget
    assert (tuple(f"h{h:02d}" for h in range(24)), "total") in found
