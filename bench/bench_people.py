"""People analysis speed: every people measure over one million episodes (three years).

Random rows with a heavy tail of repeat people (5,000 people with about 60 reports each,
the rest one to three), written straight into an in-memory database: this measures the SQL of
the people marts and reports, not ingestion. Prints seconds per measure and peak memory.
"""

from __future__ import annotations

import resource
import time
from datetime import date

import numpy as np
import pandas as pd

from profiles.analysis import people, people_safeguarding
from profiles.config import Settings
from profiles.db import connect
from profiles.periods import Month

EPISODES = 1_000_000


def load_episodes(con, n: int = EPISODES, seed: int = 7) -> int:
    rng = np.random.default_rng(seed)
    # 70% of reports spread over many people (about one to three each), 30% from 5,000
    # repeat people (about 60 each over three years): the heavy tail of repeat missing
    person = np.where(rng.random(n) < 0.7, rng.integers(0, n // 2, n), n + rng.integers(0, 5_000, n))
    reported = pd.Timestamp("2022-01-01", tz="Europe/London") + pd.to_timedelta(
        rng.integers(0, 3 * 365 * 24 * 60, n), unit="min"
    )
    found = reported + pd.to_timedelta(rng.integers(10, 6000, n), unit="min")
    frame = pd.DataFrame(
        {
            "incident_id": np.char.add("SYN-I", np.arange(n).astype(str)),
            "person_key": np.char.add("SYN-P", person.astype(str)),
            "reported_at": reported,
            "found_at": pd.Series(found).where(rng.random(n) > 0.01),
            "age_at_report": rng.integers(8, 90, n),
            "gender": "unknown",
            "risk": rng.choice(["high", "medium", "low", "no_apparent_risk"], n, p=[0.1, 0.5, 0.3, 0.1]),
            "flag_cse": rng.random(n) < 0.05,
            "flag_cce": rng.random(n) < 0.05,
            "looked_after": rng.random(n) < 0.3,
            "responsible_la": rng.choice(["E08000001", "E08000002", "E08000003"], n),
            "return_interview_offered_at": found + pd.to_timedelta(rng.integers(60, 6000, n), unit="min"),
            "record_hash": "x",
            "first_load_id": 0,
            "last_load_id": 0,
        }
    )
    frame["risk_highest"] = frame["risk"]
    con.register("bench_episodes", frame)
    con.execute("insert into episodes by name select * from bench_episodes")
    con.execute(
        "insert into person_identity select distinct person_key, 'SYN-REF-' || person_key from bench_episodes"
    )
    con.unregister("bench_episodes")
    return frame["person_key"].nunique()


def timed(label: str, func) -> object:
    started = time.perf_counter()
    result = func()
    rows = len(result) if isinstance(result, pd.DataFrame) else ""
    print(f"people {label}: {time.perf_counter() - started:.2f} s {f'({rows:,} rows)' if rows != '' else ''}")
    return result


def main() -> None:
    con = connect(":memory:")
    started = time.perf_counter()
    persons = load_episodes(con)
    print(f"people setup: {EPISODES:,} episodes of {persons:,} people in {time.perf_counter() - started:.1f} s")
    settings, month, as_of = Settings(), Month.of(2024, 6), date(2024, 6, 30)
    timed("episode_repeats (every episode)", lambda: people.episode_repeats(con, settings))
    timed("repeat_list as of a date", lambda: people.repeat_list(con, settings, as_of))
    timed("repeat_list_police (with person_id)", lambda: people.repeat_list_police(con, settings, as_of))
    timed("referral_list for a month", lambda: people.referral_list(con, settings, month))
    timed("trigger_plans with pack for a month", lambda: people.trigger_plans(con, settings, month).persons)
    timed("rfg_scores", lambda: people.rfg_scores(con, settings, as_of))
    timed("cross_border for a month", lambda: people_safeguarding.cross_border(con, settings, month).persons)
    timed("return_interviews for a month", lambda: people_safeguarding.return_interviews(con, settings, month))
    timed("oversight for a month", lambda: people_safeguarding.oversight(con, settings, month).open_episodes)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"people peak memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
