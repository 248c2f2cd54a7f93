"""High-demand sites: given these reports at these homes, the ranked table is this."""

from __future__ import annotations

import pandas as pd
import pytest

from profiles.analysis.places import (
    SITE_RANKING_COLUMNS,
    persistent_and_emerging_sites,
    site_ranking,
)
from profiles.periods import Month
from tests.factories import add_episodes, add_locations, add_sites

BOLTON = "E08000001"
WIGAN = "E08000010"


def _costs(settings):
    settings.costs.unit_cost_gbp = {"high": 3000.0, "medium": 2000.0, "low": 1000.0, "no_apparent_risk": 500.0}
    return settings


@pytest.fixture
def homes(con):
    add_sites(
        con,
        [
            dict(site_id="S1", site_ref="CH-01", name="Oak House", type="childrens_home", postcode="BL1 1AA",
                 easting=371000.0, northing=409000.0, lad_code=BOLTON),
            dict(site_id="S2", site_ref="AC-02", name="Elm Lodge", type="adult_care_home", postcode="WN1 1AA",
                 easting=358000.0, northing=405000.0, lad_code=WIGAN),
            dict(site_id="S3", site_ref="CH-03", name="Quiet House", type="childrens_home", lad_code=BOLTON),
        ],
    )
    # (incident, person, reported_at, site or None, risk, calls)
    rows = [
        ("A1", "P1", "2024-04-02 21:00", "S1", "medium", 1),
        ("A2", "P1", "2024-05-01 22:00", "S1", "medium", 2),
        ("A3", "P1", "2024-06-10 23:00", "S1", "low", None),
        ("B0", "P2", "2024-03-20 18:00", None, "medium", 1),   # from home, before the window
        ("B1", "P2", "2024-03-25 18:00", None, "medium", 1),
        ("B2", "P2", "2024-05-05 18:00", "S1", "high", 4),     # P2's third report in 46 days
        ("C0", "P3", "2024-01-10 12:00", "S2", "medium", 1),   # previous window
        ("C1", "P3", "2024-04-15 12:00", "S2", "medium", 1),   # 96 days after C0: not in its window
        ("C2", "P3", "2024-06-20 12:00", "S2", "high", 1),
        ("D1", "P4", "2024-02-01 10:00", "S1", "medium", 1),   # previous window
        ("D2", "P4", "2024-03-31 23:30", "S1", "medium", 1),   # previous window (BST evening)
        ("D3", "P4", "2024-07-01 00:30", "S1", "medium", 1),   # after the period
        ("E1", "P5", "2024-01-15 09:00", None, "medium", 1),
        ("E2", "P5", "2024-02-01 09:00", None, "medium", 1),
        ("E3", "P5", "2024-02-10 09:00", None, "medium", 1),   # P5 is a repeat, but before the window
        ("E4", "P5", "2024-05-20 09:00", "S2", "medium", 1),
    ]
    add_episodes(
        con,
        [dict(incident_id=i, person=p, reported_at=t, risk=r, calls=c, age=15) for i, p, t, _, r, c in rows],
    )
    add_locations(
        con,
        [
            dict(incident_id=i, role="missing_from", site_id=s, easting=371000.0, northing=409000.0)
            for i, _, _, s, _, _ in rows
        ],
    )
    return con


def test_sites_ranked_by_incidents_in_the_window_with_repeat_cost_and_change(homes, settings):
    ranked = site_ranking(homes, _costs(settings), Month.parse("2024-06"), months=3)
    assert tuple(ranked.columns) == SITE_RANKING_COLUMNS
    got = ranked[["site_id", "incidents", "individuals", "repeat_individuals", "calls",
                  "estimated_cost_gbp", "change_vs_previous"]].to_dict("records")
    assert got == [
        # P1 x3 + P2 x1; both repeat; calls 1+2+0+4; medium+medium+low+high; 4 - 2 before
        dict(site_id="S1", incidents=4, individuals=2, repeat_individuals=2, calls=7,
             estimated_cost_gbp=8000.0, change_vs_previous=2),
        # P3 x2 + P5 x1; neither repeat inside the window; 3 - 1 before
        dict(site_id="S2", incidents=3, individuals=2, repeat_individuals=0, calls=3,
             estimated_cost_gbp=7000.0, change_vs_previous=2),
    ]
    assert ranked.loc[0, "name"] == "Oak House" and ranked.loc[0, "postcode"] == "BL1 1AA"


def test_repeat_rule_follows_configuration(homes, settings):
    settings.repeat.threshold = 2
    ranked = site_ranking(homes, settings, Month.parse("2024-06"), months=3).set_index("site_id")
    # with 2 reports in 90 days P3 (C1, C2: 66 days apart) becomes a repeat; P5 (E4 alone) does not
    assert ranked.loc["S2", "repeat_individuals"] == 1


def test_partner_view_hides_childrens_homes_and_suppresses_small_counts(homes, settings):
    con = homes
    con.execute(
        "insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) "
        "values ('lad', $code, 'Bolton', 'test', 1, ''::blob)",
        {"code": BOLTON},
    )
    settings.disclosure.suppression_threshold = 3
    withheld = settings.disclosure.suppression_marker
    ranked = site_ranking(con, _costs(settings), Month.parse("2024-06"), months=3, audience="partner")
    home, care = ranked.to_dict("records")
    assert home["name"] == "Children's home A (Bolton)"
    assert [home[c] for c in ("site_id", "site_ref", "postcode", "easting", "northing")] == [None] * 5
    # individuals 2 and 2 and repeat_individuals 2 are below 3; the 0 under that 2 is withheld
    # too, or the column's total (2) would give the 2 away
    assert (home["incidents"], home["individuals"], home["repeat_individuals"], home["calls"]) == (
        4, withheld, withheld, 7)
    assert (care["incidents"], care["individuals"], care["repeat_individuals"]) == (3, withheld, withheld)
    assert care["name"] == "Elm Lodge" and care["site_id"] == "S2"  # the CQC register is public
    assert care["postcode"] is None and care["easting"] is None
    rendered = ranked.to_csv(index=False)
    assert "Oak House" not in rendered and "CH-01" not in rendered and "BL1 1AA" not in rendered


def test_withheld_incidents_take_the_cost_and_change_that_would_reveal_them(homes, settings):
    ranked = site_ranking(homes, settings, Month.parse("2024-06"), months=3, audience="public")
    withheld = settings.disclosure.suppression_marker
    assert ranked["incidents"].tolist() == [withheld, withheld]
    assert ranked["estimated_cost_gbp"].tolist() == [withheld, withheld]
    assert ranked["change_vs_previous"].tolist() == [withheld, withheld]


def test_episodes_not_matched_to_a_site_are_not_site_demand(homes, settings):
    ranked = site_ranking(homes, settings, Month.parse("2024-03"), months=1)
    # March 2024: B0/B1 from home (no site), D2 at S1 on the 31st at 23:30 London time
    assert ranked[["site_id", "incidents"]].to_dict("records") == [dict(site_id="S1", incidents=1)]


def _monthly(con, site, counts_by_month):
    rows, n = [], 0
    for month, count in counts_by_month.items():
        for k in range(count):
            n += 1
            rows.append(dict(incident_id=f"{site}-{n}", person=f"{site}-P{n}", reported_at=f"{month}-{k + 1:02d} 20:00"))
    add_episodes(con, rows)
    add_locations(con, [dict(incident_id=r["incident_id"], role="missing_from", site_id=site) for r in rows])


def test_persistent_and_emerging_sites(con, settings):
    add_sites(con, [dict(site_id=s, name=s, type="adult_care_home") for s in ("STEADY", "RISING", "SPORADIC")])
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    # high (>= 2) in 10 of 12 months
    _monthly(con, "STEADY", {m: (2 if i % 6 else 1) for i, m in enumerate(months)})
    # nothing much, then 2+3+4 in the last three months: rate 3/month vs 1/9 before
    _monthly(con, "RISING", {"2024-02": 1, "2024-10": 2, "2024-11": 3, "2024-12": 4})
    # 4 incidents in 3 recent months but with 8 earlier: ratio 1.33/0.89 < 2
    _monthly(con, "SPORADIC", {"2024-01": 2, "2024-03": 2, "2024-05": 2, "2024-07": 2, "2024-10": 4})
    result = persistent_and_emerging_sites(con, settings, Month.parse("2024-12"), months=12).set_index("site_id")
    assert result.loc["STEADY", ["high_months", "persistent", "emerging"]].tolist() == [10, True, False]
    assert result.loc["RISING", ["recent_incidents", "persistent", "emerging", "status"]].tolist() == [
        9, False, True, "emerging"
    ]
    assert result.loc["RISING", "rate_ratio"] == pytest.approx(27.0)
    assert result.loc["RISING", "p_value_rising"] < 0.01
    assert result.loc["SPORADIC", ["persistent", "emerging", "status"]].tolist() == [False, False, ""]
    assert list(result.index[:2]) == ["STEADY", "RISING"]  # flagged sites first, then by incidents


def test_site_months_count_whole_london_months(con, settings):
    from profiles.analysis.places import site_monthly_incidents

    add_sites(con, [dict(site_id="S", type="hospital")])
    add_episodes(con, [dict(incident_id="X", person="P", reported_at="2024-03-31 23:30")])
    add_locations(con, [dict(incident_id="X", role="missing_from", site_id="S")])
    got = site_monthly_incidents(con, settings, Month.parse("2024-04"), months=2)
    assert got.assign(month=got["month"].astype(str))[["month", "incidents"]].values.tolist() == [
        ["2024-03-01", 1], ["2024-04-01", 0]
    ]


def test_missing_geocoding_is_a_clear_error(settings):
    import duckdb

    from profiles.analysis.places_common import MissingDataError

    bare = duckdb.connect()
    bare.execute("create table episodes (incident_id varchar)")
    with pytest.raises(MissingDataError, match="episode_locations.*misper geocode"):
        site_ranking(bare, settings, Month.parse("2024-06"))


def test_empty_database_gives_an_empty_table_with_the_contract_columns(con, settings):
    ranked = site_ranking(con, settings, Month.parse("2024-06"))
    assert ranked.empty and tuple(ranked.columns) == SITE_RANKING_COLUMNS
    assert isinstance(ranked, pd.DataFrame)
