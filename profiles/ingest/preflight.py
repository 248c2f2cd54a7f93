"""The checks ``misper ingest`` makes before a load starts (before Prefect, before DuckDB).

A file with a wrong header or a mapping that does not fit is refused here in under a second:
this module imports nothing heavy (the database is opened only to compare the extract's
time with the last load's, once the headers have passed).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from profiles.config import Settings
from profiles.csvtext import decode_text, sniff_delimiter
from profiles.errors import InputError
from profiles.ingest.mapping import Mapping, load_mapping
from profiles.ingest.plan import extract_time, local_time, plan_columns
from profiles.ingest.records import RECORD_TYPES

#: How much of a CSV is read to find its header row.
HEADER_BYTES = 1 << 16


def read_headers(path: Path, mapping: Mapping) -> list[str]:
    """The header row of an extract, read cheaply (the first 64 KB of a CSV)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        except Exception as exc:  # noqa: BLE001 - any openpyxl failure means "unreadable"
            raise InputError(f"{path}: not a readable XLSX workbook: {exc}") from None
        return [str(h).strip() for h in first if h is not None]
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            return [str(n).strip() for n in pq.read_schema(path).names]
        except Exception as exc:  # noqa: BLE001
            raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
    with path.open("rb") as fh:
        raw = fh.read(HEADER_BYTES)
    if not raw.strip():
        raise InputError(f"{path}: the file is empty")
    cut = raw.rfind(b"\n")
    text, _ = decode_text(raw[: cut + 1] if cut > 0 and len(raw) == HEADER_BYTES else raw, path, mapping.encoding)
    first = text.split("\n", 1)[0].rstrip("\r")
    delimiter = sniff_delimiter(first) if mapping.delimiter == "auto" else mapping.delimiter
    return [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]


def require_files(files: Sequence[str | Path]) -> None:
    """Refuse an empty list, a missing file or a folder (one line naming it), before anything starts."""
    if not files:
        raise InputError("no files given")
    for f in files:
        path = Path(f)
        if not path.is_file():
            raise InputError(f"{path}: is a folder, not a file" if path.is_dir() else f"{path}: file not found")


def mapping_named(mapping: str | Mapping, settings: Settings) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping, settings)


def _last_extract(db_path: Path | None, record_type: str, settings: Settings) -> datetime | None:
    if db_path is None or not Path(db_path).exists():
        return None
    from profiles.db import connect  # DuckDB is heavy: imported only once the headers have passed

    with connect(db_path, read_only=True, lock_wait_s=settings.db.lock_wait_s) as con:
        row = con.execute(
            "select max(f.extracted_at) from load_files f join load_log l using (load_id)"
            " where l.record_type = $rt and l.status = 'committed'",
            {"rt": record_type},
        ).fetchone()
    return row[0] if row else None


def preflight(
    files: Sequence[str | Path],
    mapping: str | Mapping,
    settings: Settings,
    db_path: Path | None = None,
) -> list[str]:
    """Refuse (InputError, one line) what a load would refuse for its headers; return notes
    to show before loading (an extract older than the last load's)."""
    require_files(files)
    m = mapping_named(mapping, settings)
    spec = RECORD_TYPES[m.record_type]
    notes: list[str] = []
    last = None
    for f in files:
        path = Path(f)
        plan_columns(path, read_headers(path, m), m, spec)
        taken, how = extract_time(path, m.timezone)
        if last is None:
            last = _last_extract(db_path, spec.name, settings) or False
        if last and taken < last:
            notes.append(
                f"{path}: this extract was taken {local_time(taken)} ({how}), before the last load's"
                f" ({local_time(last)}): a {spec.name} held in a newer version is not replaced (counted as stale)"
            )
    return notes
