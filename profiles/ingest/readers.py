"""Read extract files into all-text Arrow tables, keeping every row accounted for.

CSV (UTF-8, UTF-8 with BOM, UTF-16 or UTF-32 with BOM, or cp1252; comma, semicolon, tab or
pipe, and nothing else: a one-column file is a valid file), XLSX and Parquet.
Every value is read as text; typing and validation happen in SQL over the whole load.
A CSV row with the wrong number of fields is not dropped: it is returned in
``malformed`` so that it goes to quarantine with its row number.

A CSV file is read by DuckDB's own reader (``read_csv_fast``: parallel, and no copy of the
text in Python) when that gives exactly what the Arrow reader (``read_csv``) gives: a UTF-8
file whose every row has the header's fields. Any other file, a malformed row anywhere
included, is read again by ``read_csv``, which numbers and keeps the malformed rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from profiles.csvtext import BOMS, UTF8_BOM, decode_text, sniff_delimiter
from profiles.db import connect, query_arrow
from profiles.errors import InputError
from profiles.files import sha256_of
from profiles.ingest.mapping import Mapping
from profiles.ingest.plan import extract_time

ROW_COLUMN = "__row"
_FIRST_LINE = re.compile(r"[^\r\n]*")


@dataclass
class Malformed:
    row_number: int | None
    reason: str
    text: str


@dataclass
class SourceTable:
    """One file as read: text columns under the file's own headers, plus ``__row``."""

    path: Path
    sha256: str
    size: int
    headers: list[str]
    table: pa.Table
    malformed: list[Malformed] = field(default_factory=list)
    encoding: str = ""
    #: When the extract was taken, and how that is known (see ``extract_time``).
    extracted_at: datetime | None = None
    extracted_from: str = ""

    @property
    def rows_read(self) -> int:
        return self.table.num_rows + len(self.malformed)


def _check_headers(headers: list[str], path: Path) -> list[str]:
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise InputError(f"{path}: no header row")
    seen: dict[str, int] = {}
    for h in headers:
        key = h.lower()
        if key in seen:
            raise InputError(f"{path}: column '{h}' appears more than once in the header")
        seen[key] = 1
    return headers


def _header(first_line: str, path: Path, mapping: Mapping) -> tuple[str, list[str]]:
    """The delimiter (the mapping's, else sniffed) and the checked headers of a header line."""
    delimiter = sniff_delimiter(first_line) if mapping.delimiter == "auto" else mapping.delimiter
    return delimiter, _check_headers(next(csv.reader([first_line], delimiter=delimiter)), path)


def read_csv(path: Path, mapping: Mapping) -> SourceTable:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError(f"{path}: the file is empty")
    text, encoding = decode_text(raw, path, mapping.encoding)
    del raw
    first_line = _FIRST_LINE.match(text).group(0)  # up to the first CR LF, LF or CR alone
    delimiter, headers = _header(first_line, path, mapping)
    malformed: list[Malformed] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        # row.number is the physical line (1 = header) when known.
        data_row = row.number - 1 if row.number is not None else None
        malformed.append(
            Malformed(
                data_row,
                f"row has {row.actual_columns} fields; the header has {row.expected_columns}",
                row.text,
            )
        )
        return "skip"

    data = text.encode("utf-8")
    del text
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(use_threads=False, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in headers},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError) as exc:
        raise InputError(f"{path}: not a readable CSV file: {exc}") from None
    # Rename to the stripped headers (pyarrow keeps them as written).
    table = table.rename_columns(headers)
    table = table.append_column(ROW_COLUMN, _row_numbers(table.num_rows, malformed))
    return SourceTable(path, "", 0, headers, table, malformed, encoding)


#: Encodings that DuckDB's reader reads as they are: it reads UTF-8 only.
_UTF8 = ("auto", "", "utf-8", "utf8")
#: The bytes that DuckDB's reader drops between a delimiter and a quoted value (` "a" ` reads
#: as `a`), where the Arrow reader keeps the field as written: a file with a quote beside one
#: of them is read by the Arrow reader.
_BLANK = np.zeros(256, dtype=bool)
_BLANK[[0x09, 0x0B, 0x0C, 0x20]] = True
_QUOTE = ord('"')
#: A field no extract holds: DuckDB reads it as null (nullstr), so that an empty field is ''.
_NEVER_A_VALUE = "\x01"


class QuoteScan:
    """Sees a file's blocks in turn (``sha256_of``'s ``each_block``) and notes whether a quote
    stands beside a blank byte (``_BLANK``) anywhere (``beside_blank``), and whether a line
    break stands inside quotes (``newline_in_quotes``: an odd number of quotes before it)."""

    def __init__(self) -> None:
        self.beside_blank = False
        self.newline_in_quotes = False
        self._last: int | None = None  # the block before's last byte
        self._quotes_before = 0

    def __call__(self, block: bytes) -> None:
        if self.beside_blank or not block:
            return
        data = np.frombuffer(block, dtype=np.uint8)
        quotes = np.flatnonzero(data == _QUOTE)
        first, last = int(data[0]), self._last
        if last is not None and ((last == _QUOTE and _BLANK[first]) or (_BLANK[last] and first == _QUOTE)):
            self.beside_blank = True
        if quotes.size:
            before = data[quotes[quotes > 0] - 1]
            after = data[quotes[quotes < data.size - 1] + 1]
            self.beside_blank = self.beside_blank or bool(_BLANK[before].any() or _BLANK[after].any())
        if not self.newline_in_quotes and (quotes.size or self._quotes_before % 2):
            breaks = np.flatnonzero((data == 0x0A) | (data == 0x0D))
            inside = (self._quotes_before + np.searchsorted(quotes, breaks)) % 2 == 1
            self.newline_in_quotes = bool(inside.any())
        self._quotes_before += int(quotes.size)
        self._last = int(data[-1])

    @property
    def unbalanced(self) -> bool:
        """An odd number of quotes in the whole file: a quoted value runs to its end."""
        return self._quotes_before % 2 == 1


def read_csv_fast(path: Path, mapping: Mapping, scan: QuoteScan) -> SourceTable | None:
    """The file through DuckDB's CSV reader (sql/staging/read_csv_text.sql), or None when it
    may read differently from ``read_csv``: not UTF-8, a byte-order mark, a quote beside a
    blank or left open at the end, a carriage return alone in the header line, a header
    ``read_csv`` refuses, one column, no data row, or a row that has not the header's fields.
    ``scan`` has seen the whole file (``QuoteScan``)."""
    if mapping.encoding.lower() not in _UTF8 or scan.beside_blank or scan.unbalanced:
        return None
    with path.open("rb") as fh:
        first = fh.readline()
    if first.startswith(tuple(mark for mark, _, _ in BOMS) + (UTF8_BOM,)):
        return None
    try:
        first_line = first.decode("utf-8").rstrip("\n").rstrip("\r")
    except UnicodeDecodeError:
        return None
    if not first_line.strip() or "\r" in first_line:
        return None
    try:
        delimiter, headers = _header(first_line, path, mapping)
    except InputError:
        return None
    n = len(headers)
    if n < 2:  # one column: DuckDB reads a blank line as an empty value, Arrow skips it
        return None
    con = duckdb.connect()  # no session needed (``connect`` would install every macro)
    try:
        table = query_arrow(con, "staging/read_csv_text.sql", {
            "path": str(path), "delimiter": delimiter, "nullstr": _NEVER_A_VALUE,
            "columns": {f"c{i}": "VARCHAR" for i in range(n + 1)},
            # DuckDB splits a file between its threads only where no line break is quoted
            "parallel": not scan.newline_in_quotes,
        })
    except duckdb.Error:
        return None
    finally:
        con.close()
    short = any(table.column(i).null_count for i in range(n))
    long = table.column(n).null_count != table.num_rows
    if table.num_rows == 0 or short or long:
        return None
    table = table.drop_columns([f"c{n}"]).rename_columns(headers)
    table = table.append_column(ROW_COLUMN, _row_numbers(table.num_rows, []))
    return SourceTable(path, "", 0, headers, table, [], "utf-8")


def _row_numbers(n_valid: int, malformed: list[Malformed]) -> pa.Array:
    """Data-row numbers (1 = first row after the header) of the rows that parsed."""
    bad = sorted(m.row_number for m in malformed if m.row_number is not None)
    if not bad:
        return pa.array(range(1, n_valid + 1), pa.int64())
    numbers, bad_set, r = [], set(bad), 1
    while len(numbers) < n_valid:
        if r not in bad_set:
            numbers.append(r)
        r += 1
    return pa.array(numbers, pa.int64())


def read_xlsx(path: Path) -> SourceTable:
    try:
        frame = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - any openpyxl failure means "unreadable"
        raise InputError(f"{path}: not a readable XLSX workbook: {exc}") from None
    headers = _check_headers([str(c) for c in frame.columns], path)
    frame.columns = headers
    frame = frame.fillna("")
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.append_column(ROW_COLUMN, pa.array(range(1, len(frame) + 1), pa.int64()))
    return SourceTable(path, "", 0, headers, table, [], "xlsx")


def read_parquet(path: Path) -> SourceTable:
    con = connect()
    try:
        table = con.sql(
            "select columns(*)::varchar from read_parquet($path)", params={"path": str(path)}
        ).to_arrow_table()
    except duckdb.Error as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exc}") from None
    finally:
        con.close()
    headers = _check_headers(list(table.column_names), path)
    table = table.rename_columns(headers)
    table = pa.table(
        {h: pa.compute.fill_null(table[h], "") for h in headers}
    )
    table = table.append_column(ROW_COLUMN, pa.array(range(1, table.num_rows + 1), pa.int64()))
    return SourceTable(path, "", 0, headers, table, [], "parquet")


def read_source(path: Path, mapping: Mapping) -> SourceTable:
    """Read one extract file; refuse it with a clear message if it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".parquet", ".pq", ".csv", ".txt", ".tsv", ""):
        raise InputError(f"{path}: unknown file type '{suffix}' (expected .csv, .xlsx or .parquet)")
    scan = QuoteScan()
    sha256 = sha256_of(path, scan)  # one read of the file: its hash, and what the CSV reader needs
    if suffix in (".xlsx", ".xlsm"):
        source = read_xlsx(path)
    elif suffix in (".parquet", ".pq"):
        source = read_parquet(path)
    else:
        source = read_csv_fast(path, mapping, scan) or read_csv(path, mapping)
    source.sha256 = sha256
    source.size = path.stat().st_size
    source.extracted_at, source.extracted_from = extract_time(path, mapping.timezone)
    return source
