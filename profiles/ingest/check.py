"""`misper ingest FILE --mapping M --check`: an extract validated without loading.

(The checks made before every load, before Prefect starts, are in
``profiles/ingest/preflight.py``.)

``check_files`` validates without loading (``--check``): the whole files are read, mapped
and typed exactly as a load would (the same staging SQL, in an in-memory database), and
for each canonical column it reports the source header used and the share of rows that
pass, with the first bad values and their counts. Values are shown only for code and
Y/N columns (the codes themselves); for dates, numbers and postcodes the shape of the
value is shown (``99/99/9999``), and for free text and references nothing but counts, so
no person data is printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from profiles.config import Settings
from profiles.db import connect, query_df, registered
from profiles.ingest.load import load_table, read_and_map, stage
from profiles.ingest.mapping import Mapping
from profiles.ingest.plan import plan_columns
from profiles.ingest.preflight import mapping_named, require_files
from profiles.ingest.records import RECORD_TYPES, RecordSpec, allowed_codes

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
    m = mapping_named(mapping, settings)
    spec = RECORD_TYPES[m.record_type]
    now = now or datetime.now(timezone.utc)
    require_files(files)
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
