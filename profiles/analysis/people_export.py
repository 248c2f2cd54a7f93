"""Police-audience CSV files of the people analysis, as the `misper` commands write them.

Each ``export_*`` function opens the database read-only, computes one measure, adds the
raw person reference (``person_id``) where the output is about people, and writes CSV
through the one writer (``profiles.files``: UTF-8, a header row, timestamps as ISO 8601 in
London time with their offset (``2024-03-05T21:00:00+00:00``), booleans as
``true``/``false``, empty cells for unknowns, no cell that a spreadsheet would run). These files carry person references: police audience only.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from profiles import files
from profiles.analysis import people, people_safeguarding
from profiles.analysis.people_common import identify
from profiles.config import Settings
from profiles.db import connect
from profiles.errors import InvalidValue, MisperError
from profiles.periods import LONDON, Period, end_of_day

REPEATS_COLUMNS = (
    "person_id",
    "reports_in_window",
    "first_report_at",
    "last_report_at",
    "looked_after",
    "highest_risk",
    "flags",
)


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV to ``path`` (folders created), in the project's record format."""
    return files.write_csv(files.csv_cells(frame), path)


def parse_moment(text: str, field: str = "as_of") -> datetime:
    """A moment from the command line: ``YYYY-MM-DD`` (the end of that London day),
    ``YYYY-MM-DDTHH:MM[:SS]`` (London time) or the same with an offset."""
    raw = text.strip()
    try:
        if len(raw) == 10:
            return end_of_day(date.fromisoformat(raw))
        moment = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise InvalidValue(field, f"expected YYYY-MM-DD or YYYY-MM-DDTHH:MM, got '{text}'") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LONDON)


# ---- the exports --------------------------------------------------------------------------


def export_repeats(db_path: Path, settings: Settings, as_of: date, out: Path) -> tuple[Path, int]:
    """`misper repeats`: the repeat list as of ``as_of``; returns the file and its row count.

    Columns exactly ``person_id, reports_in_window, first_report_at, last_report_at,
    looked_after, highest_risk, flags``."""
    with connect(db_path, read_only=True) as con:
        frame = people.repeat_list_police(con, settings, as_of)
    return write_csv(frame[list(REPEATS_COLUMNS)], out), len(frame)


def export_referrals(db_path: Path, settings: Settings, period: Period, out: Path) -> tuple[Path, int]:
    """`misper referrals`: the referral list for ``period``; returns the file and its row count."""
    with connect(db_path, read_only=True) as con:
        frame = identify(con, people.referral_list(con, settings, period))
    return write_csv(frame, out), len(frame)


def export_trigger_plans(db_path: Path, settings: Settings, period: Period, out_dir: Path) -> list[Path]:
    """`misper trigger-plans`: trigger_plans.csv, where_to_look_first.csv, time_pattern.csv."""
    with connect(db_path, read_only=True) as con:
        plans = people.trigger_plans(con, settings, period)
        frames = {
            "trigger_plans.csv": identify(con, plans.persons),
            "where_to_look_first.csv": identify(con, plans.pack.places),
            "time_pattern.csv": identify(con, plans.pack.times),
        }
    return [write_csv(frame, Path(out_dir) / name) for name, frame in frames.items()]


def export_rfg(db_path: Path, settings: Settings, as_of: date, out: Path) -> tuple[Path, int]:
    """`misper rfg`: recency-frequency-gravity scores as of ``as_of``; the file and its row count."""
    with connect(db_path, read_only=True) as con:
        frame = identify(con, people.rfg_scores(con, settings, as_of))
    return write_csv(frame, out), len(frame)


def export_cross_border(db_path: Path, settings: Settings, period: Period, out_dir: Path) -> list[Path]:
    """`misper cross-border`: cross_border_persons.csv and out_of_area_placements.csv."""
    with connect(db_path, read_only=True) as con:
        lists = people_safeguarding.cross_border(con, settings, period)
        frames = {
            "cross_border_persons.csv": identify(con, lists.persons),
            "out_of_area_placements.csv": identify(con, lists.out_of_area),
        }
    return [write_csv(frame, Path(out_dir) / name) for name, frame in frames.items()]


def export_return_interviews(db_path: Path, settings: Settings, period: Period, out: Path) -> Path:
    """`misper return-interviews`: rates by responsible local authority (no person data)."""
    with connect(db_path, read_only=True) as con:
        frame = people_safeguarding.return_interviews(con, settings, period)
    return write_csv(frame, out)


def export_oversight(
    db_path: Path, settings: Settings, period: Period, as_of: datetime | None, out_dir: Path
) -> tuple[list[Path], datetime]:
    """`misper oversight`: open_episodes.csv, ukmpu_notifications.csv, intelligence_due.csv.

    ``as_of`` defaults to the end of the period, or now if the period has not ended."""
    if as_of is None:
        as_of = min(period.end, datetime.now(LONDON))
    with connect(db_path, read_only=True) as con:
        lists = people_safeguarding.oversight(con, settings, period, as_of)
        frames = {
            "open_episodes.csv": identify(con, lists.open_episodes),
            "ukmpu_notifications.csv": identify(con, lists.ukmpu_notifications),
            "intelligence_due.csv": identify(con, lists.intelligence_due),
        }
    return [write_csv(frame, Path(out_dir) / name) for name, frame in frames.items()], as_of


def export_absences(db_path: Path, settings: Settings, period: Period, out_dir: Path) -> list[Path]:
    """`misper absences`: absences_by_person.csv and absences_by_home.csv (homes named)."""
    with connect(db_path, read_only=True) as con:
        pattern = people_safeguarding.absence_pattern(con, settings, period)
        frames = {
            "absences_by_person.csv": identify(con, pattern.by_person),
            "absences_by_home.csv": pattern.by_home,
        }
    return [write_csv(frame, Path(out_dir) / name) for name, frame in frames.items()]
