"""Episode attributes, one chunk of the report-ordered skeleton at a time.

Given who went missing and when (profiles/sample/population.py), a chunk draws the rest of
each episode: when last seen and when found, risk grades, flags, who found them and the
outcome, where they went missing from and were found (profiles/sample/locations.py),
return home interviews, calls and the free-text circumstances. Everything is vectorised
over the chunk; the result is an Arrow table of canonical values (typed: timestamps are
wall-clock minutes in Europe/London, codes in canonical spelling, booleans).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from profiles.sample import calibration as cal
from profiles.sample import model as m
from profiles.sample import locations as L
from profiles.sample.population import (
    EPOCH, MINUTES_PER_DAY, PopulationContext, Persons, Skeleton, avoid_clock_changes, dst_hours,
)

#: Arrow schema of a chunk in canonical values (plus the hidden text override).
SCHEMA = pa.schema([
    ("incident_id", pa.string()), ("person_id", pa.string()),
    ("reported_at", pa.timestamp("s")), ("last_seen_at", pa.timestamp("s")), ("found_at", pa.timestamp("s")),
    ("date_of_birth", pa.date32()), ("age", pa.int64()),
    ("gender", pa.string()), ("ethnicity", pa.string()), ("risk", pa.string()), ("risk_highest", pa.string()),
    ("missing_from_type", pa.string()),
    ("missing_from_address", pa.string()), ("missing_from_postcode", pa.string()),
    ("missing_from_easting", pa.float64()), ("missing_from_northing", pa.float64()),
    ("found_address", pa.string()), ("found_postcode", pa.string()),
    ("found_easting", pa.float64()), ("found_northing", pa.float64()),
    ("found_by", pa.string()), ("outcome", pa.string()),
    ("flag_cse", pa.bool_()), ("flag_cce", pa.bool_()), ("flag_trafficking", pa.bool_()),
    ("flag_mental_health", pa.bool_()), ("flag_suicidal", pa.bool_()), ("flag_dementia", pa.bool_()),
    ("flag_learning_disability", pa.bool_()), ("looked_after", pa.bool_()),
    ("placing_authority", pa.string()), ("responsible_la", pa.string()),
    ("return_interview_offered_at", pa.timestamp("s")), ("return_interview_done_at", pa.timestamp("s")),
    ("calls", pa.int64()), ("site_ref", pa.string()), ("reason", pa.string()),
    ("rhi_themes", pa.string()),
    # a literal written instead of reported_at (data-quality defects such as "TBC")
    ("__reported_at_text", pa.string()),
])

AUTHORITY_NAMES = np.array([la.name for la in cal.GM_LOCAL_AUTHORITIES]
                           + [name for _, name, _ in cal.OUTSIDE_PLACING_AUTHORITIES], dtype=object)

# The circumstances, as an officer might summarise them. Every one starts "SYNTHETIC".
REASONS = {
    "care": (
        "failed to return to placement by curfew",
        "left the home after an argument with staff",
        "believed to be with older peers in the town centre",
        "went to meet friends at the café and did not return",
        "staff concerned about contact with unknown adults",
        "left with £20 and phone switched off",
        "refused to return after a family contact visit",
        "seen getting into a car with unknown males",
        "absconded during a planned activity",
        "not returned from school; staff unable to contact",
    ),
    "child": (
        "did not return home after school",
        "left home after a row with parents",
        "believed to be staying with a friend; address not known",
        "went out to meet friends and phone now off",
        "parents worried about new older friends",
        "left a note saying they would not be back",
        "not returned from the park by agreed time",
        "has £10 and a bus pass, no phone",
    ),
    "adult": (
        "left home after a domestic argument",
        "failed to return from work; out of character",
        "partner concerned for welfare; not answering phone",
        "left home with medication, stated intention to harm self",
        "did not attend planned appointment at the café; family concerned",
        "missed contact with family for two days",
        "left the house in the early hours; no contact since",
        "owes £300 and has been low in mood",
    ),
    "mental_health": (
        "absconded from the ward while on escorted leave",
        "failed to return from authorised leave",
        "left the unit after being assessed; detained under the Mental Health Act",
        "walked out of A&E before assessment",
        "left the ward stating they wanted to end their life",
    ),
    "dementia": (
        "left the care home unnoticed; has dementia",
        "went for a walk and did not return; diagnosed with dementia",
        "left home in night clothes; confused",
        "not returned from the local shop; memory problems",
        "wandered from the day centre; Herbert Protocol form held",
    ),
}
REASON_KIND = {
    "lac_childrens_home": "care", "lac_foster": "care", "lac_supported": "care", "child_home": "child",
    "adult_home": "adult", "adult_mental_health": "mental_health", "older_dementia": "dementia",
    "young_adult_supported": "adult", "adult_care_ld": "dementia", "adult_hospital": "mental_health",
}
_REASON_LIST = [f"SYNTHETIC: {text}" for kind in REASONS for text in REASONS[kind]]
_REASON_START = {}
_pos = 0
for _kind, _texts in REASONS.items():
    _REASON_START[_kind] = (_pos, len(_texts))
    _pos += len(_texts)
REASON_VOCAB = pa.array(_REASON_LIST, pa.string())

#: Delay between last seen and the report, median hours and lognormal spread, by hour profile.
LAST_SEEN_DELAY = {"care": (1.5, 0.7), "child": (3.0, 0.9), "adult": (5.0, 1.0), "dementia": (1.0, 0.6)}


def _cat_param(values, cat_idx: np.ndarray) -> np.ndarray:
    return np.asarray(values)[cat_idx]


def _choose_rows(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One choice per row from a (rows, options) matrix of probabilities."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return (rng.random(len(probs))[:, None] < cum).argmax(axis=1)


def _ts(minutes: np.ndarray, valid: np.ndarray) -> pa.Array:
    return pa.array(np.where(valid, minutes, 0) * 60, pa.timestamp("s"), mask=~valid)


def _codes(vocab, idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(list(vocab), pa.string())
    idx = np.asarray(idx, dtype=np.int64)
    mask = idx < 0 if valid is None else (~valid | (idx < 0))
    return arr.take(pa.array(np.where(mask, 0, idx), mask=mask))


def _rhi_themes(rng: np.random.Generator, done: np.ndarray, looked_after: np.ndarray,
                exploited: np.ndarray) -> pa.Array:
    """Themes recorded at the episodes' done return home interviews: one to three codes of
    profiles.categories.RHI_THEMES, in their order, drawn with the weights of
    model.RHI_THEME_WEIGHTS (looked-after children, other children), exploitation concern more
    likely when CSE or CCE is flagged. A stream of its own, so the other columns stay as they were."""
    n = done.size
    weights = np.where(looked_after[:, None], m.RHI_THEME_WEIGHTS["looked_after"], m.RHI_THEME_WEIGHTS["child"])
    weights = weights * np.where(exploited[:, None] & (np.arange(len(m.RHI_THEMES)) == m.RHI_EXPLOITATION), 4.0, 1.0)
    keys = np.log(weights) - np.log(-np.log(rng.random((n, len(m.RHI_THEMES)))))  # Gumbel top-k: no replacement
    u = rng.random(n)
    count = 1 + (u < m.RHI_SECOND_THEME) + (u < m.RHI_THIRD_THEME)
    order = np.argsort(-keys, axis=1)
    out: list[str | None] = [None] * n
    for i in np.flatnonzero(done):
        chosen = sorted(order[i, : count[i]])
        out[i] = ";".join(m.RHI_THEMES[j] for j in chosen)
    return pa.array(out, pa.string())


def _flag(values: np.ndarray, blank: np.ndarray) -> pa.Array:
    return pa.array(values, pa.bool_(), mask=blank)


def zero_pad(values: np.ndarray, width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(values.astype(np.int64)), pa.string()), width, "0")


@dataclass
class CareAbsenceRows:
    """Police-reported episodes from a synthetic children's home, for the care-provider absences file."""

    person: np.ndarray
    site: np.ndarray
    started: np.ndarray
    ended: np.ndarray          # -1 = not returned
    incident_id: pa.Array


@dataclass
class Generator:
    """Draws episode chunks for one sample (holds what every chunk shares)."""

    ctx: PopulationContext
    persons: Persons
    skeleton: Skeleton
    locations: L.LocationTable

    def __post_init__(self) -> None:
        w = self.ctx.window
        self.changes = dst_hours(w.start.year - 1, w.end.year + 2)
        self.cat_hours = np.array([list(m.HOURS).index(c.hours) for c in m.CATEGORIES])
        self.hour_kinds = list(m.HOURS)
        cats = m.CATEGORIES
        self.child = np.array([c.child for c in cats])
        self.lac = np.array([c.looked_after for c in cats])
        self.other_from_type = np.array([m.FROM_TYPES.index(c.other_from[0][0]) if c.other_from else -1 for c in cats])
        self.other_from_p = np.array([c.other_from[0][1] if c.other_from else 0.0 for c in cats])
        self.reason_start = np.array([_REASON_START[REASON_KIND[c.key]][0] for c in cats])
        self.reason_count = np.array([_REASON_START[REASON_KIND[c.key]][1] for c in cats])

    # ---------------------------------------------------------------------------------------
    def chunk(self, rng: np.random.Generator, lo: int, hi: int) -> tuple[pa.Table, CareAbsenceRows]:
        P, S, W = self.persons, self.skeleton, self.ctx.window
        geo, loc = self.ctx.geo, self.locations
        n = hi - lo
        p = S.person[lo:hi].astype(np.int64)
        ci = P.cat[p].astype(np.int64)
        child = self.child[ci]
        reported = S.reported[lo:hi]
        snapshot = W.snapshot_minute

        # identity
        yy = S.incident_year[lo:hi].astype(np.int64) % 100
        incident_id = join_text("SYN-MP-", zero_pad(yy, 2), "-", zero_pad(S.incident_seq[lo:hi], 7))
        person_id = join_text("SYN-P", zero_pad(P.number[p], 7))

        # age at report (whole years) from the date of birth
        rep_day = reported // MINUTES_PER_DAY
        dob = P.dob[p].astype(np.int64)
        age = _whole_years(dob, rep_day)
        dob_known = P.dob_known[p]

        gender = P.gender[p]
        eth = P.ethnicity[p].astype(np.int64).copy()
        drift = rng.random(n) < 0.03  # officer-defined ethnicity is not always recorded the same way
        eth[drift] = np.where(rng.random(int(drift.sum())) < 0.5, -1,
                              rng.choice(len(m.ETHNICITIES), int(drift.sum()), p=m.ETHNICITY_WEIGHTS))

        flags = P.flags[p]
        exploited = flags[:, 0] | flags[:, 1] | flags[:, 2]

        # where from
        from_type = P.from_type[p].astype(np.int64)
        other = rng.random(n) < self.other_from_p[ci]
        from_type[other] = self.other_from_type[ci][other]
        setting = P.setting[p]
        at_site = (setting == m.SETTING_SITE) & ~other
        at_care = (setting == m.SETTING_CARE_HOME) & ~other
        home = P.home_pc[p].astype(np.int64)
        nb = geo.pc_neighbours
        near_home = nb[home, rng.integers(1, nb.shape[1], n)]
        from_row = loc.rows(L.POOL, np.where(other, near_home, home))
        from_row[at_site] = loc.rows(L.SITE, P.site[p][at_site])
        from_row[at_care] = loc.rows(L.CARE, P.care[p][at_care])
        own_home = ~at_site & ~at_care & ~other

        # risk: initial, legacy "absent", highest
        base = np.asarray([c.risk for c in m.CATEGORIES])[ci].copy()
        base[:, 3] += 0.10 * exploited + 0.15 * flags[:, 4] + 0.10 * (child & (age < 13))
        risk = _choose_rows(rng, base)                  # 0 NAR, 1 low, 2 medium, 3 high
        early = (rep_day - (W.start - EPOCH).days) < m.ABSENT_MONTHS * 30.4
        absent = early & (risk <= 1) & (rng.random(n) < m.ABSENT_SHARE)
        raised = np.zeros(n, dtype=bool)
        for grade, prob in enumerate(m.RISK_RAISED):
            raised |= (risk == grade) & (rng.random(n) < prob)
        highest = np.where(raised, risk + 1, risk)
        risk_code = np.where(absent, 4, risk)
        highest_code = np.where(absent & ~raised, 4, highest)
        highest_blank = rng.random(n) < m.RISK_HIGHEST_NOT_RECORDED

        # last seen, duration, found
        kinds = self.cat_hours[ci]
        med = np.array([LAST_SEEN_DELAY[self.hour_kinds[k]][0] for k in range(len(self.hour_kinds))])[kinds]
        sig = np.array([LAST_SEEN_DELAY[self.hour_kinds[k]][1] for k in range(len(self.hour_kinds))])[kinds]
        delay = np.maximum(10, np.round(60 * np.exp(np.log(med) + sig * rng.standard_normal(n)))).astype(np.int64)
        last_seen = avoid_clock_changes(reported - delay, self.changes)
        last_seen_known = rng.random(n) >= 0.12

        dmed = _cat_param([c.duration_median_h for c in m.CATEGORIES], ci)
        dsig = _cat_param([c.duration_sigma for c in m.CATEGORIES], ci)
        hours = np.exp(np.log(dmed) + dsig * rng.standard_normal(n))
        u = rng.random(n)
        very_long = np.where(child, m.VERY_LONG_MISSING["child"], m.VERY_LONG_MISSING["adult"])
        long_ = u < m.LONG_MISSING
        hours[long_] = np.exp(rng.uniform(np.log(168), np.log(1900), int(long_.sum())))
        vlong = (u >= m.LONG_MISSING) & (u < m.LONG_MISSING + very_long)
        hours[vlong] = np.exp(rng.uniform(np.log(1900), np.log(20000), int(vlong.sum())))
        never = vlong & (rng.random(n) < 0.5)
        duration = np.maximum(5, np.round(hours * 60)).astype(np.int64)
        found = avoid_clock_changes(reported + duration, self.changes)
        is_found = ~never & (found <= snapshot)

        # outcome and who found
        dead = is_found & (rng.random(n) < _cat_param([c.found_dead for c in m.CATEGORIES], ci)
                           * np.where(flags[:, 4], 3.0, 1.0))
        oprob = np.tile(np.asarray(m.OUTCOME_BASE), (n, 1))
        oprob[:, 3] += 0.05 * flags[:, 0]
        oprob[:, 4] += 0.06 * flags[:, 1]
        oprob[:, 2] += 0.03 * exploited
        outcome = _choose_rows(rng, oprob)
        outcome[dead] = m.OUTCOMES.index("found_dead")
        outcome_valid = is_found & ((rng.random(n) >= 0.015) | dead)
        found_by = _choose_rows(rng, np.asarray([c.found_by for c in m.CATEGORIES])[ci])
        found_by[dead] = np.where(rng.random(int(dead.sum())) < 0.6, 1, 6)
        found_by_valid = is_found & (rng.random(n) >= 0.03)

        # where found
        to_row = self._found_rows(rng, n, p, ci, from_row, found_by, found_by_valid, is_found)
        from_house = np.where(own_home, P.house_no[p], rng.integers(1, 200, n)).astype(np.int64)
        found_house = np.where(to_row == from_row, from_house, rng.integers(1, 200, n)).astype(np.int64)
        mf = L.render(rng, loc, from_row, 0, from_house)
        fd = L.render(rng, loc, to_row, 1, found_house)

        # return home interviews (children found alive)
        rhi_due = is_found & child & ~dead
        ur = rng.random(n)
        offer_delay = np.where(
            ur < m.RHI_ON_TIME,
            np.minimum(71 * 60, np.round(60 * np.exp(np.log(22) + 0.7 * rng.standard_normal(n)))),
            rng.integers(73 * 60, 14 * 24 * 60, n),
        ).astype(np.int64)
        offered = avoid_clock_changes(found + offer_delay, self.changes)
        offered_ok = rhi_due & (ur < m.RHI_ON_TIME + m.RHI_LATE) & (offered <= snapshot)
        done = avoid_clock_changes(
            offered + np.round(60 * np.exp(np.log(20) + 0.9 * rng.standard_normal(n))).astype(np.int64),
            self.changes)
        done_ok = offered_ok & (rng.random(n) < m.RHI_DONE) & (done <= snapshot)

        # calls
        elapsed_h = np.where(is_found, duration, snapshot - reported) / 60
        lam_calls = m.CALLS_BASE + 0.25 * np.log1p(np.maximum(elapsed_h, 0) / 6) + 0.5 * (risk == 3)
        calls = np.minimum(1 + rng.poisson(lam_calls), 25)
        calls_blank = rng.random(n) < 0.02

        # flags as recorded in the episode
        recorded = rng.random((n, len(m.FLAGS)))
        # a person's flag is recorded Y in most episodes, missed (N) or left blank in some
        flag_value = flags & (recorded < m.FLAG_RECORDED)
        flag_blank = np.where(flags, recorded >= m.FLAG_RECORDED + 0.07,
                              rng.random((n, len(m.FLAGS))) < m.FLAG_BLANK)
        lac = self.lac[ci]
        lac_blank = np.where(lac, rng.random(n) < 0.03, rng.random(n) < np.where(child, 0.10, 0.40))

        placing = P.placing[p].astype(np.int64)
        placing_ok = (placing >= 0) & (rng.random(n) >= 0.07)
        responsible_ok = child & (rng.random(n) >= 0.08)

        themes = _rhi_themes(np.random.default_rng([0x524849, int(lo)]), done_ok, lac,
                             flag_value[:, 0] | flag_value[:, 1])

        reason_idx = self.reason_start[ci] + rng.integers(0, 1 << 30, n) % self.reason_count[ci]
        reason_ok = rng.random(n) >= 0.04

        table = pa.table({
            "incident_id": incident_id,
            "person_id": person_id,
            "reported_at": _ts(reported, np.ones(n, bool)),
            "last_seen_at": _ts(last_seen, last_seen_known),
            "found_at": _ts(found, is_found),
            "date_of_birth": pa.array(dob.astype(np.int32), pa.date32(), mask=~dob_known),
            "age": pa.array(age, pa.int64(), mask=dob_known),
            "gender": _codes(m.GENDERS, gender),
            "ethnicity": _codes(m.ETHNICITIES, eth),
            "risk": _codes(m.RISKS, risk_code),
            "risk_highest": _codes(m.RISKS, highest_code, ~highest_blank),
            "missing_from_type": _codes(m.FROM_TYPES, from_type),
            "missing_from_address": mf.address,
            "missing_from_postcode": mf.postcode,
            "missing_from_easting": mf.easting,
            "missing_from_northing": mf.northing,
            "found_address": fd.address,
            "found_postcode": fd.postcode,
            "found_easting": fd.easting,
            "found_northing": fd.northing,
            "found_by": _codes(m.FOUND_BY, found_by, found_by_valid),
            "outcome": _codes(m.OUTCOMES, outcome, outcome_valid),
            **{f"flag_{name}": _flag(flag_value[:, i], flag_blank[:, i]) for i, name in enumerate(m.FLAGS)},
            "looked_after": _flag(lac, lac_blank),
            "placing_authority": _codes(AUTHORITY_NAMES, placing, placing_ok),
            "responsible_la": _codes(AUTHORITY_NAMES, P.lad[p].astype(np.int64), responsible_ok),
            "return_interview_offered_at": _ts(offered, offered_ok),
            "return_interview_done_at": _ts(done, done_ok),
            "calls": pa.array(calls, pa.int64(), mask=calls_blank),
            "site_ref": mf.site_ref,
            "reason": REASON_VOCAB.take(pa.array(reason_idx, mask=~reason_ok)),
            "rhi_themes": themes,
            "__reported_at_text": pa.nulls(n, pa.string()),
        }, schema=SCHEMA)

        # episodes from a synthetic children's home, for the care provider's own record of absences
        lac_site = lac & at_site & (from_type == m.FROM_TYPES.index("childrens_home"))
        started = np.where(last_seen_known, last_seen, reported - 60)
        care = CareAbsenceRows(
            person=p[lac_site], site=P.site[p][lac_site].astype(np.int64), started=started[lac_site],
            ended=np.where(is_found, found, -1)[lac_site],
            incident_id=incident_id.filter(pa.array(lac_site)),
        )
        return table, care

    def _found_rows(self, rng, n, p, ci, from_row, found_by, found_by_valid, is_found) -> np.ndarray:
        """Where each found person was found (a LocationTable row; -1 = not recorded)."""
        P, geo, loc = self.persons, self.ctx.geo, self.locations
        anchor = loc.anchor[from_row]
        anchor = np.where(anchor >= 0, anchor, P.home_pc[p])
        nb = geo.pc_neighbours
        near = loc.rows(L.POOL, nb[anchor, rng.integers(1, nb.shape[1], n)])
        haunt = np.where(P.haunt_kind[p] == 1, loc.rows(L.OUTSIDE_PC, P.haunt_idx[p]), loc.rows(L.POOL, P.haunt_idx[p]))
        haunt_centre = loc.rows(L.CENTRE, P.haunt_centre[p])
        any_centre = loc.rows(L.CENTRE, rng.choice(len(geo.centres), n, p=geo.centre_weight))
        out_pc = loc.rows(L.OUTSIDE_PC, rng.integers(0, max(len(geo.out_pc), 1), n)) if len(geo.out_pc) else near
        out_place = loc.rows(L.OUTSIDE_PLACE, rng.integers(0, max(len(geo.out_place_name), 1), n)) \
            if len(geo.out_place_name) else near
        outside = np.where(rng.random(n) < 0.5, out_pc, out_place)

        returned = found_by_valid & np.isin(found_by, (0, 4))  # own accord, carer
        same = rng.random(n) < np.where(returned, 0.6, 0.08)
        dementia = np.isin(ci, [m.CATEGORY_INDEX["older_dementia"], m.CATEGORY_INDEX["adult_care_ld"]])
        out_p = _cat_param([c.outside_found for c in m.CATEGORIES], ci) * 2.5
        weights = np.stack([
            np.where(dementia, 0.85, 0.42),     # near where they went missing
            np.where(dementia, 0.03, 0.20),     # a place they go (friend, family)
            np.where(dementia, 0.07, 0.20),     # their usual town centre
            np.where(dementia, 0.05, 0.08),     # another centre
            out_p,                              # outside the force
        ], axis=1)
        choice = _choose_rows(rng, weights)
        rows = np.choose(choice, [near, haunt, haunt_centre, any_centre, outside])
        rows = np.where(same, from_row, rows)
        recorded = is_found & (rng.random(n) >= 0.05)
        return np.where(recorded, rows, -1)


def join_text(*parts) -> pa.Array:
    n = next(len(x) for x in parts if not isinstance(x, str))
    arrays = [pa.array(np.full(n, x, dtype=object), pa.string()) if isinstance(x, str) else x for x in parts]
    return pc.binary_join_element_wise(*arrays, "")


def _whole_years(dob_day: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Age in whole years on ``day`` for a birth on ``dob_day`` (both days since 1970-01-01)."""
    b = dob_day.astype("datetime64[D]")
    d = day.astype("datetime64[D]")
    by, dy = b.astype("datetime64[Y]"), d.astype("datetime64[Y]")
    bm, dm = b.astype("datetime64[M]"), d.astype("datetime64[M]")
    b_md = (bm - by).astype(int) * 32 + (b - bm).astype(int)
    d_md = (dm - dy).astype(int) * 32 + (d - dm).astype(int)
    return (dy.astype(int) - by.astype(int) - (d_md < b_md)).astype(np.int64)
