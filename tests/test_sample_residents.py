"""The sample's residents file (issue 11, part 5): ONS layout, SYNTHETIC, from the sample's
own calibration, and the committed copy is exactly what `misper sample --population` writes."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from profiles.config import PROJECT_ROOT
from profiles.geo.attribution import attribution_for
from profiles.geo.detect import Found, classify_text
from profiles.geo.reference import read_population
from profiles.sample import calibration as cal
from profiles.sample.residents import CHILD_SHARE, LOOKED_AFTER_PER_10K_CHILDREN

COMMITTED = PROJECT_ROOT / "data" / "sample" / "reference" / "population" / "synthetic_mid_year_population.csv"


def _write(tmp_path):
    from pipelines.cli import app

    target = tmp_path / "population" / "residents.csv"
    result = CliRunner().invoke(app, ["sample", "--incidents", "50", "--years", "1", "--out", str(tmp_path / "s.csv"),
                                      "--population", str(target)])
    assert result.exit_code == 0, result.output
    return target, result.output


def test_the_command_writes_the_committed_file_byte_for_byte(tmp_path):
    target, output = _write(tmp_path)
    assert target.read_bytes() == COMMITTED.read_bytes()
    for note in ("ATTRIBUTION.txt", "PROVENANCE.txt"):
        assert (target.parent / note).read_bytes() == (COMMITTED.parent / note).read_bytes()
    assert "SYNTHETIC residents" in output


def test_it_is_read_as_a_population_table_and_attributed_as_synthetic():
    assert classify_text(COMMITTED.read_text(encoding="utf-8").splitlines()[:2])[0] == "population"
    rows = read_population(Found("population", COMMITTED))
    assert set(rows["area_code"]) == set(cal.GM_LAD_CODES)
    assert len(rows) == len(cal.GM_LAD_CODES) * 2 * 91
    attribution = attribution_for("population", COMMITTED, COMMITTED.parent.parent)
    assert "SYNTHETIC" in attribution and "not ONS data" in attribution


def test_every_row_says_synthetic_and_each_borough_follows_its_looked_after_children():
    with COMMITTED.open(encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert {r["data"] for r in table} == {"SYNTHETIC: not ONS data"}
    for la in cal.GM_LOCAL_AUTHORITIES:
        mine = [r for r in table if r["code"] == la.code]
        children = sum(int(r[str(a)]) for r in mine for a in range(18))
        everyone = sum(int(r[str(a)]) for r in mine for a in range(91))
        assert children == round(la.looked_after * 10_000 / LOOKED_AFTER_PER_10K_CHILDREN)
        assert abs(children / everyone - CHILD_SHARE) < 0.001
        female = sum(int(r[str(a)]) for r in mine if r["sex"] == "female" for a in range(91))
        assert 0.49 < female / everyone < 0.52
