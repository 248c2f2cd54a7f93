"""Every output is written whole or not at all, and no cell can run as a formula (issue 14, points 2 and 7)."""

from __future__ import annotations

import csv
import errno
import io
import os
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from profiles import files
from profiles.config import Settings
from profiles.files import OutputError, publishing, safe_cell, write_csv, write_xlsx
from profiles.periods import Month
from tests.factories import add_episodes

DANGEROUS = ["=1+1", "+44 161", "-2+3", "@SUM(A1)", "\tx", '=HYPERLINK("http://x","la")']


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


# ---- 14.2 formula injection ---------------------------------------------------------------


def test_a_text_cell_that_would_start_a_formula_gets_an_apostrophe_and_numbers_stay_numbers(tmp_path):
    frame = pd.DataFrame({"text": DANGEROUS, "n": [-3, 0, 5, -1, 2, 3], "x": [-1.5] * 6})
    rows = _rows(write_csv(frame, tmp_path / "t.csv"))
    assert [r[0] for r in rows[1:]] == ["'" + v for v in DANGEROUS]
    assert [r[1] for r in rows[1:]] == ["-3", "0", "5", "-1", "2", "3"]  # numbers, not text
    assert {r[2] for r in rows[1:]} == {"-1.5"}
    carriage = write_csv(pd.DataFrame({"text": ["\rx"]}), tmp_path / "cr.csv").read_bytes()
    assert carriage == b"text\n\"'\rx\"\n"  # quoted: the carriage return stays in its cell
    assert safe_cell("Bolton") == "Bolton" and safe_cell("it's -1") == "it's -1" and safe_cell(-3) == -3


def test_a_workbook_cell_that_would_start_a_formula_is_stored_as_text(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["=1+1", "@x", -3, "fine"])
    path = write_xlsx(wb, tmp_path / "w.xlsx", datetime(2024, 6, 3))
    with zipfile.ZipFile(path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula element at all
    from openpyxl import load_workbook

    cells = [c.value for c in next(load_workbook(path).active.iter_rows())]
    assert cells == ["'=1+1", "'@x", -3, "fine"]


def test_misper_repeats_neutralises_a_person_reference_that_is_a_formula(tmp_path):
    from profiles.analysis.people_export import export_repeats
    from profiles.db import connect

    db_path = tmp_path / "m.duckdb"
    con = connect(db_path)
    add_episodes(con, [dict(incident_id=f"I{i}", person="=cmd|'/c calc'!A0", age=15,
                            reported_at=f"2024-05-0{i + 1} 10:00") for i in range(4)])
    con.execute("update person_identity set person_id = '=cmd|''/c calc''!A0'")
    con.close()
    path, n = export_repeats(db_path, Settings(), date(2024, 5, 31), tmp_path / "repeats.csv")
    assert n == 1
    assert _rows(path)[1][0] == "'=cmd|'/c calc'!A0"


def test_a_share_carries_an_input_value_that_is_a_formula_only_as_text(con, tmp_path):
    from profiles.reports.shares import write_shares

    add_episodes(con, [dict(incident_id="I1", person="C1", age=15, reported_at="2024-05-03 21:15",
                            responsible_la="@SUM(1+1)*cmd", placing_authority="E08000001")])
    con.execute("insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values "
                "('lad', 'E08000001', 'Bolton', 'test', 1, ''::blob)")
    write_shares(con, Month.of(2024, 5), tmp_path, Settings(), date(2024, 6, 3), care_homes=False)
    share = _rows(tmp_path / "bolton.csv")
    column = share[0].index("responsible_la")
    assert share[1][column] == "'@SUM(1+1)*cmd"
    assert _rows(tmp_path / "unknown_authorities.csv")[1][0] == "'@SUM(1+1)*cmd"


# ---- 14.7 nothing half-written --------------------------------------------------------------


class _FullDisk(io.BytesIO):
    """A file that takes 100 bytes and then reports a full disk."""

    def __init__(self, path: str, *args, **kwargs) -> None:
        super().__init__()
        self._real = open(path, "wb")  # noqa: SIM115 - closed in close()

    def write(self, data: bytes) -> int:
        self._real.write(bytes(data)[:100])
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self) -> None:
        self._real.close()
        super().close()

    def __exit__(self, *exc) -> None:
        self.close()


def test_a_full_disk_leaves_no_partial_file_and_the_error_names_the_file_and_the_space(tmp_path, monkeypatch):
    target = tmp_path / "out" / "problem_profile.html"
    target.parent.mkdir()
    target.write_text("the previous run's report", encoding="utf-8")
    monkeypatch.setattr(files, "open", _FullDisk, raising=False)
    with pytest.raises(OutputError) as caught:
        files.write_text(target, "x" * 5000)
    message = str(caught.value)
    assert str(target) in message and "disk is full" in message and "5,000 bytes" in message
    assert "\n" not in message
    assert target.read_text(encoding="utf-8") == "the previous run's report"  # the old file is intact
    assert sorted(p.name for p in target.parent.iterdir()) == ["problem_profile.html"]  # no .part left


def test_a_folder_is_published_only_when_every_file_is_complete(tmp_path, monkeypatch):
    folder = tmp_path / "partner"
    folder.mkdir()
    (folder / "manifest.json").write_text("old manifest", encoding="utf-8")
    real_open = open
    calls = {"n": 0}

    def second_write_fails(path, *args, **kwargs):
        calls["n"] += 1
        return _FullDisk(path) if calls["n"] == 2 else real_open(path, *args, **kwargs)

    monkeypatch.setattr(files, "open", second_write_fails, raising=False)
    with pytest.raises(OutputError) as caught:
        with publishing(folder) as stage:
            files.write_text(stage / "problem_profile.html", "<html>complete</html>")
            files.write_text(stage / "tables" / "a.csv", "a\n1\n")
            files.write_text(stage / "manifest.json", "new manifest")
    assert str(folder / "tables" / "a.csv") in str(caught.value)  # the file's real name, not the staging one
    assert sorted(p.name for p in tmp_path.iterdir()) == ["partner"]  # the staging folder is gone
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json"]
    assert (folder / "manifest.json").read_text(encoding="utf-8") == "old manifest"


def test_a_published_folder_replaces_its_tables_and_keeps_other_files(tmp_path):
    folder = tmp_path / "police"
    (folder / "tables").mkdir(parents=True)
    (folder / "tables" / "gone.csv").write_text("old\n", encoding="utf-8")
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    with publishing(folder, replace=["tables/*.csv"]) as stage:
        files.write_text(stage / "tables" / "new.csv", "n\n1\n")
        files.write_text(stage / "manifest.json", "{}\n")
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "manifest.json", "notes.txt", "tables/new.csv"]


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/bin/mount").exists(), reason="needs root to mount a tmpfs")
def test_shares_on_a_really_full_disk_leave_nothing_behind(con, tmp_path):
    from profiles.reports.shares import write_shares

    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(disk)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        (disk / "filler").write_bytes(b"x" * (300 * 1024 - 24 * 1024))  # leave about 24 KB
        add_episodes(con, [dict(incident_id=f"I{i}", person=f"C{i}", age=15, reported_at="2024-05-03 21:15",
                                responsible_la="E08000001") for i in range(40)])
        con.execute("insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values "
                    "('lad', 'E08000001', 'Bolton', 'test', 1, ''::blob)")
        with pytest.raises(OutputError) as caught:
            write_shares(con, Month.of(2024, 5), disk / "share", Settings(), date(2024, 6, 3))
        message = str(caught.value)
        assert "disk is full" in message and str(disk / "share") in message and "bytes free" in message
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no folder, no staging, no part file
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_carriage_return_inside_a_cell_is_quoted_so_it_never_starts_a_row(tmp_path):
    frame = pd.DataFrame({"note": ["one\rtwo", "plain", 'say "hi"\r', None], "n": [1, 2, 3, 4]})
    path = write_csv(frame, tmp_path / "cr.csv")
    raw = path.read_bytes()
    assert b'"one\rtwo"' in raw and b'"say ""hi""\r"' in raw
    assert _rows(path) == [["note", "n"], ["one\rtwo", "1"], ["plain", "2"], ['say "hi"\r', "3"], ["", "4"]]
    # without a carriage return the bytes are the ordinary minimal quoting
    clean = frame.assign(note=frame["note"].str.replace("\r", "", regex=False))
    assert write_csv(clean, tmp_path / "clean.csv").read_text(encoding="utf-8") == \
        clean.to_csv(index=False, lineterminator="\n")


def _two_ways(tmp_path, sheets):
    """The same sheets written cell by cell (ws.append, then number formats) and with
    files.append_rows: the two files' bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    out = []
    for kept in (False, True):
        wb = Workbook()
        wb.properties.created = datetime(2024, 6, 1)  # openpyxl stamps the clock: a second may tick between the two
        wb.active.append(["definitions"])
        wb.active["A1"].font = Font(bold=True)
        for title, rows, formats in sheets:
            ws = wb.create_sheet(title)
            ws.append(["banner"])
            ws.append([f"c{j}" for j in range(len(rows[0]) if rows else 2)])
            if kept:
                files.append_rows(ws, rows, formats)
            else:
                for row in rows:
                    ws.append([safe_cell(v) for v in row])
                for j, fmt in formats.items():
                    for (cell,) in ws.iter_rows(min_row=3, min_col=j + 1, max_col=j + 1):
                        cell.number_format = fmt
            ws.freeze_panes = "A3"
        out.append(write_xlsx(wb, tmp_path / f"w{int(kept)}.xlsx", datetime(2024, 6, 3)).read_bytes())
    return out


def test_rows_kept_for_a_long_sheet_give_the_bytes_openpyxl_gives(tmp_path):
    stamp = datetime(2024, 3, 31, 1, 30, 15, 250000)
    rows = [
        ("text", " lead", "trail ", "  ", "", None, "a&b<c>", "=1+1", "-3", "line\nbreak"),
        (1, -3, 2.5, 1e20, -0.0, 12345678901234567890, True, False, None, stamp),
        (None, None, None, None, None, None, None, None, None, None),
        (stamp, "x", 0, None, True, 3.25, "\tx", "@y", "Bolton", None),
    ]
    sheets = [("first", rows, {9: "yyyy-mm-dd hh:mm"}), ("empty", [], {0: "yyyy-mm-dd hh:mm"}),
              ("plain", [(stamp, 1), (None, 2)], {})]
    plain, kept = _two_ways(tmp_path, sheets)
    assert kept == plain
    # a value the row writer leaves to openpyxl (a date, an error code) sends its sheet through openpyxl
    odd = [("odd", [(date(2024, 1, 2), "#N/A", float("inf")), (None, "x", 1)], {0: "yyyy-mm-dd"})]
    plain, kept = _two_ways(tmp_path, odd)
    assert kept == plain


def test_cells_added_below_kept_rows_are_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    files.append_rows(wb.active, [("a", 1)])
    with pytest.raises(ValueError):
        files.append_rows(wb.active, [("b", 2)])
    wb.active.cell(row=5, column=1, value="late")
    with pytest.raises(ValueError, match="below the rows"):
        write_xlsx(wb, tmp_path / "x.xlsx", datetime(2024, 6, 3))
