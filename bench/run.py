"""Run every benchmark (bench/bench_*.py, each with a ``main()`` that prints its figures).

`make bench` calls this. Each benchmark runs in its own process so that peak memory is its
own; the figures are printed and written to bench/results/latest.txt.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    lines: list[str] = [f"misper benchmarks, {time.strftime('%Y-%m-%d %H:%M')}", ""]
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        name = script.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", f"import runpy; runpy.run_path({str(script)!r}, run_name='__main__')"],
            capture_output=True,
            text=True,
            cwd=HERE.parent,
        )
        took = time.perf_counter() - started
        print(proc.stdout, end="")
        if proc.returncode != 0:
            failed += 1
            print(proc.stderr[-3000:], file=sys.stderr)
        lines += [f"== {name} ({took:.0f} s, exit {proc.returncode})", proc.stdout.rstrip(), ""]
    (results / "latest.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"figures written to {results / 'latest.txt'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
