"""Ingestion mappings: how a force's own export becomes the canonical model.

A mapping is a YAML file (see docs/mappings.md)::

    name: rms
    record_type: episode          # episode (default) | absence
    encoding: auto                # auto: UTF-8 (BOM or not), else cp1252; or any Python codec
    delimiter: auto               # auto: comma or semicolon, from the header line
    timezone: Europe/London       # for times given without an offset
    datetime_formats: ["%d/%m/%Y %H:%M"]   # strptime formats tried in order; ISO 8601 always accepted
    date_formats: ["%d/%m/%Y"]
    modified_column: Last Updated # optional: each row's last-modified time; a row older than
                                  # the version held is stale (else the extract's own time)
    columns:                      # canonical column: source header (a list is joined with ", ")
      incident_id: Occurrence Ref
    constants:                    # canonical column: one value for every row
      risk: medium
    codes:                        # canonical column: {source value: canonical code}, case-insensitive
      risk: {HIGH: high, MED: medium}

Canonical columns not named under ``columns`` are looked up by their own name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from profiles.config import PROJECT_ROOT, Settings
from profiles.errors import InputError

BUILTIN_MAPPINGS_DIR = PROJECT_ROOT / "config" / "mappings"


@dataclass(frozen=True)
class Mapping:
    name: str
    record_type: str = "episode"
    description: str = ""
    encoding: str = "auto"
    delimiter: str = "auto"
    timezone: str = "Europe/London"
    datetime_formats: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    columns: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    modified_column: str = ""
    source: str = ""

    def source_for(self, canonical: str) -> str | tuple[str, ...]:
        """The source header(s) that feed a canonical column."""
        return self.columns.get(canonical, canonical)


_KEYS = {
    "name",
    "record_type",
    "description",
    "encoding",
    "delimiter",
    "timezone",
    "datetime_formats",
    "date_formats",
    "columns",
    "constants",
    "codes",
    "modified_column",
}


def parse_mapping(data: dict, *, source: str, known_columns: tuple[str, ...]) -> Mapping:
    """Build a Mapping from parsed YAML, checking it names only known things."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: a mapping must be a YAML mapping of keys")
    unknown = set(data) - _KEYS
    if unknown:
        raise InputError(f"{source}: unknown mapping keys: {', '.join(sorted(unknown))}")
    columns: dict[str, str | tuple[str, ...]] = {}
    for canonical, src in (data.get("columns") or {}).items():
        if canonical not in known_columns:
            raise InputError(f"{source}: columns: '{canonical}' is not a canonical column")
        columns[canonical] = tuple(str(s) for s in src) if isinstance(src, list) else str(src)
    constants = {str(k): str(v) for k, v in (data.get("constants") or {}).items()}
    for canonical in constants:
        if canonical not in known_columns:
            raise InputError(f"{source}: constants: '{canonical}' is not a canonical column")
    codes: dict[str, dict[str, str]] = {}
    for canonical, table in (data.get("codes") or {}).items():
        if canonical not in known_columns:
            raise InputError(f"{source}: codes: '{canonical}' is not a canonical column")
        if not isinstance(table, dict):
            raise InputError(f"{source}: codes: '{canonical}' must map source values to codes")
        codes[canonical] = {str(k).strip().lower(): ("" if v is None else str(v)) for k, v in table.items()}
    delimiter = str(data.get("delimiter", "auto"))
    if delimiter not in ("auto", ",", ";", "\t", "|"):
        raise InputError(f"{source}: delimiter must be auto, ',', ';', tab or '|'")
    return Mapping(
        name=str(data.get("name") or Path(source).stem),
        record_type=str(data.get("record_type", "episode")),
        description=str(data.get("description", "")),
        encoding=str(data.get("encoding", "auto")),
        delimiter=delimiter,
        timezone=str(data.get("timezone", "Europe/London")),
        datetime_formats=tuple(data.get("datetime_formats") or ()),
        date_formats=tuple(data.get("date_formats") or ()),
        columns=columns,
        constants=constants,
        codes=codes,
        modified_column=str(data.get("modified_column") or ""),
        source=source,
    )


def find_mapping_file(name_or_path: str, settings: Settings | None = None) -> Path:
    """Resolve ``--mapping``: a path to a YAML file, or a name in the mappings folders."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        if not candidate.exists():
            raise InputError(f"Mapping file not found: {candidate}")
        return candidate
    folders = []
    if settings is not None:
        folders.append(settings.mappings_dir)
    folders.append(BUILTIN_MAPPINGS_DIR)
    for folder in folders:
        for ext in (".yaml", ".yml"):
            path = folder / f"{name_or_path}{ext}"
            if path.exists():
                return path
    known = sorted({p.stem for f in folders if f.exists() for p in f.glob("*.y*ml")})
    raise InputError(f"Unknown mapping '{name_or_path}' (known: {', '.join(known) or 'none'})")


def load_mapping(name_or_path: str, settings: Settings | None = None) -> Mapping:
    from profiles.ingest.records import RECORD_TYPES  # local: avoids an import cycle

    path = find_mapping_file(name_or_path, settings)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: not a readable YAML mapping: {exc}") from None
    record_type = str(data.get("record_type", "episode")) if isinstance(data, dict) else "episode"
    if record_type not in RECORD_TYPES:
        raise InputError(f"{path}: record_type must be one of {', '.join(RECORD_TYPES)}")
    return parse_mapping(data, source=str(path), known_columns=RECORD_TYPES[record_type].column_names)
