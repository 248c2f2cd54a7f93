"""Intervention impact: episodes before and after an intervention at a site or for a person.

The interventions file (CSV, UTF-8) has exactly these columns:

    intervention_id, target_type, target_ref, started_on, type, description

``target_type`` is ``site`` (``target_ref`` = the site's ``site_ref``) or ``person``
(``target_ref`` = the force's person reference); ``started_on`` is YYYY-MM-DD; ``type``
says what was done (e.g. ``cawn`` for a Child Abduction Warning Notice,
``multi_agency_meeting``); ``description`` is free text (police audience only).

For each intervention the episodes in the ``settings.demand.intervention_window_days``
days before ``started_on`` are compared with those in as many days from it. When the
period analysed ends sooner, both windows shrink to the days available; under
``settings.demand.intervention_min_window_days`` the intervention is too recent to test.

Test: with windows of equal length and no change, each of the n episodes is equally
likely to fall in either window, so the number after is Binomial(n, 1/2): the exact
conditional test of two Poisson rates (two-sided, ``scipy.stats.binomtest``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy import stats

from profiles.analysis.clusters import site_labels
from profiles.analysis.places import prepare_site_episodes
from profiles.config import Settings
from profiles.db import query_df
from profiles.disclosure import check_audience
from profiles.errors import InputError
from profiles.periods import LONDON, Period

INTERVENTION_COLUMNS: tuple[str, ...] = (
    "intervention_id", "target_type", "target_ref", "started_on", "type", "description",
)
TARGET_TYPES = ("site", "person")

CAVEAT = (
    "A before-and-after count is not proof that the intervention worked. Interventions "
    "usually follow a peak, and peaks tend to fall back on their own (regression to the "
    "mean); seasons, placements ending or moving, and other work at the same time also "
    "change the numbers. The test only says whether a change this large is unlikely if "
    "the underlying rate had stayed the same; small numbers give little power either way."
)

RESULT_COLUMNS: tuple[str, ...] = (
    "intervention_id", "target_type", "target_ref", "target", "type", "started_on", "window_days",
    "before_start", "after_end", "episodes_before", "episodes_after", "change", "pct_change",
    "rate_ratio", "p_value", "significant", "status", "description",
)


class InterventionFileError(InputError):
    """The interventions file cannot be used; the message names file, row and field."""


def read_interventions(path: Path | str) -> pd.DataFrame:
    """Read and check an interventions CSV; every problem is reported with its row and field.

    Returns the six columns, ``started_on`` as ``datetime.date``, ``target_type``
    lower-cased. Row numbers count data rows from 1 (the header is row 0).
    """
    path = Path(path)
    if not path.exists():
        raise InterventionFileError(f"{path}: file not found")
    frame = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InterventionFileError(f"{path}: not a readable CSV file ({exc})") from None
    if frame is None:
        raise InterventionFileError(f"{path}: not UTF-8 or Windows-1252 text")
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in INTERVENTION_COLUMNS if c not in frame.columns]
    if missing:
        raise InterventionFileError(
            f"{path}: missing column(s) {', '.join(missing)}; expected exactly {', '.join(INTERVENTION_COLUMNS)}"
        )
    frame = frame.loc[:, list(INTERVENTION_COLUMNS)].apply(lambda col: col.str.strip())
    problems: list[str] = []
    starts: list[date | None] = []
    seen: dict[str, int] = {}
    for row, rec in enumerate(frame.itertuples(index=False), start=1):
        where = f"{path} row {row}"
        if not rec.intervention_id:
            problems.append(f"{where}, intervention_id: empty")
        elif rec.intervention_id in seen:
            problems.append(f"{where}, intervention_id: '{rec.intervention_id}' repeats row {seen[rec.intervention_id]}")
        else:
            seen[rec.intervention_id] = row
        if rec.target_type.lower() not in TARGET_TYPES:
            problems.append(f"{where}, target_type: expected site or person, got '{rec.target_type}'")
        if not rec.target_ref:
            problems.append(f"{where}, target_ref: empty")
        if not rec.type:
            problems.append(f"{where}, type: empty")
        try:
            starts.append(date.fromisoformat(rec.started_on) if len(rec.started_on) == 10 else None)
        except ValueError:
            starts.append(None)
        if starts[-1] is None:
            problems.append(f"{where}, started_on: expected YYYY-MM-DD, got '{rec.started_on}'")
    if problems:
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise InterventionFileError("; ".join(problems[:5]) + more)
    frame["target_type"] = frame["target_type"].str.lower()
    frame["started_on"] = starts
    return frame


@dataclass(frozen=True)
class InterventionImpact:
    """``table``: one row per intervention (``RESULT_COLUMNS``); ``caveat``: to print with it."""

    table: pd.DataFrame
    caveat: str = CAVEAT

    def summary_text(self) -> str:
        """One line for the command: how many were tested, too recent, not found."""
        counts = self.table["status"].value_counts()
        parts = [f"{counts[s]} {s.replace('_', ' ')}" for s in ("tested", "too_recent", "target_not_found") if s in counts]
        significant = int(self.table["significant"].sum())
        return f"{len(self.table)} intervention(s): {', '.join(parts) or 'none'}; {significant} significant change(s)."


def _midnight(d: date):
    from datetime import datetime

    return datetime(d.year, d.month, d.day, tzinfo=LONDON)


def intervention_impact(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    period: Period,
    interventions: pd.DataFrame,
    *,
    audience: str = "police",
) -> InterventionImpact:
    """Episodes before and after each intervention, with data up to the end of ``period``.

    Columns (``RESULT_COLUMNS``): intervention_id, target_type, target_ref (police only),
    target (the site's name as the audience may see it, or "person"), type, started_on,
    window_days (the length of each window), before_start, after_end (dates; the windows
    are [before_start, started_on) and [started_on, after_end)), episodes_before,
    episodes_after, change (after - before), pct_change (empty when before is 0),
    rate_ratio (after / before; empty when before is 0), p_value (exact conditional
    binomial test, two-sided), significant (p_value < ``settings.demand.intervention_alpha``),
    status ('tested' | 'too_recent' | 'target_not_found'), description (police only).
    """
    audience = check_audience(audience)
    cfg = settings.demand
    prepare_site_episodes(con)
    rows = interventions.copy()
    data_end = period.last_day + timedelta(days=1)
    rows["window_days"] = [
        max(0, min(cfg.intervention_window_days, (data_end - start).days)) for start in rows["started_on"]
    ]
    rows["before_start"] = [s - timedelta(days=w) for s, w in zip(rows["started_on"], rows["window_days"])]
    rows["after_end"] = [s + timedelta(days=w) for s, w in zip(rows["started_on"], rows["window_days"])]
    counts = query_df(
        con,
        "reports/demand_interventions.sql",
        {
            "ids": rows["intervention_id"].tolist(),
            "target_types": rows["target_type"].tolist(),
            "target_refs": rows["target_ref"].tolist(),
            "before_starts": [_midnight(d) for d in rows["before_start"]],
            "starts": [_midnight(d) for d in rows["started_on"]],
            "after_ends": [_midnight(d) for d in rows["after_end"]],
        },
    )
    rows = rows.merge(counts, on="intervention_id", how="left")
    before, after = rows["episodes_before"].fillna(0).astype(int), rows["episodes_after"].fillna(0).astype(int)
    rows["episodes_before"], rows["episodes_after"] = before, after
    rows["change"] = after - before
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(before > 0, after / before.where(before > 0), np.nan)
    rows["rate_ratio"] = np.round(ratio, 3)
    rows["pct_change"] = np.round((ratio - 1) * 100, 1)
    p_values = [
        stats.binomtest(int(a), int(a + b), 0.5).pvalue if a + b > 0 else 1.0 for a, b in zip(after, before)
    ]
    rows["p_value"] = np.round(p_values, 5)
    too_recent = rows["window_days"] < cfg.intervention_min_window_days
    not_found = ~rows["target_found"].fillna(False).astype(bool)
    rows["status"] = np.where(not_found, "target_not_found", np.where(too_recent, "too_recent", "tested"))
    untested = rows["status"] != "tested"
    for col in ("p_value", "rate_ratio", "pct_change"):
        rows[col] = rows[col].where(~untested, np.nan)
    rows["significant"] = (rows["p_value"] < cfg.intervention_alpha) & ~untested

    labels, _ = site_labels(con, audience)
    site_names = query_df(con, "reports/places_site_positions.sql")[["site_id", "site_ref"]]
    ref_to_name = {ref: labels.get(sid, sid) for sid, ref in zip(site_names["site_id"], site_names["site_ref"]) if ref}
    rows["target"] = [
        ref_to_name.get(ref, ref if audience == "police" else "unknown site") if kind == "site" else "person"
        for kind, ref in zip(rows["target_type"], rows["target_ref"])
    ]
    if audience != "police":
        rows["target_ref"] = None
        rows["description"] = None
    return InterventionImpact(rows.loc[:, list(RESULT_COLUMNS)].reset_index(drop=True))
