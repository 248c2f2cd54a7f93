"""The bundled sample: its reference extract imports, and its episodes geocode (issue 3's
"on the sample" measure: unmatched under 2%)."""

from __future__ import annotations

from pathlib import Path

import pytest

from profiles.config import PROJECT_ROOT, Settings

SAMPLE = PROJECT_ROOT / "data" / "sample"
REFERENCE = SAMPLE / "reference"


def _sample_extract() -> Path | None:
    files = sorted(p for p in SAMPLE.glob("*.csv") if "rms" in p.name and "absence" not in p.name)
    return files[0] if files else None


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    from profiles.db import connect
    from profiles.geo.reference import import_reference

    if not REFERENCE.is_dir():
        pytest.fail(f"the sample's reference extract is missing: {REFERENCE}")
    con = connect(tmp_path_factory.mktemp("sample") / "sample.duckdb")
    result = import_reference(con, REFERENCE, settings=Settings())
    yield con, result
    con.close()


def test_sample_reference_has_every_dataset_the_demo_needs(sample_db):
    con, result = sample_db
    kinds = {k for k, _, _ in result.files}
    assert {"codepoint", "boundary", "os_open_names", "geonames", "cqc", "user_sites"} <= kinds
    levels = {row[0] for row in con.execute("select distinct level from ref_boundaries").fetchall()}
    assert {"pfa", "lad", "ward", "lsoa"} <= levels
    assert con.execute("select count(*) from ref_lad_pfa where pfa_code = 'E23000005'").fetchall()[0][0] == 10
    # children's homes of the synthetic list are sensitive
    sensitive = con.execute(
        "select bool_and(sensitive) from sites where type = 'childrens_home'").fetchall()[0][0]
    assert sensitive is True
    from profiles.geo.attribution import attribution_lines

    assert any("Crown copyright" in line for line in attribution_lines(con))


def test_sample_episodes_geocode_with_few_unmatched(sample_db):
    from profiles.geo.episodes import geocode_episodes, geocoding_report
    from profiles.ingest.load import ingest_files

    extract = _sample_extract()
    if extract is None:
        pytest.fail(f"the sample extract (data/sample/*rms*.csv) is missing from {SAMPLE}")
    con, _ = sample_db
    ingest_files([extract], mapping="rms", settings=Settings(), con=con)
    geocode_episodes(con, Settings())
    report = geocoding_report(con).set_index(["role", "method"])
    unmatched = report["share"].get(("all", "unmatched"), 0.0)
    assert unmatched < 0.02
    # every method of the cascade has work to do in the sample
    methods = set(report.loc["all"].index)
    assert {"coordinates", "site", "postcode", "place", "partial_postcode"} <= methods
