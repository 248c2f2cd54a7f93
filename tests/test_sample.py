"""The SYNTHETIC sample generator: deterministic, both shapes carry the same data, says SYNTHETIC.

Samples are generated from the committed reference extract (data/sample/reference), so these
tests need nothing outside the repository. Realism (the national shapes) is checked in
tests/test_sample_shapes.py; the reference extract in tests/test_sample_reference.py.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from profiles.canonical import COLUMN_NAMES
from profiles.config import PROJECT_ROOT
from profiles.errors import InvalidValue
from profiles.sample import SampleOptions, write_sample
from profiles.sample.reference import ReferenceDataError
from profiles.sample.shapes import RMS_CODES, RMS_COLUMNS

REFERENCE = PROJECT_ROOT / "data" / "sample" / "reference"
END = date(2026, 10, 31)


def make(tmp_path: Path, name: str = "s.csv", **kw) -> tuple[Path, object]:
    options = SampleOptions(**{"incidents": 3000, "seed": 7, "end": END, **kw})
    out = tmp_path / name
    return out, write_sample(options, out, reference_dir=REFERENCE)


def read(path: Path, shape: str = "canonical") -> list[dict[str, str]]:
    encoding, delimiter = ("utf-8", ",") if shape == "canonical" else ("cp1252", ";")
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


# ---- determinism ---------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_bytes_and_another_seed_does_not(tmp_path):
    a, _ = make(tmp_path, "a.csv", shape="rms")
    b, _ = make(tmp_path, "b.csv", shape="rms")
    c, _ = make(tmp_path, "c.csv", shape="rms", seed=8)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_it_writes_exactly_the_incidents_asked_for_plus_the_defect_rows(tmp_path):
    out, result = make(tmp_path, incidents=2500, defect_rate=0.01)
    rows = read(out)
    assert len(rows) == result.rows == 2500 + result.defects.extra_rows
    assert len({r["incident_id"] for r in rows}) == 2500
    assert result.defects.extra_rows > 0


def test_without_defects_every_row_is_clean_and_unique(tmp_path):
    out, result = make(tmp_path, incidents=2000, defect_rate=0.0)
    rows = read(out)
    assert len(rows) == 2000 and sum(result.defects.counts.values()) == 0
    assert all(r["gender"] in ("male", "female", "other", "unknown") for r in rows)
    assert all(r["person_id"].startswith("SYN-P") for r in rows)


# ---- the canonical shape ---------------------------------------------------------------------

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
RMS_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")


def test_canonical_shape_is_exactly_the_canonical_columns_in_utf8_with_iso_local_times(tmp_path):
    out, _ = make(tmp_path, defect_rate=0.0)
    raw = out.read_bytes()
    raw.decode("utf-8")  # UTF-8 throughout
    assert not raw.startswith(b"\xef\xbb\xbf")
    header = raw.split(b"\n", 1)[0].decode()
    assert header.split(",") == list(COLUMN_NAMES)
    rows = read(out)
    for col in ("reported_at", "last_seen_at", "found_at", "return_interview_offered_at", "return_interview_done_at"):
        values = [r[col] for r in rows if r[col]]
        assert values and all(ISO.match(v) for v in values), col
    assert {r["risk"] for r in rows} <= {"high", "medium", "low", "no_apparent_risk", "absent"}
    assert {r["flag_cse"] for r in rows} <= {"Y", "N", ""}


def test_rms_shape_is_cp1252_semicolons_crlf_with_its_own_headers_codes_and_times(tmp_path):
    out, _ = make(tmp_path, shape="rms", defect_rate=0.0)
    raw = out.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")            # é and £ in cp1252 are not UTF-8
    text = raw.decode("cp1252")
    assert "é" in text and "£" in text
    assert text.split("\r\n", 1)[0].split(";") == [h for h, _ in RMS_COLUMNS]
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = read(out, "rms")
    assert {r["Sex"] for r in rows} <= set(RMS_CODES["gender"].values())
    assert {r["Initial Risk Grading"] for r in rows} <= set(RMS_CODES["risk"].values())
    assert {r["Traced By"] for r in rows} - {""} <= set(RMS_CODES["found_by"].values())
    assert all(RMS_TIME.match(r["Reported Date/Time"]) for r in rows)
    assert all(re.match(r"^\d{2}/\d{2}/\d{4}$", r["DOB"]) for r in rows if r["DOB"])
    assert {r["CSE Concern"] for r in rows} <= {"Yes", "No", ""}
    assert {r["Source System"] for r in rows} == {"SYNTHETIC"}


def test_both_shapes_hold_the_same_rows_in_the_same_order(tmp_path):
    c, _ = make(tmp_path, "c.csv", defect_rate=0.02)
    r, _ = make(tmp_path, "r.csv", shape="rms", defect_rate=0.02)
    canonical, rms = read(c), read(r, "rms")
    assert [x["incident_id"] for x in canonical] == [x["Occurrence Number"] for x in rms]
    header_for = {col: h for h, col in RMS_COLUMNS if col}
    for a, b in zip(canonical, rms):
        assert a["missing_from_address"] == b[header_for["missing_from_address"]]
        assert a["found_postcode"] == b[header_for["found_postcode"]]
        assert a["reason"] == b[header_for["reason"]]


# ---- says SYNTHETIC ---------------------------------------------------------------------------

def test_every_output_says_synthetic(tmp_path):
    out = tmp_path / "synthetic_extract.csv"
    result = write_sample(SampleOptions(incidents=2000, seed=3, end=END), out, reference_dir=REFERENCE,
                          absences=tmp_path / "synthetic_absences.csv",
                          interventions=tmp_path / "interventions.csv")
    rows = read(out)
    assert all(r["incident_id"].startswith("SYN-MP-") and r["person_id"].startswith("SYN-P") for r in rows
               if r["person_id"])
    assert all(r["reason"].startswith("SYNTHETIC") for r in rows if r["reason"])
    assert all(r["site_ref"].startswith("SYN-") for r in rows if r["site_ref"])
    absences = read(tmp_path / "synthetic_absences.csv")
    assert all(a["absence_id"].startswith("SYN-ABS-") and a["site_name"].startswith("Synthetic") for a in absences)
    interventions = read(tmp_path / "interventions.csv")
    assert all(i["description"].startswith("SYNTHETIC") for i in interventions)
    assert "SYNTHETIC" in result.summary_text()


def test_the_command_defaults_to_a_file_name_that_says_synthetic(tmp_path, monkeypatch):
    from pipelines.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MISPER_REFERENCE_DIR", str(REFERENCE))
    result = CliRunner().invoke(app, ["sample", "--incidents", "500", "--seed", "1", "--end", "2026-10-31"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "synthetic_missing_persons_canonical.csv").exists()
    assert "500 incidents" in result.output


# ---- times --------------------------------------------------------------------------------

def _clock_change_hours(years) -> set[tuple[date, int]]:
    out = set()
    for year in years:
        for month in (3, 10):
            day = max(d for d in range(25, 32) if date(year, month, d).weekday() == 6)
            out.add((date(year, month, day), 1))
    return out


def test_no_time_falls_in_an_hour_the_clocks_skip_or_repeat_and_the_window_is_kept(tmp_path):
    out, result = make(tmp_path, incidents=20000, defect_rate=0.0)
    rows = read(out)
    changes = _clock_change_hours(range(2022, 2028))
    reported = []
    for r in rows:
        for col in ("reported_at", "last_seen_at", "found_at", "return_interview_offered_at"):
            if r[col]:
                t = datetime.fromisoformat(r[col])
                assert (t.date(), t.hour) not in changes, (col, r[col])
        reported.append(datetime.fromisoformat(r["reported_at"]))
        if r["found_at"]:
            assert datetime.fromisoformat(r["found_at"]) >= reported[-1]
    assert min(reported).date() >= date(2023, 11, 1) and max(reported).date() <= END
    assert reported == sorted(reported)  # an extract in report order
    snapshot = datetime(2026, 11, 1, 6, 0)
    assert all(datetime.fromisoformat(r["found_at"]) <= snapshot for r in rows if r["found_at"])
    assert result.window.start == date(2023, 11, 1)


# ---- options and errors ---------------------------------------------------------------------

@pytest.mark.parametrize(
    "options, message",
    [
        (dict(incidents=0), "incidents: must be between 1 and"),
        (dict(years=0), "years: must be between 1 and 50"),
        (dict(shape="xlsx"), "shape: must be one of"),
        (dict(defect_rate=0.5), "defect_rate: must be between 0 and 0.2"),
    ],
)
def test_bad_options_are_refused_with_the_field_named(tmp_path, options, message):
    with pytest.raises(InvalidValue, match="^" + re.escape(message)):
        make(tmp_path, **options)


def test_the_command_words_a_bad_option_with_its_own_name(tmp_path):
    from pipelines.cli import app

    result = CliRunner().invoke(app, ["sample", "--defect-rate", "0.5", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert result.output.strip() == "error: --defect-rate: must be between 0 and 0.2 (got 0.5)"


def test_a_missing_or_empty_reference_folder_is_named_in_the_error(tmp_path):
    with pytest.raises(ReferenceDataError, match="not found"):
        write_sample(SampleOptions(incidents=10, end=END), tmp_path / "x.csv", reference_dir=tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReferenceDataError, match="Code-Point"):
        write_sample(SampleOptions(incidents=10, end=END), tmp_path / "x.csv", reference_dir=tmp_path / "empty")


def test_the_command_prints_a_one_line_error_and_no_traceback(tmp_path, monkeypatch):
    from pipelines.cli import app

    monkeypatch.setenv("MISPER_REFERENCE_DIR", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(app, ["sample", "--incidents", "10", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "Reference folder not found" in result.output and "Traceback" not in result.output


def test_the_default_window_ends_with_the_last_complete_month():
    window = SampleOptions(years=1).window()
    first_of_month = date.today().replace(day=1)
    assert window.end == first_of_month - timedelta(days=1)
    assert window.days in (365, 366)


# ---- the rms mapping ----------------------------------------------------------------------

def test_the_rms_mapping_names_every_rms_header_and_maps_every_rms_code_back():
    from profiles.ingest.mapping import load_mapping

    mapping = load_mapping("rms")
    assert mapping.encoding == "cp1252" and mapping.delimiter == ";"
    assert "%d/%m/%Y %H:%M" in mapping.datetime_formats and "%d/%m/%Y" in mapping.date_formats
    for header, column in RMS_COLUMNS:
        if column is not None:
            assert mapping.source_for(column) == header
    for column, table in RMS_CODES.items():
        for canonical_code, rms_code in table.items():
            expected = "no_apparent_risk" if canonical_code == "absent" else canonical_code
            assert mapping.codes[column][rms_code.lower()] == expected, (column, rms_code)


def test_a_site_without_coordinates_or_a_known_postcode_is_an_error_naming_file_row_and_field(tmp_path):
    import shutil

    folder = tmp_path / "reference"
    shutil.copytree(REFERENCE, folder)
    sites = folder / "sites" / "synthetic_sites.csv"
    lines = sites.read_text(encoding="utf-8").splitlines()
    lines.append("SYN-XX-001,Synthetic Nowhere House,childrens_home,1 Example Road,ZZ9 9ZZ,,,")
    sites.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=rf"synthetic_sites.csv: row {len(lines)}, field easting/northing"):
        write_sample(SampleOptions(incidents=100, end=END), tmp_path / "x.csv", reference_dir=folder)
