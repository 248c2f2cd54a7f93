"""Checks of an extract before any load: `misper ingest FILE --mapping M [--check]`.

``preflight`` runs before a load starts (and before Prefect does): every file exists, its
header row fits the mapping (a wrong header names the file's headers and the closest
matches), and an extract taken before the last load's says so.

``check_files`` validates without loading (``--check``): the whole files are read, mapped
and typed exactly as a load would (the same staging SQL, in an in-memory database), and
for each canonical column it reports the source header used and the share of rows that
pass, with the first bad values and their counts. Values are shown only for code and
Y/N columns (the codes themselves); for dates, numbers and postcodes the shape of the
value is shown (``99/99/9999``), and for free text and references nothing but counts, so
no person data is printed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from profiles import canonical
from profiles.config import Settings
from profiles.csvtext import decode_text, sniff_delimiter
from profiles.db import connect, query_df, registered
from profiles.errors import InputError
from profiles.ingest import _local, load_table, plan_columns, read_and_map, stage
from profiles.ingest.mapping import Mapping, load_mapping
from profiles.ingest.readers import extract_time
from profiles.ingest.records import RECORD_TYPES, RecordSpec, allowed_codes

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


def _mapping(mapping: str | Mapping, settings: Settings) -> Mapping:
    return mapping if isinstance(mapping, Mapping) else load_mapping(mapping, settings)


def _last_extract(db_path: Path | None, record_type: str, settings: Settings) -> datetime | None:
    if db_path is None or not Path(db_path).exists():
        return None
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
    if not files:
        raise InputError("no files given")
    m = _mapping(mapping, settings)
    spec = RECORD_TYPES[m.record_type]
    notes: list[str] = []
    last = None
    for f in files:
        path = Path(f)
        if not path.is_file():
            raise InputError(f"{path}: is a folder, not a file" if path.is_dir() else f"{path}: file not found")
        plan_columns(path, read_headers(path, m), m, spec)
        taken, how = extract_time(path, m.timezone)
        if last is None:
            last = _last_extract(db_path, spec.name, settings) or False
        if last and taken < last:
            notes.append(
                f"{path}: this extract was taken {_local(taken)} ({how}), before the last load's"
                f" ({_local(last)}): a {spec.name} held in a newer version is not replaced (counted as stale)"
            )
    return notes


# ---------------------------------------------------------------------------------------
# --check


@dataclass
class ColumnCheck:
    column: str
    source: str  # the header(s) used, or "constant 'x'", or "" when the file has none
    rows: int
    passed: int
    bad: list[tuple[str, int]] = field(default_factory=list)  # value (or its shape), rows
    shown_as: str = ""  # "codes", "formats" or "" (values not shown)
    allowed: tuple[str, ...] = ()
    problems: list[tuple[str, int]] = field(default_factory=list)  # kind of problem, rows

    @property
    def share(self) -> float:
        return self.passed / self.rows if self.rows else 1.0


@dataclass
class CheckReport:
    mapping: str
    record_type: str
    files: list[str]
    rows: int
    valid_rows: int
    columns: list[ColumnCheck]
    malformed: int
    other: list[tuple[str, int]]  # row-level problems not tied to one column

    def text(self) -> str:
        lines = [
            f"check of {', '.join(self.files)} with mapping '{self.mapping}' ({self.record_type}):"
            f" {self.rows:,} rows, {self.valid_rows:,} would load ({_pct(self.valid_rows, self.rows)});"
            " nothing was loaded",
            f"  {'column':<30} {'source header':<28} pass",
        ]
        for c in self.columns:
            if not c.source and c.passed == c.rows:
                continue  # a column the file does not have and nothing needs
            lines.append(
                f"  {c.column:<30} {(c.source or '(none)')[:28]:<28} {_pct(c.passed, c.rows)}"
                f" ({c.passed:,} of {c.rows:,})"
            )
            if c.problems:
                lines.append("      problems: " + ", ".join(f"{p} x{n:,}" for p, n in c.problems))
            if c.bad:
                shown = ", ".join(f"'{v}' x{n:,}" for v, n in c.bad)
                label = {"codes": "values", "formats": "failing values by shape (9 digit, A letter)"}[c.shown_as]
                lines.append(f"      {label}: {shown}")
            elif c.passed < c.rows:
                lines.append("      (values not shown: free text or references)")
            if c.allowed and c.passed < c.rows:
                lines.append(f"      allowed: {', '.join(c.allowed)} (or map others under codes: in the mapping)")
        if self.malformed:
            lines.append(f"  {self.malformed:,} rows with the wrong number of fields")
        for problem, n in self.other:
            lines.append(f"  {problem}: {n:,} rows")
        return "\n".join(lines)


def _pct(n: int, d: int) -> str:
    return f"{(100.0 * n / d) if d else 100.0:.1f}%"


def _kind(spec: RecordSpec, column: str) -> str:
    col = next((c for c in spec.columns if c.name == column), None)
    if col is None:
        return ""
    if col.type in ("code", "boolean"):
        return "codes"
    if col.type in ("datetime", "date", "integer", "number") or column.endswith("_postcode"):
        return "formats"
    return ""


def _reason_columns(spec: RecordSpec) -> dict[str, list[str]]:
    """Reason prefix (before ':') -> the canonical columns it is about."""
    names = set(spec.column_names)
    out: dict[str, list[str]] = {n: [n] for n in names}
    for n in names:
        if n.endswith("_easting"):
            out[n + "/northing"] = [n, n.replace("_easting", "_northing")]
    out["age"] = ["age"] if "age" in names else []
    out["modified time"] = []
    return out


def check_files(
    files: Sequence[str | Path],
    mapping: str | Mapping,
    settings: Settings,
    *,
    now: datetime | None = None,
    examples: int = 5,
) -> CheckReport:
    """Validate ``files`` as one load would, without loading (see the module's note)."""
    m = _mapping(mapping, settings)
    spec = RECORD_TYPES[m.record_type]
    now = now or datetime.now(timezone.utc)
    for f in files:
        if not Path(f).is_file():
            raise InputError(f"{f}: file not found")
    sources = read_and_map(files, m, spec)
    plans = {str(s.path): plan_columns(s.path, s.headers, m, spec) for s, _, _ in sources}
    malformed = sum(len(s.malformed) for s, _, _ in sources)
    raw = load_table(sources)
    with connect() as con:
        stage(con, raw, m, spec, settings, now)
        with registered(con, "raw_text", raw):
            return _report(con, m, spec, sources, plans, malformed, examples)


def _report(con, m: Mapping, spec: RecordSpec, sources, plans, malformed: int, examples: int) -> CheckReport:  # noqa: ANN001
    rows = int(con.execute("select count(*) from staged").fetchone()[0])
    valid = int(con.execute("select count(*) from staged where len(reasons) = 0").fetchone()[0])
    reasons = query_df(con, "staging/check_reasons.sql")
    prefixes = _reason_columns(spec)
    failing: dict[str, set[int]] = {}
    problems: dict[str, dict[str, int]] = {}
    other: dict[str, int] = {}
    for seq, reason in zip(reasons["__seq"], reasons["reason"]):
        prefix, _, rest = reason.partition(":")
        kind_of = rest.split("(")[0].split("'")[0].strip()  # the problem, without the value
        cols = prefixes.get(prefix)
        if not cols:
            key = reason.split("(")[0].split("'")[0].strip()
            other[key] = other.get(key, 0) + 1
            continue
        for c in cols:
            failing.setdefault(c, set()).add(int(seq))
            problems.setdefault(c, {}).setdefault(kind_of, 0)
            problems[c][kind_of] += 1
    first_plan = next(iter(plans.values()))
    checks: list[ColumnCheck] = []
    for column in spec.column_names:
        if column in first_plan.constants:
            source = f"constant '{first_plan.constants[column]}'"
        else:
            source = ", ".join(first_plan.sources.get(column, []))
        bad_rows = failing.get(column, set())
        kind = _kind(spec, column)
        bad: list[tuple[str, int]] = []
        if bad_rows and kind:
            seqs = pa.table({"__seq": pa.array(sorted(bad_rows), pa.int64())})
            with registered(con, "bad_seqs", seqs):
                bad = [
                    (str(v), int(n))
                    for v, n in con.execute(
                        f"""select {'trim(v)' if kind == 'codes' else 'value_shape(v)'} as shown, count(*) as n
                            from (select "{column}" as v, __seq from raw_text) r
                            join bad_seqs b using (__seq)
                            group by all order by n desc, shown limit $k""",
                        {"k": examples},
                    ).fetchall()
                ]
        top = sorted(problems.get(column, {}).items(), key=lambda kv: (-kv[1], kv[0]))[:examples]
        checks.append(ColumnCheck(column, source, rows, rows - len(bad_rows), bad, kind,
                                  allowed_codes(column) if kind == "codes" else (), top))
    return CheckReport(
        m.name, spec.name, [str(s.path) for s, _, _ in sources], rows + malformed, valid, checks, malformed,
        sorted(other.items(), key=lambda kv: -kv[1]),
    )
