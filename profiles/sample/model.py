"""The synthetic force's people and episodes, as distributions.

Each person belongs to one category (looked-after child in a children's home, child at
home, adult with dementia ...). A category fixes its share of incidents, where its people
go missing from, their ages, how often they go missing (a heavy-tailed propensity over a
"missing spell": a placement, a crisis), how long they are missing, their vulnerability
flags, risk grades and who finds them. The national shapes these are tuned to are in
../shared/DOMAIN.md; tests check the generated data against them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from profiles.categories import FLAG_CODES, RISK_ORDER
from profiles.categories import RHI_THEMES as RHI_THEME_CODES

# ---- code lists (canonical codes; index = stored value) -----------------------------------
GENDERS = ("male", "female", "other", "unknown")
ETHNICITIES = ("IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC9")
#: Greater Manchester-like mix of officer-defined ethnicity (a choice, near census shares).
ETHNICITY_WEIGHTS = (0.70, 0.03, 0.07, 0.12, 0.015, 0.02, 0.045)
#: Risk codes as written; "absent" is the legacy grade (April 2013 - January 2017) that
#: older records still carry and ingestion maps to no_apparent_risk.
RISKS = (*RISK_ORDER, "absent")
FROM_TYPES = (
    "home", "childrens_home", "foster_care", "adult_care_home", "hospital",
    "mental_health_unit", "supported_accommodation", "school", "other",
)
FOUND_BY = ("own_accord", "police", "family", "friend", "carer", "local_authority", "other", "unknown")
OUTCOMES = ("safe", "harmed", "crime_victim", "sexual_offence_victim", "crime_suspect", "found_dead")
FLAGS = FLAG_CODES

# Where a person goes missing from.
SETTING_HOME, SETTING_SITE, SETTING_CARE_HOME = 0, 1, 2


def _norm(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return w / w.sum()


@dataclass(frozen=True)
class AgeBand:
    lo: int
    hi: int          # inclusive
    weight: float


@dataclass(frozen=True)
class Category:
    key: str
    share: float                       # share of all incidents
    child: bool
    looked_after: bool
    #: (setting, missing_from_type, site type or None, probability)
    settings: tuple[tuple[int, str, str | None, float], ...]
    #: Episodes per year of spell for a typical person (lognormal spread ``sigma``).
    rate: float
    sigma: float
    spell_days: tuple[int, int]
    ages: tuple[AgeBand, ...]
    female: float
    hours: str
    #: Median hours missing and lognormal spread.
    duration_median_h: float
    duration_sigma: float
    #: Probability of each vulnerability flag (FLAGS order), by sex (female, male).
    flags_female: tuple[float, ...]
    flags_male: tuple[float, ...]
    #: Initial risk (no_apparent_risk, low, medium, high).
    risk: tuple[float, float, float, float]
    found_by: tuple[float, ...]
    found_dead: float
    #: Share of episodes from another missing-from type (e.g. school for children at home).
    other_from: tuple[tuple[str, float], ...] = field(default_factory=tuple)
    #: Share of found people who were found outside the force.
    outside_found: float = 0.02
    #: Share of people whose date of birth is not known (age only).
    age_only: float = 0.02


H = SETTING_HOME
S = SETTING_SITE
C = SETTING_CARE_HOME

CHILD_TEEN_AGES = (AgeBand(5, 9, 2.0), AgeBand(10, 11, 3.0), AgeBand(12, 12, 4.0), AgeBand(13, 13, 8.0),
                   AgeBand(14, 14, 14.0), AgeBand(15, 15, 20.0), AgeBand(16, 16, 25.0), AgeBand(17, 17, 24.0))
CARE_AGES = (AgeBand(11, 12, 4.0), AgeBand(13, 13, 8.0), AgeBand(14, 14, 15.0), AgeBand(15, 15, 22.0),
             AgeBand(16, 16, 27.0), AgeBand(17, 17, 24.0))
ADULT_AGES = (AgeBand(18, 21, 13.0), AgeBand(22, 29, 22.0), AgeBand(30, 39, 22.0), AgeBand(40, 49, 17.0),
              AgeBand(50, 59, 13.0), AgeBand(60, 69, 7.0), AgeBand(70, 79, 4.0), AgeBand(80, 92, 2.0))

#: found_by weights in FOUND_BY order.
FOUND_BY_CARE = (0.50, 0.20, 0.05, 0.04, 0.14, 0.03, 0.02, 0.02)
FOUND_BY_HOME = (0.46, 0.25, 0.13, 0.06, 0.01, 0.01, 0.05, 0.03)
FOUND_BY_DEMENTIA = (0.06, 0.45, 0.18, 0.03, 0.10, 0.0, 0.16, 0.02)
FOUND_BY_HOSPITAL = (0.35, 0.40, 0.10, 0.03, 0.05, 0.0, 0.04, 0.03)

#                       cse   cce   traff  mh    suic  dem   ld
_NONE = (0.0,) * 7
CATEGORIES: tuple[Category, ...] = (
    Category("lac_childrens_home", 0.21, True, True, ((S, "childrens_home", "childrens_home", 1.0),),
             rate=6.0, sigma=0.7, spell_days=(90, 720), ages=CARE_AGES, female=0.48, hours="care",
             duration_median_h=6.0, duration_sigma=1.45,
             flags_female=(0.28, 0.06, 0.03, 0.22, 0.08, 0.0, 0.12),
             flags_male=(0.05, 0.24, 0.04, 0.20, 0.06, 0.0, 0.14),
             risk=(0.07, 0.30, 0.55, 0.08), found_by=FOUND_BY_CARE, found_dead=0.0003, outside_found=0.05,
             age_only=0.0),
    Category("lac_foster", 0.08, True, True, ((H, "foster_care", None, 1.0),),
             rate=3.0, sigma=0.9, spell_days=(90, 900), ages=CARE_AGES, female=0.52, hours="child",
             duration_median_h=7.0, duration_sigma=1.45,
             flags_female=(0.14, 0.03, 0.01, 0.15, 0.06, 0.0, 0.08),
             flags_male=(0.03, 0.12, 0.01, 0.13, 0.04, 0.0, 0.09),
             risk=(0.05, 0.25, 0.60, 0.10), found_by=FOUND_BY_CARE, found_dead=0.0003, outside_found=0.03,
             age_only=0.0),
    Category("lac_supported", 0.02, True, True, ((S, "supported_accommodation", "supported_accommodation", 1.0),),
             rate=3.0, sigma=0.9, spell_days=(60, 540), ages=(AgeBand(16, 17, 1.0),), female=0.45, hours="care",
             duration_median_h=9.0, duration_sigma=1.5,
             flags_female=(0.16, 0.05, 0.04, 0.25, 0.08, 0.0, 0.06),
             flags_male=(0.04, 0.16, 0.05, 0.22, 0.07, 0.0, 0.06),
             risk=(0.07, 0.30, 0.55, 0.08), found_by=FOUND_BY_CARE, found_dead=0.0003, outside_found=0.05,
             age_only=0.0),
    Category("child_home", 0.29, True, False, ((H, "home", None, 1.0),),
             rate=1.0, sigma=1.2, spell_days=(30, 730), ages=CHILD_TEEN_AGES, female=0.53, hours="child",
             duration_median_h=8.0, duration_sigma=1.45,
             flags_female=(0.07, 0.02, 0.005, 0.12, 0.05, 0.0, 0.05),
             flags_male=(0.02, 0.08, 0.005, 0.10, 0.04, 0.0, 0.06),
             risk=(0.03, 0.20, 0.65, 0.12), found_by=FOUND_BY_HOME, found_dead=0.0003,
             other_from=(("school", 0.04),), outside_found=0.025, age_only=0.01),
    Category("adult_home", 0.25, False, False, ((H, "home", None, 1.0),),
             rate=0.5, sigma=1.1, spell_days=(60, 400), ages=ADULT_AGES, female=0.40, hours="adult",
             duration_median_h=9.5, duration_sigma=1.5,
             flags_female=(0.0, 0.0, 0.01, 0.35, 0.18, 0.02, 0.04),
             flags_male=(0.0, 0.0, 0.01, 0.33, 0.20, 0.02, 0.04),
             risk=(0.04, 0.22, 0.62, 0.12), found_by=FOUND_BY_HOME, found_dead=0.003,
             other_from=(("other", 0.08),), outside_found=0.03, age_only=0.05),
    Category("adult_mental_health", 0.05, False, False,
             ((S, "mental_health_unit", "mental_health_unit", 0.6), (S, "hospital", "hospital", 0.2),
              (H, "home", None, 0.2)),
             rate=2.0, sigma=1.0, spell_days=(30, 365), ages=(AgeBand(18, 24, 20.0), AgeBand(25, 34, 28.0),
                                                              AgeBand(35, 44, 24.0), AgeBand(45, 54, 17.0),
                                                              AgeBand(55, 65, 11.0)),
             female=0.45, hours="adult", duration_median_h=5.0, duration_sigma=1.5,
             flags_female=(0.0, 0.0, 0.0, 1.0, 0.45, 0.0, 0.05),
             flags_male=(0.0, 0.0, 0.0, 1.0, 0.45, 0.0, 0.05),
             risk=(0.0, 0.10, 0.55, 0.35), found_by=FOUND_BY_HOSPITAL, found_dead=0.008, age_only=0.03),
    Category("older_dementia", 0.04, False, False,
             ((C, "adult_care_home", "nursing", 0.45), (H, "home", None, 0.55)),
             rate=0.8, sigma=0.8, spell_days=(180, 900), ages=(AgeBand(65, 69, 5.0), AgeBand(70, 74, 10.0),
                                                               AgeBand(75, 79, 20.0), AgeBand(80, 84, 28.0),
                                                               AgeBand(85, 89, 25.0), AgeBand(90, 96, 12.0)),
             female=0.55, hours="dementia", duration_median_h=2.5, duration_sigma=1.2,
             flags_female=(0.0, 0.0, 0.0, 0.08, 0.01, 1.0, 0.0),
             flags_male=(0.0, 0.0, 0.0, 0.08, 0.01, 1.0, 0.0),
             risk=(0.0, 0.03, 0.42, 0.55), found_by=FOUND_BY_DEMENTIA, found_dead=0.010, outside_found=0.005,
             age_only=0.02),
    Category("young_adult_supported", 0.025, False, False,
             ((S, "supported_accommodation", "supported_accommodation", 0.7), (H, "home", None, 0.3)),
             rate=2.0, sigma=1.0, spell_days=(90, 540), ages=(AgeBand(18, 20, 3.0), AgeBand(21, 24, 2.0)),
             female=0.42, hours="adult", duration_median_h=10.0, duration_sigma=1.55,
             flags_female=(0.0, 0.0, 0.03, 0.30, 0.12, 0.0, 0.06),
             flags_male=(0.0, 0.0, 0.03, 0.28, 0.12, 0.0, 0.06),
             risk=(0.05, 0.27, 0.60, 0.08), found_by=FOUND_BY_HOME, found_dead=0.002, outside_found=0.04),
    Category("adult_care_ld", 0.01, False, False, ((C, "adult_care_home", "residential", 1.0),),
             rate=2.0, sigma=1.0, spell_days=(365, 1095), ages=(AgeBand(20, 70, 1.0),), female=0.40,
             hours="adult", duration_median_h=3.0, duration_sigma=1.3,
             flags_female=(0.0, 0.0, 0.0, 0.20, 0.03, 0.0, 0.90),
             flags_male=(0.0, 0.0, 0.0, 0.20, 0.03, 0.0, 0.90),
             risk=(0.0, 0.10, 0.60, 0.30), found_by=FOUND_BY_DEMENTIA, found_dead=0.002, outside_found=0.01),
    Category("adult_hospital", 0.025, False, False, ((S, "hospital", "hospital", 1.0),),
             rate=0.6, sigma=1.0, spell_days=(60, 365), ages=ADULT_AGES, female=0.42, hours="adult",
             duration_median_h=6.0, duration_sigma=1.5,
             flags_female=(0.0, 0.0, 0.0, 0.50, 0.30, 0.08, 0.05),
             flags_male=(0.0, 0.0, 0.0, 0.50, 0.30, 0.08, 0.05),
             risk=(0.0, 0.15, 0.60, 0.25), found_by=FOUND_BY_HOSPITAL, found_dead=0.006, age_only=0.08),
)
CATEGORY_INDEX = {c.key: i for i, c in enumerate(CATEGORIES)}

#: Reported-at hour of day, relative weights for hours 0..23.
HOURS = {
    # children's homes report at curfew and late evening
    "care": _norm([4, 3, 2, 1.5, 1, .8, .6, .8, 1.2, 1.5, 1.8, 2, 2.2, 2.4, 2.6, 3, 3.5, 4, 4.5, 5, 6, 7, 7.5, 6]),
    "child": _norm([2.5, 1.5, 1, .7, .5, .5, .6, 1, 1.5, 1.8, 2, 2.2, 2.4, 2.6, 3, 3.5, 4.5, 5, 5.5, 5.5, 5.5, 5.5, 5, 4]),
    "adult": _norm([2, 1.5, 1.2, 1, .8, .8, 1, 1.5, 2.2, 2.8, 3, 3.2, 3.2, 3.3, 3.4, 3.6, 3.8, 4, 4, 4, 3.8, 3.5, 3, 2.5]),
    "dementia": _norm([1, .8, .6, .5, .5, .6, 1, 1.8, 2.8, 3.5, 4, 4.2, 4.2, 4.2, 4.2, 4.2, 4, 3.6, 3.2, 2.5, 2, 1.6, 1.4, 1.2]),
}
#: Day-of-week weights, Monday first.
DAY_OF_WEEK = (0.95, 0.95, 0.97, 1.0, 1.10, 1.08, 0.95)
#: Seasonality: amplitude of a yearly cycle peaking in mid-July, and the Christmas dip.
SEASON_AMPLITUDE = 0.12
SEASON_PEAK_DAY = 196
CHRISTMAS_FACTOR = 0.85
#: Demand grows gently year on year.
TREND_PER_YEAR = 0.04

#: A propensity factor per children's home ("culture"): lognormal spread, so a few homes dominate.
HOME_FACTOR_SIGMA = 1.2
#: Vulnerability flags make repeat going missing likelier.
EXPLOITATION_RATE_FACTOR = 1.6
#: A person's propensity is capped at this multiple of their category's rate (at least
#: MIN_RATE_CAP a year): the most frequent real cases go missing about weekly, not daily.
MAX_RATE_MULTIPLE = 10.0
MIN_RATE_CAP = 6.0

#: Outcomes other than "found dead" (OUTCOMES order, found_dead excluded).
OUTCOME_BASE = (0.925, 0.028, 0.02, 0.003, 0.017)
#: Long missing: share missing 7-80 days, and 80 days to years (half of these never found).
LONG_MISSING = 0.004
VERY_LONG_MISSING = {"child": 0.0002, "adult": 0.0006}

#: Calls per episode: 1 plus a Poisson count growing with duration and risk.
CALLS_BASE = 0.15

#: Legacy "absent" grade: share of low / no-apparent-risk reports in the first months.
ABSENT_SHARE = 0.25
ABSENT_MONTHS = 8
#: Highest grade raised during the episode, from each initial grade (NAR, low, medium).
RISK_RAISED = (0.04, 0.06, 0.07)
RISK_HIGHEST_NOT_RECORDED = 0.05

#: Return home interviews (children): offered within 72 h, offered late, never offered;
#: done once offered; declined.
RHI_ON_TIME, RHI_LATE = 0.78, 0.12
RHI_DONE = 0.68
#: Themes recorded at a done interview (canonical order) and their weights, for looked-after
#: children and for other children (a choice, after councils' missing-from-care reports:
#: peers, placement and exploitation lead for children in care; home and school for others).
RHI_THEMES = RHI_THEME_CODES
RHI_THEME_WEIGHTS = {
    "looked_after": np.array([0.04, 0.24, 0.14, 0.08, 0.06, 0.04, 0.20, 0.10, 0.08, 0.02]),
    "child": np.array([0.30, 0.18, 0.05, 0.08, 0.10, 0.12, 0.001, 0.05, 0.08, 0.039]),
}
RHI_EXPLOITATION = RHI_THEMES.index("exploitation_concern")
#: Share of interviews with a second and with a third theme.
RHI_SECOND_THEME, RHI_THIRD_THEME = 0.45, 0.12

#: How a flag that a person has shows in an episode (sometimes not recorded), and how often
#: a flag is left blank.
FLAG_RECORDED = 0.9
FLAG_BLANK = 0.08
