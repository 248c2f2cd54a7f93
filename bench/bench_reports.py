"""Reports speed over one million episodes (three years), the places benchmark's rows.

Times the UKMPU return (query and checks) for a financial year, the partner shares for a
month, and the monthly problem profile: measuring once, then each audience's HTML and
CSVs, and one PDF. Prints seconds per step and peak memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_places import EPISODES, load  # noqa: E402

from profiles.config import Settings  # noqa: E402
from profiles.db import connect  # noqa: E402
from profiles.periods import FinancialYear, Month  # noqa: E402
from profiles.reports.profile import build_profile, write_profile_files  # noqa: E402
from profiles.reports.profile_data import gather  # noqa: E402
from profiles.reports.shares import write_shares  # noqa: E402
from profiles.reports.ukmpu import check_return, ukmpu_return  # noqa: E402


def timed(label: str, func):
    started = time.perf_counter()
    result = func()
    print(f"reports {label}: {time.perf_counter() - started:.2f} s")
    return result


def main() -> None:
    con = connect(":memory:")
    started = time.perf_counter()
    load(con)
    print(f"reports setup: {EPISODES:,} episodes in {time.perf_counter() - started:.1f} s")
    settings, month, run = Settings(), Month.of(2025, 3), date(2025, 4, 2)
    frame = timed("UKMPU return 2024/25 (query)", lambda: ukmpu_return(con, FinancialYear.of(2024)))
    timed("UKMPU checks", lambda: check_return(frame))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed("partner shares, one month", lambda: write_shares(con, month, out / "share", settings, run))
        data = timed("profile: gather every measure, one month", lambda: gather(con, settings, month))
        reports = {}
        for audience in ("police", "partner", "public"):
            reports[audience] = timed(f"profile: build {audience}", lambda a=audience: build_profile(data, a, run))
            timed(f"profile: write {audience} HTML, CSVs, leak check",
                  lambda a=audience: write_profile_files(reports[a], data, out / a, settings, con, pdf=False))
        timed("profile: partner PDF (WeasyPrint)",
              lambda: write_profile_files(reports["partner"], data, out / "pdf", settings, con, pdf=True))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports peak memory: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
