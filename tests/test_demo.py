"""`misper demo`: the main job on the sample in one process, twice; the second changes no data.

Run as a user runs it (a subprocess, Prefect's temporary server), on a slice of the
bundled sample so that it stays quick; the configuration differs from config/misper.yaml
only in where the extracts, database and outputs are.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

from profiles.config import DEFAULT_CONFIG_PATH
from tests.leak_scan import leaks, marked_values
from tests.margin_audit import audit_tables
from tests.test_flows import SAMPLE, _slice_absences, _slice_rms

BIN = Path(sys.executable).parent
#: Bookkeeping that records each run (a load of nothing new, a dry-run message) by design.
RUN_LOGS = {"load_log", "load_files", "delivery_log"}


def demo_config(tmp_path: Path) -> Path:
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    _slice_rms(SAMPLE / "synthetic_missing_persons_rms.csv", tmp_path / "rms.csv", 2000)
    _slice_absences(SAMPLE / "synthetic_care_absences.csv", tmp_path / "absences.csv", date(2026, 8, 1))
    config["sources"]["extracts"][0]["files"] = [str(tmp_path / "rms.csv")]
    config["sources"]["extracts"][1]["files"] = [str(tmp_path / "absences.csv")]
    config["paths"] = {"db": str(tmp_path / "misper.duckdb"), "output_dir": str(tmp_path / "out")}
    config["delivery"]["outbox_dir"] = str(tmp_path / "out" / "outbox")
    config["reports"]["interventions_file"] = str(SAMPLE / "interventions.csv")
    config["reports"]["recommendations_file"] = str(SAMPLE / "recommendations.yaml")
    path = tmp_path / "misper.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def run_demo(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MISPER_")}
    return subprocess.run([str(BIN / "misper"), "--config", str(config), "demo"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)


def data_snapshot(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    tables = [r[0] for r in con.execute("select table_name from duckdb_tables() order by 1").fetchall()]
    snapshot = {t: sorted(map(repr, con.execute(f'select * from "{t}"').fetchall()))
                for t in tables if t not in RUN_LOGS}
    con.close()
    return snapshot


def report_files(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file() and "outbox" not in p.parts
    }


@pytest.mark.prefect
@pytest.mark.slow
def test_demo_runs_the_main_job_prints_where_everything_is_and_a_rerun_changes_no_data(tmp_path):
    config = demo_config(tmp_path)
    first = run_demo(config, tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    out = tmp_path / "out"
    for audience in ("police", "partner", "public"):
        assert (out / "profile" / "2026-10" / audience / "problem_profile.pdf").exists()
        assert f"{audience:<8} out/profile/2026-10/{audience}/problem_profile.html" in first.stdout
    assert "Partner shares 2026-10: out/share/2026-10/index.html" in first.stdout
    assert (out / "ukmpu" / "2025" / "ukmpu_return.xlsx").exists()
    assert "UKMPU return 2025/26: out/ukmpu/2025/ukmpu_return.html" in first.stdout
    emls = sorted((out / "outbox").glob("*.eml"))
    assert len(emls) == 3 and "3 .eml file(s) in out/outbox" in first.stdout  # a dry run: nothing sent
    assert "Imported reference data from" in first.stdout
    # lists for an analyst to fix at source: every quarantined row with its reasons, the unmatched places
    quarantined = (out / "data_quality" / "quarantined_rows.csv").read_text()
    assert "for an analyst (police): out/data_quality/quarantined_rows.csv" in first.stdout
    assert quarantined.startswith("load_id,record_type,file,row_number,record_key,reasons,row_as_read")
    assert (out / "data_quality" / "unmatched_locations.csv").exists()
    assert "Traceback" not in first.stdout + first.stderr
    # no withheld cell of a partner or public table can be worked out from its margins
    police_tables = out / "profile" / "2026-10" / "police" / "tables"
    for audience in ("partner", "public"):
        assert audit_tables(police_tables, out / "profile" / "2026-10" / audience / "tables", "[c]",
                            signed=("change_vs_last_year",)) == []
    # every byte a partner or public reader receives (documents, tables, shares, their emails and
    # attachments) holds none of the input's person references, dates of birth, free text,
    # addresses or children's-home names (an independent scan: tests/leak_scan.py)
    values = marked_values(tmp_path / "misper.duckdb")
    assert all(values[kind] for kind in ("person reference", "date of birth", "free text", "children's home"))
    received = [p for audience in ("partner", "public") for p in (out / "profile" / "2026-10" / audience).rglob("*")
                if p.is_file()]
    share = out / "share" / "2026-10"  # what the partner manifest sends (the index and care-home summary are police)
    received += [share / f["path"] for f in json.loads((share / "manifest.json").read_text())["files"]]
    received += [p for p in emls if "Missing-persons-coordinator" not in p.name]  # the police list's is police
    assert len(received) > 50
    assert leaks(received, values) == []
    probe = tmp_path / "probe.txt"  # the scan finds what is there
    probe.write_text("x " + sorted(values["person reference"])[0] + " y", encoding="utf-8")
    assert leaks([probe], values)
    data, files = data_snapshot(tmp_path / "misper.duckdb"), report_files(out)
    assert data["episodes"] and data["episode_locations"]

    second = run_demo(config, tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "ingested" not in second.stdout
    assert "extracts: nothing new to load" in second.stdout
    assert "Geocoding: nothing new or changed." in second.stdout
    assert data_snapshot(tmp_path / "misper.duckdb") == data
    assert report_files(out) == files
