"""Sample generator speed and memory: one million rows in each shape.

Prints rows per second and the peak resident memory of this process (the generator holds
only the people and a few numbers per episode; every other field is drawn, shaped and
written 100,000 episodes at a time, so memory grows slowly with size).

    .venv/bin/python bench/bench_sample.py                 # 1,000,000 rows, both shapes
    .venv/bin/python bench/bench_sample.py --rows 5000000 --shapes canonical
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from profiles.config import PROJECT_ROOT
from profiles.sample import SampleOptions, write_sample

REFERENCE = PROJECT_ROOT / "data" / "sample" / "reference"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main(rows: int = 1_000_000, shapes: tuple[str, ...] = ("canonical", "rms")) -> None:
    print(f"sample generator: {rows:,} incidents, 3 years, reference {REFERENCE.relative_to(PROJECT_ROOT)}")
    print(f"  peak memory before generating: {peak_rss_mb():,.0f} MB (interpreter and libraries)")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            out = Path(tmp) / f"synthetic_bench_{shape}.csv"
            started = time.perf_counter()
            result = write_sample(SampleOptions(incidents=rows, years=3, seed=1, shape=shape, end=date(2026, 10, 31)),
                                  out, reference_dir=REFERENCE)
            took = time.perf_counter() - started
            print(f"  {shape:9s} {result.rows:,} rows in {took:.1f} s = {result.rows / took:,.0f} rows/s; "
                  f"file {out.stat().st_size / 1e6:,.0f} MB; peak memory so far {peak_rss_mb():,.0f} MB")
            out.unlink()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shapes", nargs="+", default=["canonical", "rms"])
    args = parser.parse_args(sys.argv[1:] if sys.argv and sys.argv[0] != "-c" else [])
    main(args.rows, tuple(args.shapes))
