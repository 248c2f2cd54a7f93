"""Each SQL file's declared grain holds: the key its `-- Grain:` line names is unique in its output.

The key is the column list in brackets on the Grain line ("one row per episode (incident_id)",
"one row per (dimension, category, child_adult)"). Every report and mart is run on the same
hand-written episodes (several people, repeats, open and found, children and adults, looked
after, flags, located points); a file that declares a key must return rows and no repeated key.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from profiles.db import read_sql, used_params
from tests.factories import add_episodes, add_locations, add_sites

ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")

#: Files whose output is not a table of rows to key (statements, or a frame registered by Python).
NOT_QUERIES = {"reports/people_identify.sql"}


def _declared_key(path: Path) -> list[str] | None:
    """The key in brackets on the Grain line, or None when the line names none."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r"^-- Grain:(.*)$", text, re.M)
    if match is None:
        return None
    bracket = re.search(r"\(([a-z_][a-z0-9_]*(?:\s*,\s*[a-z_][a-z0-9_]*)*)\)", match.group(1))
    return [c.strip() for c in bracket.group(1).split(",")] if bracket else None


def _keyed_files() -> list[tuple[str, list[str]]]:
    out = []
    for folder in ("reports", "marts"):
        for path in sorted((ROOT / "sql" / folder).glob("*.sql")):
            name = f"{folder}/{path.name}"
            key = _declared_key(path)
            if key and name not in NOT_QUERIES:
                out.append((name, key))
    return out


#: Marts are table macros; each is called as its reports call it.
MART_CALLS = {
    "marts/area_names.sql": "select * from area_names('lad')",
    "marts/episode_facts.sql": "select * from episode_facts()",
    "marts/open_episodes.sql": "select * from open_episodes_at($period_end)",
    "marts/episode_repeats.sql": "select * from episode_repeats($window_days, $threshold)",
    "marts/persons.sql": "select * from person_window($period_start, $period_end)",
    "marts/located_points.sql": "select * from located_points($role, $period_start, $period_end, $max_precision_m)",
    "marts/placements.sql": "select * from placed_children($period_start, $period_end, $pfa_code)",
}

PARAMS = {
    "period_start": datetime(2024, 3, 1, tzinfo=LONDON),
    "period_end": datetime(2024, 4, 1, tzinfo=LONDON),
    "window_start": datetime(2024, 1, 1, tzinfo=LONDON),
    "window_end": datetime(2024, 4, 1, tzinfo=LONDON),
    "year_start": datetime(2023, 4, 1, tzinfo=LONDON),
    "year_end": datetime(2024, 4, 1, tzinfo=LONDON),
    "as_of": datetime(2024, 4, 1, tzinfo=LONDON),
    "window_days": 90,
    "threshold": 3,
    "lookback_days": 365,
    "notify_hours": 72,
    "hours": 72,
    "referral_grades": ["high"],
    "referral_flags": ["cse", "cce", "trafficking"],
    "intelligence_flags": ["cse", "cce", "trafficking"],
    "own_force": "E23000005",
    "level": "lad",
    "pfa_code": "E23000005",
    "clock": "reported",
    "role": "missing_from",
    "max_precision_m": 1000.0,
    "person_keys": ["CHILD", "ADULT", "UNKNOWN", "LATE"],
    "up_to": datetime(2024, 4, 1, tzinfo=LONDON),
    "as_of_end": datetime(2024, 4, 1, tzinfo=LONDON),
    "frequency_days": 365,
    "half_life_days": 90,
    "weight_keys": ["looked_after", "harm", "high"],
    "weight_values": [1.0, 1.0, 1.0],
    "harm_outcomes": ["harmed", "found_dead"],
}


@pytest.fixture(scope="module")
def sample_con():
    from profiles.db import connect

    con = connect(":memory:")
    child = dict(age=15, looked_after=True, missing_from_type="childrens_home", placing_authority="Salford",
                 responsible_la="Salford", flag_cse=True)
    add_episodes(con, [
        # a looked-after child reported four times in March (a repeat), found each time
        *[dict(incident_id=f"C{i}", person="CHILD", reported_at=f"2024-03-{i * 5:02d} 22:00",
               found_at=f"2024-03-{i * 5 + 1:02d} 09:00", risk="high" if i == 2 else "medium", **child)
          for i in range(1, 5)],
        # an adult found, and one still missing since February
        dict(incident_id="A1", person="ADULT", reported_at="2024-03-02 10:00", found_at="2024-03-02 15:00",
             risk="low", flag_dementia=True),
        dict(incident_id="A2", person="ADULT", reported_at="2024-02-20 10:00"),
        # an adult missing over 72 hours in March (a UKMPU notification falls due)
        dict(incident_id="A3", person="ADULT", reported_at="2024-03-10 10:00", found_at="2024-03-20 10:00"),
        # a person of unknown age, still missing, and one found exactly at the end of the period
        dict(incident_id="U1", person="UNKNOWN", reported_at="2024-03-30 23:00", age=None),
        dict(incident_id="U2", person="LATE", reported_at="2024-03-31 20:00", found_at="2024-04-01 00:00"),
    ])
    # the child's return interview recorded two themes
    con.execute("update episodes set rhi_themes = 'conflict_at_home;school', "
                "return_interview_done_at = found_at + interval 1 day where incident_id = 'C1'")
    add_locations(con, [
        dict(incident_id=i, role=role, easting=380000.0 + n, northing=400000.0 + n, lad_code="E08000001",
             ward_code="E05000001", lsoa_code="E01000001", force_area="E23000005")
        for n, i in enumerate(["C1", "C2", "C3", "C4", "A1", "A2", "A3", "U1", "U2"])
        for role in ("missing_from", "found") if (i, role) != ("C2", "found")
    ])
    # the child was once found in another authority and another force (cross-border)
    add_locations(con, [dict(incident_id="C2", role="found", easting=390000.0, northing=410000.0,
                             lad_code="E06000049", ward_code="E05000002", force_area="E23000013")])
    # the child's children's home, in a named ward near a named place
    add_sites(con, [dict(site_id="S1", name="Synthetic Oak House", postcode="BL5 3AB", easting=380000.0,
                         northing=400000.0, lad_code="E08000001", ward_code="E05000001")])
    con.execute("insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values "
                "('ward', 'E05000001', 'Westhoughton South', 'a', 1, ''::blob)")
    con.execute("insert into ref_places (source, name, name_norm, easting, northing) values "
                "('os_open_names', 'Daisy Hill', 'daisy hill', 380100.0, 400100.0)")
    # the home's absences for the child, one reported to police; a refused row at a March load
    con.execute("insert into absences (absence_id, person_key, site_ref, site_name, started_at, reported_to_police, "
                "record_hash, first_load_id, last_load_id) values "
                "('AB1', 'CHILD', 'S1', 'Synthetic Oak House', '2024-03-05 21:00+00', true, 'h1', 1, 1), "
                "('AB2', 'CHILD', 'S1', 'Synthetic Oak House', '2024-03-12 21:00+00', false, 'h2', 1, 1)")
    con.execute("insert into load_log (load_id, record_type, started_at, status) values "
                "(1, 'episode', '2024-03-15 06:00+00', 'done')")
    con.execute("insert into quarantine (load_id, record_type, file, file_sha256, row_number, reasons) values "
                "(1, 'episode', 'x.csv', 'abc', 2, ['reported_at: not a date']), "
                "(1, 'episode', 'x.csv', 'abc', 3, ['reported_at: not a date', 'risk: not a code'])")
    # one authority named by two sources: area_names() must still give one row
    con.execute("insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values "
                "('lad', 'E08000001', 'Bolton', 'a', 1, ''::blob), ('lad', 'E08000001', 'BOLTON', 'b', 2, ''::blob)")
    yield con
    con.close()


@pytest.mark.parametrize(("name", "key"), _keyed_files(), ids=[n for n, _ in _keyed_files()])
def test_the_declared_grain_key_is_unique_in_the_output(sample_con, name, key):
    sql = MART_CALLS.get(name, read_sql(name))
    frame = sample_con.execute(sql, used_params(sql, PARAMS) or None).df()
    missing = [c for c in key if c not in frame.columns]
    assert not missing, f"{name}: the declared key {key} names columns the output lacks: {missing}"
    assert not frame.empty, f"{name}: no rows from these episodes: give the fixture what it needs"

    repeated = frame[frame.duplicated(subset=key, keep=False)]
    assert repeated.empty, f"{name}: the declared grain {key} repeats:\n{repeated[key]}"


def test_the_grain_check_covers_the_facts_layer_and_the_new_measures():
    names = {n for n, _ in _keyed_files()}
    assert {"marts/episode_facts.sql", "marts/episode_repeats.sql", "marts/persons.sql",
            "marts/open_episodes.sql", "reports/demand_breakdowns.sql"} <= names
