"""`make bench`: misper at force and national scale, beside anchors measured in the same run.

For each size (30,000, 120,000 and 1,000,000 episodes over three years; 3,500,000 with
``--national``) it generates the extract once (cached in bench/.cache/), loads it into a
fresh database and runs each stage as a user runs it: a fresh `misper` process, its wall
time and peak RSS from ``/usr/bin/time``. Anchors:

- DuckDB reading the same CSV into a table (``create table ... from read_csv``), in-process;
- pandas ``groupby().rolling('90D')`` repeat count over the same episodes, checked equal
  to what `misper repeats` wrote;
- scikit-learn HDBSCAN on the same go-missing points as misper's DBSCAN (the places
  window, 12 months), capped at ``--hdbscan-cap`` points and timed out after
  ``--hdbscan-timeout`` seconds (both said in the output).

Writes bench/results/scale-<size>.json and prints one table per size. ``--profile`` also
writes a cProfile of each stage over ``--profile-over`` seconds to bench/results/profiles/.

    python bench/scale.py                        # 30k, 120k, 1M
    python bench/scale.py --sizes 30000          # one size
    python bench/scale.py --national             # and 3.5M
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"
DEFAULT_SIZES = (30_000, 120_000, 1_000_000)
NATIONAL = 3_500_000
#: The board pack's page caps (issue 10): police at most 24, partner and public at most 20.
PAGE_CAPS = {"police": 24, "partner": 20, "public": 20}
#: The goals of issues 10 and 12 that `goals` judges the results by (seconds, MB, ratios).
GOALS = {
    "ingest_ratio": 2.0,          # ingest (start-up excluded) / DuckDB's read of the same file
    "ingest_peak_mb": 1500,
    "startup_s": 2.0,             # an ad hoc command's overhead (ingest of 10 rows)
    "geocode_1m_s": 20.0,
    "police_1m_s": 10.0,          # profile --audience police --no-pdf
    "ukmpu_1m_s": 3.0,
    "partner_ratio": 1.5,         # the partner profile with PDF at any size / on the sample
    "national_load_s": 60.0,      # ingest + geocode at 3.5M
    "national_ukmpu_s": 5.0,
    "national_peak_mb": 3000,
}


def pdf_pages(path: Path) -> int | None:
    """Pages of a PDF (poppler's pdfinfo), None when it is not there."""
    if not path.exists():
        return None
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def machine() -> dict:
    cpu = ""
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem_gb, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    e.setdefault("PREFECT_HOME", str(CACHE / "prefect-home"))
    e["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    return e


def timed_process(argv: list[str], *, label: str, profile_to: Path | None = None, timeout: float | None = None,
                  cwd: Path = ROOT) -> dict:
    """Run ``argv`` as its own process under /usr/bin/time: wall seconds, CPU seconds, peak RSS."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        cmd = ["/usr/bin/time", "-o", tf.name, "-f", "%e %U %S %M", *argv]
        before = load()
        started = time.perf_counter()
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env(), cwd=cwd, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"stage": label, "command": " ".join(argv), "timed_out": timeout, "load_before": before}
        took = time.perf_counter() - started
        fields = (tf.read().strip().splitlines() or ["0 0 0 0"])[-1].split()
    wall, user, sys_, rss_kb = (float(f) for f in fields[-4:])
    result = {"stage": label, "command": " ".join(argv), "seconds": round(wall or took, 2),
              "cpu_seconds": round(user + sys_, 2), "peak_rss_mb": round(rss_kb / 1024), "exit": proc.returncode,
              "load_before": before}
    if proc.returncode != 0:
        result["stderr"] = proc.stderr[-2000:]
    if profile_to is not None and proc.returncode == 0:
        profile_to.parent.mkdir(parents=True, exist_ok=True)
        prof = profile_to.with_suffix(".prof")
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(prof), *argv_python(argv)],
                       capture_output=True, env=env(), cwd=cwd)
        import pstats

        with profile_to.open("w") as fh:
            stats = pstats.Stats(str(prof), stream=fh)
            stats.sort_stats("cumulative").print_stats(35)
            stats.sort_stats("tottime").print_stats(20)
        prof.unlink(missing_ok=True)
        result["profile"] = str(profile_to.relative_to(ROOT))
    return result


def argv_python(argv: list[str]) -> list[str]:
    """``misper ...`` as a script cProfile can run."""
    if argv and argv[0].endswith("/misper"):
        return [argv[0], *argv[1:]]
    return argv


def misper(*args: str) -> list[str]:
    return [str(BIN / "misper"), *args]


def extract_for(size: int) -> Path:
    """The canonical extract of ``size`` incidents over three years (seed 7), generated once."""
    path = CACHE / f"extract_{size}.csv"
    lock = CACHE / f"extract_{size}.lock"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        try:
            lock.mkdir()
            break
        except FileExistsError:
            if path.exists():
                return path
            time.sleep(10)
    try:
        if not path.exists():
            part = path.with_suffix(".part.csv")
            subprocess.run(misper("sample", "--incidents", str(size), "--years", "3", "--seed", "7",
                                  "--shape", "canonical", "--out", str(part)),
                           check=True, env=env(), cwd=ROOT, capture_output=True)
            os.replace(part, path)
    finally:
        lock.rmdir()
    return path


def data_span(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    con.execute("set timezone = 'Europe/London'")
    last = con.execute("select max(reported_at)::date from episodes").fetchone()[0]
    con.close()
    # the last whole month, its last day, and the last whole financial year
    first_of_last = last.replace(day=1)
    import datetime as dt

    month_end = (first_of_last + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    month = first_of_last if last == month_end else (first_of_last - dt.timedelta(days=1)).replace(day=1)
    period = f"{month.year:04d}-{month.month:02d}"
    as_of = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    fy = month.year - 1 if month.month >= 4 else month.year - 2
    return {"period": period, "as_of": as_of.isoformat(), "ukmpu_year": fy}


# ---- anchors ----------------------------------------------------------------------------

ANCHOR_DUCKDB = """
import sys, time, duckdb
con = duckdb.connect()
con.execute("set enable_progress_bar = false")
t = time.perf_counter()
n = con.execute("create table t as select * from read_csv(?)", [sys.argv[1]]).fetchone()
rows = con.execute("select count(*) from t").fetchone()[0]
print(time.perf_counter() - t, rows)
"""

ANCHOR_PANDAS_REPEATS = """
import sys, time, datetime as dt
import duckdb, pandas as pd
db, as_of, window, threshold, misper_csv = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
con = duckdb.connect(db, read_only=True)
con.execute("set timezone = 'Europe/London'")
frame = con.execute("select e.person_key, p.person_id, e.reported_at from episodes e "
                    "left join person_identity p using (person_key)").df()
con.close()
t = time.perf_counter()
# London wall-clock time: a window of `window` calendar days is then exactly window x 24 h
frame["at"] = frame["reported_at"].dt.tz_convert("Europe/London").dt.tz_localize(None)
end = pd.Timestamp(as_of + dt.timedelta(days=1))
# one probe per person at the end of the window (just before midnight after the as-of date)
probe = pd.DataFrame({"person_key": frame["person_key"].unique(), "at": end - pd.Timedelta(1, "ns"), "one": 0})
rows = pd.concat([frame.assign(one=1)[["person_key", "at", "one"]], probe]).sort_values(["person_key", "at"])
counts = rows.groupby("person_key").rolling(f"{window}D", on="at")["one"].sum()
counts = counts.reset_index(level=0).assign(at=rows["at"].values)
at_end = counts[counts["at"] == end - pd.Timedelta(1, "ns")]
repeats = at_end[at_end["one"] >= threshold].set_index("person_key")["one"].astype(int)
took = time.perf_counter() - t
ids = frame.drop_duplicates("person_key").set_index("person_key")["person_id"]
mine = {(ids[k], v) for k, v in repeats.items()}
theirs = pd.read_csv(misper_csv, dtype={"person_id": str})
theirs = {(a, int(b)) for a, b in zip(theirs["person_id"], theirs["reports_in_window"])}
print(took, len(mine), mine == theirs)
"""

ANCHOR_CLUSTERS = """
import sys, time
import numpy as np
from sklearn.cluster import HDBSCAN
from profiles.analysis.clusters import dbscan_labels, located_points
from profiles.config import load_settings
from profiles.db import connect
from profiles.periods import Month
db, period, cap = sys.argv[1], Month.parse(sys.argv[2]), int(sys.argv[3])
settings = load_settings(None)
con = connect(db, read_only=True)
window = period.trailing(settings.sites.ranking_months if hasattr(settings.sites, "ranking_months") else 12)
points = located_points(con, settings, window, role="missing_from")
con.close()
x, y = points["easting"].to_numpy(float), points["northing"].to_numpy(float)
radius, min_points = settings.sites.cluster_radius_m, settings.sites.cluster_min_points
t = time.perf_counter()
labels = dbscan_labels(x, y, radius_m=radius, min_points=min_points)
dbscan_s = time.perf_counter() - t
take = np.random.default_rng(7).permutation(len(x))[:cap] if len(x) > cap else np.arange(len(x))
t = time.perf_counter()
h = HDBSCAN(min_cluster_size=max(min_points, 2)).fit(np.column_stack([x[take], y[take]]))
hdbscan_s = time.perf_counter() - t
print(len(x), dbscan_s, int(labels.max()) if len(labels) else 0, len(take), hdbscan_s, int(h.labels_.max()) + 1)
"""


def run_anchor(code: str, *args: str, timeout: float | None = None) -> list[str] | None:
    try:
        proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env(),
                              cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return proc.stdout.replace("\r", "\n").strip().splitlines()[-1].split()


# ---- one size ---------------------------------------------------------------------------

def bench_size(size: int, args: argparse.Namespace) -> dict:
    extract = extract_for(size)
    work = CACHE / f"run_{size}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    db = work / "misper.duckdb"
    out = work / "out"
    report: dict = {"size": size, "extract": str(extract), "extract_mb": round(extract.stat().st_size / 2**20),
                    "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(), "stages": []}
    profiles = RESULTS / "profiles"

    def stage(label: str, *cli: str, profile: bool = True) -> dict:
        result = timed_process(misper("--db", str(db), *cli), label=label)
        if args.profile and profile and result.get("seconds", 0) >= args.profile_over and result.get("exit") == 0 \
                and label not in ("ingest", "reference import"):
            slug = label.split(" (")[0].replace(" ", "_").replace("-", "")
            result["profile"] = str(timed_process(
                misper("--db", str(db), *cli), label=label,
                profile_to=profiles / f"{slug}_{size}.txt").get("profile"))
        report["stages"].append(result)
        shown = (f"{result['seconds']:7.1f} s (CPU {result['cpu_seconds']:6.1f} s)  {result['peak_rss_mb']:6,} MB"
                 if "seconds" in result else "  timed out")
        print(f"  {label:<36} {shown}  (load {result['load_before']})"
              + ("" if result.get("exit", 0) == 0 else f"  FAILED: {result.get('stderr', '')[-300:]}"), flush=True)
        return result

    print(f"== {size:,} episodes ({extract}, {report['extract_mb']} MB)", flush=True)
    tiny = work / "tiny.csv"
    with extract.open() as src:
        tiny.write_text("".join(next(src) for _ in range(11)))
    report["startup"] = timed_process(misper("--db", str(work / "tiny.duckdb"), "ingest", str(tiny), "--json"),
                                      label="ingest of 10 rows (start-up)")
    print(f"  {'start-up: ingest of 10 rows':<36} {report['startup']['seconds']:7.1f} s  "
          f"(CPU {report['startup']['cpu_seconds']:.1f} s)", flush=True)

    stage("reference import", "reference", "import", profile=False)
    ingest = stage("ingest", "ingest", str(extract), "--json")
    span = data_span(db)
    report["span"] = span
    stage("geocode episodes", "geocode", "episodes")
    stage("geocode episodes (again, unchanged)", "geocode", "episodes", profile=False)
    stage("profile police --no-pdf", "profile", "--period", span["period"], "--audience", "police", "--no-pdf",
          "--out", str(out / "police"))
    if not args.no_pdf:
        stage("profile partner (with PDF)", "profile", "--period", span["period"], "--audience", "partner", "--pdf",
              "--out", str(out / "partner"))
        # the board pack: every audience's main PDF, its pages against the caps
        stage("profile, every audience (with PDF)", "profile", "--period", span["period"],
              "--pdf", "--out", str(out / "all"), profile=False)
        report["pages"] = {a: pdf_pages(out / "all" / a / "problem_profile.pdf") for a in PAGE_CAPS}
        print("  main PDF pages: " + ", ".join(f"{a} {n} (cap {PAGE_CAPS[a]})" for a, n in report["pages"].items()),
              flush=True)
    stage("ukmpu (one year)", "ukmpu", "--year", str(span["ukmpu_year"]), "--out", str(out / "ukmpu"))
    repeats_csv = out / "repeats.csv"
    stage("repeats", "repeats", "--as-of", span["as_of"], "--out", str(repeats_csv))
    stage("sites", "sites", "--period", span["period"], "--out", str(out / "sites.csv"))
    stage("places", "places", "--period", span["period"], "--out", str(out / "places"))

    # anchors, in the same run
    anchors: dict = {}
    read = run_anchor(ANCHOR_DUCKDB, str(extract))
    anchors["duckdb_read_csv"] = {"seconds": round(float(read[0]), 2), "rows": int(read[1])}
    startup = report["startup"]["seconds"]
    if "seconds" in ingest:
        anchors["duckdb_read_csv"]["ingest_ratio_startup_excluded"] = round(
            max(ingest["seconds"] - startup, 0) / max(float(read[0]), 1e-9), 1)
    from profiles.config import Settings

    s = Settings()
    rep = run_anchor(ANCHOR_PANDAS_REPEATS, str(db), span["as_of"], str(s.repeat.window_days),
                     str(s.repeat.threshold), str(repeats_csv))
    misper_repeats = _stage(report, "repeats")
    anchors["pandas_rolling_repeats"] = {"seconds": round(float(rep[0]), 2), "people": int(rep[1]),
                                         "agrees_with_misper_repeats": rep[2] == "True",
                                         "misper_repeats_seconds": misper_repeats.get("seconds")}
    clu = run_anchor(ANCHOR_CLUSTERS, str(db), span["period"], str(args.hdbscan_cap), timeout=args.hdbscan_timeout)
    if clu is None:
        anchors["hdbscan"] = {"timed_out_after_s": args.hdbscan_timeout, "cap": args.hdbscan_cap}
    else:
        anchors["clusters"] = {"points": int(clu[0]), "misper_dbscan_seconds": round(float(clu[1]), 2),
                               "dbscan_clusters": int(clu[2]), "hdbscan_points": int(clu[3]),
                               "hdbscan_capped": int(clu[3]) < int(clu[0]),
                               "hdbscan_seconds": round(float(clu[4]), 2), "hdbscan_clusters": int(clu[5])}
    report["anchors"] = anchors
    report["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    report["db"] = str(db)
    print("  anchors: " + json.dumps(anchors), flush=True)
    if not args.keep and not wants_ratio(size, args):
        drop_db(db)
    return report


def drop_db(db: Path) -> None:
    for p in (db, db.with_suffix(".duckdb.wal")):
        p.unlink(missing_ok=True)


def wants_ratio(size: int, args: argparse.Namespace) -> bool:
    """Whether the size takes part in the partner profile's ratio rounds (``ratio_rounds``)."""
    return not args.no_pdf and size != NATIONAL


def ratio_rounds(reports: list[dict], args: argparse.Namespace, rounds: int = 3) -> None:
    """The board pack's goal is a ratio of two sizes' times, and this machine's speed drifts
    by 10% or more over minutes. So the partner profile with PDF runs again at each size,
    the sizes taken in turn, ``rounds`` times over: each size's median is judged on runs made
    over the same minutes (``partner_ratio_runs`` in each size's JSON)."""
    taking = [r for r in reports if wants_ratio(r["size"], args) and Path(r.get("db", "")).exists()]
    if len(taking) < 2:
        return
    sizes = ", ".join(f"{r['size']:,}" for r in taking)
    print(f"== the partner profile with PDF, {sizes} in turn, {rounds} rounds", flush=True)
    for r in taking:
        r["partner_ratio_runs"] = []
    for _ in range(rounds):
        for r in taking:
            out = Path(r["db"]).parent / "out" / "partner_ratio"
            result = timed_process(misper("--db", r["db"], "profile", "--period", r["span"]["period"],
                                          "--audience", "partner", "--pdf", "--out", str(out)),
                                   label="profile partner (with PDF), ratio round")
            r["partner_ratio_runs"].append(result.get("seconds") if result.get("exit") == 0 else None)
            print(f"  {r['size']:>9,}  {result.get('seconds', 0):7.1f} s  (load {result['load_before']})", flush=True)
    for r in taking:
        (RESULTS / f"scale-{r['size']}.json").write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")
        if not args.keep:
            drop_db(Path(r["db"]))


# ---- the goals (issues 10 and 12), and the block of docs/performance.md they fill -----------

DOC = ROOT / "docs" / "performance.md"
DOC_START, DOC_END = "<!-- bench:start (written by bench/scale.py) -->", "<!-- bench:end -->"


def _stage(report: dict, name: str) -> dict:
    return next((s for s in report["stages"] if s["stage"] == name), {})


def goals(reports: dict[int, dict]) -> list[str]:
    """One line per goal of issues 10 and 12 that these results speak to: the figure, the
    goal, and met or by how much it was missed."""
    lines = []

    def verdict(value: float | None, limit: float) -> str:
        if value is None:
            return "not measured"
        return "met" if value <= limit else f"missed by {value / limit:.2f}x"

    for size, r in sorted(reports.items()):
        startup = r.get("startup", {}).get("seconds")
        ingest = _stage(r, "ingest")
        read = r.get("anchors", {}).get("duckdb_read_csv", {})
        if ingest.get("seconds") and read.get("seconds"):
            ratio = read.get("ingest_ratio_startup_excluded")
            lines.append(f"{size:,}: ingest {ingest['seconds']:.1f} s, {ingest['peak_rss_mb']:,} MB peak; DuckDB's read "
                         f"{read['seconds']:.1f} s; ratio {ratio}x start-up excluded (goal at most {GOALS['ingest_ratio']:.0f}x: "
                         f"{verdict(ratio, GOALS['ingest_ratio'])}; peak under {GOALS['ingest_peak_mb']:,} MB: "
                         f"{verdict(ingest['peak_rss_mb'], GOALS['ingest_peak_mb'])})")
        rep = r.get("anchors", {}).get("pandas_rolling_repeats", {})
        if rep:
            lines.append(f"{size:,}: repeats {rep.get('misper_repeats_seconds')} s whole process, pandas rolling "
                         f"{rep['seconds']} s; lists {'agree' if rep['agrees_with_misper_repeats'] else 'DIFFER'}")
        clu = r.get("anchors", {}).get("clusters")
        if clu:
            lines.append(f"{size:,}: DBSCAN {clu['misper_dbscan_seconds']} s ({clu['dbscan_clusters']} clusters, "
                         f"{clu['points']:,} points); HDBSCAN {clu['hdbscan_seconds']} s ({clu['hdbscan_clusters']} "
                         f"clusters, {clu['hdbscan_points']:,} points{', capped' if clu['hdbscan_capped'] else ''})")
        geo, ukmpu = _stage(r, "geocode episodes"), _stage(r, "ukmpu (one year)")
        if size == NATIONAL:
            load_s = ingest.get("seconds", 0) + geo.get("seconds", 0)
            peak = max(ingest.get("peak_rss_mb", 0), geo.get("peak_rss_mb", 0))
            lines.append(f"{size:,}: ingest + geocode {load_s:.1f} s (goal under {GOALS['national_load_s']:.0f} s: "
                         f"{verdict(load_s, GOALS['national_load_s'])}), peak {peak:,} MB (goal under "
                         f"{GOALS['national_peak_mb']:,}: {verdict(peak, GOALS['national_peak_mb'])}); UKMPU "
                         f"{ukmpu.get('seconds')} s (goal under {GOALS['national_ukmpu_s']:.0f} s: "
                         f"{verdict(ukmpu.get('seconds'), GOALS['national_ukmpu_s'])})")
        elif size >= 1_000_000:
            police = _stage(r, "profile police --no-pdf").get("seconds")
            lines.append(f"{size:,}: geocode {geo.get('seconds')} s (goal under {GOALS['geocode_1m_s']:.0f} s: "
                         f"{verdict(geo.get('seconds'), GOALS['geocode_1m_s'])}); police profile --no-pdf {police} s "
                         f"(goal under {GOALS['police_1m_s']:.0f} s: {verdict(police, GOALS['police_1m_s'])}); UKMPU "
                         f"{ukmpu.get('seconds')} s (goal under {GOALS['ukmpu_1m_s']:.0f} s: "
                         f"{verdict(ukmpu.get('seconds'), GOALS['ukmpu_1m_s'])})")
        if startup is not None:
            lines.append(f"{size:,}: start-up, ingest of 10 rows {startup:.1f} s whole process (goal under "
                         f"{GOALS['startup_s']:.0f} s of overhead: {verdict(startup, GOALS['startup_s'])})")
        if r.get("pages"):
            over = [a for a, n in r["pages"].items() if n is None or n > PAGE_CAPS[a]]
            lines.append(f"{size:,}: main PDF pages " + ", ".join(f"{a} {n}" for a, n in r["pages"].items())
                         + " (caps " + ", ".join(f"{a} {n}" for a, n in PAGE_CAPS.items())
                         + f": {'met' if not over else 'missed: ' + ', '.join(over)})")
    runs = {size: [t for t in r.get("partner_ratio_runs") or [] if t] for size, r in reports.items()}
    partner = {size: (statistics.median(runs[size]) if runs[size]
                      else _stage(r, "profile partner (with PDF)").get("seconds")) for size, r in reports.items()}
    partner = {k: v for k, v in partner.items() if v}
    if len(partner) > 1:
        base = min(partner)
        lines.append("partner profile to a finished PDF (the median of the sizes' runs in turn, where they ran): " + ", ".join(
            f"{size:,} {sec:.1f} s ({sec / partner[base]:.2f}x"
            + (f"; runs {' / '.join(f'{t:.1f}' for t in runs[size])} s)" if runs.get(size) else ")")
            for size, sec in sorted(partner.items()))
            + f"; goal at most {GOALS['partner_ratio']}x {base:,}: " + ", ".join(
                f"{size:,} {verdict(sec / partner[base], GOALS['partner_ratio'])}"
                for size, sec in sorted(partner.items()) if size != base))
    return lines


def doc_block(reports: dict[int, dict]) -> str:
    """The tables of docs/performance.md's generated block, from the results on disk."""
    out = []
    for size, r in sorted(reports.items()):
        m = r["machine"]
        out += [f"### {size:,} episodes ({r['extract_mb']} MB extract), {r['started']} to {r.get('finished', '?')}", "",
                f"{m['cpus']} cores ({m['cpu']}), {m['memory_gb']} GB, Python {m['python']}.", "",
                "| stage | wall s | CPU s | peak MB | load before |", "|---|---|---|---|---|"]
        startup = [{**r["startup"], "stage": "start-up: ingest of 10 rows"}] if r.get("startup") else []
        for st in startup + r["stages"]:
            figures = (f"{st['seconds']} | {st['cpu_seconds']} | {st['peak_rss_mb']:,}" if "seconds" in st
                       else "timed out | |")
            out.append(f"| {st['stage']} | {figures} | {st['load_before']} |")
        out.append("")
    out += ["### Against the goals", ""] + [f"- {line}" for line in goals(reports)] + [""]
    return "\n".join(out)


def write_doc() -> None:
    """Fill docs/performance.md's generated block from bench/results/scale-*.json."""
    reports = {}
    for path in sorted(RESULTS.glob("scale-*.json")):
        r = json.loads(path.read_text(encoding="utf-8"))
        reports[r["size"]] = r
    text = DOC.read_text(encoding="utf-8")
    if DOC_START not in text or DOC_END not in text:
        return
    head, rest = text.split(DOC_START, 1)
    _, tail = rest.split(DOC_END, 1)
    DOC.write_text(head + DOC_START + "\n\n" + doc_block(reports) + "\n" + DOC_END + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    ap.add_argument("--national", action="store_true", help=f"also {NATIONAL:,} episodes")
    ap.add_argument("--profile", action="store_true", help="cProfile each stage slower than --profile-over")
    ap.add_argument("--profile-over", type=float, default=5.0)
    ap.add_argument("--no-pdf", action="store_true", help="skip the partner profile with its PDF")
    ap.add_argument("--hdbscan-cap", type=int, default=50_000)
    ap.add_argument("--hdbscan-timeout", type=float, default=240)
    ap.add_argument("--keep", action="store_true", help="keep each size's database (bench/.cache/run_<size>)")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.national:
        sizes.append(NATIONAL)
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    reports = []
    for size in sizes:
        report = bench_size(size, args)
        reports.append(report)
        (RESULTS / f"scale-{size}.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    ratio_rounds(reports, args)
    print("against the goals (issues 10 and 12):")
    for line in goals({r["size"]: r for r in reports}):
        print(f"  {line}", flush=True)
    write_doc()
    print(f"make bench: {len(sizes)} size(s) in {time.perf_counter() - started:.0f} s; "
          f"results in {RESULTS.relative_to(ROOT)}/scale-*.json and {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
