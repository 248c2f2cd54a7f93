"""Where people go missing from and are found, and how an extract writes it down.

Every place the generator can name is one row of a :class:`LocationTable`: the force's
postcodes, postcodes outside it, the synthetic sites, the CQC care homes, town and city
centres, and named places outside the force. An episode refers to a row; :func:`render`
then writes the location the way officers do: a full postcode with an address, an
address with the postcode inside it, coordinates (British National Grid, now and then
WGS84 longitude/latitude in the same columns), only a place name, a partial postcode,
a site reference, or a care home's name (sometimes misspelt).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from profiles.sample.reference import Geography, bng_to_wgs84
from profiles.sample.sites import street_for

# location kinds
POOL, OUTSIDE_PC, SITE, CARE, CENTRE, OUTSIDE_PLACE = range(6)

# how a location is written
(PC_ADDR, ADDR_WITH_PC, PC_ONLY, BNG_ADDR, BNG_ONLY, WGS, PLACE, PARTIAL, REF, SITE_FULL, SITE_NOPC,
 NONE) = range(12)
FORM_NAMES = ("pc_addr", "addr_with_pc", "pc_only", "bng_addr", "bng_only", "wgs84", "place", "partial",
              "site_ref", "site_full", "site_nopc", "none")

#: Probability of each form, by location kind, for go-missing (row 0) and found (row 1) locations.
_F = len(FORM_NAMES)


def _forms(**kw) -> np.ndarray:
    v = np.zeros(_F)
    for name, p in kw.items():
        v[FORM_NAMES.index(name)] = p
    return v / v.sum()


FORM_PROBS = np.stack([
    np.stack([  # go-missing
        _forms(pc_addr=.60, addr_with_pc=.08, pc_only=.06, bng_addr=.06, bng_only=.03, wgs84=.01, place=.08,
               partial=.07, none=.01),
        _forms(pc_addr=.70, addr_with_pc=.10, pc_only=.10, bng_addr=.05, bng_only=.03, wgs84=.02),
        _forms(site_ref=.45, site_full=.33, site_nopc=.10, pc_only=.05, bng_addr=.05, wgs84=.02),
        _forms(site_full=.62, site_nopc=.16, pc_only=.10, bng_addr=.10, wgs84=.02),
        _forms(place=.7, bng_only=.3),
        _forms(place=.7, bng_only=.3),
    ]),
    np.stack([  # found
        _forms(pc_addr=.38, addr_with_pc=.08, pc_only=.06, bng_addr=.08, bng_only=.06, wgs84=.03, place=.22,
               partial=.07, none=.02),
        _forms(pc_addr=.55, addr_with_pc=.10, pc_only=.15, bng_addr=.10, bng_only=.07, wgs84=.03),
        _forms(site_full=.50, site_nopc=.20, pc_only=.15, bng_addr=.10, wgs84=.05),
        _forms(site_full=.50, site_nopc=.20, pc_only=.15, bng_addr=.10, wgs84=.05),
        _forms(place=.62, pc_addr=.12, bng_only=.18, wgs84=.05, none=.03),
        _forms(place=.70, bng_only=.25, wgs84=.05),
    ]),
])

LANDMARKS = ("Bus station", "Railway station", "Retail park", "Shopping centre", "Park", "Library",
             "Leisure centre", "Canal towpath", "Market", "Takeaway")
VARIANTS = 5  # name spellings per site: the name itself and four slips


def misspellings(name: str, rng: np.random.Generator) -> list[str]:
    """The name and four plausible slips (a dropped or doubled letter, a swap, an abbreviation)."""
    out = [name]
    abbreviations = (("Synthetic", "Synth"), ("House", "Hse"), ("Court", "Ct"), ("Residential", "Res"),
                     ("Nursing Home", "NH"), ("Mental Health Unit", "MHU"), ("General Hospital", "Gen Hosp"),
                     ("Care Home", "CH"), ("The ", ""), (" and ", " & "))
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    while len(out) < VARIANTS:
        kind = int(rng.integers(0, 5))
        s = name
        if kind == 0 and len(letters) > 4:          # dropped letter
            i = letters[int(rng.integers(1, len(letters) - 1))]
            s = name[:i] + name[i + 1:]
        elif kind == 1 and len(letters) > 4:        # swapped letters
            i = letters[int(rng.integers(1, len(letters) - 2))]
            if name[i + 1].isalpha():
                s = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        elif kind == 2:                             # abbreviation
            for full, short in abbreviations:
                if full in name:
                    s = name.replace(full, short, 1)
                    break
        elif kind == 3:                             # doubled letter
            if letters:
                i = letters[int(rng.integers(0, len(letters)))]
                s = name[:i] + name[i] + name[i:]
        else:                                       # case
            s = name.upper() if rng.random() < 0.5 else name.lower()
        if s not in out or len(set(out)) >= VARIANTS - 1:
            out.append(s)
    return out[:VARIANTS]


def _sector(pcs: np.ndarray) -> np.ndarray:
    return np.array([p[:-2] if isinstance(p, str) and " " in p else None for p in pcs], dtype=object)


def _district(pcs: np.ndarray) -> np.ndarray:
    return np.array([p.split(" ")[0] if isinstance(p, str) else None for p in pcs], dtype=object)


@dataclass
class LocationTable:
    kind: np.ndarray
    e: np.ndarray
    n: np.ndarray
    anchor: np.ndarray           # nearest force postcode (index into geo.pc), -1 outside
    offsets: dict[int, int]
    # text fields (pyarrow, nulls where not applicable)
    postcode: pa.Array
    sector: pa.Array
    district: pa.Array
    locality: pa.Array
    geoname: pa.Array
    street: pa.Array
    ref: pa.Array
    address: pa.Array            # site / care home street address
    names: pa.Array              # VARIANTS spellings per row (row * VARIANTS + v)
    place: pa.Array              # the place name itself (centres, outside places)
    centre_suffix: pa.Array      # "town centre" / "city centre"

    def rows(self, kind: int, idx: np.ndarray) -> np.ndarray:
        return self.offsets[kind] + np.asarray(idx, dtype=np.int64)

    @classmethod
    def build(cls, geo: Geography) -> "LocationTable":
        from scipy.spatial import cKDTree

        rng = np.random.default_rng(7)  # spellings are part of the fixed geography, not the sample seed
        P, O = len(geo.pc), len(geo.out_pc)
        sites, homes = geo.sites, geo.care_homes
        S, C = len(sites), len(homes)
        Z, Q = len(geo.centres), len(geo.out_place_name)
        sizes = [P, O, S, C, Z, Q]
        offsets = {k: int(sum(sizes[:k])) for k in range(6)}
        total = sum(sizes)
        kind = np.repeat(np.arange(6, dtype=np.int8), sizes)

        centre_e, centre_n = geo.place_e[geo.centres], geo.place_n[geo.centres]
        e = np.concatenate([geo.pc_e, geo.out_e, sites["e"].to_numpy(float), homes["e"].to_numpy(float)
                            if C else np.zeros(0), centre_e, geo.out_place_e])
        n = np.concatenate([geo.pc_n, geo.out_n, sites["n"].to_numpy(float), homes["n"].to_numpy(float)
                            if C else np.zeros(0), centre_n, geo.out_place_n])
        tree = cKDTree(np.column_stack([geo.pc_e, geo.pc_n]))
        _, centre_anchor = tree.query(np.column_stack([centre_e, centre_n])) if Z else (None, np.zeros(0, int))
        anchor = np.concatenate([
            np.arange(P), np.full(O, -1), sites["anchor"].to_numpy(np.int64),
            homes["anchor"].to_numpy(np.int64) if C else np.zeros(0, np.int64),
            np.asarray(centre_anchor, dtype=np.int64), np.full(Q, -1),
        ])

        def col(values: list) -> pa.Array:
            return pa.array(np.concatenate([np.asarray(v, dtype=object) for v in values]), pa.string())

        none = lambda k: [None] * k  # noqa: E731
        postcodes = np.concatenate([geo.pc, geo.out_pc, sites["postcode"].to_numpy(object),
                                    homes["postcode"].to_numpy(object) if C else np.zeros(0, object),
                                    geo.pc[np.asarray(centre_anchor, dtype=np.int64)], np.array(none(Q), object)])
        pool_locality = geo.place_name[geo.pc_place]
        locality = np.concatenate([
            pool_locality, np.array(none(O), object),
            pool_locality[sites["anchor"].to_numpy(np.int64)],
            pool_locality[homes["anchor"].to_numpy(np.int64)] if C else np.zeros(0, object),
            geo.place_name[geo.centres], geo.out_place_name,
        ])
        geoname = geo.geo_name[geo.pc_geoname] if len(geo.geo_name) else np.array(none(P), object)
        names: list = []
        for name in list(sites["name"]) + (list(homes["name"]) if C else []):
            names.extend(misspellings(str(name), rng))
        centre_type = geo.place_type[geo.centres]
        return cls(
            kind=kind, e=e, n=n, anchor=anchor, offsets=offsets,
            postcode=pa.array(postcodes, pa.string()),
            sector=pa.array(_sector(postcodes), pa.string()),
            district=pa.array(_district(postcodes), pa.string()),
            locality=pa.array(locality, pa.string()),
            geoname=col([geoname, none(total - P)]),
            street=col([street_for(np.concatenate([geo.pc, geo.out_pc])), none(S + C + Z + Q)]),
            ref=col([none(P + O), sites["site_ref"].to_numpy(object), none(C + Z + Q)]),
            address=col([none(P + O), sites["address"].to_numpy(object),
                         homes["address"].to_numpy(object) if C else [], none(Z + Q)]),
            names=col([none((P + O) * VARIANTS), names, none((Z + Q) * VARIANTS)]),
            place=col([none(P + O + S + C), geo.place_name[geo.centres], geo.out_place_name]),
            centre_suffix=col([none(P + O + S + C),
                               np.where(centre_type == "City", "city centre", "town centre"), none(Q)]),
        )


def _take(arr: pa.Array, idx: np.ndarray) -> pa.Array:
    return arr.take(pa.array(np.asarray(idx, dtype=np.int64)))


def _join(*parts, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep, null_handling="emit_null")


def _lit(value: str, n: int) -> pa.Array:
    return pa.array(np.full(n, value, dtype=object), pa.string())


def _null_str(n: int) -> pa.Array:
    return pa.nulls(n, pa.string())


@dataclass
class Rendered:
    address: pa.Array
    postcode: pa.Array
    easting: pa.Array
    northing: pa.Array
    site_ref: pa.Array
    form: np.ndarray


def render(rng: np.random.Generator, loc: LocationTable, rows: np.ndarray, side: int,
           house_no: np.ndarray) -> Rendered:
    """Write the locations ``rows`` (indices into ``loc``; -1 = not recorded) as an extract does.

    ``side`` 0 = go-missing, 1 = found; ``house_no`` the house number for street addresses.
    """
    n = len(rows)
    known = rows >= 0
    r = np.where(known, rows, 0)
    kind = loc.kind[r]
    probs = FORM_PROBS[side][kind]
    form = (rng.random(n)[:, None] < np.cumsum(probs, axis=1)).argmax(axis=1)
    form[~known] = NONE

    # the point, with a few metres of spread; a few given as WGS84 longitude/latitude
    e = np.round(loc.e[r] + rng.uniform(-20, 20, n))
    nn = np.round(loc.n[r] + rng.uniform(-20, 20, n))
    kz = kind == CENTRE
    e[kz] = np.round(loc.e[r][kz] + rng.uniform(-250, 250, int(kz.sum())))
    nn[kz] = np.round(loc.n[r][kz] + rng.uniform(-250, 250, int(kz.sum())))
    wgs = form == WGS
    if wgs.any():
        lon, lat = bng_to_wgs84(e[wgs], nn[wgs])
        e = e.astype(float)
        nn = nn.astype(float)
        e[wgs], nn[wgs] = np.round(lon, 6), np.round(lat, 6)
    has_xy = np.isin(form, (BNG_ADDR, BNG_ONLY, WGS))
    easting = pa.array(e, pa.float64(), mask=~has_xy)
    northing = pa.array(nn, pa.float64(), mask=~has_xy)

    # text pieces
    postcode = _take(loc.postcode, r)
    locality = _take(loc.locality, r)
    street = _take(loc.street, r)
    variant = np.where(rng.random(n) < 0.8, 0, rng.integers(1, VARIANTS, n))
    name = _take(loc.names, r * VARIANTS + variant)
    address = _take(loc.address, r)
    place = _take(loc.place, r)
    landmark = _take(pa.array(LANDMARKS), rng.integers(0, len(LANDMARKS), n))
    number = pc.cast(pa.array(house_no.astype(np.int64)), pa.string())

    street_addr = _join(number, street, sep=" ")
    street_addr = pc.coalesce(_join(street_addr, locality, sep=", "), street_addr)
    site_addr = _join(name, address, sep=", ")
    centre_text = _join(landmark, place, sep=", ")
    base = pc.coalesce(site_addr, street_addr, centre_text, place)

    # a place name only: the locality (or a GeoNames postal place), in a few phrasings
    geoname = _take(loc.geoname, r)
    use_geoname = (rng.random(n) < 0.15) & (kind == POOL)
    area = pc.if_else(pa.array(use_geoname), pc.coalesce(geoname, locality), locality)
    phrasing = rng.integers(0, 10, n)
    area_text = pc.if_else(pa.array(phrasing < 5), area,
                           pc.if_else(pa.array(phrasing < 7), _join(area, _lit(" area", n)),
                                      pc.if_else(pa.array(phrasing < 9), _join(_lit("near ", n), area),
                                                 _join(landmark, area, sep=", "))))
    centre_words = pc.if_else(pa.array(phrasing < 4), _join(place, _take(loc.centre_suffix, r), sep=" "),
                              pc.if_else(pa.array(phrasing < 8), centre_text, place))
    place_text = pc.if_else(pa.array(kind == CENTRE), centre_words,
                            pc.if_else(pa.array(kind == OUTSIDE_PLACE), place, area_text))
    partial = pc.if_else(pa.array(rng.random(n) < 0.6), _take(loc.sector, r), _take(loc.district, r))
    partial_addr = pc.if_else(pa.array(rng.random(n) < 0.5), _join(street, locality, sep=", "), _null_str(n))

    def pick(options: dict[int, pa.Array]) -> pa.Array:
        out = _null_str(n)
        for f, values in options.items():
            out = pc.if_else(pa.array(form == f), values, out)
        return out

    # with a site reference, the site's name and address, or nothing more (never the bare name)
    ref_addr = pc.if_else(pa.array(rng.random(n) < 0.6), site_addr, _null_str(n))
    address_out = pick({
        PC_ADDR: base, ADDR_WITH_PC: _join(base, postcode, sep=", "), BNG_ADDR: base, PLACE: place_text,
        PARTIAL: partial_addr, REF: ref_addr, SITE_FULL: site_addr, SITE_NOPC: site_addr,
    })
    postcode_out = pick({PC_ADDR: postcode, PC_ONLY: postcode, PARTIAL: partial, SITE_FULL: postcode})
    ref_out = pick({REF: _take(loc.ref, r)}) if side == 0 else _null_str(n)
    return Rendered(address_out, postcode_out, easting, northing, ref_out, form)
