"""The real geography the synthetic force lives on, read from the reference folder.

The generator reads the official open formats (found by shape anywhere under the folder,
as ``misper reference import`` does): Code-Point Open postcodes, the CQC care-home
directory, OS Open Names populated places, GeoNames postal places, and a user sites CSV
(the synthetic children's homes and other sites; synthesised here when the folder has
none). It works from the full ../shared/geo and from the small extract committed in
data/sample/reference alike, and gives the same result from both: every subset it takes
is chosen by a stable hash of the record, and the extract holds exactly those records.
"""

from __future__ import annotations

import csv
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from profiles.errors import MisperError
from profiles.sample import calibration as cal
from profiles.sample.sites import synthesise_sites
from profiles.sample.stable import stable_fraction

#: Share of Greater Manchester postcodes the sample draws on (stable hash of the postcode).
GM_POOL_FRACTION = 1 / 12
#: Share of the other postcodes in the same postcode areas (found outside the force).
OUTSIDE_POOL_FRACTION = 1 / 25
#: Share of the CQC care homes that appear in the sample.
CARE_HOME_FRACTION = 0.5

CODEPOINT_COLUMNS = ["PC", "PQ", "EA", "NO", "CY", "RH", "LH", "CC", "DC", "WC"]
GEONAMES_COLUMNS = [
    "country_code", "postal_code", "place_name", "admin_name1", "admin_code1", "admin_name2",
    "admin_code2", "admin_name3", "admin_code3", "latitude", "longitude", "accuracy",
]
SITES_HEADER = ["site_ref", "name", "type", "address", "postcode", "easting", "northing", "cqc_location_id"]
CQC_2019_HEADER = ["name", "type", "address", "postcode", "telephone", "website", "area_name", "area_code", "lon", "lat"]

#: Populated-place types used for "found in a town centre".
CENTRE_TYPES = ("City", "Town")


class ReferenceDataError(MisperError):
    """The reference folder lacks what the sample generator needs."""


# ---- finding files by shape ---------------------------------------------------------------

@dataclass
class ReferenceFiles:
    codepoint: list[Path]
    cqc_2019: list[Path]
    cqc_other: list[Path]
    user_sites: list[Path]
    open_names_csv: list[Path]
    open_names_zip: list[tuple[Path, str]]
    geonames: list[Path]


def _first_line(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding).splitlines()[0] if raw else ""
        except UnicodeDecodeError:
            continue
    return ""


def _kind(first_line: str) -> str | None:
    from profiles.geo.detect import classify_text

    kind, info = classify_text([first_line])
    if kind == "cqc":
        return "cqc_2019" if info.get("shape") == "cqc_2019" else "cqc_other"
    return kind


#: The ``ReferenceFiles`` list each kind of delimited file (``_kind``) goes in.
_KIND_LISTS = {
    "codepoint": "codepoint",
    "cqc_2019": "cqc_2019",
    "cqc_other": "cqc_other",
    "user_sites": "user_sites",
    "os_open_names": "open_names_csv",
    "geonames": "geonames",
}


def find_reference_files(folder: Path) -> ReferenceFiles:
    found = ReferenceFiles([], [], [], [], [], [], [])
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            suffix = path.suffix.lower()
            if suffix in (".csv", ".txt"):
                with path.open("rb") as fh:
                    kind = _kind(_first_line(fh.read(4096)))
                if kind in _KIND_LISTS:
                    getattr(found, _KIND_LISTS[kind]).append(path)
            elif suffix == ".zip":
                try:
                    with zipfile.ZipFile(path) as zf:
                        for member in sorted(zf.namelist()):
                            if member.lower().endswith(".csv"):
                                with zf.open(member) as fh:
                                    if _kind(_first_line(fh.read(4096))) == "os_open_names":
                                        found.open_names_zip.append((path, member))
                except zipfile.BadZipFile:
                    continue
    return found


# ---- readers ------------------------------------------------------------------------------

def read_codepoint(paths: list[Path]) -> pd.DataFrame:
    """Code-Point Open rows of the postcode areas around Greater Manchester, deduplicated."""
    frames = []
    for path in paths:
        with path.open("rb") as fh:
            first = _first_line(fh.read(256))
        area = next(csv.reader([first]))[0].strip().upper()
        area = area[: 2 if len(area) > 1 and area[1].isalpha() else 1]
        if area not in cal.POSTCODE_AREAS:
            continue
        frames.append(pd.read_csv(path, header=None, names=CODEPOINT_COLUMNS, dtype=str, keep_default_na=False))
    if not frames:
        return pd.DataFrame(columns=CODEPOINT_COLUMNS)
    cp = pd.concat(frames, ignore_index=True)
    cp["PC"] = cp["PC"].str.strip().str.upper()
    cp = cp[cp["PQ"].str.strip() != "90"].drop_duplicates("PC").sort_values("PC", ignore_index=True)
    cp["EA"] = pd.to_numeric(cp["EA"], errors="coerce")
    cp["NO"] = pd.to_numeric(cp["NO"], errors="coerce")
    return cp.dropna(subset=["EA", "NO"]).reset_index(drop=True)


def pool_postcodes(cp: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stable subsets of postcodes the sample uses: inside the force, and outside it."""
    frac = stable_fraction(cp["PC"])
    inside = cp["DC"].isin(cal.GM_LAD_CODES)
    outside = ~inside & cp["DC"].str.match(r"^[EW]\d{8}$")
    gm = cp[inside & (frac < GM_POOL_FRACTION)].reset_index(drop=True)
    out = cp[outside & (frac < OUTSIDE_POOL_FRACTION)].reset_index(drop=True)
    return gm, out


def read_care_homes(paths: list[Path]) -> pd.DataFrame:
    """The CQC care homes in Greater Manchester that the sample uses (a stable half)."""
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig") for p in paths]
    if not frames:
        return pd.DataFrame(columns=CQC_2019_HEADER)
    homes = pd.concat(frames, ignore_index=True)
    gm_names = set(cal.GM_LAD_NAMES.values())
    homes = homes[homes["area_name"].str.strip().isin(gm_names)]
    homes = homes.drop_duplicates(["name", "postcode"])
    homes = homes[stable_fraction(homes["name"] + "|" + homes["postcode"]) < CARE_HOME_FRACTION]
    return homes.sort_values(["postcode", "name"], ignore_index=True)


def read_open_names(files: ReferenceFiles) -> pd.DataFrame:
    """OS Open Names populated places: all in Greater Manchester plus the named places outside."""
    if files.open_names_csv:
        raw = pd.concat(
            [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig") for p in files.open_names_csv],
            ignore_index=True,
        )
    elif files.open_names_zip:
        parts = []
        for path, member in files.open_names_zip:
            with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
                parts.append(pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
        raw = pd.concat(parts, ignore_index=True)
    else:
        return pd.DataFrame(columns=["ID", "NAME1", "LOCAL_TYPE", "X", "Y", "DISTRICT_BOROUGH"])
    raw["ID"] = raw["ID"].str.replace(r"^.*/", "", regex=True)
    raw["DISTRICT_BOROUGH"] = raw["DISTRICT_BOROUGH"].str.replace(r"^.*/", "", regex=True)
    raw = raw.drop_duplicates("ID")
    gm = raw[raw["DISTRICT_BOROUGH"].isin(set(cal.GM_LAD_NAMES.values()))]
    return pd.concat([gm, outside_places(raw)]).sort_values("ID", ignore_index=True)


def outside_places(raw: pd.DataFrame) -> pd.DataFrame:
    """One OS Open Names row per named place outside the force (the city or town of that name)."""
    cand = raw[raw["NAME1"].isin(cal.OUTSIDE_FOUND_PLACES) & raw["LOCAL_TYPE"].isin(CENTRE_TYPES)
               & (raw["COUNTRY"].str.contains("England", na=False))
               & ~raw["DISTRICT_BOROUGH"].isin(set(cal.GM_LAD_NAMES.values()))]
    return cand.sort_values("ID").drop_duplicates("NAME1")


def read_geonames(paths: list[Path]) -> pd.DataFrame:
    frames = [
        pd.read_csv(p, sep="\t", header=None, names=GEONAMES_COLUMNS, dtype=str, keep_default_na=False, quoting=3)
        for p in paths
    ]
    if not frames:
        return pd.DataFrame(columns=GEONAMES_COLUMNS)
    g = pd.concat(frames, ignore_index=True)
    g = g[g["admin_name2"] == "Greater Manchester"].drop_duplicates(["postal_code", "place_name"])
    return g.sort_values(["postal_code", "place_name"], ignore_index=True)


def read_user_sites(paths: list[Path]) -> pd.DataFrame:
    frames = []
    for p in paths:
        frame = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for col in SITES_HEADER:
            if col not in frame.columns:
                frame[col] = ""
        frame["_file"], frame["_row"] = str(p), np.arange(2, len(frame) + 2)  # line 1 is the header
        frames.append(frame)
    sites = pd.concat(frames, ignore_index=True).drop_duplicates("site_ref", keep="last")
    return sites.sort_values("site_ref", ignore_index=True)


def wgs84_to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    e, n = t.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(e), np.asarray(n)


def bng_to_wgs84(e: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = t.transform(np.asarray(e, dtype=float), np.asarray(n, dtype=float))
    return np.asarray(lon), np.asarray(lat)


# ---- the assembled geography --------------------------------------------------------------

@dataclass
class Geography:
    """Everything the generator places people on, as aligned arrays."""

    folder: Path
    #: Postcodes inside the force: text, easting, northing, borough index (into GM_LOCAL_AUTHORITIES).
    pc: np.ndarray
    pc_e: np.ndarray
    pc_n: np.ndarray
    pc_lad: np.ndarray
    #: Nearest populated place (index into place_*) and GeoNames place (index into geo_*) per postcode.
    pc_place: np.ndarray
    pc_geoname: np.ndarray
    #: The nearest other pool postcodes of each postcode (rows: postcodes; first column itself).
    pc_neighbours: np.ndarray
    #: Postcodes outside the force (same postcode areas).
    out_pc: np.ndarray
    out_e: np.ndarray
    out_n: np.ndarray
    #: Populated places in the force (OS Open Names): name, local type, easting, northing.
    place_name: np.ndarray
    place_type: np.ndarray
    place_e: np.ndarray
    place_n: np.ndarray
    #: Town and city centres in the force (indices into place_*), and their weights.
    centres: np.ndarray
    centre_weight: np.ndarray
    #: Named places outside the force.
    out_place_name: np.ndarray
    out_place_e: np.ndarray
    out_place_n: np.ndarray
    #: GeoNames postal places in the force.
    geo_name: np.ndarray
    geo_e: np.ndarray
    geo_n: np.ndarray
    #: Known sites: synthetic children's homes etc. and the real CQC care homes used.
    sites: pd.DataFrame
    care_homes: pd.DataFrame
    #: Whether the sites came from a sites CSV in the folder (else synthesised).
    sites_from_file: bool


def load_geography(folder: Path) -> Geography:
    """Read and assemble the reference data under ``folder``; a clear error if it is missing."""
    from scipy.spatial import cKDTree

    folder = Path(folder)
    if not folder.is_dir():
        raise ReferenceDataError(
            f"Reference folder not found: {folder} (set MISPER_REFERENCE_DIR, or paths.reference_dir in the config)"
        )
    files = find_reference_files(folder)
    cp = read_codepoint(files.codepoint)
    if cp.empty:
        raise ReferenceDataError(
            f"{folder}: no Code-Point Open files for the postcode areas {', '.join(cal.POSTCODE_AREAS)} "
            "(the sample needs Greater Manchester postcodes)"
        )
    gm, out = pool_postcodes(cp)
    if len(gm) < 200:
        raise ReferenceDataError(f"{folder}: only {len(gm)} usable Greater Manchester postcodes; need at least 200")
    lad_index = {code: i for i, code in enumerate(cal.GM_LAD_CODES)}
    names = read_open_names(files)
    if names.empty:
        raise ReferenceDataError(f"{folder}: no OS Open Names populated places (the sample needs place names)")
    gm_names = names[names["DISTRICT_BOROUGH"].isin(set(cal.GM_LAD_NAMES.values()))].reset_index(drop=True)
    out_names = names[~names["ID"].isin(gm_names["ID"])].reset_index(drop=True)
    geon = read_geonames(files.geonames)
    ge, gn = wgs84_to_bng(pd.to_numeric(geon["longitude"]).values, pd.to_numeric(geon["latitude"]).values) \
        if len(geon) else (np.zeros(0), np.zeros(0))

    pc_e, pc_n = gm["EA"].to_numpy(float), gm["NO"].to_numpy(float)
    place_e = pd.to_numeric(gm_names["X"]).to_numpy(float)
    place_n = pd.to_numeric(gm_names["Y"]).to_numpy(float)
    pts = np.column_stack([pc_e, pc_n])
    _, pc_place = cKDTree(np.column_stack([place_e, place_n])).query(pts)
    if len(geon):
        _, pc_geoname = cKDTree(np.column_stack([ge, gn])).query(pts)
    else:
        pc_geoname = np.full(len(gm), -1)
    k = min(41, len(gm))
    _, neighbours = cKDTree(pts).query(pts, k=k)

    centre_mask = gm_names["LOCAL_TYPE"].isin(CENTRE_TYPES).to_numpy()
    centres = np.flatnonzero(centre_mask)
    borough_towns = set(cal.GM_LAD_NAMES.values()) | {"Ashton-under-Lyne", "Altrincham", "Sale", "Stretford"}
    weight = np.where(gm_names["NAME1"].iloc[centres].isin(borough_towns), 4.0, 1.0)
    weight = np.where(gm_names["NAME1"].iloc[centres] == "Manchester", 25.0, weight)

    if files.user_sites:
        sites = read_user_sites(files.user_sites)
        from_file = True
    else:
        sites = synthesise_sites(gm, gm_names, pc_place)
        from_file = False
    sites = _locate_sites(sites.sort_values("site_ref", ignore_index=True), cp, pts)

    homes = read_care_homes(files.cqc_2019 or files.cqc_other)
    homes = _locate_care_homes(homes, cp, pts)

    return Geography(
        folder=folder,
        pc=gm["PC"].to_numpy(object),
        pc_e=pc_e,
        pc_n=pc_n,
        pc_lad=gm["DC"].map(lad_index).to_numpy(np.int8),
        pc_place=np.asarray(pc_place, dtype=np.int32),
        pc_geoname=np.asarray(pc_geoname, dtype=np.int32),
        pc_neighbours=np.asarray(neighbours, dtype=np.int32).reshape(len(gm), k),
        out_pc=out["PC"].to_numpy(object),
        out_e=out["EA"].to_numpy(float),
        out_n=out["NO"].to_numpy(float),
        place_name=gm_names["NAME1"].to_numpy(object),
        place_type=gm_names["LOCAL_TYPE"].to_numpy(object),
        place_e=place_e,
        place_n=place_n,
        centres=centres.astype(np.int32),
        centre_weight=weight / weight.sum(),
        out_place_name=out_names["NAME1"].to_numpy(object),
        out_place_e=pd.to_numeric(out_names["X"]).to_numpy(float),
        out_place_n=pd.to_numeric(out_names["Y"]).to_numpy(float),
        geo_name=geon["place_name"].to_numpy(object),
        geo_e=np.asarray(ge, dtype=float),
        geo_n=np.asarray(gn, dtype=float),
        sites=sites,
        care_homes=homes,
        sites_from_file=from_file,
    )


def _locate_sites(sites: pd.DataFrame, cp: pd.DataFrame, pool_pts: np.ndarray) -> pd.DataFrame:
    """Sites at their given coordinates, else at their postcode's centroid; a site with
    neither is an error naming its file, row and field."""
    from scipy.spatial import cKDTree

    sites = sites.copy()
    sites["e"] = pd.to_numeric(sites["easting"], errors="coerce")
    sites["n"] = pd.to_numeric(sites["northing"], errors="coerce")
    by_pc = cp.set_index("PC")
    postcode = sites["postcode"].astype(str).str.strip().str.upper()
    sites["e"] = sites["e"].fillna(postcode.map(by_pc["EA"]))
    sites["n"] = sites["n"].fillna(postcode.map(by_pc["NO"]))
    lost = sites["e"].isna() | sites["n"].isna()
    if lost.any():
        row = sites[lost].iloc[0]
        where = f"{row['_file']}: row {row['_row']}" if "_file" in sites.columns else f"site {row['site_ref']}"
        raise ReferenceDataError(
            f"{where}, field easting/northing: site {row['site_ref']!r} has no coordinates and its postcode "
            f"{row['postcode']!r} is not in the Code-Point Open files ({int(lost.sum())} such site(s))"
        )
    sites = sites.drop(columns=[c for c in ("_file", "_row") if c in sites.columns]).reset_index(drop=True)
    _, anchor = cKDTree(pool_pts).query(np.column_stack([sites["e"], sites["n"]]))
    sites["anchor"] = np.asarray(anchor, dtype=np.int32)
    return sites


def _locate_care_homes(homes: pd.DataFrame, cp: pd.DataFrame, pool_pts: np.ndarray) -> pd.DataFrame:
    """Care homes at their Code-Point centroid (the directory's own lon/lat where the postcode is unknown)."""
    from scipy.spatial import cKDTree

    homes = homes.copy()
    if homes.empty:
        for col in ("e", "n", "anchor", "lad", "nursing"):
            homes[col] = pd.Series(dtype=float)
        return homes
    by_pc = cp.set_index("PC")
    pcs = homes["postcode"].str.strip().str.upper()
    e = pcs.map(by_pc["EA"]).to_numpy(float)
    n = pcs.map(by_pc["NO"]).to_numpy(float)
    missing = np.isnan(e)
    if missing.any():
        le, ln = wgs84_to_bng(pd.to_numeric(homes["lon"][missing]).values, pd.to_numeric(homes["lat"][missing]).values)
        e[missing], n[missing] = le, ln
    homes["e"], homes["n"] = np.round(e), np.round(n)
    _, anchor = cKDTree(pool_pts).query(np.column_stack([homes["e"], homes["n"]]))
    homes["anchor"] = np.asarray(anchor, dtype=np.int32)
    name_to_idx = {name: i for i, name in enumerate(cal.GM_LAD_NAMES.values())}
    homes["lad"] = homes["area_name"].str.strip().map(name_to_idx).astype(int)
    homes["nursing"] = homes["type"].str.contains("Nursing", case=False)
    return homes.reset_index(drop=True)
