"""File helpers shared by ingestion, reports and delivery: hashing and the one way to write an output.

Every output file (CSV, XLSX, HTML, PDF, JSON, text) goes through ``write_bytes``: the
bytes are written to a temporary name in the same folder and renamed into place, so a
reader never sees a half-written file; on failure the temporary file is removed and the
error names the file (and, for a full disk, the space it needs).

CSV and XLSX cells are made safe to open in a spreadsheet (``safe_cell``): a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice, so it gets a ``'`` in front (OWASP, "CSV injection").
Numbers are not text: a negative count or change (``-3``) is written as the number it
is, and a spreadsheet reads it as a number, never a formula.
"""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import os
import re
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from profiles.errors import MisperError

#: The first characters that make a spreadsheet treat a text cell as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


class OutputError(MisperError):
    """An output file could not be written; nothing partial is left under its name."""


def sha256_of(path: str | Path, each_block: Callable[[bytes], None] | None = None) -> str:
    """The SHA-256 of a file's bytes (read in 1 MiB blocks), as hex; ``each_block`` also sees
    every block in turn, so that one read of the file serves another check too."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            if each_block is not None:
                each_block(block)
    return digest.hexdigest()


# ---- writing ------------------------------------------------------------------------------


def temporary_name(path: Path) -> Path:
    """Where ``path`` is written before it is renamed into place (same folder, hidden)."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def _free_bytes(folder: Path) -> int | None:
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def write_failure(path: Path, exc: OSError, needed: int | None) -> OutputError:
    """The one-line error for a file that could not be written."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        free = _free_bytes(path.parent)
        need = f"it needs {needed:,} bytes" if needed is not None else "it needs more space"
        have = f", {free:,} bytes free" if free is not None else ""
        return OutputError(f"{path}: not written, the disk is full ({need}{have} in {path.parent})")
    return OutputError(f"{path}: cannot write the file ({exc.strerror or exc})")


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` (folders created) through a temporary name and a rename."""
    path = Path(path)
    tmp = temporary_name(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise write_failure(path, exc, len(data)) from None
    return path


def write_text(path: str | Path, text: str) -> Path:
    """``text`` as UTF-8 with the line endings it has (``\\n``)."""
    return write_bytes(path, text.encode("utf-8"))


# ---- cells --------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with ``'`` in front; else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``safe_cell`` applied to every text cell (and to the header)."""
    out = frame.rename(columns=lambda c: safe_cell(c) if isinstance(c, str) else c)
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            values = out[col]
            if values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).any():
                out[col] = values.map(safe_cell)
    return out


def _csv_cell(value: object, tz) -> object:
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, pd.Timestamp | datetime):
        ts = pd.Timestamp(value)
        if ts.tzinfo is not None:
            ts = ts.tz_convert(tz)
        return ts.isoformat()
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def csv_cells(frame: pd.DataFrame, tz: str = "Europe/London") -> pd.DataFrame:
    """``frame`` with every cell as a record CSV shows it: timestamps as ISO 8601 in London
    time with their offset (``2024-03-05T21:00:00+00:00``), booleans ``true``/``false``,
    lists joined with ``;``, empty cells for unknowns."""
    if not len(frame):
        return frame.astype(object)
    return frame.astype(object).map(lambda v: _csv_cell(v, tz))


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """The one CSV writer: UTF-8, a header row, ``\\n`` line ends, no index, cells made
    safe for spreadsheets, written atomically. ``frame`` holds the cells as they are to
    be shown (see ``csv_cells`` for record files)."""
    safe = safe_frame(frame)
    text = safe.to_csv(index=False, lineterminator="\n")
    if "\r" in text:  # a cell holds a carriage return (the csv module leaves it unquoted)
        text = _quote_carriage_returns(safe.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_ALL))
    return write_text(path, text)


def _quote_carriage_returns(quoted_all: str) -> str:
    """The same CSV with minimal quoting, where a cell holding a carriage return is quoted too:
    a spreadsheet then reads it as part of the cell, never as a new row. ``quoted_all`` (every
    cell quoted) parses back exactly whatever the cells hold."""
    special = (",", '"', "\n", "\r")

    def field(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if any(ch in value for ch in special) else value

    return "".join(",".join(field(v) for v in row) + "\n"
                   for row in csv.reader(io.StringIO(quoted_all, newline="")))


def write_csv_rows(rows: Iterable[dict], columns: list[str], path: str | Path) -> Path:
    """``rows`` (dicts) as CSV with exactly ``columns``, through ``write_csv``."""
    return write_csv(pd.DataFrame(list(rows), columns=columns), path)


def safe_workbook(wb: Any) -> Any:
    """Every text (or formula) cell of an openpyxl workbook made safe (``safe_cell``)."""
    for ws in wb.worksheets:
        # only the cells that exist: iter_rows() would add an empty row element for each blank row
        for cell in list(ws._cells.values()):
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.value = safe_cell(cell.value)
    return wb


# ---- long sheets: rows written as openpyxl writes them, without a cell object each ---------


@dataclass(frozen=True)
class _SheetRows:
    """Rows kept beside a worksheet (``append_rows``) and written below its own cells."""

    first_row: int
    rows: list[tuple]
    #: Per row, per column: the cell's style (a StyleArray) or None (no style).
    styles: list[tuple]
    width: int


#: The attribute of an openpyxl worksheet holding the rows ``append_rows`` kept for it.
_KEPT = "_misper_kept_rows"


def _fast_value(value: Any) -> bool:
    """Whether a value is one the row writer writes as openpyxl would (else openpyxl writes it)."""
    kind = type(value)
    if value is None or kind is bool or kind is int:
        return True
    if kind is float:
        return not (np.isnan(value) or np.isinf(value))
    if kind is str:
        # openpyxl's own rules for text: errors, illegal characters and overlong text go to openpyxl
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

        return len(value) <= 32767 and value not in ERROR_CODES and ILLEGAL_CHARACTERS_RE.search(value) is None
    return kind is datetime and value.tzinfo is None


def append_rows(ws: Any, rows: Iterable[Iterable[Any]], column_formats: dict[int, str] | None = None) -> None:
    """Append ``rows`` to the openpyxl worksheet ``ws``, then give every cell of each column
    ``j`` in ``column_formats`` (0-based) that number format: the same as ``ws.append`` of
    each row followed by setting ``number_format`` on each of those cells, and ``write_xlsx``
    writes the same bytes. Values are what openpyxl takes (text made safe here, as
    ``safe_workbook`` does). A sheet of plain values (text, numbers, booleans, naive
    datetimes, None) is kept as rows and written straight to the sheet's XML, without an
    openpyxl cell object per value (a police annex has a million cells at force scale);
    any other value sends the whole sheet through openpyxl."""
    from openpyxl.cell.cell import Cell, TIME_FORMATS

    formats = dict(column_formats or {})
    values = [tuple(safe_cell(v) for v in row) for row in rows]
    first_row = ws._current_row + 1
    if hasattr(ws, _KEPT):
        raise ValueError(f"append_rows: rows were already given for sheet {ws.title}")
    if not all(_fast_value(v) for row in values for v in row):
        for row in values:
            ws.append(row)
        for j, fmt in formats.items():
            for (cell,) in ws.iter_rows(min_row=first_row, min_col=j + 1, max_col=j + 1):
                cell.number_format = fmt
        return
    # the number formats registered in the order openpyxl registers them: a datetime's own
    # format when the first one is appended, then each column's format as it is set
    scratch = Cell(ws)
    plain_datetime = None
    if any(type(v) is datetime for row in values for v in row):
        scratch.number_format = TIME_FORMATS[datetime]
        plain_datetime = scratch._style
    column_style = {}
    if values:
        for j, fmt in formats.items():
            scratch = Cell(ws)
            scratch.number_format = fmt
            column_style[j] = scratch._style
    styles = [
        tuple(column_style[j] if j in column_style else (plain_datetime if type(v) is datetime else None)
              for j, v in enumerate(row))
        for row in values
    ]
    width = max((len(row) for row in values), default=0)
    setattr(ws, _KEPT, _SheetRows(first_row=first_row, rows=values, styles=styles, width=width))
    ws._current_row = first_row + len(values) - 1


def _row_writer_class():
    """openpyxl's worksheet writer, writing the rows ``append_rows`` kept after the sheet's cells."""
    from xml.etree.ElementTree import _escape_cdata

    from openpyxl.compat import safe_string
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.worksheet.dimensions import SheetDimension

    class RowsWorksheetWriter(WorksheetWriter):
        def __init__(self, ws, kept: _SheetRows, out=None):
            self.kept = kept
            super().__init__(ws, out)

        def write_dimensions(self):
            cells = list(self.ws._cells)
            kept = self.kept
            rows = [r for r, _ in cells] + ([kept.first_row, kept.first_row + len(kept.rows) - 1] if kept.rows else [])
            cols = [c for _, c in cells] + ([1, kept.width] if kept.width else [])
            if not rows or not cols:
                ref = "A1:A1"
            else:
                ref = f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}"
            self.xf.send(SheetDimension(ref).to_tree())

        def write_rows(self):
            if any(r >= self.kept.first_row for r, _ in self.ws._cells):
                raise ValueError(f"sheet {self.ws.title}: cells were added below the rows given to append_rows")
            xf = self.xf.send(True)
            with xf.element("sheetData"):
                for row_idx, row in self.rows():
                    self.write_row(xf, row, row_idx)
                self._write_kept(xf._file)
            self.xf.send(None)

        def _write_kept(self, write):
            kept, wb = self.kept, self.ws.parent
            # style ids as openpyxl gives them: in the order the styled cells are written
            ids = {}
            for row in kept.styles:
                for style in row:
                    if style is not None and id(style) not in ids:
                        ids[id(style)] = f' s="{wb._cell_styles.add(style)}"'
            letters = [get_column_letter(j + 1) for j in range(kept.width)]
            epoch = wb.epoch
            for i, (row, styles) in enumerate(zip(kept.rows, kept.styles), start=kept.first_row):
                parts = [f'<row r="{i}">']
                for letter, value, style in zip(letters, row, styles):
                    s = "" if style is None else ids[id(style)]
                    if value is None:
                        if s:
                            parts.append(f'<c r="{letter}{i}"{s} t="n" />')
                        continue
                    kind = type(value)
                    if kind is str:
                        if value == "":
                            parts.append(f'<c r="{letter}{i}"{s} t="inlineStr" />')
                            continue
                        stripped = value.strip()
                        space = ' xml:space="preserve"' if stripped and stripped != value else ""
                        parts.append(f'<c r="{letter}{i}"{s} t="inlineStr"><is><t{space}>'
                                     f'{_escape_cdata(value)}</t></is></c>')
                    elif kind is bool:
                        parts.append(f'<c r="{letter}{i}"{s} t="b"><v>{safe_string(value)}</v></c>')
                    elif kind is datetime:
                        parts.append(f'<c r="{letter}{i}"{s} t="n"><v>{safe_string(to_excel(value, epoch))}</v></c>')
                    else:
                        parts.append(f'<c r="{letter}{i}"{s} t="n"><v>{safe_string(value)}</v></c>')
                parts.append("</row>")
                write("".join(parts))

    return RowsWorksheetWriter


def _save_workbook(wb: Any, buffer: io.BytesIO) -> None:
    """``wb.save(buffer)``, with the rows ``append_rows`` kept written by ``_row_writer_class``
    (uncompressed: ``write_xlsx`` compresses each part once, when it writes the file)."""
    from openpyxl.writer.excel import ExcelWriter

    kept = {id(ws): getattr(ws, _KEPT) for ws in wb.worksheets if hasattr(ws, _KEPT)}
    if not kept:
        wb.save(buffer)
        return
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

    writer_class = _row_writer_class()

    class RowsExcelWriter(ExcelWriter):
        def write_worksheet(self, ws):
            if id(ws) not in kept:
                return super().write_worksheet(ws)
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = writer_class(ws, kept[id(ws)])
            writer.write()
            ws._rels = writer._rels
            self._archive.write(writer.out, ws.path[1:])
            self.manifest.append(ws)
            writer.cleanup()

    if wb.read_only or wb.write_only:
        raise TypeError("write_xlsx: a read-only or write-only workbook cannot be written")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        RowsExcelWriter(wb, archive).save()


def write_xlsx(wb: Any, path: str | Path, stamp: datetime) -> Path:
    """The one XLSX writer: cells made safe, and the same workbook gives the same bytes.

    openpyxl stamps the save time into docProps/core.xml and every zip entry; both become
    ``stamp`` (the run date). Rows given with ``append_rows`` are written with the rest."""
    buffer = io.BytesIO()
    _save_workbook(safe_workbook(wb), buffer)
    modified = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + modified + rb"\g<2>", data
                )
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)
    return write_bytes(path, out.getvalue())


# ---- a folder published whole -------------------------------------------------------------


@contextmanager
def publishing(folder: str | Path, *, replace: Iterable[str] = (), last: str = "manifest.json") -> Iterator[Path]:
    """Write a folder's files into a hidden staging folder beside it, then move them in.

    Yields the staging folder: write every file of ``folder`` there (same relative paths).
    When the block ends without an error, files of ``folder`` matching the ``replace``
    patterns (e.g. ``tables/*.csv``, so a re-run never mixes two runs) are removed and
    the staged files are renamed into ``folder``, ``last`` (the manifest that delivery
    reads) after all the others: a reader never sees the folder's new manifest before all
    its files are complete. Other files already in ``folder`` are left alone. On an error
    the staging folder is removed, so nothing partial is left, and an ``OutputError``
    names the file in ``folder`` (not its staging name).
    """
    folder = Path(folder)
    stage = folder.parent / f".{folder.name}.{os.getpid()}.staging"
    try:
        if stage.exists():
            shutil.rmtree(stage)
        stage.mkdir(parents=True)
    except OSError as exc:
        raise write_failure(folder, exc, None) from None
    try:
        yield stage
        staged = sorted(p for p in stage.rglob("*") if p.is_file())
        staged.sort(key=lambda p: p.relative_to(stage).as_posix() == last)
        for pattern in replace:
            for old in folder.glob(pattern):
                if old.is_file():
                    old.unlink()
        for path in staged:
            target = folder / path.relative_to(stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    except MisperError as exc:  # name the file where the reader will look for it
        raise type(exc)(str(exc).replace(str(stage), str(folder))) from None
    except OSError as exc:
        raise write_failure(folder, exc, None) from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def published(paths: Iterable[Path], stage: Path, folder: Path) -> list[Path]:
    """``paths`` written under ``stage`` as they are once ``publishing`` has moved them to ``folder``."""
    return [folder / Path(p).relative_to(stage) if Path(p).is_relative_to(stage) else Path(p) for p in paths]


def write_folder(folder: str | Path, write: Callable[[Path], Iterable[Path]], *,
                 replace: Iterable[str] = ()) -> list[Path]:
    """Publish ``folder`` whole (``publishing``): ``write(stage)`` writes its files in the staging
    folder; the paths it returns, as they are in ``folder`` once moved in."""
    folder = Path(folder)
    with publishing(folder, replace=replace) as stage:
        paths = write(stage)
    return published(paths, stage, folder)
