"""Retention review (MoPI): weed resolved episodes past the review period.

Policy (``settings.retention``, see docs/retention.md):

- A resolved episode (``found_at`` set) is weeded when it was resolved before
  ``as_of`` minus ``resolved_review_years`` (London time, midnight). Its personal details go:
  the episode, its earlier versions, its quarantined raw rows.
- Unresolved episodes are never weeded, whatever the policy says.
- Its geocoded locations (``episode_locations``) stay until ``keep_locations_years`` after it
  was resolved, linked only to the pseudonymised person (``weeded_episodes``), because people
  return to the same places.
- Ended absences follow the same review period unless tied to an episode that stays.
- A raw person reference (``person_identity``) goes when the person has no episode and no
  absence left.

``weed`` plans and applies in one transaction and logs the weed; a dry run plans inside a
transaction that is rolled back, so it changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from profiles.config import RetentionConfig
from profiles.db import query_df, run_sql, transaction
from profiles.errors import InvalidValue
from profiles.files import write_csv_rows
from profiles.periods import LONDON

COUNT_FIELDS = (
    "episodes",
    "episode_history",
    "quarantine",
    "absences",
    "absence_history",
    "person_identity",
    "locations_kept",
    "locations_removed",
)

CSV_COLUMNS = ("incident_id", "resolved_on", "episode", "locations")


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class WeedPolicy:
    as_of: date
    resolved_review_years: int
    keep_locations_years: int

    @property
    def review_cutoff(self) -> datetime:
        """Episodes resolved before this instant (London midnight) are weeded."""
        d = years_before(self.as_of, self.resolved_review_years)
        return datetime(d.year, d.month, d.day, tzinfo=LONDON)

    @property
    def locations_cutoff_day(self) -> date:
        """Locations of episodes resolved before this London date go."""
        return years_before(self.as_of, self.keep_locations_years)

    def params(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "review_cutoff": self.review_cutoff,
            "locations_cutoff_day": self.locations_cutoff_day,
        }

    def as_json(self) -> str:
        return json.dumps(
            {
                "resolved_review_years": self.resolved_review_years,
                "keep_locations_years": self.keep_locations_years,
                "review_cutoff": self.review_cutoff.isoformat(),
                "locations_cutoff_day": self.locations_cutoff_day.isoformat(),
                "unresolved": "never weeded",
            },
            sort_keys=True,
        )


def weed_policy(retention: RetentionConfig, as_of: date, *, today: date | None = None) -> WeedPolicy:
    """The policy for a weed as of ``as_of``; refuses a future date (a policy under a year is
    refused when the configuration is read: ``RetentionConfig``'s constraints)."""
    today = today or datetime.now(LONDON).date()
    if as_of > today:
        raise InvalidValue("as_of", f"{as_of.isoformat()} is in the future (today is {today.isoformat()})")
    return WeedPolicy(as_of, retention.resolved_review_years, retention.keep_locations_years)


def parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue("as_of", f"expected a date YYYY-MM-DD, got '{text}'") from None


@dataclass
class WeedPlan:
    policy: WeedPolicy
    counts: dict[str, int]
    #: One dict per incident touched (CSV_COLUMNS), sorted by incident_id.
    incidents: list[dict[str, Any]] = field(default_factory=list)

    @property
    def incident_ids(self) -> list[str]:
        """Episodes whose personal details go."""
        return [r["incident_id"] for r in self.incidents if r["episode"] == "weeded"]

    @property
    def location_incident_ids(self) -> list[str]:
        """Incidents whose geocoded locations go."""
        return [r["incident_id"] for r in self.incidents if r["locations"] == "removed"]


def ids_sha256(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


def stage_plan(con: duckdb.DuckDBPyConnection, policy: WeedPolicy) -> WeedPlan:
    """Work out what the weed removes (temp tables on ``con``); changes no table."""
    run_sql(con, "retention/stage_params.sql", policy.params())
    run_sql(con, "retention/stage_plan.sql")
    counts_row = query_df(con, "retention/plan_counts.sql").iloc[0]
    counts = {name: int(counts_row[name]) for name in COUNT_FIELDS}
    incidents = [
        {
            "incident_id": incident_id,
            "resolved_on": resolved_on.isoformat(),
            "episode": episode,
            "locations": locations,
        }
        for incident_id, resolved_on, episode, locations in run_sql(
            con, "retention/plan_incidents.sql"
        ).fetchall()
    ]
    return WeedPlan(policy=policy, counts=counts, incidents=incidents)


def apply_plan(con: duckdb.DuckDBPyConnection, plan: WeedPlan, *, run_at: datetime) -> int:
    """Log the weed, then remove what ``stage_plan`` selected; returns the weed id.

    Call inside a transaction, right after ``stage_plan`` on the same connection.
    """
    weed_id = run_sql(
        con,
        "retention/log_weed.sql",
        {
            "run_at": run_at,
            "as_of": plan.policy.as_of,
            "policy": plan.policy.as_json(),
            **plan.counts,
            "incident_ids": plan.incident_ids,
            "incident_ids_sha256": ids_sha256(plan.incident_ids),
            "location_incident_ids": plan.location_incident_ids,
        },
    ).fetchone()[0]
    run_sql(con, "retention/set_weed_id.sql", {"weed_id": weed_id})
    run_sql(con, "retention/apply.sql")
    return int(weed_id)


@dataclass
class WeedResult:
    plan: WeedPlan
    dry_run: bool
    weed_id: int | None = None
    csv_path: Path | None = None

    def summary_text(self) -> str:
        p = self.plan.policy
        verb = "would remove" if self.dry_run else "removed"
        c = self.plan.counts
        lines = [
            f"Retention review as of {p.as_of.isoformat()} ({'dry run, nothing changed' if self.dry_run else f'weed {self.weed_id}'}):",
            f"  policy: resolved episodes weeded after {p.resolved_review_years} years "
            f"(resolved before {p.review_cutoff.date().isoformat()}); locations kept "
            f"{p.keep_locations_years} years; unresolved never weeded",
            f"  {verb}: {c['episodes']} episode(s), {c['episode_history']} earlier version(s), "
            f"{c['quarantine']} quarantined row(s), {c['absences']} absence(s), "
            f"{c['absence_history']} earlier absence version(s), "
            f"{c['person_identity']} person reference(s), {c['locations_removed']} location(s)",
            f"  kept: {c['locations_kept']} location(s) of weeded episodes",
        ]
        if self.csv_path is not None:
            lines.append(f"  incidents: {self.csv_path}")
        return "\n".join(lines)


def write_plan_csv(plan: WeedPlan, path: Path) -> Path:
    """The incidents a weed touches, one per row (CSV_COLUMNS)."""
    return write_csv_rows(plan.incidents, list(CSV_COLUMNS), path)


def default_csv_path(output_dir: Path, as_of: date, dry_run: bool) -> Path:
    suffix = "_dry_run" if dry_run else ""
    return output_dir / "retention" / f"weed_{as_of.isoformat()}{suffix}.csv"


def weed(
    con: duckdb.DuckDBPyConnection,
    policy: WeedPolicy,
    *,
    dry_run: bool,
    run_at: datetime | None = None,
) -> WeedResult:
    """Plan and (unless ``dry_run``) apply a weed as one transaction, logged in weed_log.

    A dry run plans inside a transaction that is rolled back: the database is unchanged.
    Any error rolls the whole weed back.
    """
    with transaction(con, commit=not dry_run):
        plan = stage_plan(con, policy)
        if dry_run:
            return WeedResult(plan=plan, dry_run=True)
        weed_id = apply_plan(con, plan, run_at=run_at or datetime.now(timezone.utc))
        run_sql(con, "retention/drop_plan.sql")
    return WeedResult(plan=plan, dry_run=False, weed_id=weed_id)


__all__ = [
    "CSV_COLUMNS",
    "WeedPlan",
    "WeedPolicy",
    "WeedResult",
    "apply_plan",
    "default_csv_path",
    "parse_as_of",
    "stage_plan",
    "weed",
    "weed_policy",
    "write_plan_csv",
    "years_before",
]
