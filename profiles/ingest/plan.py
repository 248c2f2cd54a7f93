"""What can be known of an extract before it is read: its headers resolved against the
mapping (``plan_columns``), and when it was taken (``extract_time``).

Light on purpose (no DuckDB, Arrow or pandas): ``misper ingest`` refuses a file with a wrong
header from here before anything heavy is imported or Prefect starts.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from profiles.errors import InputError
from profiles.ingest.mapping import Mapping
from profiles.ingest.records import RecordSpec

LONDON = ZoneInfo("Europe/London")


def local_time(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def _headers_note(wanted: list[str], headers: list[str]) -> str:
    """The file's headers, and the closest to what the mapping wanted."""
    close: list[str] = []
    lower = {h.lower(): h for h in headers}
    for w in wanted:
        close += [lower[c] for c in difflib.get_close_matches(w.strip().lower(), list(lower), n=3, cutoff=0.5)]
    shown = ", ".join(f"'{h}'" for h in headers[:40]) + (f" and {len(headers) - 40} more" if len(headers) > 40 else "")
    hint = f"closest: {', '.join(repr(c) for c in dict.fromkeys(close))}; " if close else ""
    return f"{hint}the file's headers are {shown}"


@dataclass
class ColumnPlan:
    """Which of a file's headers feed each canonical column (the mapping applied to a header row)."""

    sources: dict[str, list[str]]
    constants: dict[str, str]
    modified: str | None
    ignored: list[str]


def plan_columns(path: Path | str, headers: list[str], mapping: Mapping, spec: RecordSpec) -> ColumnPlan:
    """Resolve the mapping against a file's headers (case-insensitive).

    Refuses the file (InputError naming the file, the column, the file's headers and the
    closest matches) when a mapped or required column is absent.
    """
    by_lower = {h.lower(): h for h in headers}
    sources: dict[str, list[str]] = {}
    constants: dict[str, str] = {}
    for name in spec.column_names:
        if name in mapping.constants:
            constants[name] = mapping.constants[name]
            continue
        wanted = mapping.source_for(name)
        want = [wanted] if isinstance(wanted, str) else list(wanted)
        found = [by_lower[h.strip().lower()] for h in want if h.strip().lower() in by_lower]
        if not found:
            if name in mapping.columns:
                missing = ", ".join(f"'{h}'" for h in want)
                raise InputError(
                    f"{path}: column {missing} (mapped to '{name}' by mapping '{mapping.name}') not found;"
                    f" {_headers_note(want, headers)}"
                )
            continue
        sources[name] = found
    present = set(sources) | set(constants)
    for name in spec.required:
        if name not in present:
            src = mapping.source_for(name)
            want = [src] if isinstance(src, str) else list(src)
            raise InputError(
                f"{path}: required column '{', '.join(want)}' (canonical '{name}') not found; nothing was loaded;"
                f" {_headers_note(want, headers)}"
            )
    for group in spec.one_of:
        if not present.intersection(group):
            raise InputError(
                f"{path}: needs one of the columns {', '.join(repr(g) for g in group)}; nothing was loaded;"
                f" {_headers_note(list(group), headers)}"
            )
    modified = None
    if mapping.modified_column:
        modified = by_lower.get(mapping.modified_column.strip().lower())
        if modified is None:
            raise InputError(
                f"{path}: column '{mapping.modified_column}' (modified_column of mapping"
                f" '{mapping.name}') not found; nothing was loaded;"
                f" {_headers_note([mapping.modified_column], headers)}"
            )
    used = {h for hs in sources.values() for h in hs} | ({modified} if modified else set())
    return ColumnPlan(sources, constants, modified, [h for h in headers if h not in used])


#: A date (and time) in a file name: ``rms_2025-03-31.csv``, ``rms_20250331T0600.csv``.
_NAME_TIME = re.compile(
    r"(?<!\d)(20\d\d)-?([01]\d)-?([0-3]\d)(?:[T_ -]?([0-2]\d)[:.-]?([0-5]\d)(?:[:.-]?([0-5]\d))?)?(?!\d)"
)


def extract_time(path: Path, timezone_name: str = "Europe/London") -> tuple[datetime, str]:
    """When the extract was taken, from what the file itself says: a date (and time) in its
    name (local time), else an XLSX workbook's creation time, else the file's modification
    time. Returns the time (UTC) and how it was found."""
    match = _NAME_TIME.search(path.name)
    if match:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        try:
            local = datetime(y, mo, d, h, mi, s, tzinfo=ZoneInfo(timezone_name))
            return local.astimezone(timezone.utc), "the date in the file name"
        except ValueError:
            pass
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            import openpyxl

            created = openpyxl.load_workbook(path, read_only=True).properties.created
        except Exception:  # noqa: BLE001 - unreadable properties: fall back to the file's time
            created = None
        if created is not None:
            created = created if created.tzinfo else created.replace(tzinfo=timezone.utc)
            return created.astimezone(timezone.utc), "the workbook's creation time"
    mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    return mtime, "the file's modification time"
