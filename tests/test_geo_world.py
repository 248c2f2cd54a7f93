"""A small hand-made world in the official file shapes, and the reference import over it.

Layout (BNG metres; the force is E23000005):

    370000      380000      385000      390000
      | E06000049 | E08000003 | E08000009 |      PFA E23000006 | PFA E23000005 (both LADs)
      | (west)    | LSOAs A,B | (no LSOA) |
    390000 - 400000 northing

LSOA A is x 380000-382500, LSOA B x 382500-385000 (y 390000-395000). A coarser copy of
the LSOAs puts their shared edge at 383000 instead, so a point at 382700 tells which
file was used.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from profiles.config import Settings
from profiles.errors import InputError
from profiles.geo.crs import bng_to_wgs84

FORCE = "E23000005"


def _detailed_box(x0, y0, x1, y1, step=250.0) -> Polygon:
    """A rectangle with extra vertices along its edges (a 'generalised' boundary)."""
    pts = []
    x = x0
    while x < x1:
        pts.append((x, y0)); x += step
    y = y0
    while y < y1:
        pts.append((x1, y)); y += step
    x = x1
    while x > x0:
        pts.append((x, y1)); x -= step
    y = y1
    while y > y0:
        pts.append((x0, y)); y -= step
    return Polygon(pts)


def _write_geojson(path: Path, frame: gpd.GeoDataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.set_crs(27700).to_crs(4326).to_file(path, driver="GeoJSON")


def _write_gpkg(path: Path, frame: gpd.GeoDataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.set_crs(27700).to_file(path, driver="GPKG", layer="wards")


def _lonlat(e, n):
    lon, lat = bng_to_wgs84([e], [n])
    return round(float(lon[0]), 6), round(float(lat[0]), 6)


def build_world(root: Path) -> Path:
    """Write the reference folder; returns it."""
    ref = root / "reference"
    # police force areas, with a self-intersecting "bow-tie" ring like the Hampshire defect
    bowtie = Polygon([(450000, 100000), (460000, 110000), (460000, 100000), (450000, 110000)])
    _write_geojson(ref / "pfa" / "police_force_areas.geojson", gpd.GeoDataFrame(
        {"PFA20CD": [FORCE, "E23000006", "E23000017"], "PFA20NM": ["Force", "West", "Bowtie"]},
        geometry=[box(380000, 390000, 390000, 400000), box(370000, 390000, 380000, 400000), bowtie]))
    _write_geojson(ref / "lad" / "LAD_BUC.geojson", gpd.GeoDataFrame(
        {"LAD23CD": ["E08000003", "E08000009", "E06000049"], "LAD23NM": ["Manchester", "Trafford", "Cheshire East"]},
        geometry=[box(380000, 390000, 385000, 400000), box(385000, 390000, 390000, 400000),
                  box(370000, 390000, 380000, 400000)]))
    _write_gpkg(ref / "wards" / "wards.gpkg", gpd.GeoDataFrame(
        {"WD23CD": ["E05000001", "E05000002", "E05000003"], "WD23NM": ["W1", "W2", "W3"],
         "LAD23CD": ["E08000003", "E08000003", "E08000009"]},
        geometry=[box(380000, 390000, 385000, 395000), box(380000, 395000, 385000, 400000),
                  box(385000, 390000, 390000, 400000)]))
    _write_geojson(ref / "lsoa" / "lsoa_generalised.geojson", gpd.GeoDataFrame(
        {"area_code": ["E01000001", "E01000002"], "area_name": ["Manchester 001A", "Manchester 001B"]},
        geometry=[_detailed_box(380000, 390000, 382500, 395000), _detailed_box(382500, 390000, 385000, 395000)]))
    _write_geojson(ref / "lsoa" / "lsoa_super_generalised.geojson", gpd.GeoDataFrame(
        {"area_code": ["E01000001", "E01000002"], "area_name": ["Manchester 001A", "Manchester 001B"]},
        geometry=[box(380000, 390000, 383000, 395000), box(383000, 390000, 385000, 395000)]))
    # Code-Point Open: no header, quoted text
    cp = ref / "codepoint" / "Data" / "CSV"
    cp.mkdir(parents=True)
    rows = [
        ("M1 1AA", 10, 381000, 391000, "E08000003", "E05000001"),
        ("M1 1AB", 10, 381200, 391000, "E08000003", "E05000001"),
        ("M1 1AD", 10, 381400, 391200, "E08000003", "E05000001"),
        ("M1 2AA", 10, 384000, 398000, "E08000003", "E05000002"),
        ("M2 1AA", 10, 386000, 395000, "E08000009", "E05000003"),
        ("M3 1AA", 90, 0, 0, "", ""),
    ]
    (cp / "m.csv").write_text("".join(
        f'"{pc}",{q},{e},{n},"E92000001","E19000001","E18000002","","{dc}","{wc}"\n' for pc, q, e, n, dc, wc in rows))
    # as downloaded: the second area's file still inside its zip
    with zipfile.ZipFile(ref / "codepoint" / "codepo_gb.zip", "w") as zf:
        zf.writestr("Data/CSV/sk.csv",
                    '"SK1 1AA",10,375000,395000,"E92000001","E19000001","E18000002","","E06000049","E05000009"\n')
    (ref / "codepoint" / "PROVENANCE.txt").write_text(
        'Licence: OS OpenData. Required attribution:\n "Contains OS data (c) Crown copyright and database '
        'right <year>; Contains Royal Mail data (c) Royal Mail copyright and database right <year>."\n')
    # OS Open Names (slim shape): "Sale" twice, once in the force and once outside
    names = ref / "open_names"
    names.mkdir()
    header = ("ID,NAME1,NAME1_LANG,NAME2,NAME2_LANG,TYPE,LOCAL_TYPE,X,Y,MBRXMIN,MBRYMIN,MBRXMAX,MBRYMAX,"
              "POSTCODE_DISTRICT,POPULATED_PLACE,DISTRICT_BOROUGH,DISTRICT_BOROUGH_TYPE,COUNTY_UNITARY,"
              "COUNTY_UNITARY_TYPE,REGION,COUNTRY,LON_WGS84,LAT_WGS84\n")
    places = [
        ("osgb1", "Sale", "Town", 381500, 392000, "M33", "Trafford"),
        ("osgb2", "Sale", "Hamlet", 375500, 395500, "SK9", "Cheshire East"),
        ("osgb3", "Timperley", "Suburban Area", 386500, 396500, "WA15", "Trafford"),
        ("osgb4", "Lonely Hamlet", "Hamlet", 376000, 391000, "SK9", "Cheshire East"),
        ("osgb5", "Alkrington Garden Village", "Suburban Area", 383500, 397500, "M24", "Rochdale"),
    ]
    lines = [header]
    for pid, name, typ, x, y, pd_, district in places:
        lon, lat = _lonlat(x, y)
        lines.append(f"{pid},{name},,,,populatedPlace,{typ},{x},{y},{x - 400},{y - 400},{x + 400},{y + 400},"
                     f"{pd_},,{district},,,,North West,England,{lon},{lat}\n")
    (names / "gb_populated_places_slim_wgs84.csv").write_text("".join(lines))
    # GeoNames postal places: tab-separated, no header
    lon, lat = _lonlat(388000, 391000)
    (ref / "geonames").mkdir()
    (ref / "geonames" / "GB.txt").write_text(
        f"GB\tM90\tRingway\tEngland\tENG\tGreater Manchester\t\tManchester District (B)\tE08000003\t{lat}\t{lon}\t4\n")
    (ref / "geonames" / "PROVENANCE.txt").write_text('Licence: CC BY 4.0. Attribute "GeoNames (geonames.org), CC BY 4.0".\n')
    # CQC care homes, 2019 shape, with the malformed area_code of the published file
    lon, lat = _lonlat(384000, 398000)
    (ref / "cqc").mkdir()
    pd.DataFrame([{
        "name": "Foothills Care Home", "type": "Residential homes", "address": "9 Foothill Road, Manchester",
        "postcode": "M1 2AA", "telephone": "0", "website": "NA", "area_name": "Manchester",
        "area_code": "E0800003", "lon": lon, "lat": lat,
    }]).to_csv(ref / "cqc" / "gm_care_homes_2019-08.csv", index=False)
    # a user list of other sites
    (ref / "sites").mkdir()
    pd.DataFrame([
        {"site_ref": "CH1", "name": "Synthetic House 1", "type": "childrens_home",
         "address": "4 Example Road, Manchester", "postcode": "M1 1AB", "easting": "", "northing": "",
         "cqc_location_id": ""},
        {"site_ref": "HOSP1", "name": "Example General Hospital", "type": "hospital",
         "address": "1 Hospital Way, Trafford", "postcode": "M2 1AA", "easting": "386100", "northing": "395100",
         "cqc_location_id": ""},
    ]).to_csv(ref / "sites" / "my_sites.csv", index=False)
    # a file of no known shape is passed over
    (ref / "notes.csv").write_text("a,b\n1,2\n")
    return ref


@pytest.fixture
def world(tmp_path, con):
    """An in-memory database with the hand-made reference imported."""
    from profiles.geo.reference import import_reference

    ref = build_world(tmp_path)
    settings = Settings()
    result = import_reference(con, ref, settings=settings)
    return con, settings, result, ref


# ---- the import -------------------------------------------------------------------------

def test_import_finds_every_file_by_shape(world):
    con, _, result, _ = world
    kinds = sorted(k for k, _, _ in result.files)
    assert kinds == sorted(["boundary"] * 5 + ["codepoint"] * 2 + ["os_open_names", "geonames", "cqc", "user_sites"])
    assert "notes.csv" in result.ignored
    paths = {p for _, p, _ in result.files}
    assert "wards/wards.gpkg" in paths and "codepoint/codepo_gb.zip!Data/CSV/sk.csv" in paths
    assert con.execute("select count(*) from ref_postcodes").fetchall()[0][0] == 7
    # quality 90 = no coordinates
    assert con.execute("select easting from ref_postcodes where postcode = 'M3 1AA'").fetchall()[0][0] is None


def test_postcodes_get_areas_by_point_in_polygon(world):
    con = world[0]
    rows = dict(con.execute("select postcode, force_area || '/' || lad_code || '/' || coalesce(ward_code, '-') || '/' || "
                        "coalesce(lsoa_code, '-') from ref_postcodes where easting is not null").fetchall())
    assert rows["M1 1AA"] == "E23000005/E08000003/E05000001/E01000001"
    assert rows["M2 1AA"] == "E23000005/E08000009/E05000003/-"
    assert rows["SK1 1AA"] == "E23000006/E06000049/-/-"


def test_force_area_comes_from_the_local_authority(world):
    con = world[0]
    assert dict(con.execute("select lad_code, pfa_code from ref_lad_pfa").fetchall()) == {
        "E08000003": FORCE, "E08000009": FORCE, "E06000049": "E23000006"}


def test_most_detailed_lsoa_boundaries_win(world):
    from profiles.geo.boundaries import AreaIndex

    con = world[0]
    ranks = dict(con.execute("select split_part(source_id, '/', -1), min(detail_rank) from ref_boundaries "
                         "where level = 'lsoa' group by 1").fetchall())
    assert ranks == {"lsoa_generalised.geojson": 1, "lsoa_super_generalised.geojson": 2}
    # 382700 is in B by the detailed file, in A by the coarse one
    areas = AreaIndex(con).assign([382700.0], [391000.0])
    assert areas["lsoa_code"].tolist() == ["E01000002"]


def test_invalid_polygon_is_repaired(world):
    import shapely

    from profiles.geo.boundaries import load_boundaries

    pfa = load_boundaries(world[0], "pfa", codes=["E23000017"])
    assert len(pfa) == 1 and shapely.is_valid(pfa.geometry.iloc[0]) and pfa.geometry.iloc[0].area > 0


def test_cqc_area_code_repaired_from_area_name(world):
    con, _, result, _ = world
    assert con.execute("select lad_code from ref_care_homes").fetchall()[0][0] == "E08000003"
    assert any("area_code repaired" in w for w in result.warnings)


def test_sites_register_from_cqc_and_user_list(world):
    con = world[0]
    sites = con.execute("select site_id, type, sensitive, easting, northing, lad_code, status from sites "
                    "order by site_id").df().set_index("site_id")
    assert sorted(sites.index) == sorted(["USR-CH1", "USR-HOSP1", sites.index[sites["type"] == "adult_care_home"][0]])
    assert bool(sites.loc["USR-CH1", "sensitive"]) is True
    assert bool(sites.loc["USR-HOSP1", "sensitive"]) is False
    # no coordinates given: the postcode's centroid
    assert (sites.loc["USR-CH1", "easting"], sites.loc["USR-CH1", "northing"]) == (381200.0, 391000.0)
    assert sites.loc["USR-HOSP1", "lad_code"] == "E08000009"
    assert set(sites["status"]) == {"register"}


def test_attribution_lines_come_from_the_licence_notes(world):
    import datetime as dt

    from profiles.geo.attribution import attribution_lines

    con = world[0]
    year = dt.date.today().year
    lines = attribution_lines(con, ["codepoint"])
    assert lines == [f"Contains OS data © Crown copyright and database right {year}; Contains Royal Mail data "
                     f"© Royal Mail copyright and database right {year}."]
    assert "GeoNames (geonames.org), CC BY 4.0." in attribution_lines(con)
    # no note in the folder: the dataset's standard wording
    assert any(line.startswith("Source: Office for National Statistics") for line in attribution_lines(con, ["boundary"]))


def test_reimport_replaces_rather_than_appends(world):
    from profiles.geo.reference import import_reference

    con, settings, _, ref = world
    import_reference(con, ref, settings=settings)
    assert con.execute("select count(*) from ref_postcodes").fetchall()[0][0] == 7
    assert con.execute("select count(*) from sites where status = 'register'").fetchall()[0][0] == 3


def test_bad_site_type_is_refused_with_file_row_and_field(tmp_path, con):
    from profiles.geo.reference import import_reference

    ref = build_world(tmp_path)
    path = ref / "sites" / "my_sites.csv"
    path.write_text(path.read_text().replace("hospital", "hospitle"))
    with pytest.raises(InputError, match=r"my_sites.csv: row 3, field type: 'hospitle'"):
        import_reference(con, ref, settings=Settings())
    # one transaction: nothing was loaded
    assert con.execute("select count(*) from ref_postcodes").fetchall()[0][0] == 0


def test_folder_with_nothing_known_is_refused(tmp_path, con):
    from profiles.geo.reference import import_reference

    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(InputError, match="no reference file of a known shape"):
        import_reference(con, tmp_path, settings=Settings())
