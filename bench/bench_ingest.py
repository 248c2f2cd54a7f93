"""Ingestion speed: a one-million-row canonical extract, loaded, then re-loaded.

Prints rows/s for the first load (all new), the re-load (all unchanged) and peak memory.
The extract is simple random rows (not the realistic sample): this measures the
set-based validation and merge, not the data.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from profiles.config import Settings
from profiles.ingest.load import ingest_files

ROWS = 1_000_000


def make_extract(path: Path, n: int = ROWS, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    reported = np.datetime64("2023-01-01T00:00") + rng.integers(0, 3 * 365 * 24 * 60, n).astype("timedelta64[m]")
    found = reported + rng.integers(10, 3000, n).astype("timedelta64[m]")
    found_text = pd.Series(found).dt.strftime("%Y-%m-%d %H:%M").where(rng.random(n) > 0.01, "")
    pd.DataFrame(
        {
            "incident_id": np.char.add("SYN-I", np.arange(n).astype(str)),
            "person_id": np.char.add("SYN-P", rng.integers(0, n // 3, n).astype(str)),
            "reported_at": pd.Series(reported).dt.strftime("%Y-%m-%d %H:%M"),
            "found_at": found_text,
            "age": rng.integers(8, 90, n),
            "gender": rng.choice(["male", "female", "unknown"], n),
            "ethnicity": rng.choice(["IC1", "IC3", "IC4", "IC9", ""], n),
            "risk": rng.choice(["high", "medium", "low", "absent"], n),
            "missing_from_type": rng.choice(["home", "childrens_home", "hospital", ""], n),
            "missing_from_postcode": rng.choice(["M1 1AE", "BL1 2AB", "OL9 6LD", "M1", "bad"], n, p=[0.3, 0.3, 0.3, 0.099, 0.001]),
            "flag_cse": rng.choice(["Y", "N", ""], n),
            "looked_after": rng.choice(["Y", "N"], n),
            "calls": rng.integers(1, 5, n),
            "reason": "SYNTHETIC benchmark row",
        }
    ).to_csv(path, index=False)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        extract, db = Path(tmp) / "extract.csv", Path(tmp) / "bench.duckdb"
        make_extract(extract)
        settings = Settings()
        for label in ("first load (new rows)", "re-load (unchanged rows)"):
            started = time.perf_counter()
            result = ingest_files([extract], settings=settings, db_path=db)
            took = time.perf_counter() - started
            counts = result.as_json()
            print(
                f"ingest {label}: {counts['rows_read']:,} rows in {took:.1f} s "
                f"({counts['rows_read'] / took:,.0f} rows/s); loaded {counts['loaded']:,}, "
                f"unchanged {counts['unchanged']:,}, quarantined {counts['quarantined']:,}"
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"ingest peak memory: {peak_mb:,.0f} MB")


if __name__ == "__main__":
    main()
