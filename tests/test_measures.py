"""Issue 11 measures, as specifications: given these episodes, the contract tables are these rows.

Each table is checked against rows counted by hand, with the boundary cases the issue names:
an episode found exactly at 00:00 London on the 1st, one reported 365 days before the end of
the period, a placing authority given by name, and clock changes for the time open.
"""

from __future__ import annotations

import pandas as pd
import pytest

from profiles.analysis import measures
from profiles.periods import Month
from tests.factories import add_episodes, add_locations

JUNE = Month.of(2024, 6)      # ends 2024-07-01 00:00 BST
MARCH = Month.of(2024, 3)     # ends 2024-04-01 00:00 BST; clocks went forward on 31 March
OCTOBER = Month.of(2024, 10)  # ends 2024-11-01 00:00 GMT; clocks went back on 27 October

BOLTON, SALFORD, BLACKBURN = "E08000001", "E08000006", "E06000008"


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in frame.itertuples(index=False)]


# ---- 1. still missing at the end of the month ----------------------------------------------


def test_open_at_period_end_counts_every_episode_still_open_at_midnight_on_the_first(con):
    add_episodes(con, [
        # found exactly at 00:00 London on 1 July: still open at the end of June
        dict(incident_id="F0", person="A", age=15, risk="high", reported_at="2024-06-30 20:00",
             found_at="2024-07-01 00:00"),
        # found one minute before the end: not open
        dict(incident_id="F1", person="B", age=15, risk="high", reported_at="2024-06-30 20:00",
             found_at="2024-06-30 23:59"),
        # reported exactly 365 days before the end (2 July 2023 00:00): 28d-1y, upper bound inclusive
        dict(incident_id="Y0", person="C", age=40, risk="medium", reported_at="2023-07-02 00:00"),
        # a minute earlier: over a year
        dict(incident_id="Y1", person="C", age=40, risk="medium", reported_at="2023-07-01 23:59"),
        # long-term missing, reported years before, found long after the period
        dict(incident_id="L0", person="D", age=70, risk="low", reported_at="2019-01-05 10:00",
             found_at="2025-01-01 10:00"),
        # legacy absent is stored as no_apparent_risk by ingestion
        dict(incident_id="N0", person="E", age=None, risk="no_apparent_risk", reported_at="2024-06-29 00:00"),
        # reported after the period: not counted
        dict(incident_id="X0", person="F", age=15, reported_at="2024-07-01 00:00"),
        # the same child reported twice, both open: two incidents, one individual
        dict(incident_id="T0", person="G", age=16, risk="high", reported_at="2024-06-20 10:00"),
        dict(incident_id="T1", person="G", age=16, risk="high", reported_at="2024-06-21 10:00"),
    ])
    got = measures.open_at_period_end(con, period=JUNE)
    assert list(got.columns) == ["child_adult", "risk", "open_band", "incidents", "individuals"]
    assert _rows(got) == [
        ("child", "high", "0-24h", 1, 1),
        ("child", "high", "3-28d", 2, 1),
        ("adult", "medium", "28d-1y", 1, 1),
        ("adult", "medium", "over_1y", 1, 1),
        ("adult", "low", "over_1y", 1, 1),
        ("unknown", "no_apparent_risk", "24-72h", 1, 1),
    ]


def test_time_open_is_real_elapsed_time_across_clock_changes(con):
    add_episodes(con, [
        # 72.5 hours by the clock to 1 April 00:00, but 71.5 real hours (an hour lost on 31 March)
        dict(incident_id="S0", person="A", reported_at="2024-03-28 23:30"),
        # exactly 72 real hours: 24-72h (upper bound inclusive)
        dict(incident_id="S1", person="B", reported_at="2024-03-28 23:00"),
        # 72 real hours and 1 minute
        dict(incident_id="S2", person="C", reported_at="2024-03-28 22:59"),
    ])
    got = measures.open_at_period_end(con, period=MARCH)
    assert _rows(got) == [("adult", "medium", "24-72h", 2, 2), ("adult", "medium", "3-28d", 1, 1)]


def test_time_open_counts_the_hour_gained_in_autumn(con):
    add_episodes(con, [
        # 28 days by the calendar to 1 November 00:00, 28 days and an hour in real time
        dict(incident_id="A0", person="A", reported_at="2024-10-04 00:00"),
        dict(incident_id="A1", person="B", reported_at="2024-10-04 01:00"),  # exactly 28 real days
    ])
    got = measures.open_at_period_end(con, period=OCTOBER)
    assert _rows(got) == [("adult", "medium", "3-28d", 1, 1), ("adult", "medium", "28d-1y", 1, 1)]


def test_the_quality_table_and_the_still_missing_table_count_the_same_episodes(con, settings):
    from profiles.analysis.quality import open_episodes

    add_episodes(con, [
        dict(incident_id="F0", person="A", reported_at="2024-06-30 20:00", found_at="2024-07-01 00:00"),
        dict(incident_id="Y0", person="C", reported_at="2023-07-02 00:00"),
        dict(incident_id="Z0", person="D", reported_at="2024-06-01 00:00", found_at="2024-06-02 00:00"),
    ])
    still = measures.open_at_period_end(con, period=JUNE)
    quality = open_episodes(con, settings, JUNE).set_index("risk")
    assert still["incidents"].sum() == quality.loc["total", "open_episodes"] == 2


# ---- 2. looked-after children by placement and by who placed them ---------------------------


@pytest.fixture
def authorities(con):
    """Bolton and Salford in the force (Greater Manchester), Blackburn with Darwen outside it."""
    con.execute(
        "insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values "
        "('lad', $b, 'Bolton', 's', 1, ''::blob), ('lad', $s, 'Salford', 's', 1, ''::blob), "
        "('lad', $k, 'Blackburn with Darwen', 's', 1, ''::blob)",
        {"b": BOLTON, "s": SALFORD, "k": BLACKBURN},
    )
    con.execute(
        "insert into ref_lad_pfa values ($b, 'E23000005', 1.0), ($s, 'E23000005', 1.0), ($k, 'E23000003', 1.0)",
        {"b": BOLTON, "s": SALFORD, "k": BLACKBURN},
    )
    return con


def test_placements_by_type_and_by_who_placed_the_child(authorities, settings):
    lac = dict(age=15, looked_after=True, reported_at="2024-06-10 10:00")
    add_episodes(authorities, [
        # a placing authority given by name, any case: Salford is in the force area
        dict(incident_id="P1", person="A", missing_from_type="childrens_home", placing_authority="salford ", **lac),
        dict(incident_id="P2", person="A", missing_from_type="childrens_home", placing_authority="SALFORD", **lac),
        # by code, lower case, outside the force area
        dict(incident_id="P3", person="B", missing_from_type="childrens_home", placing_authority="e06000008", **lac),
        # by name outside the force area
        dict(incident_id="P4", person="C", missing_from_type="foster_care",
             placing_authority="Blackburn with Darwen", **lac),
        # empty, and a name that matches no authority
        dict(incident_id="P5", person="D", missing_from_type="supported_accommodation", **lac),
        dict(incident_id="P6", person="E", missing_from_type="home", placing_authority="Atlantis", **lac),
        # not counted: an adult, a child not looked after, a child reported in May
        dict(incident_id="Q1", person="F", missing_from_type="childrens_home", placing_authority="Bolton",
             looked_after=True, age=18, reported_at="2024-06-10 10:00"),
        dict(incident_id="Q2", person="G", missing_from_type="childrens_home", placing_authority="Bolton",
             looked_after=False, age=15, reported_at="2024-06-10 10:00"),
        dict(incident_id="Q3", person="H", missing_from_type="childrens_home", placing_authority="Bolton",
             looked_after=True, age=15, reported_at="2024-05-31 23:59"),
    ])
    got = measures.placements(authorities, period=JUNE, settings=settings)
    assert list(got.columns) == ["placement_type", "placed_by", "incidents", "individuals"]
    assert _rows(got) == [
        ("childrens_home", "in_area", 2, 1),
        ("childrens_home", "out_of_area", 1, 1),
        ("foster_care", "out_of_area", 1, 1),
        ("supported_accommodation", "not_recorded", 1, 1),
        ("other", "not_recorded", 1, 1),
    ]
    by_authority = measures.placing_authorities(authorities, period=JUNE, settings=settings)
    assert list(by_authority.columns) == [
        "placing_authority_code", "placing_authority_name", "placed_by", "incidents", "individuals"]
    assert [tuple(None if pd.isna(v) else v for v in r) for r in _rows(by_authority)] == [
        (SALFORD, "Salford", "in_area", 2, 1),
        (BLACKBURN, "Blackburn with Darwen", "out_of_area", 2, 2),
        (None, None, "not_recorded", 2, 2),
    ]


# ---- 3. concentration of demand ------------------------------------------------------------


def test_repeat_concentration_of_the_10_20_and_50_people_reported_most_often(con, settings):
    rows = [dict(incident_id=f"A{i:02d}", person="TOP", reported_at=f"2024-{i % 12 + 1:02d}-03 10:00",
                 looked_after=True, age=15) for i in range(12)]
    rows += [dict(incident_id=f"B{i}", person="SECOND", reported_at=f"2024-0{i + 2}-05 10:00") for i in range(3)]
    rows += [dict(incident_id=f"C{i:02d}", person=f"ONCE{i:02d}", reported_at="2024-06-07 10:00") for i in range(10)]
    # outside the 12 months to December 2024
    rows.append(dict(incident_id="OLD", person="SECOND", reported_at="2023-12-31 23:59"))
    add_episodes(con, rows)
    got = measures.repeat_concentration(con, month=Month.of(2024, 12), settings=settings)
    assert list(got.columns) == ["top_n", "incidents", "share_of_incidents", "all_incidents"]
    # top 10: 12 + 3 + 8 of the ten people reported once
    assert _rows(got) == [(10, 23, 0.92, 25), (20, 25, 1.0, 25), (50, 25, 1.0, 25)]
    top = measures.top_people_looked_after(con, month=Month.of(2024, 12), settings=settings)
    assert (top.people, top.incidents, top.looked_after_people, top.looked_after_incidents) == (12, 25, 1, 12)
    assert top.all_incidents == 25
    # the profile hands it the concentration it measured: the same answer, one query fewer
    assert measures.top_people_looked_after(con, month=Month.of(2024, 12), settings=settings,
                                            concentration=got) == top
    settings.demand.concentration_top_n = []  # no row to read every report from: counted again
    assert measures.top_people_looked_after(
        con, month=Month.of(2024, 12), settings=settings,
        concentration=measures.repeat_concentration(con, month=Month.of(2024, 12), settings=settings)) == top


def test_ties_at_the_cut_are_counted_and_do_not_change_the_sum(con, settings):
    settings.demand.concentration_looked_after_n = 2
    add_episodes(con, [dict(incident_id=f"T{i}", person=f"P{i}", reported_at="2024-06-07 10:00",
                            looked_after=i == 0, age=15) for i in range(4)])
    top = measures.top_people_looked_after(con, month=JUNE, settings=settings)
    assert (top.people, top.incidents, top.tied_at_cut, top.all_incidents) == (2, 2, 4, 4)
    assert top.looked_after_people == 1  # P0 comes first in key order


# ---- 4. return-interview themes ----------------------------------------------------------


def test_rhi_themes_count_each_episode_under_every_theme_it_carries(con):
    add_episodes(con, [
        dict(incident_id="R1", person="A", age=15, looked_after=True, reported_at="2024-06-03 10:00",
             rhi_themes="conflict_at_home;peer_relationships"),
        dict(incident_id="R2", person="A", age=15, looked_after=True, reported_at="2024-06-13 10:00",
             rhi_themes="peer_relationships"),
        dict(incident_id="R3", person="B", age=30, reported_at="2024-06-13 10:00", rhi_themes="mental_health"),
        dict(incident_id="R4", person="C", age=15, reported_at="2024-06-13 10:00"),  # no interview themes
    ])
    got = measures.rhi_themes(con, period=JUNE)
    assert list(got.columns) == ["theme", "child_adult", "looked_after", "incidents", "individuals"]
    assert _rows(got) == [
        ("conflict_at_home", "child", "yes", 1, 1),
        ("peer_relationships", "child", "yes", 2, 1),
        ("mental_health", "adult", "not_recorded", 1, 1),
    ]


# ---- 5. rates per population -------------------------------------------------------------


def test_rates_by_local_authority_of_the_go_missing_point(authorities, settings):
    authorities.execute(
        "insert into ref_population (area_code, area_name, sex, age, population) values "
        "($b, 'Bolton', 'male', 10, 100), ($b, 'Bolton', 'male', 30, 300), "
        "($b, 'Bolton', 'female', 17, 50), ($b, 'Bolton', 'female', 18, 50)",
        {"b": BOLTON},
    )
    add_episodes(authorities, [
        dict(incident_id="E1", person="A", age=15, reported_at="2024-01-10 10:00"),
        dict(incident_id="E2", person="A", age=15, reported_at="2024-06-10 10:00"),
        dict(incident_id="E3", person="B", age=40, reported_at="2024-06-10 10:00"),
        dict(incident_id="E4", person="C", age=40, reported_at="2023-06-30 10:00"),  # before the 12 months
        dict(incident_id="E5", person="D", age=40, reported_at="2024-06-10 10:00"),  # go-missing point in Blackburn
    ])
    add_locations(authorities, [dict(incident_id=i, role="missing_from", lad_code=BOLTON) for i in ("E1", "E2", "E3", "E4")]
                  + [dict(incident_id="E5", role="missing_from", lad_code=BLACKBURN)])
    got = measures.rates_by_la(authorities, month=JUNE, settings=settings)
    assert list(got.columns) == [
        "lad_code", "lad_name", "population", "incidents", "individuals", "incidents_per_10k",
        "child_population", "child_incidents", "child_incidents_per_10k_children"]
    rows = {r.lad_code: r for r in got.itertuples(index=False)}
    bolton = rows[BOLTON]
    assert (bolton.population, bolton.incidents, bolton.individuals, bolton.incidents_per_10k) == (500, 3, 2, 60.0)
    assert (bolton.child_population, bolton.child_incidents, bolton.child_incidents_per_10k_children) == (150, 2, 133.33)
    assert rows[SALFORD].incidents == 0 and pd.isna(rows[SALFORD].population)  # in the force, no population
    assert rows[BLACKBURN].incidents == 1  # outside the force, but episodes went missing there
    beside = measures.force_rate(got, settings=settings).set_index("area")
    assert beside.loc["force", "incidents_per_10k"] == 60.0
    assert beside.loc["england_and_wales", "incidents_per_10k"] == settings.demand.benchmark.incidents_per_10k


# ---- the population file ---------------------------------------------------------------


def _ons_table(path, rows):
    ages = [str(a) for a in range(90)] + ["90"]
    lines = ["Code,Name,Geography,Sex,All ages," + ",".join(ages)]
    for code, name, sex, by_age in rows:
        values = [str(by_age.get(a, 0)) for a in range(91)]
        lines.append(f"{code},{name},Metropolitan District,{sex},{sum(by_age.values())}," + ",".join(values))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_ons_mid_year_layout_is_recognised_and_read_as_long_rows(tmp_path):
    from profiles.geo.detect import Found, classify_text
    from profiles.geo.reference import read_population

    path = tmp_path / "mye_lad.csv"
    _ons_table(path, [(BOLTON, "Bolton", "M", {10: 100, 30: 300}), (BOLTON, "Bolton", "F", {17: 50, 90: 7}),
                      (BOLTON, "Bolton", "Persons", {10: 100, 17: 50, 30: 300, 90: 7})])
    assert classify_text(path.read_text().splitlines()[:2])[0] == "population"
    got = read_population(Found("population", path))
    nonzero = got[got["population"] > 0].sort_values(["sex", "age"])
    assert _rows(nonzero) == [(BOLTON, "Bolton", "female", 17, 50), (BOLTON, "Bolton", "female", 90, 7),
                              (BOLTON, "Bolton", "male", 10, 100), (BOLTON, "Bolton", "male", 30, 300)]
    assert len(got) == 2 * 91  # the Persons total row is passed over


def test_a_population_that_is_not_a_number_names_file_row_and_field(tmp_path):
    from profiles.errors import InputError
    from profiles.geo.detect import Found
    from profiles.geo.reference import read_population

    path = tmp_path / "mye_lad.csv"
    _ons_table(path, [(BOLTON, "Bolton", "M", {10: 100})])
    path.write_text(path.read_text().replace(",100,", ",1x0,"), encoding="utf-8")
    with pytest.raises(InputError, match=r"mye_lad.csv: row 2, field 10: '1x0'"):
        read_population(Found("population", path))
