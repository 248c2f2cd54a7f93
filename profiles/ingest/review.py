"""Reading back what ingestion quarantined, for an analyst to fix at source."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from profiles.db import connect, query_df
from profiles.files import write_csv


def quarantine_summary(db_path: str | Path, *, load_id: int | None = None) -> pd.DataFrame:
    con = connect(db_path, read_only=True)
    try:
        return query_df(con, "staging/quarantine_summary.sql", {"load_id": load_id})
    finally:
        con.close()


def quarantine_report(db_path: str | Path, out_file: str | Path, *, load_id: int | None = None) -> int:
    con = connect(db_path, read_only=True)
    try:
        frame = query_df(con, "staging/quarantine_report.sql", {"load_id": load_id})
    finally:
        con.close()
    write_csv(frame, Path(out_file))
    return len(frame)
