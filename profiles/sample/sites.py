"""Synthetic sites: children's homes, supported accommodation, hospitals, mental-health units.

Ofsted withholds children's homes' names and addresses, so the sample invents them: made-up
names ("Synthetic Rowan House 12") and made-up street addresses ("4 Example Road, Moss Side")
at real Greater Manchester postcodes, as many homes in each borough as Ofsted counts there.
Hospitals and mental-health units are invented the same way. The list is fixed (its own
seed), so the committed sites CSV and a run without it give the same sites.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from profiles.sample import calibration as cal
from profiles.sample.stable import stable_fraction

SITES_SEED = 20231101

#: Made-up street names: the sample never writes a real street address.
STREET_STEMS = (
    "Example", "Sample", "Specimen", "Placeholder", "Pattern", "Model", "Proxy", "Mock",
    "Draft", "Trial", "Template", "Dummy", "Fixture", "Testbed", "Prototype", "Mockup",
    "Exemplar", "Outline", "Sketch", "Schema", "Variable", "Vector", "Matrix", "Cipher",
)
STREET_SUFFIXES = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Grove", "Way", "Court", "Terrace")
NAME_WORDS = (
    "Rowan", "Cedar", "Hazel", "Willow", "Aspen", "Juniper", "Heather", "Meadow", "Brook", "Orchard",
    "Harbour", "Lantern", "Compass", "Horizon", "Summit", "Beacon", "Maple", "Linden", "Alder", "Laurel",
    "Birch", "Holly", "Ivy", "Fern", "Thistle", "Clover", "Sorrel", "Bramble", "Elder", "Hawthorn",
)
SITE_TYPES = {
    "childrens_home": "CH",
    "supported_accommodation": "SA",
    "hospital": "HOS",
    "mental_health_unit": "MHU",
}
SUPPORTED_PER_BOROUGH = 4
MENTAL_HEALTH_UNITS = 8


def street_for(postcodes: np.ndarray) -> np.ndarray:
    """A made-up street name per postcode, always the same for the same postcode."""
    frac = stable_fraction(["street|" + str(p) for p in postcodes])
    streets = np.array([f"{s} {x}" for s in STREET_STEMS for x in STREET_SUFFIXES], dtype=object)
    return streets[(frac * len(streets)).astype(int)]


def capacity(site_refs: pd.Series, types: pd.Series, lads: np.ndarray) -> np.ndarray:
    """Places per site: children's homes around their borough's Ofsted average; a function of
    the site reference, so it needs no column in the sites CSV."""
    frac = stable_fraction(["places|" + str(r) for r in site_refs])
    avg = np.array([la.childrens_home_places / la.childrens_homes for la in cal.GM_LOCAL_AUTHORITIES])
    per_type = {"childrens_home": None, "supported_accommodation": 8.0, "hospital": 30.0, "mental_health_unit": 20.0}
    out = np.empty(len(site_refs))
    for i, (t, f) in enumerate(zip(types, frac)):
        base = per_type.get(t) or avg[max(int(lads[i]), 0)]
        out[i] = max(1.0, round(base * (0.4 + 1.2 * f)))
    return out


def synthesise_sites(pool: pd.DataFrame, places: pd.DataFrame, pc_place: np.ndarray) -> pd.DataFrame:
    """The synthetic sites as a user sites CSV frame (columns exactly ``SITES_HEADER``).

    ``pool``: the Greater Manchester postcodes the sample uses (PC, EA, NO, DC);
    ``places``: OS Open Names populated places; ``pc_place``: nearest place per postcode.
    """
    rng = np.random.default_rng(SITES_SEED)
    rows = []
    used: set[int] = set()
    counters = {t: 0 for t in SITE_TYPES}
    localities = places["NAME1"].to_numpy(object)[pc_place]
    streets = street_for(pool["PC"].to_numpy(object))

    def pick(lad_code: str | None) -> int:
        candidates = np.flatnonzero(pool["DC"].to_numpy() == lad_code) if lad_code else np.arange(len(pool))
        candidates = np.array([c for c in candidates if c not in used]) if len(candidates) > len(used) else candidates
        i = int(rng.choice(candidates))
        used.add(i)
        return i

    def add(kind: str, name: str, i: int) -> None:
        counters[kind] += 1
        e = int(round(pool["EA"].iloc[i] + rng.uniform(-25, 25)))
        n = int(round(pool["NO"].iloc[i] + rng.uniform(-25, 25)))
        number = int(rng.integers(1, 120))
        rows.append({
            "site_ref": f"SYN-{SITE_TYPES[kind]}-{counters[kind]:03d}",
            "name": name.format(k=counters[kind]),
            "type": kind,
            "address": f"{number} {streets[i]}, {localities[i]}",
            "postcode": pool["PC"].iloc[i],
            "easting": str(e),
            "northing": str(n),
            "cqc_location_id": "",
        })

    for la in cal.GM_LOCAL_AUTHORITIES:
        for _ in range(la.childrens_homes):
            add("childrens_home", f"Synthetic {rng.choice(NAME_WORDS)} House {{k}}", pick(la.code))
    for la in cal.GM_LOCAL_AUTHORITIES:
        for _ in range(SUPPORTED_PER_BOROUGH):
            add("supported_accommodation", f"Synthetic {rng.choice(NAME_WORDS)} Court {{k}}", pick(la.code))
    for la in cal.GM_LOCAL_AUTHORITIES:
        add("hospital", f"Synthetic {la.name} General Hospital", pick(la.code))
    for _ in range(MENTAL_HEALTH_UNITS):
        add("mental_health_unit", f"Synthetic {rng.choice(NAME_WORDS)} Mental Health Unit {{k}}", pick(None))
    return pd.DataFrame(rows, columns=["site_ref", "name", "type", "address", "postcode", "easting", "northing",
                                       "cqc_location_id"])
