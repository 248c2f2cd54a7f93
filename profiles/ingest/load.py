"""Safe ingestion: every row read is loaded, updated, unchanged, quarantined or a duplicate.

``ingest_files`` reads the files (profiles/ingest/readers.py), applies the mapping
(profiles/ingest/mapping.py), then types, validates, classifies and merges the whole load
in SQL (sql/staging/) inside one transaction: a failure leaves the database as it was.

Reconciliation: rows_read = loaded + updated + unchanged + stale + quarantined + duplicates.
A row is stale when the database holds a newer version of its record (by the extract's own
time, ``version_at``): it goes to history as stale and is never applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from profiles import canonical, progress
from profiles.config import Settings
from profiles.db import connect, registered, run_script, run_sql, transaction
from profiles.errors import InputError
from profiles.ingest.mapping import Mapping
from profiles.ingest.plan import local_time, plan_columns
from profiles.ingest.preflight import mapping_named, require_files
from profiles.ingest.pseudonymise import hmac_pads
from profiles.ingest.readers import ROW_COLUMN, SourceTable, read_source
from profiles.ingest.records import RECORD_TYPES, RecordSpec, allowed_codes

OUTCOMES = ("loaded", "updated", "unchanged", "stale", "quarantined", "duplicates")

#: Strptime formats always tried after ISO 8601 (the list passed to SQL is never empty).
FALLBACK_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")
FALLBACK_DATE_FORMATS = ("%Y-%m-%d",)


@dataclass
class FileCounts:
    file: str
    sha256: str
    rows_read: int = 0
    loaded: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    quarantined: int = 0
    duplicates: int = 0
    extracted_at: datetime | None = None
    extracted_from: str = ""
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return self.rows_read == sum(getattr(self, o) for o in OUTCOMES)


@dataclass
class LoadResult:
    load_id: int
    record_type: str
    mapping: str
    files: list[FileCounts]
    #: The commonest quarantine reasons of this load (problem, rows), most first.
    top_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def all_quarantined(self) -> bool:
        """Nothing of the load was usable: every row was quarantined (or a copy of one)."""
        usable = sum(self.total(o) for o in ("loaded", "updated", "unchanged", "stale"))
        return self.total("quarantined") > 0 and usable == 0

    def allowed_notes(self) -> list[str]:
        """For each unknown-code reason of the load: the codes its column allows."""
        notes = []
        for problem, _ in self.top_reasons:
            column, _, rest = problem.partition(":")
            if rest.strip().startswith("unknown code") and allowed_codes(column):
                notes.append(f"{column} allows {', '.join(allowed_codes(column))}"
                             " (map other values under codes: in the mapping)")
        return notes

    def refusal_line(self) -> str:
        """One line for a load whose every row was quarantined: the top reasons."""
        reasons = "; ".join(f"{problem} ({n:,})" for problem, n in self.top_reasons[:3])
        allowed = "; ".join(self.allowed_notes()[:2])
        return (f"every one of the {self.rows_read:,} rows of load {self.load_id} was quarantined;"
                f" top reasons: {reasons}" + (f"; {allowed}" if allowed else "")
                + f" (`misper quarantine --load {self.load_id}`)")

    def total(self, outcome: str) -> int:
        return sum(getattr(f, outcome) for f in self.files)

    @property
    def rows_read(self) -> int:
        return self.total("rows_read")

    def as_json(self) -> dict:
        """Exactly the reconciliation keys, plus ``files``."""
        result = {"rows_read": self.rows_read, **{o: self.total(o) for o in OUTCOMES}}
        result["files"] = [
            {
                **{k: v for k, v in asdict(f).items() if k not in ("ignored_columns", "extracted_at")},
                "extracted_at": f.extracted_at.isoformat() if f.extracted_at else None,
            }
            for f in self.files
        ]
        return result

    def summary_text(self) -> str:
        lines = [f"load {self.load_id} ({self.record_type}, mapping '{self.mapping}'):"]
        for f in self.files:
            lines.append(
                f"  {f.file}: {f.rows_read:,} rows read = {f.loaded:,} loaded + {f.updated:,} updated"
                f" + {f.unchanged:,} unchanged + {f.stale:,} stale + {f.quarantined:,} quarantined"
                f" + {f.duplicates:,} duplicates"
            )
            if f.extracted_at:
                lines.append(f"    extract taken {local_time(f.extracted_at)} ({f.extracted_from})")
            if f.ignored_columns:
                lines.append(f"    columns not used by the mapping: {', '.join(f.ignored_columns)}")
        if len(self.files) > 1:
            lines.append(
                f"  total: {self.rows_read:,} read = {self.total('loaded'):,} loaded + "
                f"{self.total('updated'):,} updated + {self.total('unchanged'):,} unchanged + "
                f"{self.total('stale'):,} stale + {self.total('quarantined'):,} quarantined + "
                f"{self.total('duplicates'):,} duplicates"
            )
        if self.total("stale"):
            lines.append(
                f"  {self.total('stale'):,} stale row(s): the database holds a newer version of each;"
                " kept in history as stale, not applied"
            )
        if self.total("quarantined"):
            lines.append("  quarantined rows and their reasons: `misper quarantine` (table quarantine)")
            lines += [f"  {note}" for note in self.allowed_notes()]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# mapping a file onto the record type's columns


def _text_column(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(values), ""), pa.scalar(None, pa.string()), values)


def apply_mapping(source: SourceTable, mapping: Mapping, spec: RecordSpec) -> tuple[pa.Table, list[str]]:
    """The file as the record type's columns (text), plus __modified, __extracted_at, __file
    and __row. Refuses the file when a required column is absent (``plan_columns``)."""
    plan = plan_columns(source.path, source.headers, mapping, spec)
    n = source.table.num_rows
    columns: dict[str, pa.ChunkedArray | pa.Array] = {}
    for name in spec.column_names:
        if name in plan.constants:
            columns[name] = pa.repeat(pa.scalar(plan.constants[name], pa.string()), n)
        elif name not in plan.sources:
            columns[name] = pa.nulls(n, pa.string())
        elif len(plan.sources[name]) == 1:
            columns[name] = source.table[plan.sources[name][0]]
        else:
            columns[name] = pc.binary_join_element_wise(
                *[_text_column(source.table[h]) for h in plan.sources[name]], ", ", null_handling="skip"
            )
    columns["__modified"] = source.table[plan.modified] if plan.modified else pa.nulls(n, pa.string())
    columns["__extracted_at"] = pa.repeat(pa.scalar(source.extracted_at, pa.timestamp("us", tz="UTC")), n)
    columns["__file"] = pa.repeat(pa.scalar(str(source.path), pa.string()), n)
    columns[ROW_COLUMN] = source.table[ROW_COLUMN]
    return pa.table(columns), plan.ignored


def _code_table(mapping: Mapping, column: str, aliases: dict[str, str] | None = None) -> list[dict[str, str]]:
    table = dict(aliases or {})
    table.update(mapping.codes.get(column, {}))
    return [{"k": k, "v": v} for k, v in table.items()] or [{"k": "\x00", "v": "\x00"}]


def _flag_table(mapping: Mapping, spec: RecordSpec) -> list[dict[str, str]]:
    merged: dict[str, str] = {}
    for col in spec.column_names:
        if col in canonical.FLAG_COLUMNS or col == "reported_to_police":
            merged.update(mapping.codes.get(col, {}))
    return [{"k": k, "v": v} for k, v in merged.items()] or [{"k": "\x00", "v": "\x00"}]


def staging_params(mapping: Mapping, spec: RecordSpec, settings: Settings, now: datetime) -> dict:
    future_limit = now + timedelta(minutes=settings.ingest.future_tolerance_minutes)
    return {
        "tz": mapping.timezone,
        "datetime_formats": list(mapping.datetime_formats) + list(FALLBACK_DATETIME_FORMATS),
        "date_formats": list(mapping.date_formats) + list(FALLBACK_DATE_FORMATS),
        "future_limit": future_limit,
        "earliest": datetime.fromisoformat(settings.ingest.earliest_report).date(),
        "max_age": settings.ingest.max_age_years,
        "gender_codes": list(canonical.GENDER_CODES),
        "ethnicity_codes": list(canonical.ETHNICITY_CODES),
        "risk_codes": list(canonical.RISK_CODES),
        "missing_from_codes": list(canonical.MISSING_FROM_TYPES),
        "found_by_codes": list(canonical.FOUND_BY_CODES),
        "outcome_codes": list(canonical.OUTCOME_CODES),
        "rhi_theme_codes": list(canonical.RHI_THEMES),
        "map_gender": _code_table(mapping, "gender"),
        "map_ethnicity": _code_table(mapping, "ethnicity"),
        "map_risk": _code_table(mapping, "risk", canonical.RISK_ALIASES),
        "map_missing_from_type": _code_table(mapping, "missing_from_type"),
        "map_found_by": _code_table(mapping, "found_by"),
        "map_outcome": _code_table(mapping, "outcome"),
        "map_rhi_themes": _code_table(mapping, "rhi_themes"),
        "map_flag": _flag_table(mapping, spec),
    }


# ---------------------------------------------------------------------------------------
# the load


Sources = list[tuple[SourceTable, pa.Table, list[str]]]


def read_and_map(files: Sequence[str | Path], mapping: Mapping, spec: RecordSpec) -> Sources:
    """Each file read and mapped onto the record type's columns (refused whole if it cannot be)."""
    sources: Sources = []
    seen: set[str] = set()
    with progress.stage("reading extracts", total=len(files)) as step:
        for f in files:
            source = read_source(Path(f), mapping)
            if str(source.path) in seen:
                raise InputError(f"{source.path}: given twice in one load")
            seen.add(str(source.path))
            mapped, ignored = apply_mapping(source, mapping, spec)
            sources.append((source, mapped, ignored))
            step.advance()
    return sources


def load_table(sources: Sources) -> pa.Table:
    """The mapped files as one table, ``__seq`` numbering the rows in load order."""
    offset = 0
    tables = []
    for _, mapped, _ in sources:
        seq = pa.array(range(offset, offset + mapped.num_rows), pa.int64())
        tables.append(mapped.append_column("__seq", seq))
        offset += mapped.num_rows
    return pa.concat_tables(tables)


def stage(con: duckdb.DuckDBPyConnection, raw_load: pa.Table, mapping: Mapping, spec: RecordSpec,
          settings: Settings, now: datetime) -> None:
    """The load (``load_table``) cleaned (staging/clean_load.sql), then typed and validated in
    SQL into the temp table ``staged`` (spec.staging_sql)."""
    with registered(con, "raw_load", raw_load):
        run_script(con, "staging/clean_load.sql")
        run_script(con, spec.staging_sql, staging_params(mapping, spec, settings, now))


def ingest_files(
    files: Sequence[str | Path],
    *,
    mapping: str | Mapping = "canonical",
    settings: Settings | None = None,
    db_path: str | Path | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    now: datetime | None = None,
) -> LoadResult:
    """Validate and load ``files`` as one load (one transaction) and reconcile every row."""
    settings = settings or Settings()
    require_files(files)  # a missing file is named before anything starts
    mapping_obj = mapping_named(mapping, settings)
    spec = RECORD_TYPES[mapping_obj.record_type]
    now = now or datetime.now(timezone.utc)
    pseudonym_key, _ = settings.pseudonym_key()

    # 1. Read and map every file first: a refused file loads nothing.
    sources = read_and_map(files, mapping_obj, spec)

    own_con = con is None
    if own_con:
        con = connect(
            db_path or settings.db_path,
            lock_wait_s=settings.db.lock_wait_s,
            memory_limit=settings.db.memory_limit,
            threads=settings.db.threads,
        )
    try:
        with transaction(con), progress.stage("validating and loading", total=4) as step:
            load_id = con.execute("select nextval('load_id_seq')").fetchall()[0][0]
            stage(con, load_table(sources), mapping_obj, spec, settings, now)
            step.advance()
            run_script(con, spec.current_sql)
            run_script(con, "staging/classify_load.sql", {"key_name": spec.key})
            step.advance()

            run_script(con, "staging/person_keys.sql", hmac_pads(pseudonym_key))
            run_script(con, "staging/person_identity.sql")
            run_script(con, "staging/load_versions.sql", {"load_id": load_id})
            run_script(con, spec.merge_sql, {"load_id": load_id, "now": now})
            step.advance()

            counts = _count(con, sources)
            for source, _, _ in sources:
                with registered(con, "source_rows", source.table):
                    run_script(
                        con,
                        "staging/quarantine_load.sql",
                        {
                            "load_id": load_id,
                            "record_type": spec.name,
                            "file": str(source.path),
                            "sha256": source.sha256,
                        },
                    )
                _quarantine_malformed(con, load_id, spec.name, source)
            top = run_sql(con, "staging/quarantine_summary.sql", {"load_id": load_id}).fetchall()
            result = LoadResult(load_id, spec.name, mapping_obj.name, counts, [(p, int(n)) for p, n in top])
            _log(con, result, sources, now)
    finally:
        if own_con:
            con.close()
    if not all(f.balanced for f in result.files):  # pragma: no cover - guarded by tests
        raise InputError("reconciliation failed: rows read do not equal the rows accounted for")
    return result


def _count(con: duckdb.DuckDBPyConnection, sources) -> list[FileCounts]:
    rows = con.execute(
        "select __file, load_outcome, count(*) from load_classified group by all"
    ).fetchall()
    by_file = {
        str(s.path): FileCounts(
            str(s.path), s.sha256, extracted_at=s.extracted_at, extracted_from=s.extracted_from, ignored_columns=ign
        )
        for s, _, ign in sources
    }
    for file, outcome, n in rows:
        key = "duplicates" if outcome == "duplicate" else outcome
        setattr(by_file[file], key, getattr(by_file[file], key) + n)
    for source, _, _ in sources:
        fc = by_file[str(source.path)]
        fc.quarantined += len(source.malformed)
        fc.rows_read = source.rows_read
    return list(by_file.values())


def _quarantine_malformed(con, load_id: int, record_type: str, source: SourceTable) -> None:
    if not source.malformed:
        return
    rows = pa.table(
        {
            "row_number": pa.array([m.row_number or 0 for m in source.malformed], pa.int64()),
            "reason": pa.array([m.reason for m in source.malformed], pa.string()),
            "text": pa.array([json.dumps({"text": m.text}) for m in source.malformed], pa.string()),
        }
    )
    with registered(con, "malformed_rows", rows):
        run_script(
            con,
            "staging/quarantine_malformed.sql",
            {"load_id": load_id, "record_type": record_type, "file": str(source.path), "sha256": source.sha256},
        )


def _log(con, result: LoadResult, sources, now: datetime) -> None:
    params = {
        "load_id": result.load_id,
        "record_type": result.record_type,
        "started_at": now,
        "mapping": result.mapping,
        "files": [f.file for f in result.files],
        **{k: (result.total(k) if k != "rows_read" else result.rows_read) for k in ("rows_read", *OUTCOMES)},
    }
    run_script(con, "staging/log_load.sql", params)
    sizes = {str(s.path): s.size for s, _, _ in sources}
    for f in result.files:
        run_script(
            con,
            "staging/log_load_file.sql",
            {
                "load_id": result.load_id,
                "file": f.file,
                "sha256": f.sha256,
                "bytes": sizes[f.file],
                "extracted_at": f.extracted_at,
                "extracted_from": f.extracted_from,
                **{k: getattr(f, k) for k in ("rows_read", *OUTCOMES)},
            },
        )
