"""Fault tests (issue 14): a load killed with kill -9, a damaged database, two writers at once,
and the backup a damaged database is restored from. Each fault happens to a real process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from profiles.config import Settings
from profiles.db import DatabaseError, backup_database, check_database, connect, holder_path
from profiles.ingest.load import ingest_files

ROOT = Path(__file__).resolve().parent.parent
HEADER = "incident_id,person_id,reported_at,found_at,age,gender,risk\n"


def extract(path: Path, n: int, prefix: str = "I") -> Path:
    path.write_text(HEADER + "".join(f"{prefix}{i},P{i % 97},2024-01-05 10:00,,15,female,medium\n" for i in range(n)))
    return path


def python(code: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def damage(db: Path) -> None:
    """4 KB overwritten at offset 4096, as the probe did."""
    with db.open("r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xa5" * 4096)


def counts(db: Path) -> tuple[int, int]:
    with connect(db, read_only=True) as con:
        return con.execute("select (select count(*) from episodes), (select count(*) from load_log)").fetchone()


def test_kill_9_mid_load_leaves_the_database_as_it_was(tmp_path):
    db, f = tmp_path / "m.duckdb", extract(tmp_path / "x.csv", 2000)
    ingest_files([extract(tmp_path / "first.csv", 10, prefix="F")], settings=Settings(), db_path=db)
    # the child loads for real, and stops inside the transaction once the merge has run
    child = python(f"""
        import sys, time
        import profiles.ingest.load as ing
        real = ing.run_script
        def run_script(con, name, params=None):
            real(con, name, params)
            if name.startswith("staging/merge_"):
                print("merged", flush=True)
                time.sleep(60)
        ing.run_script = run_script
        ing.ingest_files([{str(f)!r}], db_path={str(db)!r})
    """)
    assert child.stdout.readline().strip() == "merged", child.stderr.read()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    check_database(db, full=True)
    assert counts(db) == (10, 1)  # the killed load left nothing
    again = ingest_files([f], settings=Settings(), db_path=db)
    assert (again.total("loaded"), counts(db)) == (2000, (2010, 2))


def test_a_damaged_database_is_one_line_before_any_flow(tmp_path):
    db = tmp_path / "m.duckdb"
    ingest_files([extract(tmp_path / "x.csv", 3000)], settings=Settings(), db_path=db)
    damage(db)
    with pytest.raises(DatabaseError, match="damaged.*restore it from the last backup"):
        check_database(db)
    cli = subprocess.run(
        [str(Path(sys.executable).with_name("misper")), "--db", str(db), "ingest", str(tmp_path / "x.csv")],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300,
    )
    assert cli.returncode == 2
    lines = [ln for ln in (cli.stdout + cli.stderr).splitlines() if ln.strip()]
    assert len(lines) == 1 and "is damaged" in lines[0] and "misper backup" in lines[0], lines
    assert "Traceback" not in cli.stderr and "prefect" not in cli.stderr.lower()


def test_a_backup_is_consistent_and_restores_a_damaged_database(tmp_path):
    db = tmp_path / "m.duckdb"
    ingest_files([extract(tmp_path / "x.csv", 3000)], settings=Settings(), db_path=db)
    copy = backup_database(db, tmp_path / "backups")
    assert copy.parent == tmp_path / "backups" and copy.suffix == ".duckdb"
    assert not list((tmp_path / "backups").glob("*.partial"))
    damage(db)
    with pytest.raises(DatabaseError, match="damaged"):
        connect(db)
    shutil.copyfile(copy, db)  # the restore docs/reliability.md describes
    assert counts(db) == (3000, 1)


def test_a_second_writer_waits_then_names_the_holder(tmp_path):
    db = tmp_path / "m.duckdb"
    connect(db).close()
    holder = python(f"""
        import time, sys
        sys.argv = ["misper", "ingest", "big.csv"]
        from profiles.db import connect
        con = connect({str(db)!r})
        print("holding", flush=True)
        time.sleep(60)
    """)
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        with pytest.raises(DatabaseError) as info:
            connect(db, lock_wait_s=1.5)
        message = str(info.value)
        assert "is busy: held by `misper ingest`" in message and f"pid {holder.pid}" in message
        assert "waited 1.5 s (db.lock_wait_s)" in message and "\n" not in message
    finally:
        holder.kill()
        holder.wait()
    assert holder_path(db).exists()


def test_a_second_writer_gets_the_database_when_the_first_finishes_within_the_wait(tmp_path):
    db = tmp_path / "m.duckdb"
    connect(db).close()
    holder = python(f"""
        import time
        from profiles.db import connect
        con = connect({str(db)!r})
        print("holding", flush=True)
        time.sleep(2)
        con.close()
        time.sleep(30)
    """)
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        with connect(db, lock_wait_s=60) as con:  # retries with back-off until the first closes
            assert con.execute("select count(*) from episodes").fetchone() == (0,)
    finally:
        holder.kill()
        holder.wait()
