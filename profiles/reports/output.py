"""Writing a report folder: CSV tables as shown, and the manifest that delivery reads.

``manifest.json`` (read by ``misper send``, see profiles/delivery/bundles.py)::

    {"kind": "problem_profile", "period": "2024-03", "audience": "partner",
     "marking": "OFFICIAL", "synthetic": true, "run_date": "2024-04-02",
     "files": [{"path": "problem_profile.pdf", "sha256": "...", "bytes": 1234}, ...]}

It is written last, so a folder with a manifest was written completely.
"""

from __future__ import annotations


import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from profiles.files import sha256_of, write_csv, write_text
from profiles.reports.objects import Table

MANIFEST_FILE = "manifest.json"
#: The police annex (profiles/reports/profile/annex.py): written in the police folder only;
#: delivery attaches exactly these to police lists and refuses them anywhere else.
ANNEX_PDF = "annex.pdf"
ANNEX_XLSX = "annex.xlsx"
ANNEX_FILES: tuple[str, ...] = (ANNEX_PDF, ANNEX_XLSX)


def csv_frame(table: Table) -> pd.DataFrame:
    """The table's cells as written to CSV: values as shown, floats to 4 places."""
    frame = (table.csv_data if table.csv_data is not None else table.data).copy()
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            frame[col] = frame[col].round(4)
    return frame


def write_table_csv(table: Table, folder: Path) -> Path:
    return write_csv(csv_frame(table), folder / f"{table.id}.csv")


def write_manifest(
    folder: Path,
    *,
    kind: str,
    period: str,
    audience: str,
    marking: str,
    synthetic: bool,
    run_date: date,
    files: Iterable[Path],
) -> Path:
    """List ``files`` (relative to ``folder``) with their SHA-256."""
    entries = []
    for path in sorted(set(files)):
        entries.append(
            {"path": path.relative_to(folder).as_posix(), "sha256": sha256_of(path), "bytes": path.stat().st_size}
        )
    manifest = {
        "kind": kind,
        "period": period,
        "audience": audience,
        "marking": marking,
        "synthetic": synthetic,
        "run_date": run_date.isoformat(),
        "files": entries,
    }
    return write_text(folder / MANIFEST_FILE, json.dumps(manifest, indent=2) + "\n")
