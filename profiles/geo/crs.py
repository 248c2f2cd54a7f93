"""Coordinate systems: British National Grid (EPSG:27700) and WGS84 (EPSG:4326).

pyproj's default EPSG:27700 <-> EPSG:4326 pipeline (Helmert, no OSTN15 grid offline) is
accurate to a few metres, which is well inside a postcode's own precision.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from pyproj import Transformer

#: Great Britain's extent in BNG metres (the grid's false origin to Shetland).
BNG_BOUNDS = (0.0, 0.0, 700_000.0, 1_300_000.0)
#: Great Britain's extent in WGS84 degrees (lon, lat), with the Scilly Isles and Shetland.
WGS84_BOUNDS = (-8.7, 49.8, 2.0, 61.0)


@lru_cache(maxsize=2)
def _transformer(src: int, dst: int) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def bng_to_wgs84(easting, northing) -> tuple[np.ndarray, np.ndarray]:
    """(lon, lat) arrays for BNG easting/northing arrays (NaN stays NaN)."""
    lon, lat = _transformer(27700, 4326).transform(np.asarray(easting, float), np.asarray(northing, float))
    return _finite(lon), _finite(lat)


def wgs84_to_bng(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """(easting, northing) arrays for WGS84 lon/lat arrays."""
    e, n = _transformer(4326, 27700).transform(np.asarray(lon, float), np.asarray(lat, float))
    return _finite(e), _finite(n)


def _finite(values) -> np.ndarray:
    """pyproj turns NaN into inf: missing stays missing."""
    arr = np.array(values, dtype=float, ndmin=1)
    arr[~np.isfinite(arr)] = np.nan
    return arr


def classify_coordinates(x: pd.Series, y: pd.Series) -> pd.Series:
    """``bng``, ``wgs84`` (lon, lat), ``wgs84_swapped`` (lat, lon) or ``""`` (none / outside GB)."""
    x = pd.to_numeric(x, errors="coerce").astype("float64")
    y = pd.to_numeric(y, errors="coerce").astype("float64")
    lon0, lat0, lon1, lat1 = WGS84_BOUNDS
    wgs = x.between(lon0, lon1) & y.between(lat0, lat1)
    swapped = y.between(lon0, lon1) & x.between(lat0, lat1)
    e0, n0, e1, n1 = BNG_BOUNDS
    # A grid reference needs both numbers well above any degree value.
    bng = x.between(e0, e1) & y.between(n0, n1) & (x.abs() > 1000) & (y.abs() > 1000)
    out = pd.Series("", index=x.index, dtype="string")
    out = out.mask(bng, "bng").mask(wgs, "wgs84").mask(swapped & ~wgs, "wgs84_swapped")
    return out


def decimals_precision_m(values: pd.Series, unit_m: float) -> pd.Series:
    """A precision radius implied by how coordinates were rounded.

    BNG given to the nearest 1000/100/10 m (6- or 8-figure grid references) is only
    that precise; WGS84 to d decimals is about 111 km * 10^-d.
    """
    v = pd.to_numeric(values, errors="coerce").astype("float64").abs()
    if unit_m >= 1:  # BNG metres
        prec = pd.Series(10.0, index=v.index)
        prec = prec.mask((v % 100 == 0), 100.0).mask((v % 1000 == 0), 1000.0)
        return prec
    # degrees: count decimals from the float text
    text = values.astype("string").fillna("")
    decimals = text.str.extract(r"\.(\d+)$", expand=False).fillna("").str.len()
    return (111_000.0 * np.power(10.0, -decimals.astype(float))).clip(lower=10.0)
