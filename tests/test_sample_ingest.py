"""The sample through the real ingestion: both shapes give the same episodes and quarantine,
every injected defect is accounted for, the absences and interventions fit the episodes."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest

from profiles.config import PROJECT_ROOT, Settings
from profiles.db import connect
from profiles.ingest.load import ingest_files
from profiles.sample import SampleOptions, write_sample
from profiles.sample.defects import KINDS

REFERENCE = PROJECT_ROOT / "data" / "sample" / "reference"
END = date(2026, 10, 31)


def load(path: Path, mapping: str, con=None):
    con = con or connect(":memory:")
    result = ingest_files([path], mapping=mapping, settings=Settings(), con=con)
    return con, result


def episodes(con):
    return con.execute("""
        select * exclude (person_key, record_hash, first_load_id, last_load_id, source_file, source_row, version_at)
        from episodes order by incident_id""").fetchall()


def quarantine(con):
    return con.execute("select row_number, record_key, reasons from quarantine order by row_number").fetchall()


@pytest.fixture(scope="module")
def both_shapes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    loaded = {}
    for shape in ("canonical", "rms"):
        out = folder / f"synthetic_{shape}.csv"
        result = write_sample(SampleOptions(incidents=12_000, seed=99, shape=shape, end=END, defect_rate=0.02), out,
                              reference_dir=REFERENCE)
        con, load_result = load(out, shape)
        loaded[shape] = (result, load_result, con)
    yield loaded
    for _, _, con in loaded.values():
        con.close()


def test_every_kind_of_defect_is_injected(both_shapes):
    result = both_shapes["canonical"][0]
    assert all(result.defects.counts[k] > 0 for k in KINDS), result.defects.counts


@pytest.mark.parametrize("shape", ["canonical", "rms"])
def test_ingestion_accounts_for_every_row_exactly_as_the_generator_expects(both_shapes, shape):
    result, load_result, _ = both_shapes[shape]
    got = load_result.as_json()
    expected = result.expected_reconciliation()
    assert {k: got[k] for k in expected} == expected
    assert got["updated"] == got["unchanged"] == 0


def test_the_rms_shape_through_its_mapping_gives_the_same_episodes_as_the_canonical_shape(both_shapes):
    canonical = episodes(both_shapes["canonical"][2])
    rms = episodes(both_shapes["rms"][2])
    assert len(canonical) > 11_000
    assert canonical == rms


def test_both_shapes_quarantine_the_same_rows_for_the_same_reasons(both_shapes):
    canonical = quarantine(both_shapes["canonical"][2])
    rms = quarantine(both_shapes["rms"][2])
    assert canonical == rms
    reasons = " ".join(" ".join(r[2]) for r in canonical)
    for expected in ("found_at: before reported_at", "gender: required", "age: implausible",
                     "not a postcode", "ethnicity: unknown code", "reported_at: in the future",
                     "reported_at: not a date-time", "person_id: required", "outside Great Britain",
                     "conflicting versions"):
        assert expected in reasons


def test_legacy_absent_grade_is_loaded_as_no_apparent_risk(both_shapes):
    con = both_shapes["rms"][2]
    risks = {r[0] for r in con.execute("select distinct risk from episodes").fetchall()}
    assert risks == {"high", "medium", "low", "no_apparent_risk"}


# ---- absences and interventions -----------------------------------------------------------

@pytest.fixture(scope="module")
def with_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("files")
    out, absences, interventions = (folder / "synthetic_sample.csv", folder / "synthetic_absences.csv",
                                    folder / "interventions.csv")
    result = write_sample(SampleOptions(incidents=30_000, seed=2026, shape="rms", end=END), out,
                          reference_dir=REFERENCE, absences=absences, interventions=interventions)
    con, _ = load(out, "rms")
    yield con, result, absences, interventions
    con.close()


def test_absences_file_has_its_columns_and_loads_through_its_mapping(with_files):
    con, result, absences, _ = with_files
    with absences.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["absence_id", "person_id", "site_ref", "site_name", "started_at", "ended_at",
                             "reported_to_police", "incident_id"]
    assert len(rows) == result.absences
    _, load_result = load(absences, "absences", con)
    assert load_result.as_json()["loaded"] == len(rows) and load_result.as_json()["quarantined"] == 0


def test_reported_absences_match_police_incidents_and_many_absences_were_never_reported(with_files):
    con, _, absences, _ = with_files
    with absences.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    reported = [r for r in rows if r["reported_to_police"] == "Y"]
    unreported = [r for r in rows if r["reported_to_police"] == "N"]
    assert reported and unreported and len(unreported) > 0.3 * len(rows)
    assert all(r["incident_id"] for r in reported) and not any(r["incident_id"] for r in unreported)
    police = {row[0]: row[1:] for row in con.execute(
        "select e.incident_id, i.person_id, e.site_ref, e.missing_from_type from episodes e "
        "join person_identity i using (person_key)").fetchall()}
    matched = [r for r in reported if r["incident_id"] in police]
    assert len(matched) > 0.95 * len(reported)          # a few point at quarantined incidents
    assert all(police[r["incident_id"]][0] == r["person_id"] for r in matched)
    assert all(police[r["incident_id"]][2] == "childrens_home" for r in matched)
    # homes differ in how much they report
    by_home: dict[str, list[int]] = {}
    for r in rows:
        by_home.setdefault(r["site_ref"], []).append(r["reported_to_police"] == "Y")
    shares = [sum(v) / len(v) for v in by_home.values() if len(v) >= 20]
    assert max(shares) - min(shares) > 0.3


def test_interventions_file_and_the_drop_after_a_multi_agency_meeting(with_files):
    con, _, _, interventions = with_files
    with interventions.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["intervention_id", "target_type", "target_ref", "started_on", "type", "description"]
    assert {r["type"] for r in rows} <= {"cawn", "multi_agency_meeting", "trigger_plan", "other"}
    assert {r["target_type"] for r in rows} == {"site", "person"}
    meetings = [r for r in rows if r["type"] == "multi_agency_meeting" and r["target_ref"].startswith("SYN-CH-")]
    assert len(meetings) >= 2
    with (REFERENCE / "sites" / "synthetic_sites.csv").open(encoding="utf-8", newline="") as fh:
        sites = {s["site_ref"]: s for s in csv.DictReader(fh)}
    for r in meetings:
        site = sites[r["target_ref"]]
        start = date.fromisoformat(r["started_on"])
        span = min(365, (start - date(2023, 11, 1)).days, (END - start).days)
        # the home's episodes: by its reference, its name or its postcode
        before, after = con.execute("""
            select count(*) filter (where reported_at >= $b0 and reported_at < $s),
                   count(*) filter (where reported_at >= $s and reported_at < $a1)
            from episodes
            where site_ref = $ref or starts_with(missing_from_address, $name)
               or (missing_from_postcode = $postcode and missing_from_type = $type)""",
            {"b0": start - timedelta(days=span), "s": start, "a1": start + timedelta(days=span),
             "ref": site["site_ref"], "name": site["name"], "postcode": site["postcode"],
             "type": site["type"]}).fetchone()
        assert before >= 15 and after < 0.75 * before, (r["target_ref"], before, after)
    persons = {r[0] for r in con.execute("select person_id from person_identity").fetchall()}
    assert all(r["target_ref"] in persons for r in rows if r["target_type"] == "person")
