"""Figures that calibrate the synthetic force, and where each one comes from.

Greater Manchester Police (police force area E23000005) and its ten metropolitan
boroughs. Two kinds of figure live here:

- **Published statistics** per borough, copied from the files in ``../shared/reference``
  by :func:`derive_local_authority_figures` (a test re-derives them and compares):

  - children's homes and their places at 31 March 2023 — Ofsted, *Children's social care
    data in England 2023, provider level* (Open Government Licence v3.0);
  - looked-after children in the year, those with a missing incident, and the number of
    missing incidents, reporting year 2024 — DfE, *Children looked after in England
    including adoptions* (Open Government Licence v3.0).

- **National shapes** from ../shared/DOMAIN.md (share of children, found within 24 hours,
  found dead ...) and choices of ours that no statistic pins down (which authorities
  outside Greater Manchester place children here). These are stated as such.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PFA_CODE = "E23000005"
PFA_NAME = "Greater Manchester"
FORCE_NAME = "Greater Manchester Police (SYNTHETIC SAMPLE)"

#: Postcode areas that cover Greater Manchester (they also reach into neighbouring counties).
POSTCODE_AREAS = ("M", "BL", "OL", "SK", "WN", "WA")

#: Reporting year of the DfE figures below.
DFE_YEAR = 2024


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    #: Ofsted, children's homes (provision type "Children's home") at 31 March 2023.
    childrens_homes: int
    childrens_home_places: int
    #: DfE 2024: children looked after during the year.
    looked_after: int
    #: DfE 2024: looked-after children who had a missing incident during the year.
    missing_children: int
    #: DfE 2024: missing incidents of looked-after children during the year.
    missing_incidents: int

    @property
    def incidents_per_missing_child(self) -> float:
        return self.missing_incidents / self.missing_children

    @property
    def missing_rate(self) -> float:
        """Share of looked-after children who went missing in the year."""
        return self.missing_children / self.looked_after


# Derived by derive_local_authority_figures(../shared/reference); see the module docstring.
GM_LOCAL_AUTHORITIES: tuple[LocalAuthority, ...] = (
    LocalAuthority("E08000001", "Bolton", 22, 78, 771, 108, 657),
    LocalAuthority("E08000002", "Bury", 13, 40, 458, 63, 350),
    LocalAuthority("E08000003", "Manchester", 27, 89, 1815, 276, 2173),
    LocalAuthority("E08000004", "Oldham", 20, 80, 780, 99, 900),
    LocalAuthority("E08000005", "Rochdale", 39, 97, 760, 82, 464),
    LocalAuthority("E08000006", "Salford", 17, 65, 745, 81, 746),
    LocalAuthority("E08000007", "Stockport", 34, 138, 662, 80, 780),
    LocalAuthority("E08000008", "Tameside", 21, 90, 843, 136, 1159),
    LocalAuthority("E08000009", "Trafford", 5, 23, 489, 56, 445),
    LocalAuthority("E08000010", "Wigan", 32, 96, 953, 93, 504),
)
GM_LAD_CODES: tuple[str, ...] = tuple(la.code for la in GM_LOCAL_AUTHORITIES)
GM_LAD_NAMES: dict[str, str] = {la.code: la.name for la in GM_LOCAL_AUTHORITIES}

#: National average of missing incidents per looked-after child who went missing (DfE 2024).
NATIONAL_INCIDENTS_PER_MISSING_CHILD = 6.5

#: Authorities outside Greater Manchester that place children in its homes, with relative
#: weights. A choice of ours (nearer and larger authorities place more), not a statistic.
OUTSIDE_PLACING_AUTHORITIES: tuple[tuple[str, str, float], ...] = (
    ("E10000017", "Lancashire", 5.0),
    ("E06000049", "Cheshire East", 3.0),
    ("E06000050", "Cheshire West and Chester", 2.0),
    ("E08000012", "Liverpool", 3.0),
    ("E06000007", "Warrington", 2.0),
    ("E06000008", "Blackburn with Darwen", 1.5),
    ("E10000007", "Derbyshire", 2.0),
    ("E08000034", "Kirklees", 1.5),
    ("E08000033", "Calderdale", 1.0),
    ("E08000035", "Leeds", 1.5),
    ("E08000025", "Birmingham", 1.5),
    ("E08000013", "St Helens", 1.0),
    ("E08000015", "Wirral", 1.0),
    ("E10000028", "Staffordshire", 1.0),
    ("E06000009", "Blackpool", 1.0),
)

#: Places outside the force where some people are found (OS Open Names populated places,
#: kept in the sample's reference extract). A choice of ours.
OUTSIDE_FOUND_PLACES: tuple[str, ...] = (
    "Liverpool", "Leeds", "Blackpool", "Preston", "Warrington", "Blackburn", "Huddersfield",
    "Chester", "Macclesfield", "Buxton", "Burnley", "Halifax", "Birmingham", "Glossop",
)

# ---- national shapes (../shared/DOMAIN.md) ------------------------------------------------
#: Share of incidents that are children (under 18).
CHILD_SHARE = 0.60
#: Found within 24 hours: children, adults.
FOUND_24H = {"child": 0.79, "adult": 0.76}
#: Missing over a week: fewer than 2-3%.
OVER_WEEK_MAX = 0.03
#: Found dead: about 0.2-0.4% of incidents.
FOUND_DEAD = (0.002, 0.004)


# ---- derivation ---------------------------------------------------------------------------

OFSTED_FILE = Path("ofsted_childrens_social_care_providers/ofsted_provider_level_at_31_march_2023.csv")
DFE_FILE = Path(
    "dfe_children_missing_from_care/"
    "la_children_who_were_missing_or_away_from_placement_without_authorisation.csv"
)


def derive_local_authority_figures(reference_root: Path) -> tuple[LocalAuthority, ...]:
    """Re-derive :data:`GM_LOCAL_AUTHORITIES` from the published files under ``reference_root``
    (``../shared/reference``)."""
    import pandas as pd

    ofsted = pd.read_csv(reference_root / OFSTED_FILE, skiprows=3, encoding="utf-8-sig")
    homes = ofsted[ofsted["Provision type"].str.strip().str.lower() == "children's home"]
    by_la = homes.groupby("Local authority").agg(n=("URN", "size"), places=("Places", "sum"))

    dfe = pd.read_csv(reference_root / DFE_FILE, encoding="utf-8-sig", dtype={"number": str})
    dfe = dfe[(dfe["geographic_level"] == "Local authority") & (dfe["time_period"] == DFE_YEAR)]

    def dfe_value(code: str, group: str) -> int:
        row = dfe[(dfe["new_la_code"] == code) & (dfe["CLA_group"] == group)]
        return int(float(row["number"].iloc[0]))

    out = []
    for la in GM_LOCAL_AUTHORITIES:
        out.append(
            LocalAuthority(
                la.code,
                la.name,
                int(by_la.loc[la.name, "n"]),
                int(by_la.loc[la.name, "places"]),
                dfe_value(la.code, "Children looked after during the year"),
                dfe_value(la.code, "Children who had a missing incident during the year"),
                dfe_value(la.code, "Number of missing incidents during the year"),
            )
        )
    return tuple(out)
