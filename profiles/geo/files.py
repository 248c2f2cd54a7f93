"""File-level geocoding tasks behind the CLI: the analyst's CSV, the unmatched list, the report.

Every CSV written here gets the attribution of the reference data it used in a file
beside it (``<name>.attribution.txt``), so the CSV itself keeps its exact columns.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from profiles.config import Settings
from profiles.csvtext import decode_text, sniff_delimiter
from profiles.errors import InputError, MisperError
from profiles.files import write_csv, write_text
from profiles.geo.attribution import attribution_lines
from profiles.geo.cascade import geocode_frame
from profiles.geo.episodes import geocoding_report, require_reference, unmatched_locations

INPUT_COLUMNS = ("address", "postcode", "place", "easting", "northing", "site_ref")


@dataclass
class FileResult:
    path: Path
    rows: int
    by_method: dict[str, int]

    def summary_text(self) -> str:
        methods = ", ".join(f"{m} {n:,}" for m, n in sorted(self.by_method.items(), key=lambda kv: -kv[1]))
        return f"Wrote {self.rows:,} row(s) to {self.path}" + (f": {methods}" if methods else "")


def ensure_reference(con: duckdb.DuckDBPyConnection, settings: Settings) -> str | None:
    """Import the configured reference folder when the database has none yet.

    Returns a one-line note when it imported, else None.
    """
    try:
        require_reference(con)
        return None
    except MisperError:  # no reference yet: import it
        from profiles.geo.reference import import_reference

        result = import_reference(con, settings.reference_dir, settings=settings)
        return f"Imported reference data from {result.directory} (import {result.import_id})."


def read_table(path: Path) -> pd.DataFrame:
    """A CSV as text columns, read as ingestion reads one (profiles.csvtext: encodings by
    byte-order mark, comma, semicolon, tab or pipe; a one-column file is valid)."""
    if not path.exists():
        raise InputError(f"{path}: file not found")
    try:
        text, _ = decode_text(path.read_bytes(), path)
        delimiter = sniff_delimiter(text.split("\n", 1)[0])
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputError(f"{path}: cannot read as CSV: {exc}") from None


def write_with_attribution(frame: pd.DataFrame, path: Path, lines: list[str]) -> Path:
    write_csv(frame, path)
    if lines:
        write_text(path.with_name(path.stem + ".attribution.txt"), "\n".join(lines) + "\n")
    return path


def geocode_csv(con: duckdb.DuckDBPyConnection, input_path: Path, out_path: Path, settings: Settings) -> FileResult:
    """`misper geocode --input FILE --out FILE`: any CSV with some location columns, geocoded.

    Column names are matched case-insensitively; a file with none of
    ``address, postcode, place, easting, northing, site_ref`` is refused.
    """
    frame = read_table(input_path)
    rename = {c: c.strip().lower() for c in frame.columns if c.strip().lower() in INPUT_COLUMNS + ("incident_id", "role")}
    frame = frame.rename(columns=rename)
    if not any(c in frame.columns for c in INPUT_COLUMNS):
        raise InputError(
            f"{input_path}: no location column; expected some of {', '.join(INPUT_COLUMNS)} "
            f"(found {', '.join(map(str, frame.columns)) or 'none'})"
        )
    for col in ("easting", "northing"):
        if col in frame.columns:
            bad = frame[col].str.strip().ne("") & pd.to_numeric(frame[col], errors="coerce").isna()
            if bad.any():
                row = int(bad.to_numpy().nonzero()[0][0]) + 2
                raise InputError(f"{input_path}: row {row}, field {col}: {frame[col][bad].iloc[0]!r} is not a number")
    result = geocode_frame(con, frame, settings)
    write_with_attribution(result, out_path, attribution_lines(con))
    return FileResult(out_path, len(result), result["method"].value_counts().to_dict())


def write_unmatched(con: duckdb.DuckDBPyConnection, out_path: Path) -> FileResult:
    """The unmatched list (police-restricted: address text as recorded), with counts."""
    frame = unmatched_locations(con)
    write_with_attribution(frame, out_path, [])
    return FileResult(out_path, len(frame), {"incidents": int(frame["incidents"].sum()) if len(frame) else 0})


def write_report(con: duckdb.DuckDBPyConnection, out_path: Path | None) -> pd.DataFrame:
    """Share of locations by method per role (and the unmatched rate); optionally to CSV."""
    frame = geocoding_report(con)
    if out_path is not None:
        write_with_attribution(frame, out_path, attribution_lines(con))
    return frame


def report_text(frame: pd.DataFrame) -> str:
    """The method table for the terminal, with the unmatched rate spelt out."""
    if frame.empty:
        return "No geocoded locations yet (run `misper geocode episodes`)."
    text = frame.to_string(index=False)
    rate = frame[(frame["role"] == "all") & (frame["method"] == "unmatched")]["share"]
    return text + f"\nUnmatched rate: {float(rate.iloc[0]) if len(rate) else 0.0:.2%}"
