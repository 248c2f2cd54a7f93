"""Where people are found: given these journeys, these distances, directions and rings."""

from __future__ import annotations

import pandas as pd
import pytest

from profiles.analysis.found import (
    found_directions,
    found_distance_rings,
    found_journeys,
    top_found_places,
)
from profiles.periods import Month
from tests.factories import add_episodes, add_locations, add_sites

JUNE = Month.parse("2024-06")
HOME = (380000.0, 400000.0)


@pytest.fixture
def journeys(con):
    add_sites(con, [
        dict(site_id="S1", name="Central Library", type="other", sensitive=False),
        dict(site_id="S2", name="Oak House", type="childrens_home", lad_code="E08000001"),
    ])
    # (incident, age, flags, found point, found site, found ward, found precision, reported, found_at)
    rows = [
        ("J1", 15, {}, (380000, 400300), "S1", "W2", 10, "2024-06-01 20:00", "2024-06-02 08:00"),   # 300 m N
        ("J2", 14, {"looked_after": True}, (380400, 400000), "S2", "W3", 10, "2024-06-03 20:00", "2024-06-03 23:00"),  # 400 m E
        ("J3", 40, {"flag_dementia": True}, (379000, 399000), None, "W1", 10, "2024-06-05 10:00", "2024-06-05 16:00"),  # 1414 m SW
        ("J4", 30, {"flag_mental_health": True}, HOME, None, "W9", 10, "2024-06-07 10:00", "2024-06-07 11:00"),  # came back
        ("J5", 16, {}, (380000, 398000), None, "W1", 10, "2024-06-09 10:00", "2024-06-10 10:00"),  # 2000 m S
        ("J6", 50, {}, (390000, 400000), None, "W1", 5000, "2024-06-11 10:00", "2024-06-11 12:00"),  # imprecise
        ("J7", 15, {}, (380000, 400100), None, "W1", 10, "2024-06-12 10:00", None),  # still missing
        ("J8", 15, {}, (380000, 400100), None, "W1", 10, "2024-05-12 10:00", "2024-05-12 12:00"),  # May
    ]
    add_episodes(con, [
        dict(incident_id=i, person=f"P{i}", age=age, reported_at=rep, found_at=fnd, **flags)
        for i, age, flags, _, _, _, _, rep, fnd in rows
    ])
    add_locations(con, [dict(incident_id=i, role="missing_from", easting=HOME[0], northing=HOME[1]) for i, *_ in rows])
    add_locations(con, [
        dict(incident_id=i, role="found", easting=float(x), northing=float(y), site_id=site, ward_code=ward,
             precision_m=float(prec))
        for i, _, _, (x, y), site, ward, prec, _, _ in rows
    ])
    return con


def test_distance_and_direction_of_each_journey(journeys, settings):
    got = found_journeys(journeys, settings, JUNE).set_index("incident_id")
    assert list(got.index) == ["J1", "J2", "J3", "J4", "J5"]
    assert got["distance_m"].round().tolist() == [300, 400, 1414, 0, 2000]
    assert got["direction"].tolist() == ["N", "E", "SW", "same_location", "S"]
    assert got.loc["J3", "bearing_deg"] == 225.0 and pd.isna(got.loc["J4", "bearing_deg"])


def test_compass_sectors_are_45_degrees_centred_on_the_points(con, settings):
    import math

    bearings = {"B1": 22.4, "B2": 22.6, "B3": 337.6, "B4": 337.4}
    add_episodes(con, [dict(incident_id=i, person=i, reported_at="2024-06-01 10:00", found_at="2024-06-01 12:00")
                       for i in bearings])
    add_locations(con, [dict(incident_id=i, role="missing_from", easting=0.0, northing=0.0) for i in bearings])
    add_locations(con, [dict(incident_id=i, role="found", easting=1000 * math.sin(math.radians(b)),
                             northing=1000 * math.cos(math.radians(b))) for i, b in bearings.items()])
    got = found_journeys(con, settings, JUNE).set_index("incident_id")["direction"].to_dict()
    assert got == {"B1": "N", "B2": "NE", "B3": "N", "B4": "NW"}


def test_found_distance_rings_by_category(journeys, settings):
    rings = found_distance_rings(journeys, settings, JUNE).set_index("category")
    cols = ["found", "p25_m", "p50_m", "p75_m", "p95_m"]
    # everyone: 0, 300, 400, 1414, 2000 -> at least 25% within 300 m, 50% within 400 m ...
    assert rings.loc["all", cols].tolist() == [5, 300, 400, 1414, 2000]
    assert rings.loc["child_12_17", cols].tolist() == [3, 300, 400, 2000, 2000]
    assert rings.loc["adult", cols].tolist() == [2, 0, 0, 1414, 1414]
    assert rings.loc["dementia", cols].tolist() == [1, 1414, 1414, 1414, 1414]
    assert rings.loc["mental_health", cols].tolist() == [1, 0, 0, 0, 0]
    assert rings.loc["looked_after", cols].tolist() == [1, 400, 400, 400, 400]


def test_precision_limit_is_configuration(journeys, settings):
    settings.sites.found_max_precision_m = 10000
    rings = found_distance_rings(journeys, settings, JUNE).set_index("category")
    assert rings.loc["adult", "found"] == 3  # J6 now counts


def test_directions_table(journeys, settings):
    got = found_directions(journeys, settings, JUNE).set_index("direction")
    assert got["found"].to_dict() == {"N": 1, "NE": 0, "E": 1, "SE": 0, "S": 1, "SW": 1, "W": 0, "NW": 0,
                                      "same_location": 1}
    assert got.loc["S", "share"] == 0.2


def test_top_found_places(journeys, settings):
    got = top_found_places(journeys, settings, JUNE)
    assert got[["place_kind", "place_code", "place_name", "incidents", "share_of_found"]].fillna("-").values.tolist() == [
        ["ward", "W1", "W1", 2, 0.4],
        ["go_missing_location", "-", "Where they went missing from", 1, 0.2],
        ["site", "S1", "Central Library", 1, 0.2],
        ["site", "S2", "Oak House", 1, 0.2],
    ]
    assert got.loc[0, "median_distance_m"] == 1707  # median of 1414 and 2000


def test_top_found_places_for_partners_hide_the_home(journeys, settings):
    got = top_found_places(journeys, settings, JUNE, audience="partner")
    home = got[got["place_name"].str.startswith("Children's home")]
    assert len(home) == 1 and pd.isna(home["place_code"].iloc[0])
    assert "Oak House" not in got.to_csv() and "Central Library" in got["place_name"].tolist()
