"""Small measures the problem profile quotes, computed here rather than in presentation code.

Each takes frames the analysis already returned (police view, unsuppressed) and gives
the figures a section or a recommendation shows; disclosure happens later, per audience.
"""

from __future__ import annotations

import pandas as pd

#: The groups of the repeat summary, in the order shown.
REPEAT_GROUPS: tuple[str, ...] = ("Everyone", "Children", "Looked-after")


def repeat_groups(repeats: pd.DataFrame) -> pd.DataFrame:
    """People repeat missing, and their reports in the window: everyone, children, looked after.

    ``repeats`` is ``PeopleProfile.repeats`` (one row per repeat person, with
    ``reports_in_window``, ``any_child``, ``looked_after``).
    """
    if not len(repeats):
        return pd.DataFrame([{"group": g, "people": 0, "reports_in_window": 0} for g in REPEAT_GROUPS])
    masks = {
        "Everyone": pd.Series(True, index=repeats.index),
        "Children": repeats["any_child"].fillna(False).astype(bool),
        "Looked-after": repeats["looked_after"].fillna(False).astype(bool),
    }
    return pd.DataFrame([
        {"group": g, "people": int(masks[g].sum()), "reports_in_window": int(repeats.loc[masks[g], "reports_in_window"].sum())}
        for g in REPEAT_GROUPS
    ])


def under_recorded_fields(completeness: pd.DataFrame, *, target_pct: float, min_applicable: int) -> list[str]:
    """Fields recorded on fewer than ``target_pct`` per cent of the reports they apply to
    (only where at least ``min_applicable`` reports apply), least complete first."""
    weak = completeness[(completeness["applicable"] >= min_applicable) & (completeness["pct_recorded"] < target_pct)]
    return list(dict.fromkeys(weak.sort_values(["pct_recorded", "field"])["field"]))


def relative_change(now: float | None, before: float | None) -> float | None:
    """``(now - before) / before``; None when either is unknown or ``before`` is zero."""
    if now is None or before is None or not before:
        return None
    return (now - before) / before
