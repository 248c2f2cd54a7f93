"""The police annex on the bundled sample: every person list in full in annex.xlsx (one sheet
per list, a definitions sheet, no formula), the first rows of each in annex.pdf with
OFFICIAL-SENSITIVE and SYNTHETIC on every page, only in the police folder, and attached only
to the emails of police lists."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import zipfile
from datetime import date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from profiles.analysis import people_export
from profiles.config import DEFAULT_CONFIG_PATH, PROJECT_ROOT, load_settings
from profiles.db import connect
from profiles.delivery import BundleError, build_message, plan_period
from profiles.files import FORMULA_START, sha256_of
from profiles.geo.episodes import geocode_episodes
from profiles.geo.reference import import_reference
from profiles.ingest.load import ingest_files
from profiles.periods import LONDON, Month
from profiles.reports.output import ANNEX_FILES
from profiles.reports.profile.annex import (
    DEFINITIONS_SHEET,
    AnnexList,
    ListSpec,
    PoliceAnnex,
    police_annex,
    write_annex_xlsx,
)
from profiles.reports.profile import build_profile, write_profile_files
from profiles.reports.profile_data import gather
from tests.test_delivery_fixtures import PARTNER_LIST, POLICE_LIST, make_bundle, make_settings

SAMPLE = PROJECT_ROOT / "data" / "sample"
OCTOBER = Month.of(2026, 10)
RUN = date(2026, 11, 2)
#: Rows of each list in the test's annex PDF: small, so that long lists are cut and the PDF is quick.
PDF_ROWS = 25
PUBLIC_LIST = {"name": "Community safety partnership", "audience": "public", "lawful_basis": "Aggregates only",
               "recipients": [{"name": "Lead", "email": "csp@council.example"}]}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The bundled sample ingested and geocoded as the demo does, then the profile for October
    2026 written for every audience (PDFs for police, where the annex is)."""
    folder = tmp_path_factory.mktemp("annex")
    settings = load_settings(DEFAULT_CONFIG_PATH)
    settings.paths.db = folder / "misper.duckdb"
    settings.paths.output_dir = folder / "out"
    settings.reports.annex_pdf_rows = PDF_ROWS
    settings.delivery.lists = []
    with connect(settings.db_path) as con:
        import_reference(con, SAMPLE / "reference", settings=settings)
        ingest_files([SAMPLE / "synthetic_missing_persons_rms.csv"], mapping="rms", settings=settings, con=con)
        ingest_files([SAMPLE / "synthetic_care_absences.csv"], mapping="absences", settings=settings, con=con)
        geocode_episodes(con, settings)
    with connect(settings.db_path, read_only=True) as con:
        data = gather(con, settings, OCTOBER)
        annex = police_annex(con, settings, data.people)
        folders = {}
        for audience in ("police", "partner", "public"):
            out = settings.output_dir / "profile" / OCTOBER.label / audience
            write_profile_files(build_profile(data, audience, RUN), data, out, settings, con, pdf=audience == "police")
            folders[audience] = out
    return settings, annex, folders


def sheet_frame(ws) -> pd.DataFrame:
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def pdf_pages(path: Path) -> list[str]:
    """The text of each page (pdftotext, one page at a time)."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, pages + 1)]


# ---- the lists -------------------------------------------------------------------------------


def test_the_workbook_has_a_definitions_sheet_then_one_sheet_per_list(sample):
    _, annex, folders = sample
    wb = load_workbook(folders["police"] / "annex.xlsx")
    ids = [a.spec.id for a in annex.lists]
    assert wb.sheetnames == [DEFINITIONS_SHEET, *ids]
    assert set(ids) >= {"repeat_people", "referrals", "trigger_plans", "intelligence_due", "open_episodes",
                        "cross_border", "out_of_area", "absences_by_person"}
    defs = list(wb[DEFINITIONS_SHEET].iter_rows(values_only=True))
    listed = {r[0]: r[2] for r in defs if r and r[0] in ids}
    assert listed == {a.spec.id: len(a.frame) for a in annex.lists}
    for ws in wb.worksheets:  # the marking on each sheet, in its first row and its print header
        assert ws["A1"].value == "OFFICIAL-SENSITIVE · SYNTHETIC DATA – NOT REAL PEOPLE"
        assert ws.oddHeader.center.text == "OFFICIAL-SENSITIVE"


def test_each_sheet_holds_every_row_of_the_csv_the_analyst_command_writes(sample, tmp_path):
    settings, _, folders = sample
    wb = load_workbook(folders["police"] / "annex.xlsx")
    db = settings.db_path
    csvs = {
        "repeat_people": people_export.export_repeats(db, settings, OCTOBER.last_day, tmp_path / "repeats.csv")[0],
        "referrals": people_export.export_referrals(db, settings, OCTOBER, tmp_path / "referrals.csv")[0],
    }
    plans = people_export.export_trigger_plans(db, settings, OCTOBER, tmp_path / "plans")
    csvs["trigger_plans"], csvs["where_to_look_first"] = plans[0], plans[1]
    oversight, _ = people_export.export_oversight(db, settings, OCTOBER, None, tmp_path / "oversight")
    csvs.update(zip(("open_episodes", "ukmpu_notifications", "intelligence_due"), oversight))
    csvs.update(zip(("cross_border", "out_of_area"),
                    people_export.export_cross_border(db, settings, OCTOBER, tmp_path / "cross")))
    csvs.update(zip(("absences_by_person", "absences_by_home"),
                    people_export.export_absences(db, settings, OCTOBER, tmp_path / "absences")))
    assert set(csvs) == set(wb.sheetnames) - {DEFINITIONS_SHEET}
    for sheet, path in csvs.items():
        rows, frame = csv_rows(path), sheet_frame(wb[sheet])
        assert len(frame) == len(rows), sheet
        key = "person_id" if "person_id" in frame.columns else "site_ref"
        assert list(frame[key].fillna("")) == [r[key] for r in rows], sheet
        assert set(dict(rows[0]).keys()) <= set(frame.columns) if rows else True, sheet
    assert all(len(sheet_frame(wb[s])) for s in ("repeat_people", "referrals", "open_episodes", "cross_border"))


def test_two_lists_agree_with_counts_made_from_the_episodes_directly(sample):
    settings, _, folders = sample
    wb = load_workbook(folders["police"] / "annex.xlsx")
    window_start = datetime(2026, 8, 3, tzinfo=LONDON)  # the 90 days to 31 October, both included
    period_end = datetime(2026, 11, 1, tzinfo=LONDON)
    with connect(settings.db_path, read_only=True) as con:
        repeat = con.execute("""
            select count(*) from (select person_key from episodes where reported_at >= ? and reported_at < ?
                                  group by person_key having count(*) >= ?)""",
                             [window_start, period_end, settings.repeat.threshold]).fetchone()[0]
        still_open = con.execute("""
            select count(*) from episodes where reported_at < ? and (found_at is null or found_at >= ?)""",
                                 [period_end, period_end]).fetchone()[0]
    assert len(sheet_frame(wb["repeat_people"])) == repeat > 0
    assert len(sheet_frame(wb["open_episodes"])) == still_open > 0


def test_no_cell_is_a_formula_and_text_that_looks_like_one_is_kept_as_text(sample, tmp_path):
    settings, annex, folders = sample
    spec = annex.lists[0].spec
    frame = pd.DataFrame({"person_id": ["=HYPERLINK(\"http://x\")", "+441234", "-3", "@SUM(A1)", "P4"],
                          "reports_in_window": [3, 4, -3, 5, 6]})
    annex = PoliceAnnex(month=OCTOBER, lists=(AnnexList(spec=ListSpec(spec.id, "Probe", "Probe list", spec.source,
                                                                      ("person_id",)), frame=frame),))
    path = write_annex_xlsx(annex, settings, "OFFICIAL-SENSITIVE", RUN, tmp_path / "probe.xlsx")
    probe = sheet_frame(load_workbook(path)[spec.id])
    assert list(probe["person_id"]) == ["'=HYPERLINK(\"http://x\")", "'+441234", "'-3", "'@SUM(A1)", "P4"]
    assert list(probe["reports_in_window"]) == [3, 4, -3, 5, 6]  # numbers stay numbers
    for book in (path, folders["police"] / "annex.xlsx"):
        with zipfile.ZipFile(book) as z:
            sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in s or "<f " in s for s in sheets)
        for ws in load_workbook(book).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f"
                    assert not (isinstance(cell.value, str) and cell.value.startswith(FORMULA_START))


def test_the_workbook_is_byte_identical_when_written_again(sample, tmp_path):
    settings, annex, folders = sample
    again = write_annex_xlsx(annex, settings, "OFFICIAL-SENSITIVE", RUN, tmp_path / "annex.xlsx")
    assert again.read_bytes() == (folders["police"] / "annex.xlsx").read_bytes()


# ---- the PDF --------------------------------------------------------------------------------


def test_every_page_of_the_pdf_carries_the_marking_and_says_synthetic(sample):
    _, _, folders = sample
    pages = pdf_pages(folders["police"] / "annex.pdf")
    assert len(pages) > len(ANNEX_FILES)
    for number, text in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in text, f"page {number}"
        assert "SYNTHETIC DATA" in text, f"page {number}"


def test_the_pdf_shows_the_first_rows_of_a_long_list_and_points_to_its_sheet(sample):
    _, annex, folders = sample
    text = " ".join(" ".join(pdf_pages(folders["police"] / "annex.pdf")).split())
    long_lists = [a for a in annex.lists if len(a.frame) > PDF_ROWS]
    assert long_lists, "the sample has lists longer than the PDF shows"
    for a in long_lists:
        assert (f"The first {PDF_ROWS} of {len(a.frame):,} rows: and {len(a.frame) - PDF_ROWS:,} more in "
                f"annex.xlsx sheet {a.spec.id}.") in text
    first, second = annex.lists[:2]  # the repeat list's own pages: its first rows, in order, and no others
    section = text[text.index(f"{first.spec.title}: {len(first.frame):,}"):text.index(f"{second.spec.title}: ")]
    listed = re.findall(r"\bSYN-P\d+\b", section)
    assert listed == list(first.frame["person_id"].head(PDF_ROWS))


# ---- the folders and the emails -----------------------------------------------------------------


def test_only_the_police_folder_holds_the_annex_and_its_manifest_vouches_for_it(sample):
    _, _, folders = sample
    police = json.loads((folders["police"] / "manifest.json").read_text())
    listed = {f["path"] for f in police["files"]}
    assert set(ANNEX_FILES) <= listed
    for audience in ("partner", "public"):
        folder = folders[audience]
        names = {p.name for p in folder.rglob("*")}
        manifest = json.loads((folder / "manifest.json").read_text())
        assert not names & set(ANNEX_FILES), audience
        assert not any("annex" in f["path"] for f in manifest["files"]), audience


def test_the_main_documents_name_no_person_the_annex_names(sample):
    _, annex, folders = sample
    people = set(annex.lists[0].frame["person_id"]) | set(annex.lists[1].frame["person_id"])
    annex_text = (folders["police"] / "annex.xlsx").read_bytes()
    assert annex_text  # the annex has them ...
    for audience in ("partner", "public"):  # ... the partner and public main documents never do
        html = (folders[audience] / "problem_profile.html").read_text(encoding="utf-8")
        assert not [p for p in people if re.search(rf"\b{re.escape(p)}\b", html)], audience


def test_police_emails_attach_the_annex_and_partner_and_public_emails_never_do(sample, tmp_path):
    settings, _, folders = sample
    out = tmp_path / "out"
    for audience, folder in folders.items():  # the sample's folders, as written
        shutil.copytree(folder, out / "profile" / OCTOBER.label / audience)
    for audience in ("partner", "public"):  # the fixture made no PDF for these: one, vouched for
        folder = out / "profile" / OCTOBER.label / audience
        pdf = folder / "problem_profile.pdf"
        pdf.write_bytes(b"%PDF-1.7 " + audience.encode())
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["files"].append({"path": pdf.name, "sha256": sha256_of(pdf), "bytes": pdf.stat().st_size})
        (folder / "manifest.json").write_text(json.dumps(manifest))
    settings = make_settings(tmp_path, lists=[POLICE_LIST, PARTNER_LIST, PUBLIC_LIST])
    deliveries = {d.audience: d for d in plan_period(settings, OCTOBER.label)}
    assert [f.name for f in deliveries["police"].bundle.attachments] == list(ANNEX_FILES)
    for audience, delivery in deliveries.items():
        msg = build_message(delivery, sender="misper@force.example", force_name="Test", synthetic=True)
        parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
        attached = {p.get_filename(): p for p in parsed.iter_attachments()}
        if audience == "police":
            assert set(attached) == {"problem_profile.pdf", *ANNEX_FILES}
            assert attached["annex.pdf"].get_content_type() == "application/pdf"
            assert attached["annex.xlsx"].get_content_type() == (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            assert attached["annex.xlsx"].get_content() == (folders["police"] / "annex.xlsx").read_bytes()
            assert attached["annex.pdf"].get_content() == (folders["police"] / "annex.pdf").read_bytes()
            assert "Attached (police only): annex.xlsx (SHA-256 " in parsed.get_body(("plain",)).get_content()
        else:
            assert set(attached) == {"problem_profile.pdf"}, audience
            assert delivery.bundle.attachments == ()


def test_an_annex_in_a_partner_or_public_folder_stops_the_send(tmp_path):
    out = tmp_path / "out"
    make_bundle(out, "2024-03", "police")
    partner = make_bundle(out, "2024-03", "partner")
    shutil.copy(out / "profile" / "2024-03" / "police" / "annex.pdf", partner / "annex.pdf")
    settings = make_settings(tmp_path, lists=[POLICE_LIST, PARTNER_LIST])
    with pytest.raises(BundleError, match=r"annex.pdf: police-only file in the partner folder"):
        plan_period(settings, "2024-03")


def test_a_police_folder_without_its_annex_is_not_sent(tmp_path):
    out = tmp_path / "out"
    police = make_bundle(out, "2024-03", "police")
    (police / "annex.xlsx").unlink()
    with pytest.raises(BundleError, match=r"annex.xlsx: file not found"):
        plan_period(make_settings(tmp_path, lists=[POLICE_LIST]), "2024-03")
