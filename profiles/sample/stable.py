"""Stable pseudo-random fractions: the same key gives the same number everywhere."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd


def stable_fraction(keys: list[str] | pd.Series) -> np.ndarray:
    """A number in [0, 1) per key, the same on every machine and Python version."""
    return np.array(
        [int.from_bytes(hashlib.blake2b(str(k).encode("utf-8"), digest_size=8).digest(), "big") / 2**64
         for k in keys],
        dtype=np.float64,
    )
