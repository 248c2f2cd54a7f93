"""The reliability corpus (issue 14): every case under tests/corpus/ runs here.

A case is a folder holding its input file(s) and ``expected.yaml`` (tests/corpus/README.md).
``command`` picks the runner below; a case whose command has no runner fails, so no case
is skipped silently.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from profiles.config import Settings
from profiles.db import connect
from profiles.errors import MisperError
from profiles.ingest.load import OUTCOMES, ingest_files

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.yaml").is_file())
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def _expected(case: Path) -> dict:
    return yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8"))


def _refusal(exc: BaseException, spec: dict, case: Path) -> None:
    message = str(exc)
    assert isinstance(exc, MisperError), f"{case.name}: {type(exc).__name__} is not a clear refusal"
    assert "\n" not in message, f"{case.name}: a refusal is one line: {message!r}"
    for part in spec["error"] if isinstance(spec["error"], list) else [spec["error"]]:
        assert part in message, f"{case.name}: {part!r} not in {message!r}"


def run_ingest(case: Path, spec: dict, tmp_path: Path) -> None:
    db = tmp_path / "corpus.duckdb"
    mapping = str(case / spec["mapping"]) if str(spec.get("mapping", "")).endswith(".yaml") \
        else spec.get("mapping", "canonical")
    for step in spec["loads"]:
        files = []
        for name in step["files"] if "files" in step else [step["file"]]:
            target = tmp_path / name  # a copy: the case's own files keep their times
            target.write_bytes((case / name).read_bytes()) if (case / name).exists() else None
            if "mtime" in step:
                t = datetime.fromisoformat(step["mtime"]).timestamp()
                os.utime(target, (t, t))
            files.append(target)
        if "error" in step:
            with pytest.raises(BaseException) as info:
                ingest_files(files, mapping=mapping, settings=Settings(), db_path=db, now=NOW)
            _refusal(info.value, step, case)
            continue
        result = ingest_files(files, mapping=mapping, settings=Settings(), db_path=db, now=NOW)
        got = {"rows_read": result.rows_read, **{o: result.total(o) for o in OUTCOMES}}
        assert got["rows_read"] == sum(got[o] for o in OUTCOMES), f"{case.name}: reconciliation"
        want = step.get("counts", {})
        assert {k: got[k] for k in want} == want, f"{case.name}: {got}"
        if "reasons" in step:
            with connect(db, read_only=True) as con:
                reasons = [r for (rs,) in con.execute(
                    "select reasons from quarantine where load_id = $id order by row_number",
                    {"id": result.load_id}).fetchall() for r in rs]
            for part in step["reasons"]:
                assert any(part in r for r in reasons), f"{case.name}: no reason with {part!r} in {reasons}"
    if "episodes" in spec:
        with connect(db, read_only=True) as con:
            for want in spec["episodes"]:
                cols = [c for c in want if c != "incident_id"]
                row = con.execute(
                    f"select {', '.join(cols)} from episodes where incident_id = $id", {"id": want["incident_id"]}
                ).fetchone()
                assert row is not None, f"{case.name}: episode {want['incident_id']} missing"
                got = dict(zip(cols, (str(v) if v is not None else None for v in row)))
                assert got == {c: (None if want[c] is None else str(want[c])) for c in cols}, f"{case.name}: {got}"


def run_read_table(case: Path, spec: dict, tmp_path: Path) -> None:
    """The reader of `misper geocode --input` (profiles.geo.files.read_table)."""
    from profiles.geo.files import read_table

    frame = read_table(case / spec["file"])
    assert list(frame.columns) == spec["columns"], case.name
    assert len(frame) == spec["rows"], case.name


RUNNERS = {"ingest": run_ingest, "geocode-input": run_read_table}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corpus_case(case: Path, tmp_path: Path) -> None:
    spec = _expected(case)
    assert spec.get("case") and spec.get("outcome"), f"{case.name}: expected.yaml needs case and outcome"
    runner = RUNNERS.get(spec.get("command", "ingest"))
    assert runner is not None, f"{case.name}: no runner for command {spec.get('command')!r}"
    runner(case, spec, tmp_path)


def test_the_corpus_holds_the_cases_of_issue_14():
    issues = {str(_expected(c).get("issue")) for c in CASES}
    assert {"14.1", "14.8", "14.9", "held"} <= issues
