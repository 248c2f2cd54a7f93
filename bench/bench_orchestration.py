"""What Prefect costs an ad hoc command, and how long `misper demo` takes on the sample.

Each figure is a fresh process, as a user runs it (Prefect's temporary server started
each time, its own PREFECT_HOME in a temporary folder):

- `misper ingest` of a 2,000-row slice of the sample (the ingest flow) against the same
  load done by calling ``profiles.ingest.ingest_files`` directly: the difference is the
  start-up of the temporary server plus the flow's bookkeeping;
- one process running the ingest flow twice: the second call shows the per-run cost
  once the server is up;
- `misper demo` on the full bundled sample (30,000 incidents), first run and second run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "data" / "sample" / "synthetic_missing_persons_rms.csv"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "MISPER_"))}
    env.update(PREFECT_HOME=str(home))
    return env


def _timed(args: list[str], env: dict, cwd: Path) -> float:
    started = time.perf_counter()
    proc = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return took


def _slice(target: Path, rows: int) -> None:
    with SAMPLE.open(encoding="cp1252", newline="") as fh:
        lines = fh.read().splitlines(keepends=True)
    target.write_text("".join(lines[:1] + lines[-rows:]), encoding="cp1252", newline="")


DIRECT = """
import sys, time
from pathlib import Path
from profiles.ingest.load import ingest_files
from profiles.config import Settings
t = time.perf_counter()
ingest_files([Path(sys.argv[1])], mapping="rms", settings=Settings(), db_path=Path(sys.argv[2]))
"""

TWICE = """
import sys, time
from pipelines.flows import ingest_extracts
t = time.perf_counter(); ingest_extracts(files=[sys.argv[1]], mapping="rms", db=sys.argv[2]); a = time.perf_counter() - t
t = time.perf_counter(); ingest_extracts(files=[sys.argv[1]], mapping="rms", db=sys.argv[2]); b = time.perf_counter() - t
print(f"{a:.1f} {b:.1f}")
"""

DIRECT_AGAIN = """
import sys, time
from pathlib import Path
from profiles.ingest.load import ingest_files
from profiles.config import Settings
t = time.perf_counter()
ingest_files([Path(sys.argv[1])], mapping="rms", settings=Settings(), db_path=Path(sys.argv[2]))
print(f"{time.perf_counter() - t:.2f}")
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="misper-bench-orch-") as tmp:
        tmp = Path(tmp)
        env = _env(tmp / "prefect-home")
        extract = tmp / "slice.csv"
        _slice(extract, 2000)

        direct = _timed([sys.executable, "-c", DIRECT, str(extract), str(tmp / "direct.duckdb")], env, tmp)
        cli = _timed([str(BIN / "misper"), "--db", str(tmp / "flow.duckdb"), "ingest", str(extract),
                      "--mapping", "rms", "--json"], env, tmp)
        print(f"ingest 2,000 rows: direct call {direct:.1f} s; `misper ingest` (flow, temporary server) "
              f"{cli:.1f} s; Prefect's cost {cli - direct:.1f} s")

        proc = subprocess.run([sys.executable, "-c", TWICE, str(extract), str(tmp / "twice.duckdb")], env=env,
                              cwd=tmp, capture_output=True, text=True, check=True)
        first, second = (float(x) for x in proc.stdout.split())
        again = subprocess.run([sys.executable, "-c", DIRECT_AGAIN, str(extract), str(tmp / "twice.duckdb")],
                               env=env, cwd=tmp, capture_output=True, text=True, check=True)
        print(f"ingest flow in one process: first call {first:.1f} s (starts the server), second call "
              f"{second:.1f} s; the same reload called directly {float(again.stdout):.1f} s")

        config = yaml.safe_load((ROOT / "config" / "misper.yaml").read_text(encoding="utf-8"))
        config["paths"] = {"db": str(tmp / "demo.duckdb"), "output_dir": str(tmp / "out")}
        config["delivery"]["outbox_dir"] = str(tmp / "out" / "outbox")
        (tmp / "demo.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
        demo = [str(BIN / "misper"), "--config", str(tmp / "demo.yaml"), "demo"]
        first_demo = _timed(demo, env, tmp)
        second_demo = _timed(demo, env, tmp)
        print(f"misper demo on the full sample (30,000 incidents): first run {first_demo:.0f} s, "
              f"second run {second_demo:.0f} s")


if __name__ == "__main__":
    main()
