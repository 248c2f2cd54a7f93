"""The two shapes the sample is written in, and a streaming CSV writer.

- ``canonical``: exactly the canonical columns (profiles/canonical.py), UTF-8, ISO 8601
  local times (``2025-03-01T22:15:00``), lower-case codes, Y/N flags, comma-separated.
- ``rms``: the same rows as a force's records management system exports them: its own
  headers, its own codes (``HIGH``, ``M``/``F``, ``RETURNED OF OWN ACCORD``, ``Yes``/``No``),
  dd/mm/yyyy hh:mm times, cp1252, semicolon-separated, CRLF line ends, plus a
  ``Source System`` column saying SYNTHETIC. config/mappings/rms.yaml maps it back.

Both are built from one table of canonical values, so they carry the same data.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from profiles.canonical import COLUMN_NAMES

SHAPES = ("canonical", "rms")

CANONICAL_TIME = "%Y-%m-%dT%H:%M:%S"
CANONICAL_DATE = "%Y-%m-%d"
RMS_TIME = "%d/%m/%Y %H:%M"
RMS_DATE = "%d/%m/%Y"

#: RMS header -> canonical column (None: a column the RMS adds of its own).
RMS_COLUMNS: tuple[tuple[str, str | None], ...] = (
    ("Occurrence Number", "incident_id"),
    ("Nominal ID", "person_id"),
    ("Reported Date/Time", "reported_at"),
    ("Last Seen Date/Time", "last_seen_at"),
    ("Traced Date/Time", "found_at"),
    ("DOB", "date_of_birth"),
    ("Age At Report", "age"),
    ("Sex", "gender"),
    ("Officer Defined Ethnicity", "ethnicity"),
    ("Initial Risk Grading", "risk"),
    ("Highest Risk Grading", "risk_highest"),
    ("Missing From Location Type", "missing_from_type"),
    ("Location Reference", "site_ref"),
    ("Missing From Address", "missing_from_address"),
    ("Missing From Postcode", "missing_from_postcode"),
    ("MF Grid Easting", "missing_from_easting"),
    ("MF Grid Northing", "missing_from_northing"),
    ("Traced Location", "found_address"),
    ("Traced Postcode", "found_postcode"),
    ("Traced Grid Easting", "found_easting"),
    ("Traced Grid Northing", "found_northing"),
    ("Traced By", "found_by"),
    ("Outcome", "outcome"),
    ("CSE Concern", "flag_cse"),
    ("CCE Concern", "flag_cce"),
    ("Trafficking/MSHT", "flag_trafficking"),
    ("Mental Health", "flag_mental_health"),
    ("Suicidal", "flag_suicidal"),
    ("Dementia", "flag_dementia"),
    ("Learning Disability", "flag_learning_disability"),
    ("Looked After Child", "looked_after"),
    ("Placing Authority", "placing_authority"),
    ("Responsible Local Authority", "responsible_la"),
    ("RHI Offered Date/Time", "return_interview_offered_at"),
    ("RHI Completed Date/Time", "return_interview_done_at"),
    ("Linked Calls", "calls"),
    ("Circumstances", "reason"),
    ("Source System", None),
    ("RHI Themes", "rhi_themes"),
)
RMS_SOURCE_SYSTEM = "SYNTHETIC"
RMS_HEADER_FOR: dict[str, str] = {col: header for header, col in RMS_COLUMNS if col}

#: Canonical code -> RMS code. Values not listed (e.g. IC codes) are written as they are.
RMS_CODES: dict[str, dict[str, str]] = {
    "gender": {"male": "M", "female": "F", "other": "X", "unknown": "U"},
    "risk": {"high": "HIGH", "medium": "MEDIUM", "low": "LOW", "no_apparent_risk": "NO APPARENT RISK",
             "absent": "ABSENT"},
    "missing_from_type": {
        "home": "HOME ADDRESS", "childrens_home": "CHILDRENS HOME", "foster_care": "FOSTER PLACEMENT",
        "adult_care_home": "CARE HOME (ADULT)", "hospital": "HOSPITAL", "mental_health_unit": "MENTAL HEALTH UNIT",
        "supported_accommodation": "SUPPORTED ACCOMMODATION", "school": "SCHOOL", "other": "OTHER",
    },
    "found_by": {
        "own_accord": "RETURNED OF OWN ACCORD", "police": "POLICE", "family": "FAMILY",
        "friend": "FRIEND/ACQUAINTANCE", "carer": "CARER/STAFF", "local_authority": "LOCAL AUTHORITY",
        "other": "MEMBER OF PUBLIC/OTHER", "unknown": "NOT KNOWN",
    },
    "outcome": {
        "safe": "FOUND SAFE", "harmed": "HARM SUFFERED", "crime_victim": "VICTIM OF CRIME",
        "sexual_offence_victim": "VICTIM OF SEXUAL OFFENCE", "crime_suspect": "SUSPECTED OF CRIME",
        "found_dead": "FOUND DEAD",
    },
}
RMS_CODES["risk_highest"] = RMS_CODES["risk"]
#: The RMS's own return-interview theme codes (config/mappings/rms.yaml maps them back).
RMS_RHI_CODES = {
    "conflict_at_home": "FAM", "peer_relationships": "PEER", "exploitation_concern": "EXPL",
    "substance_use": "SUBS", "mental_health": "MH", "school": "EDU", "placement_unhappy": "PLAC",
    "contact_with_family": "CONT", "boredom": "BORED", "other": "OTH",
}
RMS_BOOL = ("No", "Yes")
CANONICAL_BOOL = ("N", "Y")


def _recode(values: pa.Array, table: dict[str, str]) -> pa.Array:
    keys = pa.array(list(table), pa.string())
    vals = pa.array(list(table.values()), pa.string())
    idx = pc.index_in(values, value_set=keys)
    return pc.coalesce(vals.take(idx), values)


def _bool(values: pa.Array, words: tuple[str, str]) -> pa.Array:
    return pc.if_else(values, pa.scalar(words[1]), pa.scalar(words[0]))


def _slice(values: pa.Array, start: int, stop: int) -> pa.Array:
    return pc.utf8_slice_codeunits(values, start, stop)


def _format_time(values: pa.Array, fmt: str) -> pa.Array:
    """Format timestamps or dates (pc.strftime is far slower than a cast and a few slices)."""
    iso = pc.cast(values, pa.string())  # "YYYY-MM-DD HH:MM:SS" / "YYYY-MM-DD"
    if fmt == CANONICAL_DATE:
        return iso
    if fmt == CANONICAL_TIME:
        return pc.replace_substring(iso, " ", "T", max_replacements=1)
    day_month_year = pc.binary_join_element_wise(_slice(iso, 8, 10), _slice(iso, 5, 7), _slice(iso, 0, 4), "/")
    if fmt == RMS_DATE:
        return day_month_year
    if fmt == RMS_TIME:
        return pc.binary_join_element_wise(day_month_year, _slice(iso, 11, 16), " ")
    return pc.strftime(values, format=fmt)


def _text(values: pa.Array, time_fmt: str, date_fmt: str, words: tuple[str, str]) -> pa.Array:
    t = values.type
    if pa.types.is_timestamp(t):
        return _format_time(values, time_fmt)
    if pa.types.is_date(t):
        return _format_time(values, date_fmt)
    if pa.types.is_boolean(t):
        return _bool(values, words)
    if pa.types.is_string(t):
        return values
    return pc.cast(values, pa.string())


def free_text_columns(names, source: pa.Table, rename: dict[str, str] | None = None) -> set[str]:
    """Output columns that come from text values (only these can hold a delimiter or a quote;
    times, numbers and flags are formatted here and never do)."""
    rename = rename or {}
    return {rename.get(n, n) for n in names if n in source.column_names and pa.types.is_string(source[n].type)}


def canonical_text(table: pa.Table) -> pa.Table:
    """The canonical shape: every canonical column as text, in canonical order."""
    cols = {}
    for name in COLUMN_NAMES:
        values = _text(table[name].combine_chunks(), CANONICAL_TIME, CANONICAL_DATE, CANONICAL_BOOL)
        if name == "reported_at":
            values = pc.coalesce(table["__reported_at_text"].combine_chunks(), values)
        cols[name] = values
    return pa.table(cols)


def rms_text(table: pa.Table) -> pa.Table:
    """The RMS shape: its headers, codes, times and an extra SYNTHETIC source column."""
    cols = {}
    for header, name in RMS_COLUMNS:
        if name is None:
            cols[header] = pa.array([RMS_SOURCE_SYSTEM] * table.num_rows, pa.string())
            continue
        values = _text(table[name].combine_chunks(), RMS_TIME, RMS_DATE, RMS_BOOL)
        if name in RMS_CODES:
            values = _recode(values, RMS_CODES[name])
        if name == "rhi_themes":
            values = pa.array([None if v is None else ";".join(RMS_RHI_CODES[c] for c in v.split(";"))
                               for v in values.to_pylist()], pa.string())
        if name == "reported_at":
            values = pc.coalesce(table["__reported_at_text"].combine_chunks(), values)
        cols[header] = values
    return pa.table(cols)


SHAPE_FORMAT = {
    # shape: (to text, delimiter, encoding, newline)
    "canonical": (canonical_text, ",", "utf-8", "\n"),
    "rms": (rms_text, ";", "cp1252", "\r\n"),
}


class CsvWriter:
    """Writes text tables to a CSV file chunk by chunk: minimal quoting, nulls as empty fields."""

    def __init__(self, path: Path, *, delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n"):
        self.path = Path(path)
        self.delimiter = delimiter
        self.encoding = encoding
        self.newline = newline
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = self.path.open("wb")
        self._header_written = False
        self.rows = 0

    def _quote(self, values: pa.Array) -> pa.Array:
        pattern = "[" + "".join("\\" + c if c in "\\^]-" else c for c in self.delimiter + '"\r\n') + "]"
        needs = pc.match_substring_regex(values, pattern)
        if not pc.any(needs).as_py():
            return values
        quoted = pc.binary_join_element_wise('"', pc.replace_substring(values, '"', '""'), '"', "")
        return pc.if_else(needs, quoted, values)

    def write(self, table: pa.Table, *, check: set[str] | None = None) -> None:
        """Append rows. ``check``: the columns that may need quoting (default: all)."""
        if not self._header_written:
            header = self._quote(pa.array(table.column_names, pa.string())).to_pylist()
            self._fh.write((self.delimiter.join(header) + self.newline).encode(self.encoding))
            self._header_written = True
        if table.num_rows == 0:
            return
        cols = [self._quote(table[c].combine_chunks()) if check is None or c in check else table[c].combine_chunks()
                for c in table.column_names]
        lines = pc.binary_join_element_wise(*cols, self.delimiter, null_handling="replace", null_replacement="")
        text = self.newline.join(lines.to_pylist()) + self.newline
        self._fh.write(text.encode(self.encoding))
        self.rows += table.num_rows

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "CsvWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
