"""The importer and geocoder on the real open data in ../shared/geo (as laid out there).

Skips when ../shared is absent; fails instead under MISPER_REQUIRE_SHARED=1 (CI).
"""

from __future__ import annotations

import pandas as pd
import pytest

from profiles.config import Settings
from tests.conftest import require_shared

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def shared_db():
    from profiles.db import connect
    from profiles.geo.reference import import_reference

    geo = require_shared("geo")
    con = connect(":memory:")
    result = import_reference(con, geo, settings=Settings())
    yield con, result, geo
    con.close()


def test_every_dataset_in_the_shared_layout_is_found(shared_db):
    _, result, _ = shared_db
    kinds = {k for k, _, _ in result.files}
    assert kinds == {"codepoint", "boundary", "os_open_names", "geonames", "cqc"}
    assert sum(rows for k, _, rows in result.files if k == "codepoint") == 213_964
    levels = {p.split("/")[0] for k, p, _ in result.files if k == "boundary"}
    assert {"police_force_areas", "lad_boundaries", "ward_boundaries", "gm_lsoa_geography"} <= levels


def test_positions_and_lsoas_agree_with_onspd(shared_db):
    """Issue 3's measure: >=98% within 10 m, >=99% within 50 m, LSOA agreement >=99%."""
    from profiles.geo.accuracy import onspd_accuracy

    con, _, geo = shared_db
    acc = onspd_accuracy(con, geo / "onspd_trafford_postcodes" / "trafford_postcodes.csv", Settings())
    assert acc.compared > 6000
    assert acc.within_10m >= 0.98
    assert acc.within_50m >= 0.99
    assert acc.lsoa_agree >= 0.99


def test_generalised_lsoas_are_used_not_the_super_generalised(shared_db):
    con = shared_db[0]
    ranks = dict(con.execute(
        "select split_part(source_id, '/', -1), min(detail_rank) from ref_boundaries where level = 'lsoa' group by 1"
    ).fetchall())
    assert ranks["gm_lsoa_generalised.geojson"] == 1
    assert ranks["gm_lsoa_super_generalised.geojson"] == 2


def test_hampshire_polygon_is_valid_after_import(shared_db):
    import shapely

    from profiles.geo.boundaries import load_boundaries

    hampshire = load_boundaries(shared_db[0], "pfa", codes=["E23000030"])
    assert len(hampshire) == 1
    assert all(shapely.is_valid(g) for g in hampshire.geometry)


def test_cqc_lad_codes_are_repaired(shared_db):
    con = shared_db[0]
    by_area = dict(con.execute(
        "select lad_name, mode(lad_code) from ref_care_homes group by lad_name"
    ).fetchall())
    assert by_area["Bolton"] == "E08000001"
    assert by_area["Trafford"] == "E08000009"
    assert by_area["Wigan"] == "E08000010"
    assert con.execute("select count(*) from ref_care_homes where lad_code not like 'E08%'").fetchall()[0][0] == 0


def test_force_areas_of_known_places(shared_db):
    from profiles.geo.cascade import geocode_frame

    con = shared_db[0]
    out = geocode_frame(con, pd.DataFrame({"postcode": ["M1 1AE", "LS1 1AZ", "TR1 1AA"],
                                           "place": ["", "", ""]}), Settings())
    assert out["method"].tolist()[:2] == ["postcode", "postcode"]
    assert out["force_area"].tolist()[:2] == ["E23000005", "E23000010"]   # Greater Manchester, West Yorkshire


def test_place_names_disambiguate_towards_the_force(shared_db):
    """Two "Leeds" exist (the city and a Kent village); for a West Yorkshire force the city wins,
    for a Kent force (E23000032) the village."""
    from profiles.geo.cascade import geocode_frame

    con = shared_db[0]
    wy = Settings()
    wy.force.pfa_code = "E23000010"
    kent = Settings()
    kent.force.pfa_code = "E23000032"
    city = geocode_frame(con, pd.DataFrame({"place": ["Leeds"]}), wy, use_cache=False).iloc[0]
    village = geocode_frame(con, pd.DataFrame({"place": ["Leeds"]}), kent, use_cache=False).iloc[0]
    assert city["force_area"] == "E23000010"
    assert village["force_area"] == "E23000032"


def test_attribution_of_every_dataset_is_stored(shared_db):
    from profiles.geo.attribution import attribution_lines

    lines = attribution_lines(shared_db[0])
    text = " ".join(lines)
    assert "Royal Mail" in text and "Office for National Statistics" in text
    assert "GeoNames" in text and "Open Government Licence" in text
    assert "<year>" not in text
