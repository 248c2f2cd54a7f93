"""Measuring the geocoder against the ONS Postcode Directory (ONSPD).

ONSPD gives each postcode a WGS84 position and its LSOA. Geocoding the same postcodes
through the cascade and comparing shows how close the positions are and how often
the LSOA assigned by point-in-polygon agrees. Postcodes the gazetteer lacks (ONSPD
keeps terminated ones) are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from profiles.config import Settings
from profiles.errors import InputError
from profiles.geo.cascade import geocode_frame
from profiles.geo.crs import wgs84_to_bng


@dataclass
class Accuracy:
    postcodes: int            # rows in the ONSPD file
    compared: int             # geocoded by the postcode step (live in Code-Point)
    within_10m: float
    within_50m: float
    median_m: float
    lsoa_compared: int
    lsoa_agree: float

    def summary_text(self) -> str:
        return (
            f"ONSPD postcodes {self.postcodes:,}; geocoded by postcode {self.compared:,}\n"
            f"  within 10 m: {self.within_10m:.2%}   within 50 m: {self.within_50m:.2%}   "
            f"median distance: {self.median_m:.2f} m\n"
            f"  LSOA agreement: {self.lsoa_agree:.2%} of {self.lsoa_compared:,}"
        )


def onspd_accuracy(con: duckdb.DuckDBPyConnection, onspd_csv: Path, settings: Settings) -> Accuracy:
    """Compare geocoded postcodes with an ONSPD extract (columns postcode, lsoa_code, lon, lat)."""
    try:
        ref = pd.read_csv(onspd_csv, dtype={"postcode": str, "lsoa_code": str})
    except (OSError, pd.errors.ParserError) as exc:
        raise InputError(f"{onspd_csv}: cannot read: {exc}") from None
    missing = [c for c in ("postcode", "lsoa_code", "lon", "lat") if c not in ref.columns]
    if missing:
        raise InputError(f"{onspd_csv}: missing column(s) {', '.join(missing)}")
    got = geocode_frame(con, ref[["postcode"]], settings)
    e, n = wgs84_to_bng(ref["lon"], ref["lat"])
    by_postcode = got["method"].eq("postcode").to_numpy()
    dist = np.hypot(got["easting"].to_numpy(float) - e, got["northing"].to_numpy(float) - n)[by_postcode]
    lsoa_ok = got["lsoa_code"].notna().to_numpy() & by_postcode
    agree = (got["lsoa_code"].to_numpy()[lsoa_ok] == ref["lsoa_code"].to_numpy()[lsoa_ok])
    return Accuracy(
        postcodes=len(ref),
        compared=int(by_postcode.sum()),
        within_10m=float((dist <= 10).mean()) if dist.size else 0.0,
        within_50m=float((dist <= 50).mean()) if dist.size else 0.0,
        median_m=float(np.median(dist)) if dist.size else float("nan"),
        lsoa_compared=int(by_postcode.sum()),
        lsoa_agree=float(agree.sum() / by_postcode.sum()) if by_postcode.any() else 0.0,
    )
