"""People and when they go missing: the skeleton every episode hangs on.

Each person has a category (profiles/sample/model.py), a place they go missing from, a
"missing spell" (a placement, a crisis) and a propensity to go missing. The number of
their episodes is Poisson(propensity x weighted length of their spell in the window), and
only people with at least one episode are kept;
the days fall in the spell in proportion to the day weights (season, day of week, trend,
and for some sites and people a change after an intervention). Categories are filled until
their share of the requested incidents is met exactly.

All times are wall-clock minutes in Europe/London (as extracts record them); the hour
that does not exist in spring and the hour that happens twice in autumn are avoided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from profiles.sample import calibration as cal
from profiles.sample import model as m
from profiles.sample.reference import Geography
from profiles.sample.sites import capacity

EPOCH = date(1970, 1, 1)
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Window:
    """The extract's period: reports from ``start`` to ``end`` inclusive, taken the next morning."""

    start: date
    end: date

    @classmethod
    def ending(cls, end: date, years: int) -> "Window":
        try:
            first = date(end.year - years, end.month, end.day)
        except ValueError:  # 29 February
            first = date(end.year - years, end.month, 28)
        return cls(first + timedelta(days=1), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_minute(self) -> int:
        return (self.start - EPOCH).days * MINUTES_PER_DAY

    @property
    def snapshot_minute(self) -> int:
        """The extract was taken at 06:00 on the day after ``end``."""
        return ((self.end - EPOCH).days + 1) * MINUTES_PER_DAY + 6 * 60

    def day_dates(self) -> np.ndarray:
        return np.datetime64(self.start, "D") + np.arange(self.days)


def dst_hours(first_year: int, last_year: int) -> np.ndarray:
    """Wall-clock minutes at which a clock-change hour starts (01:00 local, spring and autumn)."""
    # UK clocks change at 01:00 GMT on the last Sundays of March and October: local 01:00-02:00
    # does not exist in March and happens twice in October.
    starts = []
    for year in range(first_year, last_year + 1):
        for month in (3, 10):
            day = max(d for d in range(25, 32) if date(year, month, d).weekday() == 6)
            starts.append((date(year, month, day) - EPOCH).days * MINUTES_PER_DAY + 60)
    return np.array(starts, dtype=np.int64)


def avoid_clock_changes(minutes: np.ndarray, changes: np.ndarray) -> np.ndarray:
    """Move times inside a clock-change hour to its end (02:00): order is kept, no time is
    missing or ambiguous."""
    out = minutes.copy()
    for start in changes:
        inside = (out >= start) & (out < start + 60)
        out[inside] = start + 60
    return out


def day_weights(window: Window) -> np.ndarray:
    """Relative demand per day: season, Christmas, day of week and trend (mean 1)."""
    days = window.day_dates()
    doy = (days - days.astype("datetime64[Y]")).astype(int) + 1
    dow = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    month = days.astype("datetime64[M]").astype(int) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(int) + 1
    w = 1 + m.SEASON_AMPLITUDE * np.cos(2 * np.pi * (doy - m.SEASON_PEAK_DAY) / 365.25)
    w *= np.asarray(m.DAY_OF_WEEK)[dow]
    w *= 1 + m.TREND_PER_YEAR * np.arange(window.days) / 365.25
    w[((month == 12) & (dom >= 20)) | ((month == 1) & (dom <= 2))] *= m.CHRISTMAS_FACTOR
    return w / w.mean()


@dataclass
class Profiles:
    """Day-weight profiles: 0 is the force's; others change at an intervention date."""

    base: np.ndarray
    factors: list[np.ndarray] = field(default_factory=list)
    cumulative: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.add(np.ones_like(self.base))

    def add(self, factor: np.ndarray) -> int:
        self.factors.append(factor)
        self.cumulative.append(np.concatenate([[0.0], np.cumsum(self.base * factor)]))
        return len(self.factors) - 1

    def step(self, day: int, before: float, after: float) -> int:
        f = np.full(len(self.base), before)
        f[day:] = after
        return self.add(f)

    def mass(self, profile: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """Weighted days between day ``s`` (inclusive) and ``e`` (exclusive) per person."""
        out = np.empty(len(s))
        for p in np.unique(profile):
            sel = profile == p
            cw = self.cumulative[p]
            out[sel] = cw[e[sel]] - cw[s[sel]]
        return out

    def draw_days(self, rng: np.random.Generator, profile: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
        """A day in [s, e) per row, in proportion to the profile's weights."""
        out = np.empty(len(s), dtype=np.int64)
        u = rng.random(len(s))
        for p in np.unique(profile):
            sel = np.flatnonzero(profile == p)
            cw = self.cumulative[p]
            lo, hi = cw[s[sel]], cw[e[sel]]
            target = lo + u[sel] * (hi - lo)
            day = np.searchsorted(cw, target, side="right") - 1
            out[sel] = np.clip(day, s[sel], e[sel] - 1)
        return out


@dataclass
class SiteModel:
    """Sites and care homes as the population sees them."""

    types: np.ndarray            # site type per synthetic site
    lad: np.ndarray              # borough index per site
    capacity: np.ndarray
    factor: np.ndarray           # propensity factor ("culture") per site
    profile: np.ndarray          # day-weight profile per site
    care_lad: np.ndarray
    care_nursing: np.ndarray
    care_factor: np.ndarray


def site_model(geo: Geography, rng: np.random.Generator, profiles: Profiles) -> SiteModel:
    sites = geo.sites
    lad = np.array([geo.pc_lad[a] for a in sites["anchor"]], dtype=np.int16)
    cap = capacity(sites["site_ref"], sites["type"], lad)
    factor = np.exp(rng.normal(-m.HOME_FACTOR_SIGMA ** 2 / 2, m.HOME_FACTOR_SIGMA, len(sites)))
    factor[sites["type"].to_numpy() != "childrens_home"] = np.exp(
        rng.normal(-0.18, 0.6, int((sites["type"] != "childrens_home").sum())))
    homes = geo.care_homes
    care_factor = np.exp(rng.normal(-0.18, 0.6, len(homes)))
    return SiteModel(
        types=sites["type"].to_numpy(object),
        lad=lad,
        capacity=cap,
        factor=factor,
        profile=np.zeros(len(sites), dtype=np.int16),
        care_lad=homes["lad"].to_numpy(np.int16) if len(homes) else np.zeros(0, np.int16),
        care_nursing=homes["nursing"].to_numpy(bool) if len(homes) else np.zeros(0, bool),
        care_factor=care_factor,
    )


# ---- persons ------------------------------------------------------------------------------

PERSON_FIELDS = (
    "cat", "setting", "from_type", "site", "care", "lad", "placing", "home_pc", "house_no",
    "dob", "dob_known", "gender", "ethnicity", "flags", "spell_s", "spell_e", "lam", "profile",
    "k", "haunt_kind", "haunt_idx", "haunt_centre", "outside_haunt",
)


@dataclass
class Persons:
    """One entry per person, aligned arrays (see PERSON_FIELDS)."""

    cat: np.ndarray
    setting: np.ndarray
    from_type: np.ndarray        # index into model.FROM_TYPES
    site: np.ndarray             # index into geo.sites or -1
    care: np.ndarray             # index into geo.care_homes or -1
    lad: np.ndarray              # borough they live in / are placed in (0..9)
    placing: np.ndarray          # -1 none; 0..9 borough; 10+ outside authority
    home_pc: np.ndarray          # pool postcode of the family / own home
    house_no: np.ndarray
    dob: np.ndarray              # days since 1970-01-01
    dob_known: np.ndarray
    gender: np.ndarray
    ethnicity: np.ndarray        # -1 not recorded
    flags: np.ndarray            # (n, 7) bool, model.FLAGS order
    spell_s: np.ndarray
    spell_e: np.ndarray
    lam: np.ndarray
    profile: np.ndarray
    k: np.ndarray
    haunt_kind: np.ndarray       # 0 pool postcode, 1 outside postcode
    haunt_idx: np.ndarray
    haunt_centre: np.ndarray     # index into geo.centres
    outside_haunt: np.ndarray    # bool
    number: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.cat)

    @classmethod
    def concat(cls, parts: list["Persons"]) -> "Persons":
        return cls(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in PERSON_FIELDS})

    def take(self, idx: np.ndarray) -> "Persons":
        return Persons(**{f: getattr(self, f)[idx] for f in PERSON_FIELDS})


def _choose(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _ages(rng: np.random.Generator, n: int, bands: tuple[m.AgeBand, ...]) -> np.ndarray:
    """Fractional ages in years drawn from the bands (uniform within a band)."""
    b = _choose(rng, n, [x.weight for x in bands])
    lo = np.array([x.lo for x in bands])[b]
    hi = np.array([x.hi for x in bands])[b]
    return lo + rng.random(n) * (hi - lo + 1)


@dataclass
class PopulationContext:
    geo: Geography
    window: Window
    profiles: Profiles
    sites: SiteModel
    #: Pool postcodes per borough.
    lad_postcodes: list[np.ndarray]
    lad_weight: np.ndarray


def _pick_in(rng: np.random.Generator, groups: list[np.ndarray], which: np.ndarray) -> np.ndarray:
    """A random member of ``groups[which[i]]`` per row (-1 where the group is empty)."""
    out = np.full(len(which), -1, dtype=np.int64)
    for g in np.unique(which):
        members = groups[g]
        sel = np.flatnonzero(which == g)
        if len(members):
            out[sel] = members[rng.integers(0, len(members), len(sel))]
    return out


def _pick_weighted_in(rng, candidates_by_group: list[np.ndarray], weights: np.ndarray, which: np.ndarray) -> np.ndarray:
    out = np.full(len(which), -1, dtype=np.int64)
    for g in np.unique(which):
        members = candidates_by_group[g]
        sel = np.flatnonzero(which == g)
        if len(members):
            w = weights[members]
            out[sel] = members[rng.choice(len(members), size=len(sel), p=w / w.sum())]
    return out


def _batch(rng: np.random.Generator, ctx: PopulationContext, ci: int, n: int,
           placed: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> tuple[Persons, np.ndarray]:
    """``n`` people of category ``ci`` and their expected episodes in the window.

    ``placed``: (site, spell start, spell end) for residents of sites whose beds are tiled
    with placements (children's homes); otherwise spells fall anywhere and the site is drawn.
    """
    cat = m.CATEGORIES[ci]
    geo, window, sm = ctx.geo, ctx.window, ctx.sites
    D = window.days

    # spell, clipped to the window
    if placed is None:
        L = rng.integers(cat.spell_days[0], cat.spell_days[1] + 1, n)
        s = np.floor(rng.random(n) * (D + L - 1)).astype(np.int64) - (L - 1)
        e = s + L
        s, e = np.maximum(s, 0), np.minimum(e, D)
    else:
        s, e = placed[1].astype(np.int64), placed[2].astype(np.int64)

    female = rng.random(n) < cat.female
    g = np.where(female, 1, 0)
    odd = rng.random(n)
    g[odd < 0.004] = 2   # other
    g[(odd >= 0.004) & (odd < 0.009)] = 3  # unknown
    eth = _choose(rng, n, m.ETHNICITY_WEIGHTS)
    eth[rng.random(n) < 0.04] = -1

    # setting and place
    settings = cat.settings
    which = _choose(rng, n, [x[3] for x in settings])
    setting = np.array([x[0] for x in settings])[which]
    from_type = np.array([m.FROM_TYPES.index(x[1]) for x in settings])[which]
    site_kind = np.array([x[2] or "" for x in settings], dtype=object)[which]

    placing = np.full(n, -1, dtype=np.int64)
    lad = _choose(rng, n, ctx.lad_weight)
    lam_la = np.ones(n)
    if cat.looked_after:
        p_out = {"lac_childrens_home": 0.30, "lac_foster": 0.08, "lac_supported": 0.15}[cat.key]
        p_same = {"lac_childrens_home": 0.60, "lac_foster": 0.85, "lac_supported": 0.70}[cat.key]
        gm_place = _choose(rng, n, [la.missing_children for la in cal.GM_LOCAL_AUTHORITIES])
        out_place = 10 + _choose(rng, n, [w for _, _, w in cal.OUTSIDE_PLACING_AUTHORITIES])
        outside = rng.random(n) < p_out
        placing = np.where(outside, out_place, gm_place)
        host_w = [la.childrens_homes for la in cal.GM_LOCAL_AUTHORITIES] if cat.key != "lac_foster" \
            else [la.looked_after for la in cal.GM_LOCAL_AUTHORITIES]
        host = _choose(rng, n, host_w) if placed is None else sm.lad[placed[0]].astype(np.int64)
        if placed is None:
            lad = np.where(~outside & (rng.random(n) < p_same), placing, host)
        else:  # the home is given: its own borough places most of its children
            lad = host
            placing = np.where(~outside & (rng.random(n) < p_same), host, placing)
        per_child = np.array([la.incidents_per_missing_child for la in cal.GM_LOCAL_AUTHORITIES])
        lam_la = np.where(outside, 1.0, per_child[np.minimum(placing, 9)] / cal.NATIONAL_INCIDENTS_PER_MISSING_CHILD)

    site = np.full(n, -1, dtype=np.int64)
    care = np.full(n, -1, dtype=np.int64)
    for kind in np.unique(site_kind):
        sel = np.flatnonzero(site_kind == kind)
        if placed is not None:
            site[sel] = placed[0][sel]
        elif kind in ("childrens_home", "supported_accommodation"):
            cands = [np.flatnonzero((sm.types == kind) & (sm.lad == i)) for i in range(10)]
            w = sm.capacity
            if cat.child:
                site[sel] = _pick_weighted_in(rng, cands, w, lad[sel])
            else:
                allc = [np.flatnonzero(sm.types == kind)]
                site[sel] = _pick_weighted_in(rng, allc, w, np.zeros(len(sel), dtype=int))
        elif kind in ("hospital", "mental_health_unit"):
            allc = [np.flatnonzero(sm.types == kind)]
            site[sel] = _pick_weighted_in(rng, allc, sm.capacity, np.zeros(len(sel), dtype=int))
        elif kind in ("nursing", "residential"):
            want = sm.care_nursing if kind == "nursing" else ~sm.care_nursing
            allc = [np.flatnonzero(want)] if want.any() else [np.arange(len(sm.care_nursing))]
            care[sel] = _pick_weighted_in(rng, allc, np.ones(len(sm.care_nursing)), np.zeros(len(sel), dtype=int))
    # a site-based person lives where the site is; a person with no site available stays home
    has_site = site >= 0
    lad[has_site] = sm.lad[site[has_site]]
    has_care = care >= 0
    lad[has_care] = sm.care_lad[care[has_care]]
    lost = (setting == m.SETTING_SITE) & ~has_site | (setting == m.SETTING_CARE_HOME) & ~has_care
    setting[lost] = m.SETTING_HOME
    from_type[lost] = m.FROM_TYPES.index("home")

    home_pc = _pick_in(rng, ctx.lad_postcodes, lad)
    # the family home of a looked-after child placed from a Greater Manchester borough
    family_lad = np.where((placing >= 0) & (placing < 10), placing, lad)
    family_pc = _pick_in(rng, ctx.lad_postcodes, family_lad)
    outside_haunt = placing >= 10
    haunt_idx = np.where(outside_haunt, rng.integers(0, max(len(geo.out_pc), 1), n), family_pc)
    haunt_kind = outside_haunt.astype(np.int8)
    if not cat.looked_after:
        # a friend's or relative's home near their own
        near = geo.pc_neighbours[home_pc, rng.integers(1, geo.pc_neighbours.shape[1], n)]
        haunt_idx = near
        haunt_kind = np.zeros(n, dtype=np.int8)
        outside_haunt = np.zeros(n, dtype=bool)
    haunt_centre = _choose(rng, n, geo.centre_weight)

    # ages: children are under 18 throughout their spell; adults are aged at its start
    age = _ages(rng, n, cat.ages)
    start_day = (window.start - EPOCH).days
    if cat.child:
        dob = start_day + e - np.round(age * 365.25).astype(np.int64)
    else:
        dob = start_day + s - np.round(age * 365.25).astype(np.int64)
    dob_known = rng.random(n) >= cat.age_only

    # flags by sex (no exploitation flags under 10)
    probs = np.where(female[:, None], np.asarray(cat.flags_female)[None, :], np.asarray(cat.flags_male)[None, :])
    flags = rng.random((n, len(m.FLAGS))) < probs
    if cat.child:
        young = (age < 10)
        flags[young, 0] = False
        flags[young, 1] = False
    older = age >= 70
    flags[:, 5] |= (cat.key == "adult_home") & older & (rng.random(n) < 0.25)

    # propensity
    lam = cat.rate * np.exp(rng.normal(-cat.sigma ** 2 / 2, cat.sigma, n)) * lam_la
    lam[has_site] *= sm.factor[site[has_site]]
    lam[has_care] *= sm.care_factor[care[has_care]]
    lam[flags[:, 0] | flags[:, 1]] *= m.EXPLOITATION_RATE_FACTOR
    lam = np.minimum(lam, max(m.MAX_RATE_MULTIPLE * cat.rate, m.MIN_RATE_CAP))

    profile = np.zeros(n, dtype=np.int16)
    profile[has_site] = sm.profile[site[has_site]]
    mu = lam * ctx.profiles.mass(profile, s, e) / 365.25
    k = rng.poisson(mu)  # people with no episode in the window are dropped by the caller

    return Persons(
        cat=np.full(n, ci, dtype=np.int8), setting=setting.astype(np.int8), from_type=from_type.astype(np.int8),
        site=site.astype(np.int32), care=care.astype(np.int32), lad=lad.astype(np.int8),
        placing=placing.astype(np.int16), home_pc=home_pc.astype(np.int32),
        house_no=rng.integers(1, 200, n).astype(np.int16), dob=dob.astype(np.int32), dob_known=dob_known,
        gender=g.astype(np.int8), ethnicity=eth.astype(np.int8), flags=flags,
        spell_s=s.astype(np.int32), spell_e=e.astype(np.int32), lam=lam.astype(np.float32), profile=profile,
        k=k.astype(np.int64), haunt_kind=haunt_kind, haunt_idx=haunt_idx.astype(np.int32),
        haunt_centre=haunt_centre.astype(np.int32), outside_haunt=outside_haunt,
    ), mu


def category_targets(incidents: int) -> np.ndarray:
    """Incidents per category: shares of ``incidents``, summing to it exactly."""
    shares = np.array([c.share for c in m.CATEGORIES])
    raw = shares / shares.sum() * incidents
    out = np.floor(raw).astype(np.int64)
    rest = incidents - out.sum()
    out[np.argsort(-(raw - out))[:rest]] += 1
    return out


#: People drawn at a time (bounds memory at any sample size; part of the output's definition).
BATCH_MAX = 250_000
#: Categories whose people live in sites with a fixed number of beds, filled by placements.
PLACED_CATEGORIES = {"lac_childrens_home": "childrens_home", "lac_supported": "supported_accommodation"}
#: Expected episodes per bed-year the bed count is scaled to (more incidents, more beds).
EPISODES_PER_BED_YEAR = 3.0


def placements(rng: np.random.Generator, ctx: PopulationContext, site_type: str,
               target: int, spell_days: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Placements that keep each bed of each site of ``site_type`` filled through the window:
    (site, first day, end day) per resident, clipped to the window."""
    sm, D = ctx.sites, ctx.window.days
    sites = np.flatnonzero(sm.types == site_type)
    if len(sites) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    per_year = target / (D / 365.25)
    scale = max(1.0, per_year / (EPISODES_PER_BED_YEAR * sm.capacity[sites].sum()))
    beds = np.repeat(sites, np.maximum(1, np.round(sm.capacity[sites] * scale)).astype(np.int64))
    lo, hi = spell_days
    slots = int(np.ceil((D + hi) / lo)) + 1
    lengths = rng.integers(lo, hi + 1, (len(beds), slots))
    gaps = rng.integers(0, 31, (len(beds), slots))
    starts = -rng.integers(0, hi, len(beds))[:, None] + np.concatenate(
        [np.zeros((len(beds), 1), np.int64), np.cumsum(lengths + gaps, axis=1)[:, :-1]], axis=1)
    ends = starts + lengths
    inside = (starts < D) & (ends > 0)
    site = np.broadcast_to(beds[:, None], starts.shape)[inside]
    return site, np.maximum(starts[inside], 0), np.minimum(ends[inside], D)


def make_persons(rng: np.random.Generator, ctx: PopulationContext, incidents: int) -> Persons:
    """People of every category, with episode counts summing exactly to ``incidents``."""
    parts = []
    for ci, target in enumerate(category_targets(incidents)):
        if target <= 0:
            continue
        cat = m.CATEGORIES[ci]
        if cat.key in PLACED_CATEGORIES:
            placed = placements(rng, ctx, PLACED_CATEGORIES[cat.key], int(target), cat.spell_days)
            if len(placed[0]):
                people, mu = _batch(rng, ctx, ci, len(placed[0]), placed)
                # independent Poisson counts given their total are multinomial: exact total
                people.k = rng.multinomial(int(target), mu / mu.sum()).astype(np.int64)
                parts.append(people.take(np.flatnonzero(people.k > 0)))
                continue
        batches, total, mean_k = [], 0, 1.0
        while total < target:
            size = int(min(max(256, (target - total) / mean_k * 1.1 + 16), BATCH_MAX))
            b, _ = _batch(rng, ctx, ci, size)
            mean_k = max(0.01, float(b.k.mean()))
            b = b.take(np.flatnonzero(b.k > 0))
            batches.append(b)
            total += int(b.k.sum())
        people = Persons.concat(batches)
        cum = np.cumsum(people.k)
        keep = int(np.searchsorted(cum, target)) + 1
        people = people.take(np.arange(keep))
        people.k[-1] -= int(cum[keep - 1] - target)
        parts.append(people)
    return Persons.concat(parts)


# ---- episodes -----------------------------------------------------------------------------

@dataclass
class Skeleton:
    """Every episode, in report order: its person and its reported time (wall-clock minutes)."""

    person: np.ndarray
    reported: np.ndarray
    incident_year: np.ndarray
    incident_seq: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def make_skeleton(rng: np.random.Generator, ctx: PopulationContext, persons: Persons) -> Skeleton:
    person = np.repeat(np.arange(len(persons), dtype=np.int32), persons.k)
    day = ctx.profiles.draw_days(rng, persons.profile[person], persons.spell_s[person].astype(np.int64),
                                 persons.spell_e[person].astype(np.int64))
    hours = np.empty(len(person), dtype=np.int64)
    cat_hours = np.array([list(m.HOURS).index(c.hours) for c in m.CATEGORIES])
    kinds = cat_hours[persons.cat[person]]
    u = rng.random(len(person))
    for kind_i, name in enumerate(m.HOURS):
        sel = kinds == kind_i
        cdf = np.cumsum(m.HOURS[name])
        hours[sel] = np.minimum(np.searchsorted(cdf, u[sel], side="right"), 23)
    minute = rng.integers(0, 60, len(person))
    reported = ctx.window.start_minute + day * MINUTES_PER_DAY + hours * 60 + minute
    changes = dst_hours(ctx.window.start.year - 1, ctx.window.end.year + 1)
    reported = avoid_clock_changes(reported, changes)
    order = np.lexsort((person, reported))
    person, reported = person[order], reported[order]
    year = reported.astype("datetime64[m]").astype("datetime64[Y]").astype(np.int64) + 1970
    first_of_year = np.searchsorted(year, year, side="left")
    seq = np.arange(len(year)) - first_of_year + 1
    return Skeleton(person=person, reported=reported, incident_year=year.astype(np.int16),
                    incident_seq=seq.astype(np.int64))


def number_persons(persons: Persons, skeleton: Skeleton) -> None:
    """Person numbers in order of first report (SYN-P0000001 is the first to go missing)."""
    first = np.full(len(persons), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, skeleton.person, np.arange(len(skeleton), dtype=np.int64))
    number = np.empty(len(persons), dtype=np.int64)
    number[np.argsort(first, kind="stable")] = np.arange(1, len(persons) + 1)
    persons.number = number


def context(geo: Geography, window: Window, rng: np.random.Generator) -> PopulationContext:
    profiles = Profiles(day_weights(window))
    sm = site_model(geo, rng, profiles)
    lad_postcodes = [np.flatnonzero(geo.pc_lad == i) for i in range(10)]
    lad_weight = np.array([max(len(x), 1) for x in lad_postcodes], dtype=float)
    return PopulationContext(geo, window, profiles, sm, lad_postcodes, lad_weight)
