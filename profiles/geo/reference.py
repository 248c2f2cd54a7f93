"""`misper reference import`: reference tables from the official open formats.

Finds the files it knows by their shape anywhere under a folder (:mod:`profiles.geo.detect`),
loads them into the ``ref_*`` tables (sql/schema/11_reference.sql) in one transaction,
records each file with its attribution in ``ref_sources``, then rebuilds the sites
register. Known defects of the published files are repaired here, in code:

- CQC care-home ``area_code`` is malformed (``E0800009`` for ``E08000009``): the LAD is
  taken from ``area_name`` (matched to LAD names in the boundaries), else by
  point-in-polygon.
- The ONS police force area file has an invalid (self-intersecting) Hampshire ring:
  every boundary goes through ``make_valid`` before use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from profiles.canonical import MISSING_FROM_TYPES
from profiles.config import Settings
from profiles.db import query_df, registered, run_sql, transaction
from profiles.errors import InputError
from profiles.geo import boundaries as bnd
from profiles.geo.attribution import attribution_for
from profiles.geo.crs import bng_to_wgs84, wgs84_to_bng
from profiles.geo.detect import OS_OPEN_NAMES_HEADERLESS, Found, read_csv_any, scan
from profiles.geo.normalise import normalise_postcode, normalise_text

#: Precision radius (m) of a gazetteer place by its type when it has no extent box.
PLACE_PRECISION_M = {
    "City": 5000.0,
    "Town": 2000.0,
    "Suburban Area": 1000.0,
    "Village": 750.0,
    "Hamlet": 300.0,
    "Other Settlement": 500.0,
}
#: GeoNames accuracy code -> precision radius (m).
GEONAMES_PRECISION_M = {"4": 1500.0, "3": 3000.0, "1": 5000.0, "": 5000.0}


@dataclass
class ImportResult:
    """What one import found and loaded."""

    directory: Path
    import_id: str
    counts: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, str, int]] = field(default_factory=list)   # (kind, path, rows)
    ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary_text(self) -> str:
        lines = [f"Reference data imported from {self.directory} (import {self.import_id})"]
        for kind, path, rows in self.files:
            lines.append(f"  {kind:<14} {rows:>9,}  {path}")
        lines.append("Tables: " + ", ".join(f"{k} {v:,}" for k, v in self.counts.items()))
        if self.ignored:
            lines.append(f"Passed over {len(self.ignored)} file(s) of no known shape (notes, lookups, ...).")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _sha256(found: Found) -> str:
    h = hashlib.sha256()
    with found.path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    if found.member:
        h.update(found.member.encode())
    return h.hexdigest()


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def import_reference(con: duckdb.DuckDBPyConnection, directory: Path | str, *, settings: Settings) -> ImportResult:
    """Replace the reference tables with what ``directory`` holds; rebuild the sites register."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"Reference folder not found: {directory} (give another folder, or set MISPER_REFERENCE_DIR)")
    found, ignored = scan(directory)
    if not found:
        raise InputError(
            f"{directory}: no reference file of a known shape (Code-Point Open CSV, ONS boundaries, "
            "OS Open Names, GeoNames, CQC care homes, sites list) found in it or below it"
        )
    digests = {f.label: _sha256(f) for f in found}
    import_id = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + hashlib.sha256(
        "".join(sorted(digests.values())).encode()
    ).hexdigest()[:8]
    result = ImportResult(directory=directory, import_id=import_id, ignored=[_rel(p, directory) for p in ignored])
    by_kind: dict[str, list[Found]] = {}
    for f in found:
        by_kind.setdefault(f.kind, []).append(f)

    sources: list[dict] = []

    def add_source(f: Found, rows: int, detail: str = "") -> str:
        rel = _rel(f.path, directory) + (f"!{f.member}" if f.member else "")
        source_id = f"{f.kind}:{rel}"
        sources.append({
            "source_id": source_id, "kind": f.kind, "dataset": f.path.parent.name, "path": rel,
            "sha256": digests[f.label], "rows": rows, "detail": detail,
            "attribution": attribution_for(f.kind, f.path, directory),
            "import_id": import_id, "imported_at": pd.Timestamp.now(tz="UTC"),
        })
        result.files.append((f.kind, rel, rows))
        return source_id

    with transaction(con):
        run_sql(con, "geo/ref_clear.sql")
        _import_boundaries(con, by_kind.get("boundary", []), add_source, result)
        index = bnd.AreaIndex(con)
        _import_postcodes(con, by_kind.get("codepoint", []), add_source, index)
        _import_places(con, by_kind.get("os_open_names", []), by_kind.get("geonames", []), add_source, index)
        _import_partials(con)
        _import_care_homes(con, by_kind.get("cqc", []), add_source, index, result)
        _import_user_sites(con, by_kind.get("user_sites", []), add_source, result)
        frame = pd.DataFrame(sources)
        with registered(con, "_ref_sources_in", frame):
            run_sql(con, "geo/ref_insert_sources.sql")
        run_sql(con, "geo/ref_set_meta.sql", {"key": "import_id", "value": import_id})
        run_sql(con, "geo/cache_clear.sql")  # results may differ with the new reference
        run_sql(con, "geo/ref_set_meta.sql", {"key": "reference_dir", "value": str(directory)})
        from profiles.geo.sites import build_sites_register

        build_sites_register(con, settings, index=index)
    result.counts = {
        row["table_name"]: int(row["rows"]) for row in query_df(con, "geo/ref_counts.sql").to_dict("records")
    }
    return result


# ---- boundaries -------------------------------------------------------------------------

def _import_boundaries(con, files: list[Found], add_source, result: ImportResult) -> None:
    layers: dict[str, dict[str, object]] = {}
    for f in files:
        frame = bnd.read_boundary_file(f.path, f.info)
        sid = add_source(f, len(frame), f"level={f.info['level']}")
        layers.setdefault(f.info["level"], {})[sid] = frame
    rows = []
    for level, by_source in layers.items():
        ranks = bnd.rank_sources(by_source)
        for sid, frame in by_source.items():
            rows.append(pd.DataFrame({
                "level": level, "code": frame["code"].values, "name": frame["name"].values,
                "source_id": sid, "detail_rank": ranks[sid],
                "vertices": shapely.get_num_coordinates(frame.geometry.values),
                "geom_wkb": shapely.to_wkb(frame.geometry.values),
            }))
    if rows:
        frame = pd.concat(rows, ignore_index=True)
        with registered(con, "_ref_boundaries_in", frame):
            run_sql(con, "geo/ref_insert_boundaries.sql")
    lads = bnd.load_boundaries(con, "lad")
    pfas = bnd.load_boundaries(con, "pfa")
    if not lads.empty and not pfas.empty:
        lookup = bnd.lad_to_pfa(lads, pfas)
        with registered(con, "_ref_lad_pfa_in", lookup):
            run_sql(con, "geo/ref_insert_lad_pfa.sql")
    elif not files:
        result.warnings.append("no boundaries found: areas (force, LAD, ward, LSOA) will be empty")


# ---- postcodes --------------------------------------------------------------------------

def _import_postcodes(con, files: list[Found], add_source, index: bnd.AreaIndex) -> None:
    if not files:
        return
    with tempfile.TemporaryDirectory() as tmp:
        paths: list[str] = []
        source_of: dict[str, str] = {}
        for f in files:
            if f.member:
                with zipfile.ZipFile(f.path) as zf:
                    target = Path(tmp) / re.sub(r"[^A-Za-z0-9_.-]", "_", f.member)
                    target.write_bytes(zf.read(f.member))
                path = str(target)
            else:
                path = str(f.path)
            paths.append(path)
            source_of[path] = f
        frame = query_df(con, "geo/read_codepoint.sql", {"files": paths})
    counts = frame.groupby("filename").size()
    sids = {path: add_source(source_of[path], int(counts.get(path, 0))) for path in paths}
    frame["source_id"] = frame["filename"].map(sids)
    frame = frame.drop(columns=["filename"])
    lon, lat = bng_to_wgs84(frame["easting"], frame["northing"])
    frame["lon"], frame["lat"] = lon, lat
    areas = index.assign(frame["easting"], frame["northing"])
    for col in areas.columns:
        frame[col] = areas[col].values
    with registered(con, "_ref_postcodes_in", frame):
        run_sql(con, "geo/ref_insert_postcodes.sql")


def _import_partials(con) -> None:
    frame = query_df(con, "geo/postcode_partials.sql")
    if frame.empty:
        return
    lon, lat = bng_to_wgs84(frame["easting"], frame["northing"])
    frame["lon"], frame["lat"] = lon, lat
    with registered(con, "_ref_partials_in", frame):
        run_sql(con, "geo/ref_insert_partials.sql")


# ---- gazetteers -------------------------------------------------------------------------

def _col(frame: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series("", index=frame.index)


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _read_os_open_names(f: Found) -> pd.DataFrame:
    if f.info.get("header", True):
        raw = read_csv_any(f)
    else:
        raw = read_csv_any(f, header=None, names=OS_OPEN_NAMES_HEADERLESS)
    if "TYPE" in raw.columns:
        raw = raw[raw["TYPE"].isin(["populatedPlace", ""])]
    x = _num(_col(raw, "X", "GEOMETRY_X"))
    y = _num(_col(raw, "Y", "GEOMETRY_Y"))
    x0, y0 = _num(_col(raw, "MBRXMIN", "MBR_XMIN")), _num(_col(raw, "MBRYMIN", "MBR_YMIN"))
    x1, y1 = _num(_col(raw, "MBRXMAX", "MBR_XMAX")), _num(_col(raw, "MBRYMAX", "MBR_YMAX"))
    local_type = _col(raw, "LOCAL_TYPE")
    by_type = local_type.map(PLACE_PRECISION_M).fillna(1000.0)
    half_diag = (np.hypot(x1 - x0, y1 - y0) / 2).clip(lower=100.0)
    base = pd.DataFrame({
        "place_id": _col(raw, "ID").str.replace(r"^.*/", "", regex=True),
        "source": "os_open_names",
        "local_type": local_type,
        "easting": x, "northing": y,
        "precision_m": half_diag.fillna(by_type),
        "postcode_district": _col(raw, "POSTCODE_DISTRICT").str.replace(r"^.*/", "", regex=True),
        "district_name": _col(raw, "DISTRICT_BOROUGH"),
        "county_name": _col(raw, "COUNTY_UNITARY"),
    })
    names = []
    for name_col in ("NAME1", "NAME2"):
        part = base.copy()
        part["name"] = _col(raw, name_col)
        names.append(part[part["name"].str.strip() != ""])
    return pd.concat(names, ignore_index=True)


def _read_geonames(f: Found) -> pd.DataFrame:
    raw = read_csv_any(f, sep="\t", header=None, quoting=3)
    raw.columns = ["country", "postal_code", "place_name", "admin_name1", "admin_code1", "admin_name2",
                   "admin_code2", "admin_name3", "admin_code3", "lat", "lon", "accuracy"][: raw.shape[1]]
    e, n = wgs84_to_bng(_num(raw["lon"]), _num(raw["lat"]))
    return pd.DataFrame({
        "place_id": "geonames:" + raw["postal_code"] + ":" + raw["place_name"],
        "source": "geonames",
        "name": raw["place_name"],
        "local_type": "postal place",
        "easting": e, "northing": n,
        "precision_m": raw["accuracy"].map(GEONAMES_PRECISION_M).fillna(5000.0),
        "postcode_district": raw["postal_code"],
        "district_name": raw["admin_name3"].where(raw["admin_name3"] != "", raw["admin_name2"]),
        "county_name": raw["admin_name2"],
    })


def _import_places(con, names_files: list[Found], geonames_files: list[Found], add_source, index) -> None:
    frames = []
    for f in names_files:
        frame = _read_os_open_names(f)
        frame["source_id"] = add_source(f, int(frame["place_id"].nunique()))
        frames.append(frame)
    for f in geonames_files:
        frame = _read_geonames(f)
        frame["source_id"] = add_source(f, len(frame))
        frames.append(frame)
    if not frames:
        return
    places = pd.concat(frames, ignore_index=True)
    # The slim and the full OS Open Names file hold the same places: keep each once.
    places = places.drop_duplicates(["source", "place_id", "name"]).reset_index(drop=True)
    places = places[places["easting"].notna() & places["northing"].notna()].reset_index(drop=True)
    places["name_norm"] = normalise_text(places["name"])
    lon, lat = bng_to_wgs84(places["easting"], places["northing"])
    places["lon"], places["lat"] = lon, lat
    areas = index.assign(places["easting"], places["northing"])
    places["force_area"] = areas["force_area"].values
    places["lad_code"] = areas["lad_code"].values
    with registered(con, "_ref_places_in", places):
        run_sql(con, "geo/ref_insert_places.sql")


# ---- sites ------------------------------------------------------------------------------

def _import_care_homes(con, files: list[Found], add_source, index, result: ImportResult) -> None:
    if not files:
        return
    lad_names = query_df(con, "geo/lad_names.sql")
    name_to_code = {str(n).strip().lower(): c for n, c in zip(lad_names["name"], lad_names["code"]) if n}
    known_codes = set(lad_names["code"])
    frames = []
    for f in files:
        raw = read_csv_any(f)
        lon, lat = _num(raw["lon"]), _num(raw["lat"])
        e, n = wgs84_to_bng(lon, lat)
        vintage = re.search(r"(\d{4}-\d{2}(?:-\d{2})?)", f.path.name)
        frame = pd.DataFrame({
            "cqc_location_id": _col(raw, "cqc_id", "cqc_location_id").replace("", None),
            "name": raw["name"].str.strip(),
            "service_types": _col(raw, "type"),
            "address": raw["address"],
            "postcode": normalise_postcode(raw["postcode"]).replace("", None),
            "area_code": raw["area_code"].str.strip(),
            "lad_name": raw["area_name"].str.strip(),
            "easting": e, "northing": n, "lat": lat, "lon": lon,
            "provider": _col(raw, "provider").replace("", None),
            "vintage": vintage.group(1) if vintage else "",
            "source_row": np.arange(1, len(raw) + 1),
        })
        frame["source_id"] = add_source(f, len(frame))
        frames.append(frame)
    homes = pd.concat(frames, ignore_index=True)
    # The published area_code is malformed: trust it only when it is a real LAD code.
    by_code = homes["area_code"].where(homes["area_code"].isin(known_codes))
    by_name = homes["lad_name"].str.lower().map(name_to_code)
    pip = index.assign(homes["easting"], homes["northing"])["lad_code"]
    homes["lad_code"] = by_code.fillna(by_name).fillna(pd.Series(pip.values, index=homes.index))
    repaired = int((homes["area_code"] != homes["lad_code"]).sum())
    if repaired:
        result.warnings.append(f"CQC care homes: area_code repaired for {repaired} row(s) (malformed upstream)")
    # The same home in two directory editions (its postcode may have been re-issued): keep
    # the newest, with any CQC id known.
    homes["_key"] = normalise_text(homes["name"]) + "|" + normalise_text(homes["address"])
    ids = homes.dropna(subset=["cqc_location_id"]).drop_duplicates("_key").set_index("_key")["cqc_location_id"]
    homes = homes.sort_values("vintage", ascending=False).drop_duplicates("_key")
    homes["cqc_location_id"] = homes["cqc_location_id"].astype(object).fillna(homes["_key"].map(ids).astype(object))
    homes = homes.drop(columns=["_key", "area_code"]).sort_values(["source_id", "source_row"])
    with registered(con, "_ref_care_homes_in", homes):
        run_sql(con, "geo/ref_insert_care_homes.sql")


def _import_user_sites(con, files: list[Found], add_source, result: ImportResult) -> None:
    frames = []
    for f in files:
        raw = read_csv_any(f)
        raw.columns = [c.strip().lower() for c in raw.columns]
        problems = []
        for i, row in raw.iterrows():
            line = i + 2  # header is line 1
            if not str(row.get("site_ref", "")).strip():
                problems.append(f"{f.path}: row {line}, field site_ref: empty")
            t = str(row.get("type", "")).strip().lower()
            if t not in MISSING_FROM_TYPES:
                problems.append(f"{f.path}: row {line}, field type: {t!r} is not a missing_from_type code")
            for coord in ("easting", "northing"):
                v = str(row.get(coord, "")).strip()
                if v and pd.isna(pd.to_numeric(v, errors="coerce")):
                    problems.append(f"{f.path}: row {line}, field {coord}: {v!r} is not a number")
        if problems:
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise InputError("; ".join(problems[:3]) + more)
        dup = raw["site_ref"].str.strip().str.upper().duplicated()
        if dup.any():
            line = int(np.flatnonzero(dup.values)[0]) + 2
            raise InputError(f"{f.path}: row {line}, field site_ref: {raw['site_ref'].iloc[line - 2]!r} repeats an earlier row")
        frame = pd.DataFrame({
            "site_ref": raw["site_ref"].str.strip(),
            "name": _col(raw, "name").str.strip(),
            "type": raw["type"].str.strip().str.lower(),
            "address": _col(raw, "address").str.strip(),
            "postcode": normalise_postcode(_col(raw, "postcode")).replace("", None),
            "easting": _num(_col(raw, "easting")),
            "northing": _num(_col(raw, "northing")),
            "cqc_location_id": _col(raw, "cqc_location_id").str.strip().replace("", None),
            "source_row": np.arange(1, len(raw) + 1),
        })
        frame["source_id"] = add_source(f, len(frame))
        frames.append(frame)
    if not frames:
        return
    sites = pd.concat(frames, ignore_index=True).drop_duplicates("site_ref", keep="last")
    with registered(con, "_ref_user_sites_in", sites):
        run_sql(con, "geo/ref_insert_user_sites.sql")


def current_import_id(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id of the reference import in the database (None before any import)."""
    rows = query_df(con, "geo/ref_get_meta.sql", {"key": "import_id"})
    return None if rows.empty else str(rows["value"].iloc[0])
