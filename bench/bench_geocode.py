"""Geocoding speed: one million postcodes through the cascade (issue 3 target: under 30 s).

Imports the reference data (../shared/geo when present, else the configured reference
folder) into a temporary database, then geocodes a million postcodes drawn from it with
realistic spelling noise (lower case, no space, stray spaces), first with an empty cache
and then again with the cache warm. Prints the figures and peak memory.
"""

from __future__ import annotations

import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from profiles.config import PROJECT_ROOT, Settings
from profiles.db import connect
from profiles.geo.cascade import geocode_frame
from profiles.geo.reference import import_reference

ROWS = 1_000_000


def reference_dir(settings: Settings) -> Path:
    shared = Path(os.environ.get("MISPER_SHARED_DIR", PROJECT_ROOT.parent / "shared")) / "geo"
    return shared if shared.is_dir() else settings.reference_dir


def make_inputs(postcodes: np.ndarray, n: int = ROWS, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    picked = pd.Series(rng.choice(postcodes, size=n))
    noise = rng.integers(0, 4, n)
    picked = picked.where(noise != 1, picked.str.lower())
    picked = picked.where(noise != 2, picked.str.replace(" ", "", regex=False))
    picked = picked.where(noise != 3, " " + picked + " ")
    return pd.DataFrame({"postcode": picked})


def main() -> None:
    settings = Settings()
    source = reference_dir(settings)
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        import_reference(con, source, settings=settings)
        t_import = time.perf_counter() - t0
        postcodes = con.execute("select postcode from ref_postcodes where easting is not null").df()["postcode"]
        frame = make_inputs(postcodes.to_numpy())
        t0 = time.perf_counter()
        cold = geocode_frame(con, frame, settings)
        t_cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        warm = geocode_frame(con, frame, settings)
        t_warm = time.perf_counter() - t0
        assert (cold["method"] == "postcode").all() and (warm["method"] == "postcode").all()
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"reference: {source} ({len(postcodes):,} postcodes with coordinates), import {t_import:.1f} s")
        print(f"geocode {ROWS:,} postcodes, empty cache: {t_cold:.1f} s ({ROWS / t_cold:,.0f} rows/s)")
        print(f"geocode {ROWS:,} postcodes, warm cache:  {t_warm:.1f} s ({ROWS / t_warm:,.0f} rows/s)")
        print(f"target: under 30 s -> {'met' if max(t_cold, t_warm) < 30 else 'NOT met'}")
        print(f"peak memory: {peak_mb:,.0f} MB")
        con.close()


if __name__ == "__main__":
    main()
