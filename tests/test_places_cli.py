"""The places, demand and quality commands write their files from a database on disk."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.analysis.places import SITE_RANKING_COLUMNS
from profiles.db import connect
from tests.factories import add_episodes, add_locations, add_sites

runner = CliRunner()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "misper.duckdb"
    con = connect(path)
    add_sites(con, [
        dict(site_id="S1", site_ref="CH-01", name="Oak House", type="childrens_home", postcode="BL1 1AA",
             easting=371000.0, northing=409000.0, lad_code="E08000001"),
        dict(site_id="S2", site_ref="AC-02", name="Elm Lodge", type="adult_care_home",
             easting=372000.0, northing=409000.0, lad_code="E08000001"),
    ])
    rows = []
    for i in range(14):
        site = "S1" if i < 9 else "S2"
        rows.append(dict(incident_id=f"E{i}", person=f"P{i % 4}", age=15 if site == "S1" else 82,
                         reported_at=f"2024-{1 + i % 6:02d}-{1 + i:02d} 21:00", found_at=f"2024-{1 + i % 6:02d}-{2 + i:02d} 09:00",
                         missing_from_type="childrens_home" if site == "S1" else "adult_care_home",
                         flag_dementia=site == "S2"))
    add_episodes(con, rows)
    add_locations(con, [
        dict(incident_id=r["incident_id"], role="missing_from", site_id="S1" if i < 9 else "S2",
             easting=371000.0 if i < 9 else 372000.0, northing=409000.0)
        for i, r in enumerate(rows)
    ])
    add_locations(con, [
        dict(incident_id=r["incident_id"], role="found", easting=371000.0 + 100 * i, northing=409500.0)
        for i, r in enumerate(rows)
    ])
    con.close()
    return path


def _rows(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_sites_command_writes_the_contract_columns(db, tmp_path):
    out = tmp_path / "sites.csv"
    result = runner.invoke(app, ["--db", str(db), "sites", "--period", "2024-06", "--months", "6", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert tuple(header) == SITE_RANKING_COLUMNS
    rows = _rows(out)
    assert [(r["site_id"], r["incidents"], r["individuals"]) for r in rows] == [("S1", "9", "4"), ("S2", "5", "4")]
    assert "2 site(s)" in result.output


def test_sites_command_for_partners_names_no_home(db, tmp_path):
    out = tmp_path / "sites_partner.csv"
    result = runner.invoke(app, ["--db", str(db), "sites", "--period", "2024-06", "--months", "6",
                                 "--audience", "partner", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "Oak House" not in text and "CH-01" not in text and "BL1 1AA" not in text
    assert _rows(out)[0]["name"].startswith("Children's home A")


def test_places_demand_and_quality_commands_write_their_folders(db, tmp_path):
    config = tmp_path / "misper.yaml"
    config.write_text("sites:\n  cluster_min_points: 5\n", encoding="utf-8")
    for command, files in [
        ("places", {"sites_persistent_emerging.csv", "clusters_missing_from.csv", "clusters_found.csv",
                    "hotspots_grid_missing_from.csv", "hotspots_grid_found.csv", "found_distance_rings.csv",
                    "found_directions.csv", "found_places.csv"}),
        ("demand", {"demand_trend.csv", "demand_day_hour.csv", "demand_breakdowns.csv", "demand_looked_after.csv",
                    "demand_cost.csv"}),
        ("quality", {"quality_completeness.csv", "quality_geocoding.csv", "quality_open_episodes.csv",
                     "quality_late_returns_summary.csv", "quality_quarantine.csv", "quality_late_returns.csv"}),
    ]:
        out = tmp_path / command
        result = runner.invoke(app, ["--db", str(db), "--config", str(config), command, "--period", "2024-06",
                                     "--out", str(out)])
        assert result.exit_code == 0, (command, result.output)
        assert {p.name for p in out.glob("*.csv")} == files
    clusters = _rows(tmp_path / "places" / "clusters_missing_from.csv")
    assert [(c["incidents"], c["main_site"]) for c in clusters] == [("9", "Oak House"), ("5", "Elm Lodge")]
    rings = {r["category"]: r for r in _rows(tmp_path / "places" / "found_distance_rings.csv")}
    assert rings["dementia"]["found"] == "5"
    trend = _rows(tmp_path / "demand" / "demand_trend.csv")
    assert len(trend) == 24 and sum(int(r["incidents"]) for r in trend) == 14


def test_partner_quality_has_no_episode_list(db, tmp_path):
    out = tmp_path / "q"
    result = runner.invoke(app, ["--db", str(db), "quality", "--period", "2024-06", "--months", "6",
                                 "--audience", "partner", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert not (out / "quality_late_returns.csv").exists()


def test_partner_hot_spot_grid_is_no_finer_than_a_kilometre(db, tmp_path):
    out = tmp_path / "p"
    result = runner.invoke(app, ["--db", str(db), "places", "--period", "2024-06", "--audience", "partner",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = _rows(out / "hotspots_grid_missing_from.csv")
    assert cells and {c["cell_m"] for c in cells} == {"1000.0"}
    assert "Oak House" not in "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))


def test_hotspots_and_interventions_commands(db, tmp_path):
    out = tmp_path / "hot.csv"
    result = runner.invoke(app, ["--db", str(db), "hotspots", "--period", "2024-06", "--role", "found",
                                 "--cell-m", "250", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {r["cell_m"] for r in _rows(out)} == {"250.0"}
    given = tmp_path / "interventions.csv"
    given.write_text("intervention_id,target_type,target_ref,started_on,type,description\n"
                     "I1,site,CH-01,2024-04-01,cawn,served\n", encoding="utf-8")
    out = tmp_path / "impact.csv"
    result = runner.invoke(app, ["--db", str(db), "interventions", str(given), "--period", "2024-06", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert _rows(out)[0]["status"] == "tested" and (tmp_path / "impact.caveat.txt").exists()
    assert "regression to the mean" in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["sites", "--period", "2024-13"], "--period: expected YYYY-MM"),
        (["sites", "--period", "2024-06", "--audience", "press"], "--audience: expected one of police"),
        (["hotspots", "--period", "2024-06", "--unit", "county"], "--unit: expected grid or one of lsoa, ward"),
        (["hotspots", "--period", "2024-06", "--unit", "lsoa"], "No LSOA boundaries"),
        (["demand", "--period", "2024-06", "--months", "0"], "--months"),
    ],
)
def test_bad_options_are_one_line_errors(db, tmp_path, args, message):
    result = runner.invoke(app, ["--db", str(db), *args, "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_interventions_file_errors_name_row_and_field(db, tmp_path):
    given = tmp_path / "bad.csv"
    given.write_text("intervention_id,target_type,target_ref,started_on,type,description\n"
                     "I1,site,CH-01,1st April,cawn,\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db), "interventions", str(given), "--period", "2024-06",
                                 "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2 and "row 1, started_on" in result.output


def test_public_interventions_carry_no_row_about_one_person(db, tmp_path):
    given = tmp_path / "interventions.csv"
    given.write_text("intervention_id,target_type,target_ref,started_on,type,description\n"
                     "I1,site,AC-02,2024-04-01,multi_agency_meeting,met the manager\n"
                     "I2,person,REF-P1,2024-04-01,cawn,served on the associate\n", encoding="utf-8")
    out = tmp_path / "impact_public.csv"
    result = runner.invoke(app, ["--db", str(db), "interventions", str(given), "--period", "2024-06",
                                 "--audience", "public", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert [r["intervention_id"] for r in rows] == ["I1"] and rows[0]["target"] == "Elm Lodge"
    text = out.read_text(encoding="utf-8")
    assert "REF-P1" not in text and "met the manager" not in text and "AC-02" not in text
