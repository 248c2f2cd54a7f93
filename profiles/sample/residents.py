"""The synthetic force's residents, by borough, sex and single year of age (the ONS layout).

Rates per 10,000 residents (``tables/rates_by_la.csv``) need a population. The sample's
people are placed in boroughs by the published figures in ``profiles/sample/calibration.py``
(looked-after children per borough drive who is placed where), so the residents come from
the same figures: each borough's children are its looked-after children divided by a
looked-after rate, and its adults follow from the children's share of residents. Two
figures are choices of ours, stated as such, not statistics:

- ``LOOKED_AFTER_PER_10K_CHILDREN``: about 100 per 10,000 children (England's average is
  about 70; the North West's boroughs run higher);
- ``CHILD_SHARE``: children (0 to 17) as a share of all residents, about 22%.

Children are spread evenly over the ages 0 to 17; adults over 18 to 89 with fewer people at
each older age, and 90 holds everyone 90 and over, as ONS writes it. Women are a little over
half of adults. The file is marked SYNTHETIC on every row (column ``data``) and in its folder's
ATTRIBUTION.txt; it is written by ``misper sample --population FILE``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from profiles.sample import calibration as cal

LOOKED_AFTER_PER_10K_CHILDREN = 100
CHILD_SHARE = 0.22
FEMALE_SHARE_ADULTS = 0.51
OLDEST = 90  # the ONS layout's last column: 90 and over

ATTRIBUTION = ("SYNTHETIC population (not ONS data), in the layout of the ONS mid-year estimates; derived from "
               "DfE looked-after children per local authority 2024, licensed under the Open Government Licence v3.0.")
PROVENANCE = (
    "DATASET: SYNTHETIC residents by local authority, sex and single year of age -- for the SYNTHETIC sample\n"
    "Derived by: python -m profiles.sample.reference_extract --from ../shared/geo --out data/sample/reference\n"
    "  (or misper sample --population FILE); how: profiles/sample/residents.py\n"
    "How: each borough's children = its looked-after children (DfE, Children looked after in England 2024, in\n"
    "  profiles/sample/calibration.py) x 10,000 / LOOKED_AFTER_PER_10K_CHILDREN; adults from CHILD_SHARE. Not ONS data.\n\n"
    "Licence     : the DfE figures are under the Open Government Licence v3.0; the file itself is SYNTHETIC.\n\n"
    f'Attribution to print: "{ATTRIBUTION}"\n'
)


def _adult_weights() -> np.ndarray:
    """Relative residents at ages 18..90 (90 = 90 and over): level to 64, then fewer each year."""
    ages = np.arange(18, 101)
    weights = np.where(ages <= 64, 1.0, np.clip(1.0 - (ages - 64) / 36, 0.02, None))
    out = weights[: OLDEST - 18 + 1].copy()
    out[-1] = weights[OLDEST - 18:].sum()
    return out / out.sum()


def _spread(total: int, weights: np.ndarray) -> np.ndarray:
    """Whole numbers in proportion to ``weights`` that add up to ``total`` (largest remainders)."""
    raw = total * weights
    whole = np.floor(raw).astype(int)
    short = total - int(whole.sum())
    whole[np.argsort(-(raw - whole), kind="stable")[:short]] += 1
    return whole


def borough_residents() -> list[tuple[str, str, str, np.ndarray]]:
    """(code, name, sex, residents at ages 0..90) per borough and sex."""
    rows = []
    adult_w = _adult_weights()
    for la in cal.GM_LOCAL_AUTHORITIES:
        children = round(la.looked_after * 10_000 / LOOKED_AFTER_PER_10K_CHILDREN)
        adults = round(children * (1 - CHILD_SHARE) / CHILD_SHARE)
        by_age = np.concatenate([_spread(children, np.full(18, 1 / 18)), _spread(adults, adult_w)])
        female = np.concatenate([by_age[:18] // 2, np.round(by_age[18:] * FEMALE_SHARE_ADULTS).astype(int)])
        rows.append((la.code, la.name, "female", female))
        rows.append((la.code, la.name, "male", by_age - female))
    return rows


def write_population(path: Path) -> int:
    """Write the residents in the ONS layout (code, name, sex, 0 … 90) and the folder's
    attribution note; the number of residents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = borough_residents()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "sex", *(str(a) for a in range(OLDEST + 1)), "data"])
        for code, name, sex, ages in rows:
            writer.writerow([code, name, sex, *(int(v) for v in ages), "SYNTHETIC: not ONS data"])
    (path.parent / "ATTRIBUTION.txt").write_text(f'Attribution: "{ATTRIBUTION}"\n', encoding="utf-8")
    (path.parent / "PROVENANCE.txt").write_text(PROVENANCE, encoding="utf-8")
    return int(sum(int(ages.sum()) for *_, ages in rows))
