"""When scheduled work runs next, and what the last run left behind (`misper schedule`).

Cron strings are read in their own time zone (``schedule.timezone``, Europe/London by
default), so "0 6 2 * *" is 06:00 on the 2nd whether GMT or BST. Without a Prefect
server the last run is read from what a run leaves: the newest report folder's
``manifest.json`` (written last, so a folder with one is a finished run), the UKMPU
return, the partner shares' index, and the retention log.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
from cronsim import CronSim, CronSimError

from profiles.config import Settings
from profiles.db import connect, query_df
from profiles.errors import InvalidValue, MisperError
from profiles.periods import LONDON


def next_runs(cron: str, timezone: str, *, after: datetime, count: int = 3) -> list[datetime]:
    """The next ``count`` times ``cron`` (read in ``timezone``) falls due after ``after``, in London time."""
    zone = ZoneInfo(timezone)
    try:
        times = CronSim(cron, after.astimezone(zone))
    except CronSimError as exc:
        raise InvalidValue("cron", f"'{cron}' is not a cron expression ({exc})") from None
    return [next(times).astimezone(LONDON) for _ in range(count)]


@dataclass(frozen=True)
class LastRun:
    """What the newest finished run left: when, its state, and where that was read."""

    when: datetime
    state: str
    evidence: str


def _newest(paths: list[Path]) -> Path | None:
    return max(paths, key=lambda p: p.stat().st_mtime, default=None)


def _from_file(path: Path | None, what: str) -> LastRun | None:
    if path is None:
        return None
    when = datetime.fromtimestamp(path.stat().st_mtime, LONDON)
    return LastRun(when, "Completed", f"{what}: {path}")


def last_local_runs(settings: Settings, db_path: Path) -> dict[str, LastRun | None]:
    """The last finished run of each scheduled job, read from its outputs and logs (by flow)."""
    out = settings.output_dir
    manifest = _newest(list(out.glob("profile/*/*/manifest.json")))
    monthly = _from_file(manifest, "manifest")
    if manifest is not None:
        period = json.loads(manifest.read_text(encoding="utf-8")).get("period", "?")
        monthly = LastRun(monthly.when, monthly.state, f"problem profile {period}, {manifest}")
    runs = {
        "monthly-problem-profile": monthly,
        "ukmpu-annual-return": _from_file(_newest(list(out.glob("ukmpu/*/ukmpu_return.csv"))), "return"),
        "partner-shares": _from_file(_newest(list(out.glob("share/*/index.html"))), "shares"),
        "retention-review": None,
    }
    if Path(db_path).is_file():
        try:
            con = connect(db_path, read_only=True)
        except MisperError:
            return runs
        try:
            last = query_df(con, "orchestration/last_weed.sql")["run_at"].iloc[0]
        except duckdb.CatalogException:  # a database from before retention existed
            last = None
        finally:
            con.close()
        if last is not None and not pd.isna(last):
            when = pd.Timestamp(last).tz_convert(LONDON).to_pydatetime()
            runs["retention-review"] = LastRun(when, "Completed", f"weed_log in {db_path}")
    return runs
