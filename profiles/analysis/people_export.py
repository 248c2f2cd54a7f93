"""Police-audience CSV files of the people analysis, as the `misper` commands write them.

Each ``export_*`` function opens the database read-only, computes one measure, adds the
raw person reference (``person_id``) where the output is about people, and writes CSV
through the one writer (``profiles.files``: UTF-8, a header row, timestamps as ISO 8601 in
London time with their offset (``2024-03-05T21:00:00+00:00``), booleans as
``true``/``false``, empty cells for unknowns, no cell that a spreadsheet would run). These files carry person references: police audience only.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

import duckdb
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


def _write_person_list(db_path: Path, out: Path,
                       compute: Callable[[duckdb.DuckDBPyConnection], pd.DataFrame]) -> tuple[Path, int]:
    """Compute one list of people on a read-only connection, with the raw person reference, and
    write it as CSV; the file and its row count."""
    with connect(db_path, read_only=True) as con:
        frame = identify(con, compute(con))
    return write_csv(frame, out), len(frame)


def _write_lists(db_path: Path, out_dir: Path, compute: Callable[[duckdb.DuckDBPyConnection], Any],
                 files: dict[str, str], *, no_person: tuple[str, ...] = ()) -> list[Path]:
    """Compute one measure's lists on a read-only connection and write each as CSV in ``out_dir``.

    ``files`` maps each file name to the attribute of the result that it holds (dotted for a
    nested one); every list but those in ``no_person`` gets the raw person reference."""
    with connect(db_path, read_only=True) as con:
        lists = compute(con)
        frames = {name: attrgetter(attribute)(lists) for name, attribute in files.items()}
        frames = {name: frame if name in no_person else identify(con, frame) for name, frame in frames.items()}
    return [write_csv(frame, Path(out_dir) / name) for name, frame in frames.items()]


def export_repeats(db_path: Path, settings: Settings, as_of: date, out: Path) -> tuple[Path, int]:
    """`misper repeats`: the repeat list as of ``as_of``; returns the file and its row count.

    Columns exactly ``person_id, reports_in_window, first_report_at, last_report_at,
    looked_after, highest_risk, flags``."""
    with connect(db_path, read_only=True) as con:
        frame = people.repeat_list_police(con, settings, as_of)
    return write_csv(frame[list(REPEATS_COLUMNS)], out), len(frame)


def export_referrals(db_path: Path, settings: Settings, period: Period, out: Path) -> tuple[Path, int]:
    """`misper referrals`: the referral list for ``period``; returns the file and its row count."""
    return _write_person_list(db_path, out, lambda con: people.referral_list(con, settings, period))


def export_trigger_plans(db_path: Path, settings: Settings, period: Period, out_dir: Path) -> list[Path]:
    """`misper trigger-plans`: trigger_plans.csv, where_to_look_first.csv, time_pattern.csv."""
    return _write_lists(db_path, out_dir, lambda con: people.trigger_plans(con, settings, period), {
        "trigger_plans.csv": "persons", "where_to_look_first.csv": "pack.places", "time_pattern.csv": "pack.times",
    })


def export_rfg(db_path: Path, settings: Settings, as_of: date, out: Path) -> tuple[Path, int]:
    """`misper rfg`: recency-frequency-gravity scores as of ``as_of``; the file and its row count."""
    return _write_person_list(db_path, out, lambda con: people.rfg_scores(con, settings, as_of))


def export_cross_border(db_path: Path, settings: Settings, period: Period, out_dir: Path) -> list[Path]:
    """`misper cross-border`: cross_border_persons.csv and out_of_area_placements.csv."""
    return _write_lists(db_path, out_dir, lambda con: people_safeguarding.cross_border(con, settings, period), {
        "cross_border_persons.csv": "persons", "out_of_area_placements.csv": "out_of_area",
    })


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
    return _write_lists(db_path, out_dir, lambda con: people_safeguarding.oversight(con, settings, period, as_of), {
        "open_episodes.csv": "open_episodes", "ukmpu_notifications.csv": "ukmpu_notifications",
        "intelligence_due.csv": "intelligence_due",
    }), as_of


def export_absences(db_path: Path, settings: Settings, period: Period, out_dir: Path) -> list[Path]:
    """`misper absences`: absences_by_person.csv and absences_by_home.csv (homes named)."""
    return _write_lists(db_path, out_dir, lambda con: people_safeguarding.absence_pattern(con, settings, period), {
        "absences_by_person.csv": "by_person", "absences_by_home.csv": "by_home",
    }, no_person=("absences_by_home.csv",))
