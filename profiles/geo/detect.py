"""Finding reference files by their shape, anywhere under a folder.

Users download open data in its official formats and unpack it however they like, so
the importer does not rely on names or layout: it opens each candidate file and
recognises it by what it contains.

| kind          | recognised by |
|---------------|---------------|
| codepoint     | CSV, no header, 10 fields, a postcode then an integer quality, then easting/northing |
| os_open_names | CSV with header NAME1, LOCAL_TYPE, X/Y (or GEOMETRY_X/Y), or headerless OS Open Names rows (``osgb...`` ids); also inside a zip |
| geonames      | tab-separated, no header, 12 fields: country code, postal code, place, ..., latitude, longitude, accuracy |
| cqc           | CSV with header name, postcode, area_name, area_code, lon, lat (with or without cqc_id) |
| user_sites    | CSV with header site_ref, name, type (address, postcode, easting, northing, cqc_location_id optional) |
| population    | CSV in the ONS mid-year estimates layout: an area code column (code, ladcode…), a name, sex, and single-year-of-age columns 0, 1, … 90 (90 = 90 and over) |
| boundary      | GeoJSON / GeoPackage / TopoJSON whose features carry a unique GSS code property: the code's prefix gives the level (E23/W15 police force area, E06-E09/W06 LAD, E05/W05 ward, E01/W01 LSOA, E02/W02 MSOA) |
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_GSS = re.compile(r"^[EWSN]\d{8}$")

#: GSS code prefix -> boundary level.
GSS_LEVELS = {
    "E23": "pfa", "W15": "pfa", "S23": "pfa", "N23": "pfa",
    "E06": "lad", "E07": "lad", "E08": "lad", "E09": "lad", "W06": "lad", "S12": "lad", "N09": "lad",
    "E05": "ward", "W05": "ward", "S13": "ward", "N08": "ward",
    "E01": "lsoa", "W01": "lsoa",
    "E02": "msoa", "W02": "msoa",
}
BOUNDARY_SUFFIXES = (".geojson", ".json", ".gpkg", ".topojson")
OS_OPEN_NAMES_HEADERLESS = [
    "ID", "NAMES_URI", "NAME1", "NAME1_LANG", "NAME2", "NAME2_LANG", "TYPE", "LOCAL_TYPE",
    "GEOMETRY_X", "GEOMETRY_Y", "MOST_DETAIL_VIEW_RES", "LEAST_DETAIL_VIEW_RES", "MBR_XMIN",
    "MBR_YMIN", "MBR_XMAX", "MBR_YMAX", "POSTCODE_DISTRICT", "POSTCODE_DISTRICT_URI",
    "POPULATED_PLACE", "POPULATED_PLACE_URI", "POPULATED_PLACE_TYPE", "DISTRICT_BOROUGH",
    "DISTRICT_BOROUGH_URI", "DISTRICT_BOROUGH_TYPE", "COUNTY_UNITARY", "COUNTY_UNITARY_URI",
    "COUNTY_UNITARY_TYPE", "REGION", "REGION_URI", "COUNTRY", "COUNTRY_URI",
    "RELATED_SPATIAL_OBJECT", "SAME_AS_DBPEDIA", "SAME_AS_GEONAMES",
]


@dataclass
class Found:
    """One recognised file (or zip member)."""

    kind: str
    path: Path                       # the file on disk (a zip for zip members)
    member: str | None = None        # member name inside a zip
    info: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)


def _decoded(raw: bytes) -> str:
    """``raw`` as UTF-8 (a BOM dropped), else cp1252; the cp1252 error when neither decodes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _first_lines(raw: bytes, n: int = 3) -> list[str]:
    try:
        text = _decoded(raw)
    except UnicodeDecodeError:  # pragma: no cover - cp1252 decodes nearly anything
        return []
    return text.splitlines()[:n]


def classify_text(first_lines: list[str]) -> tuple[str | None, dict]:
    """The kind of a delimited text file from its first lines (or ``None``)."""
    if not first_lines:
        return None, {}
    line = first_lines[0]
    if "\t" in line:
        fields = line.split("\t")
        if (len(fields) == 12 and re.fullmatch(r"[A-Z]{2}", fields[0]) and fields[1]
                and _is_float(fields[9]) and _is_float(fields[10])):
            return "geonames", {}
        return None, {}
    try:
        fields = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None, {}
    header = {f.strip().lower() for f in fields}
    upper = {f.strip().upper() for f in fields}
    if len(fields) == 10 and _POSTCODE.match(fields[0].strip().upper()) and fields[1].strip().isdigit():
        return "codepoint", {}
    if "sex" in header and {"0", "1", "17", "18"} <= {h.rstrip("+") for h in header} and population_code_column(fields):
        return "population", {}
    if {"site_ref", "name", "type"} <= header:
        return "user_sites", {}
    if {"name", "postcode", "area_name", "area_code", "lon", "lat"} <= header:
        return "cqc", {"shape": "cqc_2026" if "cqc_id" in header else "cqc_2019"}
    if "NAME1" in upper and "LOCAL_TYPE" in upper and ({"X", "Y"} <= upper or {"GEOMETRY_X", "GEOMETRY_Y"} <= upper):
        return "os_open_names", {"header": True}
    if len(fields) == len(OS_OPEN_NAMES_HEADERLESS) and fields[0].startswith("osgb"):
        return "os_open_names", {"header": False}
    return None, {}


def population_code_column(fields: list[str]) -> str | None:
    """The area-code column of an ONS population table (``code``, ``ladcode23``, ``lad23cd``...)."""
    for f in fields:
        name = f.strip().lower()
        if name == "code" or name.startswith("ladcode") or re.fullmatch(r"lad\d*cd", name):
            return f
    return None


def _is_float(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def classify_boundary(path: Path, layer: str | None = None) -> dict | None:
    """Level, code and name properties of a boundary file, or ``None`` when it is not one."""
    import pyogrio

    try:
        props = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
    except Exception:  # noqa: BLE001 - not a readable vector file: not ours
        return None
    if props.empty:
        return None
    best: tuple[int, str, str] | None = None
    for column in props.columns:
        values = props[column].dropna().astype(str)
        if values.empty or not values.map(lambda v: bool(_GSS.match(v))).mean() >= 0.9:
            continue
        levels = values.str[:3].map(GSS_LEVELS).dropna()
        if levels.empty:
            continue
        level = levels.mode().iloc[0]
        distinct = values.nunique()
        if best is None or distinct > best[0]:
            best = (distinct, column, level)
    if best is None:
        return None
    _, code_col, level = best
    name_col = None
    candidates = [code_col[:-2] + "NM"] if code_col.upper().endswith("CD") else []
    candidates += [code_col.replace("code", "name"), code_col.replace("CD", "NM"), "area_name", "name"]
    for cand in candidates:
        if cand in props.columns and cand != code_col:
            name_col = cand
            break
    return {"level": level, "code_col": code_col, "name_col": name_col, "layer": layer, "features": len(props)}


def scan(directory: Path) -> tuple[list[Found], list[Path]]:
    """Every recognised file under ``directory`` and the files it passed over."""
    import pyogrio

    found: list[Found] = []
    ignored: list[Path] = []
    for root, dirs, files in os.walk(directory, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            suffix = path.suffix.lower()
            hit: list[Found] = []
            if suffix in (".csv", ".txt"):
                with path.open("rb") as fh:
                    kind, info = classify_text(_first_lines(fh.read(8192)))
                if kind:
                    hit.append(Found(kind, path, info=info))
            elif suffix == ".zip":
                hit.extend(_scan_zip(path))
            elif suffix in BOUNDARY_SUFFIXES:
                try:
                    layers = [row[0] for row in pyogrio.list_layers(path)]
                except Exception:  # noqa: BLE001
                    layers = []
                for layer in layers or [None]:
                    info = classify_boundary(path, layer if len(layers) > 1 else None)
                    if info:
                        hit.append(Found("boundary", path, info=info))
            (found.extend(hit) if hit else ignored.append(path))
    return found, ignored


def _scan_zip(path: Path) -> list[Found]:
    out = []
    try:
        with zipfile.ZipFile(path) as zf:
            for member in sorted(zf.namelist()):
                if not member.lower().endswith(".csv"):
                    continue
                with zf.open(member) as fh:
                    kind, info = classify_text(_first_lines(fh.read(8192)))
                if kind in ("os_open_names", "codepoint"):
                    out.append(Found(kind, path, member=member, info=info))
    except zipfile.BadZipFile:
        return []
    return out


def read_member_bytes(found: Found) -> bytes:
    with zipfile.ZipFile(found.path) as zf:
        return zf.read(found.member)


def read_csv_any(found: Found, **kwargs) -> pd.DataFrame:
    """A delimited file (or zip member) as strings, trying UTF-8 then cp1252."""
    raw = read_member_bytes(found) if found.member else found.path.read_bytes()
    return pd.read_csv(io.StringIO(_decoded(raw)), dtype=str, keep_default_na=False, **kwargs)
