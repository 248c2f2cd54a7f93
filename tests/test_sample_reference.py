"""The sample's reference extract and the committed sample files.

- The committed extract (data/sample/reference) is what the extract script derives from
  ../shared/geo, keeps each official format, carries its attribution, and gives the same
  sample as the full data.
- The committed sample is what its documented command writes.
- The synthetic sites are invented names at real postcodes, as many homes per borough as Ofsted counts.
"""

from __future__ import annotations

import csv
import filecmp
import json
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest

from profiles.config import PROJECT_ROOT
from profiles.sample import SampleOptions, write_sample
from profiles.sample import calibration as cal
from profiles.sample.reference_extract import build_extract
from profiles.sample.sites import STREET_STEMS
from tests.conftest import require_shared

SAMPLE = PROJECT_ROOT / "data" / "sample"
REFERENCE = SAMPLE / "reference"

#: The command documented in docs/sample.md and data/sample/README.md.
COMMITTED = dict(incidents=30_000, years=3, end=date(2026, 10, 31), seed=2026, shape="rms")


def _numbers(nested):
    for item in nested:
        if isinstance(item, (int, float)):
            yield float(item)
        else:
            yield from _numbers(item)


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


# ---- published figures ----------------------------------------------------------------------

def test_calibration_figures_are_those_published_by_ofsted_and_the_dfe():
    reference = require_shared("reference")
    assert cal.derive_local_authority_figures(reference) == cal.GM_LOCAL_AUTHORITIES


# ---- the committed extract ------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh_extract(tmp_path_factory):
    geo = require_shared("geo")
    out = tmp_path_factory.mktemp("extract") / "reference"
    build_extract(geo, out)
    return geo, out


def test_the_committed_extract_is_exactly_what_the_script_derives(fresh_extract):
    _, out = fresh_extract
    assert _files(out) == _files(REFERENCE)
    for rel in _files(out):
        if rel.suffix == ".zip":  # compare the member, not the zip's timestamps
            with zipfile.ZipFile(out / rel) as a, zipfile.ZipFile(REFERENCE / rel) as b:
                assert a.namelist() == b.namelist()
                assert all(a.read(n) == b.read(n) for n in a.namelist())
        else:
            assert filecmp.cmp(out / rel, REFERENCE / rel, shallow=False), rel


def test_the_extract_gives_the_same_sample_as_the_full_open_data(fresh_extract, tmp_path):
    geo, out = fresh_extract
    options = SampleOptions(incidents=4000, seed=5, shape="rms", end=date(2026, 10, 31))
    a = write_sample(options, tmp_path / "a.csv", reference_dir=geo, absences=tmp_path / "a_abs.csv")
    b = write_sample(options, tmp_path / "b.csv", reference_dir=out, absences=tmp_path / "b_abs.csv")
    assert not a.sites_from_file and b.sites_from_file
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a_abs.csv").read_bytes() == (tmp_path / "b_abs.csv").read_bytes()


def test_extract_files_keep_their_official_formats(fresh_extract):
    geo, out = fresh_extract
    # Code-Point Open: no header, ten fields, quoted text, CRLF; every line as in the source
    for path in (out / "codepoint_open").glob("*.csv"):
        raw = path.read_bytes()
        assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == raw.count(b"\n")
        source_lines = set((geo / "codepoint_open" / path.name).read_bytes().splitlines())
        lines = raw.splitlines()
        assert set(lines) <= source_lines
        assert re.match(rb'^"[A-Z0-9 ]+",\d+,\d+,\d+,"E\d{8}"', lines[0])
    # CQC directory and OS Open Names: same header, rows taken whole from the source
    for rel in ("care_homes_cqc/gm_care_homes_2019-08.csv",
                "os_open_names_populated_places/gb_populated_places_slim_wgs84.csv"):
        ours = (out / rel).read_text(encoding="utf-8").splitlines()
        theirs = (geo / rel).read_text(encoding="utf-8").splitlines()
        assert ours[0] == theirs[0] and set(ours[1:]) <= set(theirs[1:]) and len(ours) < len(theirs)
    with zipfile.ZipFile(out / "os_open_names_populated_places/gb_populated_places_all_BNG_csv.zip") as zf:
        assert zf.namelist() == ["gb_populated_places_all_BNG.csv"]
        assert zf.read("gb_populated_places_all_BNG.csv").startswith(b"fid,ID,NAMES_URI,NAME1")
    # GeoNames: tab-separated, 12 fields, no header
    for line in (out / "geonames_gb_postal_places/GB.txt").read_text(encoding="utf-8").splitlines():
        assert len(line.split("\t")) == 12 and line.startswith("GB\t")
    # the ward lookup keeps its byte-order mark
    assert (out / "ward_boundaries/Ward_to_LAD_Dec_2023_Lookup_UK.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_boundary_extracts_keep_property_names_and_round_coordinates_to_five_places(fresh_extract):
    geo, out = fresh_extract
    expected = {
        "lad_boundaries/LAD_May_2023_UK_BUC.geojson": 10,
        "police_force_areas/police_force_areas_2020_EW.geojson": 1,
        "ward_boundaries/Wards_Dec_2023_UK_BSC.geojson": 215,
        "gm_lsoa_geography/gm_lsoa_generalised.geojson": 1702,
        "gm_lsoa_geography/gm_ward_generalised.geojson": 215,
    }
    for rel, count in expected.items():
        ours = json.loads((out / rel).read_text(encoding="utf-8"))
        theirs = json.loads((geo / rel).read_text(encoding="utf-8"))
        assert len(ours["features"]) == count
        assert set(ours) == set(theirs) and ours.get("crs") == theirs.get("crs")
        assert set(ours["features"][0]["properties"]) == set(theirs["features"][0]["properties"])
        coordinates = list(_numbers(f["geometry"]["coordinates"] for f in ours["features"]))
        assert coordinates and all(round(x, 5) == x for x in coordinates)
    pfa = json.loads((out / "police_force_areas/police_force_areas_2020_EW.geojson").read_text(encoding="utf-8"))
    assert pfa["features"][0]["properties"]["PFA20CD"] == cal.PFA_CODE
    lads = json.loads((out / "lad_boundaries/LAD_May_2023_UK_BUC.geojson").read_text(encoding="utf-8"))
    assert {f["properties"]["LAD23CD"] for f in lads["features"]} == set(cal.GM_LAD_CODES)


def test_every_folder_of_the_committed_extract_carries_attribution_and_provenance():
    folders = {p.parent for p in REFERENCE.rglob("*") if p.is_file()}
    assert len(folders) >= 8
    for folder in folders:
        attribution = (folder / "ATTRIBUTION.txt").read_text(encoding="utf-8")
        provenance = (folder / "PROVENANCE.txt").read_text(encoding="utf-8")
        assert attribution.startswith('Attribution: "') and len(attribution) > 40
        assert "Licence" in provenance and "reference_extract" in provenance


def test_the_reference_importer_recognises_every_data_file_of_the_committed_extract():
    from profiles.geo.detect import scan

    found, ignored = scan(REFERENCE)
    kinds = {f.kind for f in found}
    assert kinds == {"codepoint", "cqc", "os_open_names", "geonames", "user_sites", "boundary", "population"}
    assert all(p.name in ("ATTRIBUTION.txt", "PROVENANCE.txt", "Ward_to_LAD_Dec_2023_Lookup_UK.csv")
               for p in ignored)


def test_data_sample_stays_small():
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size < 15_500_000


# ---- the synthetic sites -------------------------------------------------------------------

def _sites() -> list[dict[str, str]]:
    with (REFERENCE / "sites" / "synthetic_sites.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_synthetic_childrens_homes_follow_the_ofsted_counts_at_real_postcodes_with_invented_names():
    sites = _sites()
    assert list(sites[0]) == ["site_ref", "name", "type", "address", "postcode", "easting", "northing",
                              "cqc_location_id"]
    postcodes = {}
    for path in (REFERENCE / "codepoint_open").glob("*.csv"):
        for row in csv.reader(path.open(encoding="utf-8", newline="")):
            postcodes[row[0]] = row[8]
    homes_by_lad: dict[str, int] = {}
    for s in sites:
        assert s["name"].startswith("Synthetic ")
        street = s["address"].split(",")[0].split(" ", 1)[1]
        assert street.split(" ")[0] in STREET_STEMS          # a made-up street
        assert s["postcode"] in postcodes                     # a real postcode
        if s["type"] == "childrens_home":
            homes_by_lad[postcodes[s["postcode"]]] = homes_by_lad.get(postcodes[s["postcode"]], 0) + 1
    assert homes_by_lad == {la.code: la.childrens_homes for la in cal.GM_LOCAL_AUTHORITIES}
    assert {s["type"] for s in sites} == {"childrens_home", "supported_accommodation", "hospital",
                                          "mental_health_unit"}


# ---- the committed sample ------------------------------------------------------------------

def test_the_committed_sample_is_what_its_documented_command_writes(tmp_path):
    write_sample(SampleOptions(**COMMITTED), tmp_path / "s.csv", reference_dir=REFERENCE,
                 absences=tmp_path / "a.csv", interventions=tmp_path / "i.csv")
    assert (tmp_path / "s.csv").read_bytes() == (SAMPLE / "synthetic_missing_persons_rms.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() == (SAMPLE / "synthetic_care_absences.csv").read_bytes()
    assert (tmp_path / "i.csv").read_bytes() == (SAMPLE / "interventions.csv").read_bytes()


def test_the_documented_command_is_the_one_in_the_docs():
    command = ("misper sample --incidents 30000 --years 3 --end 2026-10-31 --seed 2026 --shape rms "
               "--out data/sample/synthetic_missing_persons_rms.csv "
               "--absences data/sample/synthetic_care_absences.csv --interventions data/sample/interventions.csv")
    for doc in (PROJECT_ROOT / "docs" / "sample.md", SAMPLE / "README.md"):
        text = re.sub(r"\s*\\\n\s*", " ", doc.read_text(encoding="utf-8"))
        assert command in text, doc
