"""Retention speed: plan (dry run) and weed one million episodes over 15 years.

Random SYNTHETIC rows inserted straight into the tables (this measures the weed, not
ingestion): 1,000,000 episodes of ~330,000 people, 2% unresolved, two geocoded locations
each. Prints seconds for the dry run, the first weed (years of backlog at once; most of its
time is DuckDB committing the deletes) and a routine weed a month later.
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from profiles.config import RetentionConfig
from profiles.db import connect
from profiles.retention import weed, weed_policy

ROWS = 1_000_000


def populate(con, n: int = ROWS, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    reported = np.datetime64("2010-01-01T00:00") + rng.integers(0, 15 * 365 * 24 * 60, n).astype("timedelta64[m]")
    found = pd.Series(reported + rng.integers(10, 3000, n).astype("timedelta64[m]"))
    found = found.where(rng.random(n) > 0.02)  # 2% still missing
    people = np.char.add("SYN-P", rng.integers(0, n // 3, n).astype(str))
    frame = pd.DataFrame(
        {
            "incident_id": np.char.add("SYN-I", np.arange(n).astype(str)),
            "person_key": people,
            "reported_at": pd.Series(reported),
            "found_at": found,
        }
    )
    con.register("bench_rows", frame)
    con.execute(
        "insert into episodes (incident_id, person_key, reported_at, found_at, gender, risk, "
        "record_hash, first_load_id, last_load_id) "
        "select incident_id, person_key, reported_at, found_at, 'unknown', 'medium', "
        "md5(incident_id), 0, 0 from bench_rows"
    )
    con.execute("insert into person_identity select distinct person_key, 'REF-' || person_key from bench_rows")
    con.execute(
        "insert into episode_locations (incident_id, role, easting, northing, method) "
        "select incident_id, r.role, 380000, 398000, 'postcode' from bench_rows, "
        "(values ('missing_from'), ('found')) r(role)"
    )
    con.unregister("bench_rows")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        started = time.perf_counter()
        populate(con)
        print(f"populate: {ROWS:,} episodes in {time.perf_counter() - started:.1f} s")
        as_of = date(2025, 1, 1)
        policy = weed_policy(RetentionConfig(resolved_review_years=6, keep_locations_years=10), as_of, today=as_of)

        started = time.perf_counter()
        dry = weed(con, policy, dry_run=True)
        print(f"weed --dry-run: {time.perf_counter() - started:.1f} s, counts {dry.plan.counts}")

        started = time.perf_counter()
        real = weed(con, policy, dry_run=False)
        took = time.perf_counter() - started
        print(f"weed: {took:.1f} s ({real.plan.counts['episodes'] / took:,.0f} episodes/s weeded), weed {real.weed_id}")
        month_later = date(2025, 2, 1)
        policy = weed_policy(RetentionConfig(resolved_review_years=6, keep_locations_years=10),
                             month_later, today=month_later)
        started = time.perf_counter()
        monthly = weed(con, policy, dry_run=False)
        print(f"weed a month later: {time.perf_counter() - started:.1f} s, "
              f"{monthly.plan.counts['episodes']:,} episodes, "
              f"{monthly.plan.counts['locations_removed']:,} locations removed")
        left = con.execute("select count(*), count(found_at) from episodes").fetchone()
        print(f"left: {left[0]:,} episodes ({left[0] - left[1]:,} unresolved)")
        con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
