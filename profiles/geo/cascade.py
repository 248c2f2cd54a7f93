"""The offline geocoding cascade.

Each location goes down these steps and stops at the first that holds (issue 3):

1. a manual override entered by an analyst (per episode and role; applied by
   :mod:`profiles.geo.episodes` and, when the input has ``incident_id`` and ``role``, here);
2. ``coordinates`` given and inside Great Britain (BNG, or WGS84 detected and converted);
3. a known ``site``: ``site_ref``, or a fuzzy name/address match plus postcode;
4. a full ``postcode``: its Code-Point Open centroid;
5. a ``place`` name in the gazetteer (OS Open Names, GeoNames), disambiguated towards the
   force area;
6. a ``partial_postcode`` (sector or district): its centroid, with low confidence;
7. ``online`` (only when configured; off by default, never in tests);
otherwise ``unmatched``.

Each step is a small function ``step(inputs, ctx) -> results`` over the distinct
normalised inputs (indexed by ``input_key``), returning the rows it resolved with
``easting, northing, method, confidence, precision_m, site_id, matched_text``. Results
are cached by ``input_key`` in ``geocode_cache``; areas are assigned by
point-in-polygon (:class:`profiles.geo.boundaries.AreaIndex`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from profiles import progress
from profiles.config import Settings
from profiles.db import query_df, registered, run_sql
from profiles.geo.boundaries import AreaIndex
from profiles.geo.crs import bng_to_wgs84, classify_coordinates, decimals_precision_m, wgs84_to_bng
from profiles.geo.normalise import normalise_one, prepare_inputs
from profiles.geo.overrides import apply_overrides
from profiles.geo.sites import match_sites, register_frame

#: Columns of a step's result.
STEP_COLUMNS = ["easting", "northing", "method", "confidence", "precision_m", "site_id", "matched_text"]
AREA_COLS = ["force_area", "lad_code", "ward_code", "lsoa_code"]
#: Columns written back by the analyst command, in this order.
OUTPUT_COLUMNS = [
    "easting", "northing", "lat", "lon", "method", "confidence", "precision_m",
    "force_area", "lad_code", "ward_code", "lsoa_code", "site_id",
]
METHODS = ("override", "coordinates", "site", "postcode", "place", "partial_postcode", "online", "unmatched")

#: Confidence and precision radius (m) of a Code-Point centroid by positional quality.
POSTCODE_QUALITY = {10: (0.9, 100.0), 20: (0.85, 150.0), 30: (0.8, 200.0), 40: (0.75, 300.0),
                    50: (0.6, 500.0), 60: (0.4, 1000.0)}
PLACE_TYPE_RANK = {"City": 6, "Town": 5, "Suburban Area": 4, "Village": 3, "postal place": 3,
                   "Hamlet": 2, "Other Settlement": 1}
#: Words around a place name that do not change where it is.
PLACE_NOISE = ("TOWN CENTRE", "CITY CENTRE", "CENTRE", "AREA", "NEAR", "OUTSIDE", "IN", "AT", "NR", "VILLAGE")


@dataclass
class GeoContext:
    """What the steps need, loaded once per batch and only when a step needs it."""

    con: duckdb.DuckDBPyConnection
    settings: Settings
    online: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    _cache: dict = field(default_factory=dict)

    def get(self, name: str, loader: Callable[[], object]):
        if name not in self._cache:
            self._cache[name] = loader()
        return self._cache[name]

    @property
    def index(self) -> AreaIndex:
        return self.get("index", lambda: AreaIndex(self.con))

    @property
    def sites(self) -> pd.DataFrame:
        return self.get("sites", lambda: register_frame(self.con))

    @property
    def places(self) -> pd.DataFrame:
        def load() -> pd.DataFrame:
            frame = query_df(self.con, "geo/places_for_matching.sql")
            # words naming where a place is, to prefer the one the address mentions
            frame["context"] = [
                frozenset(f"{d} {c} {p}".upper().split())
                for d, c, p in zip(frame["district_name"], frame["county_name"], frame["postcode_district"])
            ]
            frame["type_rank"] = frame["local_type"].map(PLACE_TYPE_RANK).fillna(0)
            return frame
        return self.get("places", load)

    @property
    def place_positions(self) -> dict[str, np.ndarray]:
        """Row positions in :attr:`places` for each normalised name."""
        return self.get("place_positions", lambda: self.places.groupby("name_norm").indices)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=STEP_COLUMNS).rename_axis("input_key")


def _looked_up(inputs: pd.DataFrame, ctx: GeoContext, column: str, table: str, sql: str) -> pd.DataFrame:
    """The inputs with a ``column`` value, registered as ``table`` and looked up by ``sql``: its
    rows indexed by ``input_key`` (empty when no input has a value or none is found)."""
    todo = inputs.loc[inputs[column].ne(""), [column]]
    if todo.empty:
        return _empty()
    with registered(ctx.con, table, todo.reset_index()):
        found = query_df(ctx.con, sql)
    return found.set_index("input_key")


# ---- the steps --------------------------------------------------------------------------

def step_coordinates(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """Coordinates given and inside Great Britain: BNG as is, WGS84 (lon/lat or lat/lon) converted."""
    kind = classify_coordinates(inputs["x"], inputs["y"])
    hit = inputs[kind.ne("")]
    if hit.empty:
        return _empty()
    kind = kind[kind.ne("")]
    e = hit["x"].copy()
    n = hit["y"].copy()
    prec = decimals_precision_m(hit["x"], 1).where(kind.eq("bng"))
    for k, (lon_col, lat_col) in {"wgs84": ("x", "y"), "wgs84_swapped": ("y", "x")}.items():
        m = kind.eq(k)
        if m.any():
            ee, nn = wgs84_to_bng(hit.loc[m, lon_col], hit.loc[m, lat_col])
            e[m], n[m] = ee, nn
            prec[m] = decimals_precision_m(hit.loc[m, lat_col].astype(float).astype(str), 0).values
    conf = kind.map({"bng": 0.95, "wgs84": 0.9, "wgs84_swapped": 0.8}).astype(float)
    # An OSGB point can also fall outside the country (sea); the bounds test is coarse.
    out = pd.DataFrame({
        "easting": e.values, "northing": n.values, "method": "coordinates", "confidence": conf.values,
        "precision_m": prec.values, "site_id": None, "matched_text": ("given " + kind).values,
    }, index=hit.index)
    return out


def step_site(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """A known site: ``site_ref``, or fuzzy name/address (+ postcode) against the register."""
    todo = inputs[inputs["site_ref"].ne("") | inputs["address"].ne("")]
    if todo.empty:
        return _empty()
    return match_sites(todo, ctx.sites, ctx.settings)


def step_postcode(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """A full postcode: its Code-Point Open centroid (areas come precomputed with it)."""
    found = _looked_up(inputs, ctx, "postcode", "_geo_postcodes_in", "geo/lookup_postcodes.sql")
    if found.empty:
        return _empty()
    q = found["quality"].fillna(60).astype(int)
    conf = q.map({k: v[0] for k, v in POSTCODE_QUALITY.items()}).fillna(0.4)
    prec = q.map({k: v[1] for k, v in POSTCODE_QUALITY.items()}).fillna(1000.0)
    out = pd.DataFrame({
        "easting": found["easting"], "northing": found["northing"], "method": "postcode",
        "confidence": conf, "precision_m": prec, "site_id": None, "matched_text": found["postcode"],
    })
    for col in AREA_COLS:
        out[col] = found[col]
    return out


def _place_phrases(place: str, parts: str) -> list[tuple[str, set[str]]]:
    """Phrases to look up, best first, each with the other words as context."""
    raw = [place] if place else []
    raw += [p for p in reversed(parts.split("|")) if p] if parts else []
    phrases = []
    for phrase in raw:
        text = normalise_one(phrase)
        no_prefix = text
        for noise in PLACE_NOISE:
            no_prefix = no_prefix.removeprefix(noise + " ")
        no_suffix = no_prefix
        for noise in PLACE_NOISE:
            no_suffix = no_suffix.removesuffix(" " + noise)
        # as written first: "City Centre" and "Alkrington Garden Village" are place names
        for candidate in (text, no_prefix, no_suffix):
            if candidate and not candidate.replace(" ", "").isdigit():
                phrases.append(candidate)
    context = set(" ".join(phrases).split())
    return [(p, context - set(p.split())) for p in dict.fromkeys(phrases)]


@dataclass
class _PlaceColumns:
    """The gazetteer's columns as arrays, for choosing among places of one name in a loop."""

    in_force: np.ndarray
    from_open_names: np.ndarray
    type_rank: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    context: list

    @classmethod
    def of(cls, places: pd.DataFrame, pfa: str) -> "_PlaceColumns":
        return cls(places["force_area"].eq(pfa).fillna(False).to_numpy(bool),
                   places["source"].eq("os_open_names").fillna(False).to_numpy(bool),
                   places["type_rank"].to_numpy(float), places["easting"].to_numpy(float),
                   places["northing"].to_numpy(float), list(places["context"]))


def _choose_place(pos: np.ndarray, context: set[str], cols: _PlaceColumns) -> tuple[int, bool]:
    """The most likely of several places of one name (its row position in the gazetteer),
    and whether the choice stays ambiguous."""
    if len(pos) == 1:
        return int(pos[0]), False
    in_force = cols.in_force[pos]
    ctx_hit = np.array([bool(context & cols.context[p]) for p in pos])
    score = in_force * 100 + ctx_hit * 50 + cols.from_open_names[pos] * 10 + cols.type_rank[pos]
    top = int(score.argmax())
    best = int(pos[top])
    rivals = (score >= score[top] - 10) & (in_force == in_force[top])
    far = np.hypot(cols.easting[pos] - cols.easting[best], cols.northing[pos] - cols.northing[best]) > 3000
    return best, bool((rivals & far).any())


def step_place(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """A place name (the ``place`` column, else a part of the address) in the gazetteer.

    Among places of the same name the one in the force area wins, then one whose district
    or county the address mentions, then OS Open Names over GeoNames, then the larger
    settlement. A misspelt name is matched (rapidfuzz, score >= 92) against the force's
    own places only. Confidence drops when the choice stays ambiguous or lies outside
    the force. Each distinct phrase is looked up once, and each (phrase, context) chosen once.
    """
    todo = inputs[inputs["place"].ne("") | inputs["parts"].ne("")]
    if todo.empty:
        return _empty()
    places = ctx.places
    if places.empty:
        return _empty()
    positions = ctx.place_positions
    pfa = ctx.settings.force.pfa_code
    cols = ctx.get("place_columns", lambda: _PlaceColumns.of(places, pfa))
    records = ctx.get("place_records", lambda: places[
        ["easting", "northing", "precision_m", "name", "local_type", "source", "force_area"]].to_dict("records"))

    def in_force_names() -> list[str]:
        names = places.loc[places["force_area"].eq(pfa), "name_norm"]
        return sorted(n for n in names.unique() if len(n) >= 5)

    local_names = ctx.get("local_place_names", in_force_names)
    lookups: dict[str, tuple[np.ndarray | None, bool]] = {}

    def lookup(phrase: str) -> tuple[np.ndarray | None, bool]:
        if phrase not in lookups:
            fuzzy = False
            pos = positions.get(phrase)
            if pos is None and len(phrase) >= 5 and local_names:
                hit = process.extractOne(phrase, local_names, scorer=fuzz.ratio, score_cutoff=92)
                if hit:
                    pos, fuzzy = positions[hit[0]], True
            lookups[phrase] = (pos, fuzzy)
        return lookups[phrase]

    chosen: dict[tuple[str, frozenset], tuple] = {}
    rows = []
    for key, place, parts in zip(todo.index, todo["place"], todo["parts"]):
        for phrase, context in _place_phrases(place, parts):
            pos, fuzzy = lookup(phrase)
            if pos is None:
                continue
            memo = (phrase, frozenset(context))
            if memo not in chosen:
                at, ambiguous = _choose_place(pos, context, cols)
                best = records[at]
                conf = 0.6 if best["source"] == "os_open_names" else 0.5
                conf -= 0.15 if ambiguous else 0.0
                conf -= 0.2 if best["force_area"] != pfa else 0.0
                conf -= 0.1 if fuzzy else 0.0
                chosen[memo] = (best["easting"], best["northing"], round(max(conf, 0.1), 2),
                                best["precision_m"], f"{best['name']} ({best['local_type']}, {best['source']})")
            rows.append((key, *chosen[memo]))
            break
    if not rows:
        return _empty()
    out = pd.DataFrame(rows, columns=["input_key", "easting", "northing", "confidence", "precision_m",
                                      "matched_text"]).set_index("input_key")
    out["method"] = "place"
    out["site_id"] = None
    return out[STEP_COLUMNS]


def step_partial_postcode(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """A postcode sector or district (or a full postcode the gazetteer lacks): its centroid."""
    found = _looked_up(inputs, ctx, "partial", "_geo_partials_in", "geo/lookup_partials.sql")
    if found.empty:
        return _empty()
    return pd.DataFrame({
        "easting": found["easting"], "northing": found["northing"], "method": "partial_postcode",
        "confidence": found["kind"].map({"sector": 0.3, "district": 0.15}),
        "precision_m": found["precision_m"], "site_id": None,
        "matched_text": found["kind"] + " " + found["code"],
    })


def step_online(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """The configured online geocoder, for what is still unmatched (off by default)."""
    if ctx.online is None or inputs.empty:
        return _empty()
    return ctx.online(inputs)


CASCADE: tuple[Callable[[pd.DataFrame, GeoContext], pd.DataFrame], ...] = (
    step_coordinates, step_site, step_postcode, step_place, step_partial_postcode, step_online,
)


# ---- running it -------------------------------------------------------------------------

def run_cascade(inputs: pd.DataFrame, ctx: GeoContext) -> pd.DataFrame:
    """Results for distinct prepared inputs (indexed by ``input_key``), every key answered."""
    todo = inputs
    results = []
    placed = progress.Stage("geocoding distinct locations", total=len(inputs))
    for step in CASCADE:
        if todo.empty:
            break
        res = step(todo, ctx)
        if res is None or res.empty:
            continue
        res = res[~res.index.duplicated()]
        results.append(res)
        todo = todo.drop(index=res.index.intersection(todo.index))
        placed.update(len(inputs) - len(todo))
    if not todo.empty:
        results.append(pd.DataFrame({
            "easting": np.nan, "northing": np.nan, "method": "unmatched", "confidence": 0.0,
            "precision_m": np.nan, "site_id": None, "matched_text": None,
        }, index=todo.index))
    out = pd.concat([r.astype({"easting": float, "northing": float}) for r in results]) if results else _empty()
    for col in AREA_COLS:
        if col not in out.columns:
            out[col] = None
    need = out[AREA_COLS].isna().all(axis=1) & out["easting"].notna()
    if need.any():
        areas = ctx.index.assign(out.loc[need, "easting"], out.loc[need, "northing"])
        for col in AREA_COLS:
            out.loc[need, col] = areas[col].values
    lon, lat = bng_to_wgs84(out["easting"], out["northing"])
    out["lon"], out["lat"] = np.round(lon, 6), np.round(lat, 6)
    out["easting"], out["northing"] = out["easting"].round(1), out["northing"].round(1)
    out["confidence"] = out["confidence"].astype(float).round(3)
    out["precision_m"] = out["precision_m"].astype(float).round(0)
    out.index.name = "input_key"
    placed.finish()
    return out


def geocode_keys(
    con: duckdb.DuckDBPyConnection,
    inputs: pd.DataFrame,
    settings: Settings,
    *,
    ctx: GeoContext | None = None,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Results for prepared inputs (one row per distinct ``input_key``), through the cache."""
    uniq = inputs[inputs["input_key"].ne("")].drop_duplicates("input_key").set_index("input_key")
    ctx = ctx or GeoContext(con, settings, online=online_for(settings, con))
    cached = pd.DataFrame()
    if use_cache and len(uniq):
        keys = pd.DataFrame({"input_key": uniq.index})
        with registered(con, "_geo_keys_in", keys):
            cached = query_df(con, "geo/cache_lookup.sql").set_index("input_key")
    todo = uniq.drop(index=cached.index.intersection(uniq.index)) if len(cached) else uniq
    fresh = run_cascade(todo, ctx) if len(todo) else pd.DataFrame()
    if use_cache and len(fresh):
        frame = fresh.reset_index()
        with registered(con, "_geo_cache_in", frame):
            run_sql(con, "geo/cache_store.sql")
    parts = [p for p in (cached, fresh) if len(p)]
    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS + ["matched_text"]).rename_axis("input_key")
    return pd.concat(parts)


def geocode_frame(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    settings: Settings,
    *,
    use_cache: bool = True,
) -> pd.DataFrame:
    """Geocode any frame with some of ``address, postcode, place, easting, northing, site_ref``.

    Returns the input columns (except those it writes) followed by :data:`OUTPUT_COLUMNS`.
    With ``incident_id`` and ``role`` columns, analysts' overrides for those episodes win.
    A row with no location at all is ``unmatched`` with confidence 0. The pipeline uses
    the same code (:func:`profiles.geo.episodes.geocode_episodes`).
    """
    prepared = prepare_inputs(frame)
    results = geocode_keys(con, prepared, settings, use_cache=use_cache)
    joined = results.reindex(prepared["input_key"].values)
    joined.index = frame.index
    joined["method"] = joined["method"].fillna("unmatched")
    joined["confidence"] = joined["confidence"].fillna(0.0)
    if {"incident_id", "role"} <= set(frame.columns):
        joined = apply_overrides(con, frame[["incident_id", "role"]].astype(str), joined, settings)
    kept = frame[[c for c in frame.columns if c not in OUTPUT_COLUMNS]]
    return pd.concat([kept, joined[OUTPUT_COLUMNS]], axis=1)


def online_for(settings: Settings, con: duckdb.DuckDBPyConnection):
    """The online step of the cascade, or None when ``geocoding.online_provider`` is ``none``."""
    if settings.geocoding.online_provider == "none":
        return None
    from profiles.geo.online import online_step

    return online_step(settings)
