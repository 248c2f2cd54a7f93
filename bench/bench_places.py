"""Places, demand and data-quality speed over one million episodes (three years).

Random SYNTHETIC rows written straight into an in-memory database (this measures the
analysis, not ingestion or geocoding): 2,000 register sites, 30% of reports from them
with a heavy tail (a few homes make most), the rest scattered over a 40 x 30 km area
with some dense streets; 80% found, found points an exponential distance (mean 1.2 km)
away. Prints seconds per measure (12 months for places, as `misper places` does) and
peak memory.
"""

from __future__ import annotations

import resource
import time

import numpy as np
import pandas as pd

from profiles.analysis import clusters, demand, found, hotspots, places, quality
from profiles.config import Settings
from profiles.db import connect
from profiles.periods import Month

EPISODES = 1_000_000
SITES = 2_000


def load(con, n: int = EPISODES, seed: int = 11) -> None:
    rng = np.random.default_rng(seed)
    x0, y0 = 370_000.0, 390_000.0
    site_xy = np.column_stack([x0 + rng.uniform(0, 40_000, SITES), y0 + rng.uniform(0, 30_000, SITES)]).round()
    sites = pd.DataFrame({
        "site_id": [f"S{i:05d}" for i in range(SITES)], "site_ref": [f"R{i:05d}" for i in range(SITES)],
        "name": [f"Synthetic site {i}" for i in range(SITES)],
        "type": rng.choice(["childrens_home", "adult_care_home", "hospital"], SITES, p=[0.3, 0.6, 0.1]),
        "easting": site_xy[:, 0], "northing": site_xy[:, 1],
        "lad_code": rng.choice([f"E080000{i:02d}" for i in range(1, 11)], SITES),
    })
    sites["sensitive"] = sites["type"] == "childrens_home"
    sites["status"] = "register"
    con.register("b_sites", sites)
    con.execute("insert into sites by name select * from b_sites")

    person = np.where(rng.random(n) < 0.7, rng.integers(0, n // 2, n), n + rng.integers(0, 5_000, n))
    reported = pd.Timestamp("2022-04-01", tz="Europe/London") + pd.to_timedelta(
        rng.integers(0, 3 * 365 * 24 * 60, n), unit="min")
    is_found = rng.random(n) < 0.8
    found_at = (reported + pd.to_timedelta(rng.exponential(14 * 60, n).astype(int) + 1, unit="min"))
    episodes = pd.DataFrame({
        "incident_id": np.char.add("SYN-I", np.arange(n).astype(str)),
        "person_key": np.char.add("SYN-P", person.astype(str)),
        "reported_at": reported,
        "found_at": pd.Series(found_at).where(is_found),
        "age_at_report": rng.integers(8, 95, n),
        "gender": rng.choice(["male", "female"], n),
        "ethnicity": rng.choice(["IC1", "IC3", "IC4", "IC9"], n),
        "risk": rng.choice(["high", "medium", "low", "no_apparent_risk"], n, p=[0.1, 0.5, 0.3, 0.1]),
        "found_by": rng.choice(["own_accord", "police", "family"], n),
        "outcome": "safe",
        "flag_cse": rng.random(n) < 0.05,
        "flag_dementia": rng.random(n) < 0.05,
        "flag_mental_health": rng.random(n) < 0.1,
        "looked_after": rng.random(n) < 0.3,
        "calls": rng.integers(1, 4, n),
        "record_hash": "x", "first_load_id": 0, "last_load_id": 0,
    })
    episodes["risk_highest"] = episodes["risk"]
    con.register("b_episodes", episodes)
    con.execute("insert into episodes by name select * from b_episodes")

    at_site = rng.random(n) < 0.3
    site_idx = np.minimum(rng.zipf(1.5, n) - 1, SITES - 1)
    street = rng.integers(0, 300, n)
    street_xy = np.column_stack([x0 + (street * 7919 % 40_000), y0 + (street * 104_729 % 30_000)])
    scatter = rng.random(n) < 0.5
    xy = np.where(scatter[:, None],
                  np.column_stack([x0 + rng.uniform(0, 40_000, n), y0 + rng.uniform(0, 30_000, n)]),
                  street_xy + rng.normal(0, 40, (n, 2)))
    xy = np.where(at_site[:, None], site_xy[site_idx], xy).round()
    go = pd.DataFrame({
        "incident_id": episodes["incident_id"], "role": "missing_from", "easting": xy[:, 0], "northing": xy[:, 1],
        "method": np.where(at_site, "site", "postcode"), "precision_m": np.where(at_site, 25.0, 100.0),
        "site_id": np.where(at_site, sites["site_id"].to_numpy()[site_idx], None),
        "lad_code": "E08000001", "ward_code": np.char.add("W", (xy[:, 0] // 2000).astype(int).astype(str)),
        "lsoa_code": None, "outside_force": False,
    })
    dist, theta = rng.exponential(1200, n), rng.uniform(0, 2 * np.pi, n)
    fo = go[is_found].copy()
    fo["role"] = "found"
    fo["easting"] = (fo["easting"] + (dist * np.sin(theta))[is_found]).round()
    fo["northing"] = (fo["northing"] + (dist * np.cos(theta))[is_found]).round()
    fo["method"], fo["site_id"], fo["precision_m"] = "coordinates", None, 10.0
    for frame in (go, fo):
        con.register("b_locations", frame)
        con.execute("insert into episode_locations by name select * from b_locations")
    con.unregister("b_locations")


def timed(label: str, func):
    started = time.perf_counter()
    result = func()
    frame = getattr(result, "summary", getattr(result, "table", result))
    rows = f" ({len(frame):,} rows)" if isinstance(frame, pd.DataFrame) else ""
    print(f"places {label}: {time.perf_counter() - started:.2f} s{rows}")
    return result


def main() -> None:
    con = connect(":memory:")
    started = time.perf_counter()
    load(con)
    print(f"places setup: {EPISODES:,} episodes, {SITES:,} sites in {time.perf_counter() - started:.1f} s")
    settings, month = Settings(), Month.of(2025, 3)
    year = month.trailing(12)
    timed("site_ranking, 12 months", lambda: places.site_ranking(con, settings, month))
    timed("site_ranking, partner view", lambda: places.site_ranking(con, settings, month, audience="partner"))
    timed("persistent_and_emerging_sites", lambda: places.persistent_and_emerging_sites(con, settings, month))
    timed("DBSCAN clusters, go-missing, 12 months", lambda: clusters.location_clusters(con, settings, year))
    timed("DBSCAN clusters, found, 12 months", lambda: clusters.location_clusters(con, settings, year, role="found"))
    timed("Gi* grid 500 m, 12 months", lambda: hotspots.grid_hotspots(con, settings, year))
    timed("found distance rings", lambda: found.found_distance_rings(con, settings, year))
    timed("top found places", lambda: found.top_found_places(con, settings, year))
    timed("monthly trend (24 months)", lambda: demand.monthly_trend(con, settings, month))
    timed("day x hour, 12 months", lambda: demand.day_hour_pattern(con, settings, year))
    timed("breakdowns, 12 months", lambda: demand.breakdowns(con, settings, year))
    timed("cost of demand, 12 months", lambda: demand.cost_of_demand(con, settings, year))
    timed("completeness, 12 months", lambda: quality.completeness(con, settings, year))
    timed("geocoding by method, 12 months", lambda: quality.geocoding_by_method(con, settings, year))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"places peak memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
