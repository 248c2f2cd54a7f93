"""An attacker's check of a suppressed table, written apart from profiles.disclosure.

Given the table as published (withheld cells marked) and the full table (police view), it
finds every line a reader can add up, without being told the table's declared structure:

- each column of counts adds up to a total the reader knows (printed elsewhere);
- a row in which some count columns add up to another count column on every row of the
  full table (child + adult + unknown = total, reported + not reported = absences) is a line
  with that column as its margin;
- a last row equal to the sum of the rows above it is the column totals.

It then bounds every withheld cell by linear programming (cells are counts: zero or more)
over those lines, and reports each withheld cell whose lowest and highest possible values
are equal: that cell can be worked out exactly. A withheld zero is not reported: zeros are
shown anyway (they disclose no one), so learning one gives nothing away.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linprog


def _as_counts(full: pd.DataFrame) -> list[str]:
    """Columns of the full table that hold whole non-negative numbers (the counts)."""
    cols = []
    for col in full.columns:
        values = pd.to_numeric(full[col], errors="coerce")
        if len(values) and values.notna().all() and (values >= 0).all() and (values % 1 == 0).all():
            cols.append(col)
    return cols


def row_relations(full: pd.DataFrame, counts: list[str], *, budget: int = 1_000_000
                  ) -> list[tuple[tuple[str, ...], str]]:
    """(parts, total) pairs of count columns with sum(parts) == total on every row (at least 2 parts).

    A depth-first search over subsets of the columns that never exceed the total on any row,
    pruned when the columns left cannot reach it; all-zero columns are left out (they add
    nothing to a line). More than ``budget`` steps raises rather than hangs."""
    values = full[counts].astype(float).to_numpy()
    nonzero = [j for j in range(len(counts)) if values[:, j].any()]
    found: list[tuple[tuple[str, ...], str]] = []
    steps = 0
    for t in nonzero:
        target = values[:, t]
        cands = [j for j in nonzero if j != t and (values[:, j] <= target + 1e-9).all()]
        # what the candidates from position i onwards can still add, row by row
        rest = np.zeros((len(cands) + 1, len(target)))
        for i in range(len(cands) - 1, -1, -1):
            rest[i] = rest[i + 1] + values[:, cands[i]]

        def extend(start: int, partial: np.ndarray, chosen: tuple[int, ...]) -> None:
            nonlocal steps
            for i in range(start, len(cands)):
                steps += 1
                if steps > budget:
                    raise RuntimeError(f"row_relations: more than {budget} steps over {len(counts)} columns")
                if (partial + rest[i] < target - 1e-9).any():
                    return  # the columns left cannot reach the total
                total = partial + values[:, cands[i]]
                if (total > target + 1e-9).any():
                    continue
                picked = chosen + (cands[i],)
                if np.allclose(total, target):
                    if len(picked) >= 2:
                        found.append((tuple(counts[j] for j in picked), counts[t]))
                    continue  # any further (non-zero) column would pass the total somewhere
                extend(i + 1, total, picked)

        extend(0, np.zeros(len(target)), ())
    return found


def exposed_cells(
    shown: pd.DataFrame, full: pd.DataFrame, marker: str, *,
    counts: list[str] | None = None,
    relations: list[tuple[tuple[str, ...], str]] | None = None,
    total_row: bool | None = None,
    column_totals: bool = True,
    signed: Iterable[str] = (),
) -> list[tuple[int, str, float]]:
    """Withheld cells of ``shown`` that a reader can recover exactly: (row, column, value).

    ``counts``, ``relations`` and ``total_row`` are found from ``full`` unless given;
    ``column_totals=False`` for a table whose rows overlap (its columns add up to nothing);
    ``signed`` columns (a change on last year) may be negative, so the reader bounds them by nothing."""
    counts = [c for c in (_as_counts(full) if counts is None else counts) if c in shown.columns]
    if not counts or not len(full):
        return []
    withheld = shown[counts].astype(object).eq(marker).to_numpy()
    if not withheld.any():
        return []
    truth = full[counts].astype(float).to_numpy()
    n_rows, n_cols = truth.shape
    unknown = [(r, c) for r in range(n_rows) for c in range(n_cols) if withheld[r, c]]
    pos = {rc: i for i, rc in enumerate(unknown)}

    equations: list[tuple[dict[int, float], float]] = []

    def line(cells: list[tuple[tuple[int, int], float]], constant: float) -> None:
        """sum(coef * cell) == constant, with shown cells moved to the right-hand side."""
        coefs: dict[int, float] = {}
        rhs = constant
        for rc, coef in cells:
            if rc in pos:
                coefs[pos[rc]] = coefs.get(pos[rc], 0.0) + coef
            else:
                rhs -= coef * truth[rc]
        if coefs:
            equations.append((coefs, rhs))

    inner = n_rows
    if total_row is None:
        total_row = n_rows > 2 and np.allclose(truth[:-1].sum(axis=0), truth[-1])
    if total_row:
        inner = n_rows - 1  # a total row
        for c in range(n_cols):
            line([((r, c), 1.0) for r in range(inner)] + [((n_rows - 1, c), -1.0)], 0.0)
    for c in range(n_cols if column_totals else 0):  # the column total is known
        line([((r, c), 1.0) for r in range(inner)], float(truth[:inner, c].sum()))
    index = {col: j for j, col in enumerate(counts)}
    for parts, total in (row_relations(full, counts) if relations is None else relations):
        for r in range(n_rows):
            line([((r, index[p]), 1.0) for p in parts] + [((r, index[total]), -1.0)], 0.0)

    if not equations:
        return []
    a_eq = np.zeros((len(equations), len(unknown)))
    b_eq = np.zeros(len(equations))
    for i, (coefs, rhs) in enumerate(equations):
        for j, coef in coefs.items():
            a_eq[i, j] = coef
        b_eq[i] = rhs
    signed_cols = {counts.index(col) for col in signed if col in counts}
    bounds = [(None, None) if c in signed_cols else (0, None) for _, c in unknown]
    exposed = []
    for j, (r, c) in enumerate(unknown):
        if r >= inner:
            continue  # a total row holds the column totals, which the reader knows anyway
        objective = np.zeros(len(unknown))
        objective[j] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if low.status == 0 and high.status == 0 and abs(low.fun + high.fun) < 1e-6 and truth[r, c] != 0:
            exposed.append((r, counts[c], float(truth[r, c])))
    return exposed


def audit_tables(police_tables: Path, shown_tables: Path, marker: str, *, signed: Iterable[str] = ()) -> list[str]:
    """Every withheld cell of the CSV tables in ``shown_tables`` (a partner or public
    ``tables/`` folder) that their margins give away, using the police edition of the same
    table as the truth; one line per leak (table, row, column, value). ``signed``: columns
    (in any table) that a reader knows may be negative."""
    leaks = []
    for shown_path in sorted(Path(shown_tables).glob("*.csv")):
        police_path = Path(police_tables) / shown_path.name
        if not police_path.exists():
            continue
        full = pd.read_csv(police_path)
        shown = pd.read_csv(shown_path, dtype=str, keep_default_na=False)
        if len(full) != len(shown):
            continue  # a list cut differently for the audience: no shared margins
        counts = [c for c in full.columns if c in shown.columns and pd.api.types.is_integer_dtype(full[c])
                  and (full[c] >= 0).all()]
        for r, col, value in exposed_cells(shown, full, marker, counts=counts, signed=signed):
            leaks.append(f"{shown_path.name}: row {r + 1}, {col} = {value:g} can be worked out")
    return leaks
