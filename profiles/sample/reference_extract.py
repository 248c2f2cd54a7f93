"""Derive the sample's small reference extract from the full open data.

    python -m profiles.sample.reference_extract --from ../shared/geo --out data/sample/reference

Keeps each official file format (same columns, header or none, encoding, line ends,
GeoJSON property names) with fewer rows or features, so that ``misper reference import``
recognises the files by their shape:

- Code-Point Open: the postcodes the sample draws on (a stable twelfth of Greater
  Manchester, a stable 1/25 of the neighbouring postcodes outside it) and the postcodes of
  every site and care home it uses — not all of Greater Manchester;
- ONS boundaries: the ten Greater Manchester LADs, the force area (E23000005), its wards,
  and its generalised LSOAs and wards with coordinates rounded to 5 decimal places (~1 m);
- the CQC care homes the sample uses (2019 Greater Manchester directory shape);
- OS Open Names populated places in Greater Manchester and the named places outside it
  where some people are found; GeoNames postal places in Greater Manchester;
- SYNTHETIC residents by borough, sex and age in the ONS layout (profiles/sample/residents.py);
- the synthetic sites (children's homes, supported accommodation, hospitals, mental-health
  units) as a user sites CSV.

Every folder gets ATTRIBUTION.txt (the statement to print) and PROVENANCE.txt (source,
licence text from the source's own PROVENANCE.txt, and how this extract was derived).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import zipfile
from pathlib import Path

from profiles.sample import calibration as cal
from profiles.sample.residents import write_population
from profiles.sample.reference import (
    find_reference_files, load_geography, pool_postcodes, read_codepoint, read_open_names,
)

COMMAND = "python -m profiles.sample.reference_extract --from ../shared/geo --out data/sample/reference"

ATTRIBUTIONS = {
    "codepoint_open": ("Contains OS data (c) Crown copyright and database right <year>; Contains Royal Mail data (c) "
                       "Royal Mail copyright and database right <year>; Contains National Statistics data (c) Crown "
                       "copyright and database right <year>."),
    "boundaries": ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0; "
                   "Contains OS data (c) Crown copyright and database right."),
    "care_homes_cqc": ("Contains public sector information licensed under the Open Government Licence v3.0 "
                       "(Care Quality Commission directory)."),
    "os_open_names_populated_places": (
        "Contains OS data (c) Crown copyright and database right 2017; Contains Royal Mail data (c) Royal Mail "
        "copyright and database right 2017; Contains National Statistics data (c) Crown copyright and database "
        "right 2017."),
    "geonames_gb_postal_places": "GeoNames (geonames.org), CC BY 4.0.",
    "sites": ("Contains OS data (c) Crown copyright and database right <year>; Contains Royal Mail data (c) "
              "Royal Mail copyright and database right <year>; Contains National Statistics data (c) Crown "
              "copyright and database right <year>. Contains public sector information licensed under the Open "
              "Government Licence v3.0 (Ofsted, children's homes per local authority, 2023)."),
}


class ExtractError(Exception):
    pass


def _licence_text(provenance: Path) -> str:
    """The licence paragraph of a source PROVENANCE.txt ("Licence ..." and its continuation lines)."""
    if not provenance.exists():
        return "(source PROVENANCE.txt not found)"
    lines = provenance.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.strip().lower().startswith("licence"):
            out.append(line.rstrip())
            for cont in lines[i + 1:]:
                if cont.startswith((" ", "\t")) and cont.strip():
                    out.append(cont.rstrip())
                else:
                    break
            break
    return "\n".join(out) or "(no licence line in the source PROVENANCE.txt)"


def _notes(folder: Path, key: str, what: str, sources: list[Path], derivation: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ATTRIBUTION.txt").write_text(f'Attribution: "{ATTRIBUTIONS[key]}"\n', encoding="utf-8")
    licences = []
    for src in sources:
        licences.append(f"Source file: {src.name} (folder {src.parent.name}/ of the full open data)\n"
                        + _licence_text(src.parent / "PROVENANCE.txt"))
    text = (
        f"DATASET: {what} -- SMALL DERIVED EXTRACT for the SYNTHETIC sample (not the full file)\n"
        f"Derived by: {COMMAND}\n"
        f"How: {derivation}\n\n"
        "LICENCE (from the source PROVENANCE.txt):\n" + "\n\n".join(licences) + "\n\n"
        f'Attribution to print: "{ATTRIBUTIONS[key]}"\n'
    )
    (folder / "PROVENANCE.txt").write_text(text, encoding="utf-8")


def _lines(path: Path) -> tuple[str, list[str]]:
    """(encoding, lines with their own line ends) of a text file."""
    raw = path.read_bytes()
    encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    text = raw.decode(encoding)
    return encoding, text.splitlines(keepends=True)


def _write_lines(path: Path, encoding: str, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("".join(lines).encode(encoding))


def _first_field(line: str, delimiter: str = ",", index: int = 0) -> str:
    return next(csv.reader([line], delimiter=delimiter))[index].strip()


# ---- GeoJSON ------------------------------------------------------------------------------

def _round(coords, places: int):
    if isinstance(coords, (int, float)):
        return round(float(coords), places)
    return [_round(c, places) for c in coords]


def _filter_geojson(src: Path, dest: Path, keep, *, places: int | None, one_feature_per_line: bool) -> int:
    data = json.loads(src.read_text(encoding="utf-8"))
    features = [f for f in data["features"] if keep(f.get("properties") or {})]
    if places is not None:
        for f in features:
            geom = f.get("geometry")
            if geom and "coordinates" in geom:
                geom["coordinates"] = _round(geom["coordinates"], places)
    data["features"] = features
    dest.parent.mkdir(parents=True, exist_ok=True)
    if one_feature_per_line:  # the GDAL layout of the source
        head = [f'"{k}": {json.dumps(v, ensure_ascii=False)}' for k, v in data.items() if k != "features"]
        body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
        text = "{\n" + ",\n".join(head) + ',\n"features": [\n' + body + "\n]\n}\n"
    else:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    dest.write_text(text, encoding="utf-8")
    return len(features)


# ---- the extract --------------------------------------------------------------------------

POPULATION_FILE = "synthetic_mid_year_population.csv"


def build_extract(source: Path, out: Path) -> dict[str, int]:
    """Write the extract of ``source`` (the full open data) to ``out``; returns counts."""
    source, out = Path(source), Path(out)
    if out.resolve() == source.resolve():
        raise ExtractError("--out must differ from --from")
    files = find_reference_files(source)
    if not files.codepoint:
        raise ExtractError(f"{source}: no Code-Point Open files found")
    counts: dict[str, int] = {}
    if out.exists() and any(out.iterdir()):
        if not (out / "sites" / "synthetic_sites.csv").exists():
            raise ExtractError(f"{out}: not empty and not an earlier extract; refusing to replace it")
        shutil.rmtree(out)
    out.mkdir(parents=True)

    geo = load_geography(source)               # the sites, care homes and places the sample uses
    cp = read_codepoint(files.codepoint)
    gm, outside = pool_postcodes(cp)
    keep_pc = set(gm["PC"]) | set(outside["PC"]) | set(geo.sites["postcode"].str.upper()) \
        | set(geo.care_homes["postcode"].str.strip().str.upper())

    # Code-Point Open: same file names, no header, quoted text, CRLF, rows filtered
    cp_dir = out / "codepoint_open"
    n, used = 0, []
    for path in files.codepoint:
        encoding, lines = _lines(path)
        kept = [ln for ln in lines if _first_field(ln).upper() in keep_pc]
        if kept:
            _write_lines(cp_dir / path.name, encoding, kept)
            n += len(kept)
            used.append(path)
    counts["codepoint_rows"] = n
    _notes(cp_dir, "codepoint_open", "OS Code-Point Open postcode unit centroids", used[:1],
           "rows of the postcode areas M, BL, OL, SK, WN, WA kept only for the postcodes the sample uses "
           "(a stable hash subset) and the postcodes of its sites and care homes; format unchanged "
           "(no header; columns PC, PQ, EA, NO, CY, RH, LH, CC, DC, WC).")

    # CQC care homes (2019 GM shape)
    cqc_src = (files.cqc_2019 or files.cqc_other)[0]
    encoding, lines = _lines(cqc_src)
    wanted = set(zip(geo.care_homes["name"], geo.care_homes["postcode"]))
    reader = csv.reader(lines[1:])
    kept = [lines[0]] + [ln for ln, row in zip(lines[1:], reader) if (row[0], row[3]) in wanted]
    _write_lines(out / "care_homes_cqc" / cqc_src.name, encoding, kept)
    counts["care_homes"] = len(kept) - 1
    _notes(out / "care_homes_cqc", "care_homes_cqc", "CQC-registered care homes, Greater Manchester", [cqc_src],
           "rows kept for the care homes the sample uses (a stable half of the Greater Manchester homes); "
           "columns and the malformed area_code exactly as published.")

    # OS Open Names: the slim CSV and the official all-columns CSV in its zip, filtered by ID
    names = read_open_names(files)
    ids = set(names["ID"])
    on_dir = out / "os_open_names_populated_places"
    for path in files.open_names_csv:
        encoding, lines = _lines(path)
        header = next(csv.reader([lines[0]]))
        col = header.index("ID")
        kept = [lines[0]] + [ln for ln in lines[1:] if _first_field(ln, index=col).rsplit("/", 1)[-1] in ids]
        _write_lines(on_dir / path.name, encoding, kept)
        counts["open_names_slim"] = len(kept) - 1
    for path, member in files.open_names_zip:
        with zipfile.ZipFile(path) as zf:
            text = zf.read(member).decode("utf-8-sig")
        lines = text.splitlines(keepends=True)
        header = next(csv.reader([lines[0]]))
        col = header.index("ID")
        kept = [lines[0]] + [ln for ln in lines[1:] if _first_field(ln, index=col).rsplit("/", 1)[-1] in ids]
        on_dir.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(on_dir / path.name, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(member, "".join(kept))
        counts["open_names_full"] = len(kept) - 1
    _notes(on_dir, "os_open_names_populated_places", "OS Open Names populated places",
           [p for p in files.open_names_csv[:1]] or [files.open_names_zip[0][0]],
           "rows kept for the populated places in the ten Greater Manchester districts and the named places "
           f"outside the force where some people are found ({', '.join(cal.OUTSIDE_FOUND_PLACES)}); "
           "both the slim CSV and the official all-columns CSV (in its zip) are kept, columns unchanged.")

    # GeoNames postal places (tab-separated, no header)
    for path in files.geonames:
        encoding, lines = _lines(path)
        kept = [ln for ln in lines if ln.split("\t")[5:6] == ["Greater Manchester"]]
        _write_lines(out / "geonames_gb_postal_places" / path.name, encoding, kept)
        counts["geonames"] = len(kept)
    _notes(out / "geonames_gb_postal_places", "geonames_gb_postal_places", "GeoNames postal places",
           files.geonames[:1], "rows kept where admin_name2 is Greater Manchester; format unchanged.")

    # ONS boundaries
    gm_codes = set(cal.GM_LAD_CODES)
    boundary_sources = []
    lad = source / "lad_boundaries" / "LAD_May_2023_UK_BUC.geojson"
    if lad.exists():
        counts["lads"] = _filter_geojson(lad, out / "lad_boundaries" / lad.name,
                                         lambda p: p.get("LAD23CD") in gm_codes, places=5, one_feature_per_line=False)
        _notes(out / "lad_boundaries", "boundaries", "ONS Local Authority Districts (May 2023) UK BUC", [lad],
               "the ten Greater Manchester LADs; coordinates rounded to 5 decimal places.")
        boundary_sources.append(lad)
    pfa = source / "police_force_areas" / "police_force_areas_2020_EW.geojson"
    if pfa.exists():
        counts["pfa"] = _filter_geojson(pfa, out / "police_force_areas" / pfa.name,
                                        lambda p: p.get("PFA20CD") == cal.PFA_CODE, places=5,
                                        one_feature_per_line=False)
        _notes(out / "police_force_areas", "boundaries", "ONS Police Force Areas (December 2020) EW BUC", [pfa],
               f"the Greater Manchester force area ({cal.PFA_CODE}); coordinates rounded to 5 decimal places.")
    wards = source / "ward_boundaries" / "Wards_Dec_2023_UK_BSC.geojson"
    if wards.exists():
        counts["wards"] = _filter_geojson(wards, out / "ward_boundaries" / wards.name,
                                          lambda p: p.get("LAD23CD") in gm_codes, places=5,
                                          one_feature_per_line=False)
        lookup = source / "ward_boundaries" / "Ward_to_LAD_Dec_2023_Lookup_UK.csv"
        if lookup.exists():
            encoding, lines = _lines(lookup)
            header = next(csv.reader([lines[0].lstrip("\ufeff")]))
            col = header.index("LAD23CD")
            kept = [lines[0]] + [ln for ln in lines[1:] if _first_field(ln, index=col) in gm_codes]
            _write_lines(out / "ward_boundaries" / lookup.name, encoding, kept)
        _notes(out / "ward_boundaries", "boundaries", "ONS Electoral Wards (December 2023) UK BSC and ward-LAD lookup",
               [wards], "wards of the ten Greater Manchester LADs; coordinates rounded to 5 decimal places; "
                        "lookup rows for the same LADs.")
    lsoa_dir = source / "gm_lsoa_geography"
    for name in ("gm_lsoa_generalised.geojson", "gm_ward_generalised.geojson"):
        src = lsoa_dir / name
        if src.exists():
            counts[name] = _filter_geojson(src, out / "gm_lsoa_geography" / name, lambda p: True, places=5,
                                           one_feature_per_line=True)
    if (lsoa_dir / "gm_lsoa_generalised.geojson").exists():
        _notes(out / "gm_lsoa_geography", "boundaries", "Greater Manchester LSOA 2021 and ward 2023 generalised boundaries",
               [lsoa_dir / "gm_lsoa_generalised.geojson"],
               "every feature, coordinates rounded to 5 decimal places (about 1 m); properties unchanged.")

    # the synthetic sites as a user sites CSV
    sites_dir = out / "sites"
    sites_dir.mkdir(parents=True, exist_ok=True)
    sites = geo.sites[["site_ref", "name", "type", "address", "postcode", "easting", "northing", "cqc_location_id"]]
    sites.to_csv(sites_dir / "synthetic_sites.csv", index=False, lineterminator="\n")
    counts["sites"] = len(sites)
    _notes(sites_dir, "sites", "SYNTHETIC sites: children's homes, supported accommodation, hospitals, "
           "mental-health units", used[:1],
           "made-up names and street addresses (profiles/sample/sites.py) at real Greater Manchester postcodes "
           "(Code-Point Open), as many children's homes per borough as Ofsted counts (Children's social care "
           "data in England 2023, OGL v3.0). No real home is named.")
    (sites_dir / "PROVENANCE.txt").write_text(
        (sites_dir / "PROVENANCE.txt").read_text(encoding="utf-8")
        + "\nEvery name and street address in this file is SYNTHETIC; only the postcodes are real.\n",
        encoding="utf-8")
    # SYNTHETIC residents for rates per 10,000 (ONS layout), from the sample's calibration
    counts["population"] = write_population(out / "population" / POPULATION_FILE)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--from", dest="source", required=True, type=Path, help="the full open data (../shared/geo)")
    parser.add_argument("--out", required=True, type=Path, help="folder to write (replaced)")
    args = parser.parse_args(argv)
    try:
        counts = build_extract(args.source, args.out)
    except ExtractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    size = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"reference extract written to {args.out} ({size / 1e6:.1f} MB)")
    for key, value in counts.items():
        print(f"  {key}: {value:,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
