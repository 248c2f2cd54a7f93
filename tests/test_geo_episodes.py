"""Geocoding episodes: incremental, overrides kept, candidate sites, unmatched list, report."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from profiles.errors import InputError
from profiles.geo.episodes import geocode_episodes, geocoding_report, unmatched_locations
from profiles.geo.overrides import add_override, import_overrides, remove_override
from tests.factories import add_episodes
from tests.test_geo_world import build_world, world  # noqa: F401  (fixture)


def ep(**row):
    """An episode with a report time (the factory's only required field)."""
    return {"reported_at": "2026-10-05 10:00", **row}


def locations(con):
    return con.execute(
        "select incident_id, role, method, easting, northing, force_area, site_id, outside_force, geocoded_at "
        "from episode_locations order by incident_id, role"
    ).df()


def test_both_roles_are_geocoded_and_empty_roles_have_no_row(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [
        ep(incident_id="I1", missing_from_postcode="M1 1AA", found_address="Sale"),
        ep(incident_id="I2", missing_from_postcode="SK1 1AA"),   # still missing: no found location
    ])
    run = geocode_episodes(con, settings)
    got = locations(con).set_index(["incident_id", "role"])
    assert sorted(got.index) == [("I1", "found"), ("I1", "missing_from"), ("I2", "missing_from")]
    assert got.loc[("I1", "missing_from"), "method"] == "postcode"
    assert got.loc[("I1", "found"), "method"] == "place"
    assert bool(got.loc[("I1", "missing_from"), "outside_force"]) is False
    assert bool(got.loc[("I2", "missing_from"), "outside_force"]) is True
    assert run.episodes == 2 and run.locations == 3


def test_rerunning_changes_nothing(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [ep(incident_id="I1", missing_from_postcode="M1 1AA")])
    geocode_episodes(con, settings)
    before = locations(con)
    run = geocode_episodes(con, settings)
    assert run.episodes == 0
    assert locations(con).equals(before)


def test_changed_episode_is_geocoded_again(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [ep(incident_id="I1", missing_from_postcode="M1 1AA"),
                       ep(incident_id="I2", missing_from_postcode="M2 1AA")])
    geocode_episodes(con, settings)
    # what ingestion does when a later extract fills in where the person was found
    con.execute("update episodes set found_postcode = 'M2 1AA', record_hash = 'v2' where incident_id = 'I1'")
    run = geocode_episodes(con, settings)
    assert run.episodes == 1
    got = locations(con).set_index(["incident_id", "role"])
    assert got.loc[("I1", "found"), "easting"] == 386000.0


def test_override_wins_and_survives_reruns(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [ep(incident_id="I1", found_easting=381000, found_northing=391000)])
    geocode_episodes(con, settings)
    add_override(con, incident_id="I1", role="found", easting=386500, northing=396500, note="seen on CCTV")
    geocode_episodes(con, settings)
    geocode_episodes(con, settings)
    row = locations(con).set_index(["incident_id", "role"]).loc[("I1", "found")]
    assert (row["method"], row["easting"], row["northing"]) == ("override", 386500.0, 396500.0)
    # an episode update does not undo it
    con.execute("update episodes set found_postcode = 'M1 1AA', record_hash = 'v2' where incident_id = 'I1'")
    geocode_episodes(con, settings)
    assert locations(con).set_index(["incident_id", "role"]).loc[("I1", "found"), "method"] == "override"
    # removed: the cascade again
    assert remove_override(con, incident_id="I1", role="found")
    geocode_episodes(con, settings)
    assert locations(con).set_index(["incident_id", "role"]).loc[("I1", "found"), "method"] == "coordinates"


def test_override_for_a_role_with_no_input_creates_the_location(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [ep(incident_id="I1", missing_from_postcode="M1 1AA")])
    add_override(con, incident_id="I1", role="found", easting=-2.30, northing=53.45)  # WGS84 accepted
    geocode_episodes(con, settings)
    row = locations(con).set_index(["incident_id", "role"]).loc[("I1", "found")]
    assert row["method"] == "override" and 370000 < row["easting"] < 390000


def test_overrides_file_is_checked_row_by_row(world, tmp_path):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [ep(incident_id="I1", missing_from_postcode="M1 1AA")])
    good = tmp_path / "ok.csv"
    good.write_text("incident_id,role,easting,northing,note\nI1,missing_from,382000,392000,checked\n")
    assert import_overrides(con, good) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("incident_id,role,easting,northing\nI1,found,382000,392000\nI9,found,382000,392000\n")
    with pytest.raises(InputError, match=r"bad.csv: row 3, field incident_id: 'I9'"):
        import_overrides(con, bad)
    with pytest.raises(InputError, match="role 'lost'"):
        add_override(con, incident_id="I1", role="lost", easting=1, northing=1)
    with pytest.raises(InputError, match="not a position in Great Britain"):
        add_override(con, incident_id="I1", role="found", easting=5, northing=5)


def test_repeated_unknown_location_becomes_a_candidate_site(world):  # noqa: F811
    con, settings, _, _ = world
    settings.sites.candidate_min_incidents = 3
    settings.sites.candidate_min_persons = 2
    rows = [ep(incident_id=f"A{i}", person=f"P{i % 2}", missing_from_postcode="M1 2AA",
                 missing_from_type="supported_accommodation") for i in range(3)]
    # one person going missing from home three times is not a site
    rows += [ep(incident_id=f"H{i}", person="P9", missing_from_postcode="M2 1AA") for i in range(3)]
    # a known site's incidents are not candidates
    rows += [ep(incident_id=f"S{i}", person=f"Q{i}", site_ref="CH1") for i in range(3)]
    add_episodes(con, rows)
    run = geocode_episodes(con, settings)
    assert run.candidate_sites == 1
    cand = con.execute("select site_id, type, status, sensitive, easting from sites where status = 'candidate'").df()
    assert cand[["type", "status", "easting"]].iloc[0].tolist() == ["supported_accommodation", "candidate", 384000.0]
    assert bool(cand["sensitive"].iloc[0]) is True
    linked = con.execute("select incident_id from episode_locations where site_id = ? order by 1",
                         [cand["site_id"].iloc[0]]).df()["incident_id"].tolist()
    assert linked == ["A0", "A1", "A2"]
    # stable on re-run
    geocode_episodes(con, settings)
    assert con.execute("select site_id from sites where status = 'candidate'").df()["site_id"].tolist() == cand["site_id"].tolist()


def test_unmatched_list_groups_inputs_with_counts(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [
        ep(incident_id="I1", missing_from_address="behind the bins"),
        ep(incident_id="I2", missing_from_address="behind the bins"),
        ep(incident_id="I3", found_address="the old mill"),
        ep(incident_id="I4", missing_from_postcode="M1 1AA"),
    ])
    geocode_episodes(con, settings)
    listed = unmatched_locations(con)
    assert listed[["role", "address", "incidents"]].values.tolist() == [
        ["missing_from", "behind the bins", 2], ["found", "the old mill", 1]]


def test_report_gives_share_by_method_and_unmatched_rate(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [
        ep(incident_id="I1", missing_from_postcode="M1 1AA", found_address="nowhere known"),
        ep(incident_id="I2", missing_from_postcode="M2 1AA", found_address="Sale"),
    ])
    geocode_episodes(con, settings)
    report = geocoding_report(con).set_index(["role", "method"])
    assert report.loc[("missing_from", "postcode"), "share"] == 1.0
    assert report.loc[("found", "unmatched"), "share"] == 0.5
    assert report.loc[("all", "unmatched"), "locations"] == 1
    assert report.loc[("all", "unmatched"), "share"] == 0.25


def test_cli_override_and_unmatched(tmp_path):
    from pipelines import commands  # noqa: F401
    from pipelines.cli_app import app
    from profiles.db import connect

    ref = build_world(tmp_path)
    db = tmp_path / "m.duckdb"
    con = connect(db)
    add_episodes(con, [ep(incident_id="I1", missing_from_address="lost lane")])
    con.close()
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "reference", "import", "--from", str(ref)]).exit_code == 0
    res = runner.invoke(app, ["--db", str(db), "geocode", "episodes"])
    assert res.exit_code == 0 and "unmatched 1" in res.output
    out = tmp_path / "unmatched.csv"
    res = runner.invoke(app, ["--db", str(db), "geocode", "unmatched", "--out", str(out)])
    assert res.exit_code == 0 and "lost lane" in out.read_text()
    res = runner.invoke(app, ["--db", str(db), "geocode", "override", "--incident", "I1", "--role", "missing_from",
                              "--easting", "381000", "--northing", "391000", "--note", "checked"])
    assert res.exit_code == 0, res.output
    runner.invoke(app, ["--db", str(db), "geocode", "episodes"])
    res = runner.invoke(app, ["--db", str(db), "geocode", "report"])
    assert res.exit_code == 0 and "override" in res.output and "Unmatched rate: 0.00%" in res.output


def test_care_setting_at_a_sites_postcode_is_attributed_to_that_site(world):  # noqa: F811
    con, settings, _, _ = world
    add_episodes(con, [
        ep(incident_id="C1", missing_from_type="childrens_home", missing_from_postcode="M1 1AB"),
        ep(incident_id="C2", missing_from_type="childrens_home", missing_from_easting=381230, missing_from_northing=391010),
        ep(incident_id="H1", missing_from_type="home", missing_from_postcode="M1 1AB"),
        ep(incident_id="X1", missing_from_type="hospital", missing_from_postcode="M1 1AB"),
    ])
    geocode_episodes(con, settings)
    got = locations(con).set_index("incident_id")
    assert got.loc["C1", ["method", "site_id"]].tolist() == ["postcode", "USR-CH1"]
    assert got.loc["C2", ["method", "site_id"]].tolist() == ["coordinates", "USR-CH1"]
    assert pd.isna(got.loc["H1", "site_id"])     # a family home at the same postcode
    assert pd.isna(got.loc["X1", "site_id"])     # no hospital there


def test_attribution_covers_the_datasets_the_locations_used(world):  # noqa: F811
    from profiles.geo.attribution import attribution_lines_in_use, kinds_in_use

    con, settings, _, _ = world
    add_episodes(con, [ep(incident_id="I1", missing_from_postcode="M1 1AA")])
    geocode_episodes(con, settings)
    assert kinds_in_use(con) == ["boundary", "codepoint"]
    lines = attribution_lines_in_use(con)
    assert any("Royal Mail" in line for line in lines)
    assert not any("GeoNames" in line for line in lines)


def test_geocode_command_names_a_missing_input_before_doing_anything(tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    db = tmp_path / "db.duckdb"
    result = CliRunner().invoke(app, ["--db", str(db), "geocode", "--input", str(tmp_path / "nope.csv"),
                                      "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {tmp_path / 'nope.csv'}: file not found"
    assert not db.exists()  # no reference import into a new database for nothing
