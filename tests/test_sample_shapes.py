"""The SYNTHETIC sample looks like a real force: the national shapes of ../shared/DOMAIN.md.

One 30,000-incident, three-year sample (as committed), loaded through the real ingestion,
then measured with SQL. Bounds are the published figures with room for chance.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from profiles.config import PROJECT_ROOT, Settings
from profiles.db import connect
from profiles.ingest.load import ingest_files
from profiles.sample import SampleOptions, write_sample
from profiles.sample import calibration as cal

REFERENCE = PROJECT_ROOT / "data" / "sample" / "reference"
GM_NAMES = tuple(cal.GM_LAD_NAMES.values())


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    out = folder / "synthetic.csv"
    result = write_sample(SampleOptions(incidents=30_000, years=3, seed=2026, end=date(2026, 10, 31)), out,
                          reference_dir=REFERENCE)
    con = connect(":memory:")
    ingest_files([out], mapping="canonical", settings=Settings(), con=con)
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    yield con, rows, result
    con.close()


def one(con, sql: str):
    return con.execute(sql).fetchone()


def test_six_in_ten_incidents_are_children_mostly_12_to_17_and_most_of_those_15_to_17(sample):
    con, _, _ = sample
    child, teen, older_teen = one(con, """
        select avg((age_at_report < 18)::int),
               avg(case when age_at_report < 18 then (age_at_report between 12 and 17)::int end),
               avg(case when age_at_report < 18 then (age_at_report between 15 and 17)::int end)
        from episodes""")
    assert 0.57 <= child <= 0.63
    assert teen >= 0.85
    assert older_teen >= 0.5


def test_most_are_found_within_a_day_few_over_a_week_and_a_few_are_found_dead(sample):
    con, _, _ = sample
    by_group = dict(
        (r[0], r[1:]) for r in con.execute("""
        select age_at_report < 18,
               avg(case when found_at is not null then (found_at - reported_at <= interval 24 hour)::int end),
               avg((coalesce(found_at, timestamptz '2026-11-01 06:00') - reported_at > interval 7 day)::int)
        from episodes group by 1""").fetchall()
    )
    assert 0.74 <= by_group[True][0] <= 0.84     # children: about 79%
    assert 0.71 <= by_group[False][0] <= 0.81    # adults: about 76%
    assert by_group[True][1] < 0.03 and by_group[False][1] < 0.03
    dead, still_missing_old = one(con, """
        select avg((outcome = 'found_dead')::int),
               count(*) filter (where found_at is null and reported_at < timestamptz '2026-09-01')
        from episodes""")
    assert 0.002 <= dead <= 0.0045
    assert 1 <= still_missing_old <= 60           # a few long-term missing


def test_a_heavy_tail_of_repeat_people_concentrated_among_looked_after_children_and_a_few_homes(sample):
    con, _, _ = sample
    per_person, once, top5_share = one(con, """
        with p as (select person_key, count(*) k from episodes group by 1),
             ranked as (select k, row_number() over (order by k desc) r, count(*) over () n from p)
        select sum(k) / count(*), avg((k = 1)::int),
               sum(k) filter (where r <= n * 0.05) / sum(k)
        from ranked""")
    assert 1.8 <= per_person <= 3.0
    assert 0.5 <= once <= 0.75                    # most people go missing once
    assert top5_share >= 0.25                     # a few people make much of the demand
    lac_among_frequent = one(con, """
        with p as (select person_key, count(*) k, bool_or(looked_after) lac from episodes group by 1)
        select avg(lac::int) from p where k >= 10""")[0]
    assert lac_among_frequent >= 0.6
    top_tenth_of_homes = one(con, """
        with h as (select site_ref, count(*) n from episodes
                   where missing_from_type = 'childrens_home' and site_ref is not null group by 1)
        select sum(n) filter (where r <= c * 0.1) / sum(n)
        from (select n, row_number() over (order by n desc) r, count(*) over () c from h)""")[0]
    assert top_tenth_of_homes >= 0.3              # a few homes make much of the children's-home demand


def test_time_of_day_day_of_week_and_season(sample):
    con, _, _ = sample
    evening, small_hours = one(con, """
        select avg((hour(reported_at) between 16 and 23)::int), avg((hour(reported_at) between 2 and 7)::int)
        from episodes""")
    assert evening > 3 * small_hours
    weekend, midweek = one(con, """
        select count(*) filter (where dayofweek(reported_at) in (5, 6)) / 2,
               count(*) filter (where dayofweek(reported_at) in (1, 2, 3)) / 3 from episodes""")
    assert weekend > midweek * 1.05
    summer, winter = one(con, """
        select count(*) filter (where month(reported_at) in (6, 7, 8)),
               count(*) filter (where month(reported_at) in (12, 1, 2)) from episodes""")
    assert summer > winter * 1.15


def test_flags_risk_and_legacy_absent_grade(sample):
    con, rows, _ = sample
    flags = one(con, """select avg(flag_cse::int), avg(flag_cce::int), avg(flag_trafficking::int),
                               avg(flag_mental_health::int), avg(flag_suicidal::int), avg(flag_dementia::int),
                               avg(flag_learning_disability::int) from episodes""")
    assert all(0 < f < 0.5 for f in flags)
    dementia_age = one(con, "select median(age_at_report) from episodes where flag_dementia")[0]
    assert dementia_age >= 70
    cse_children = one(con, "select avg((age_at_report < 18)::int) from episodes where flag_cse")[0]
    assert cse_children == 1.0
    raised = one(con, "select avg((risk_highest <> risk)::int) from episodes")[0]
    assert 0.02 <= raised <= 0.12
    absent = [r["reported_at"] for r in rows if r["risk"] == "absent"]
    assert absent and max(absent) < "2024-08-01"   # only in the oldest records
    assert {r["risk"] for r in rows} >= {"high", "medium", "low", "no_apparent_risk"}


def test_return_interviews_out_of_area_placements_and_calls(sample):
    con, _, _ = sample
    offered, on_time, done = one(con, """
        select avg((return_interview_offered_at is not null)::int),
               avg(case when return_interview_offered_at is not null
                        then (return_interview_offered_at - found_at <= interval 72 hour)::int end),
               avg(case when return_interview_offered_at is not null then (return_interview_done_at is not null)::int end)
        from episodes where age_at_report < 18 and found_at is not null and outcome is distinct from 'found_dead'
          and found_at < timestamptz '2026-10-01'""")
    assert 0.8 <= offered <= 0.97 and 0.75 <= on_time < 1.0 and 0.5 <= done < 0.9
    outside = con.execute("""
        select avg((not list_contains($names, placing_authority))::int) from episodes
        where looked_after and placing_authority is not null""", {"names": list(GM_NAMES)}).fetchone()[0]
    assert 0.1 <= outside <= 0.4
    cross = one(con, """select count(*) from episodes where looked_after and placing_authority <> responsible_la""")[0]
    assert cross > 0
    one_call, most = one(con, "select avg((calls = 1)::int), max(calls) from episodes")
    assert 0.5 <= one_call <= 0.85 and most >= 4
    kinds = {r[0] for r in con.execute("select distinct found_by from episodes").fetchall()}
    assert kinds >= {"own_accord", "police", "family", "carer", None}


def test_locations_come_in_every_form_officers_write_them(sample):
    con, rows, _ = sample

    def share(pred) -> float:
        return sum(1 for r in rows if pred(r)) / len(rows)

    def full_pc(v):
        return len(v) >= 6 and " " in v and v[-3].isdigit()

    assert 0.35 <= share(lambda r: full_pc(r["missing_from_postcode"])) <= 0.75
    assert share(lambda r: r["missing_from_postcode"] and not full_pc(r["missing_from_postcode"])) >= 0.02  # partial
    assert share(lambda r: not r["missing_from_postcode"] and r["missing_from_address"][-4:-3] == " ") >= 0.02
    bng = share(lambda r: r["found_easting"] and abs(float(r["found_easting"])) > 1000)
    wgs = share(lambda r: r["found_easting"] and abs(float(r["found_easting"])) <= 180)
    assert bng >= 0.05 and 0.002 <= wgs <= 0.05
    assert share(lambda r: r["site_ref"]) >= 0.05
    place_only = share(lambda r: r["found_address"] and not r["found_postcode"] and not r["found_easting"]
                       and not any(ch.isdigit() for ch in r["found_address"]))
    assert place_only >= 0.05
    misspelt_or_named_sites = {r["missing_from_address"].split(",")[0] for r in rows
                               if r["missing_from_type"] == "childrens_home" and r["missing_from_address"]}
    assert any(not n.startswith("Synthetic ") for n in misspelt_or_named_sites)   # slips for fuzzy matching
    median_km = one(con, """
        select median(sqrt(power(found_easting - missing_from_easting, 2)
                           + power(found_northing - missing_from_northing, 2))) / 1000
        from episodes where found_easting > 1000 and missing_from_easting > 1000""")[0]
    assert median_km < 5                          # most are found near where they went missing
    far = one(con, """select count(*) from episodes where found_easting > 1000 and
                      (found_northing < 375000 or found_northing > 425000 or found_easting < 350000
                       or found_easting > 410000)""")[0]
    named_outside = sum(1 for r in rows if r["found_address"] in cal.OUTSIDE_FOUND_PLACES)
    assert far + named_outside > 0                # a few outside the force


def test_looked_after_missing_by_borough_follows_the_dfe_rates(sample):
    con, _, _ = sample
    counts = dict(con.execute("""
        select placing_authority, count(distinct person_key) from episodes
        where looked_after and placing_authority is not null group by 1""").fetchall())
    manchester, trafford = counts.get("Manchester", 0), counts.get("Trafford", 0)
    # DfE 2024: Manchester 276 looked-after children went missing, Trafford 56
    assert manchester > 2.5 * trafford
