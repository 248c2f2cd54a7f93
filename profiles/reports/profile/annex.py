"""The police annex: every person list of the month, kept apart from the main documents.

No main document carries a person reference (issue 10), police included; the people
behind the police edition's figures are here instead, in the police folder only
(``out/profile/<period>/police/``):

- ``annex.xlsx``: a ``definitions`` sheet, then one sheet per list with every row;
- ``annex.pdf``: the same lists to read, each showing its first ``reports.annex_pdf_rows``
  rows and then "and N more in annex.xlsx sheet X", so the PDF stays readable whatever
  the size of the force.

The lists are the ones the people analysis computes once for the profile
(``profile_data.gather`` -> ``people_profile``), with the force's person reference put in
place of the pseudonym (``identify``, police only); each equals the CSV that the analyst
command writes (``misper repeats``, ``referrals``, ``trigger-plans``, ``oversight``,
``cross-border``, ``absences``). Every PDF page carries the police protective marking
(``force.protective_marking``, OFFICIAL-SENSITIVE) and, for the sample, SYNTHETIC; every
sheet carries them in its first row and in its print header. Files are written through
``profiles.files`` (atomic; no cell a spreadsheet would run as a formula).

Delivery attaches both files only to distribution lists of the police audience
(profiles/delivery/bundles.py).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from profiles.analysis.people_common import identify
from profiles.analysis.people_profile import PeopleProfile
from profiles.config import Settings
from profiles.files import append_rows, write_xlsx
from profiles.periods import LONDON, Month
from profiles.reports.objects import ColumnFormat, Report, Section, Table
from profiles.reports.output import ANNEX_FILES, ANNEX_PDF, ANNEX_XLSX
from profiles.reports.profile.words import words
from profiles.reports.render import Renderer, report_for

DEFINITIONS_SHEET = "definitions"
#: Columns of codes that the PDF shows in words (the workbook keeps the codes, as the CSVs do).
WORDED_COLUMNS = frozenset({"plan_status", "highest_risk", "risk", "missing_from_type", "place_kind", "site_type"})
#: How the PDF shows a column, in whichever list it stands (other counts and measures by their type).
COLUMN_FORMATS: dict[str, ColumnFormat] = {
    "reported_at": "datetime", "notify_due_at": "datetime", "last_absence_at": "datetime",
    "first_report_at": "date", "last_report_at": "date", "last_found_at": "date", "first_flagged_at": "date",
    "last_flagged_at": "date", "distance_m": "number", "hours_since_report": "number", "hours_missing": "number",
    "reported_share": "percent",
}


@dataclass(frozen=True)
class ListSpec:
    """One person list: its sheet, title and definition, where it comes from, what the PDF shows."""

    id: str  # the sheet name (at most 31 characters) and the PDF table id
    title: str
    definition: str
    source: Callable[[PeopleProfile], pd.DataFrame]
    #: Columns the PDF shows (the sheet has them all), formatted by COLUMN_FORMATS.
    pdf_columns: tuple[str, ...]
    #: The analyst command that writes the same list as CSV.
    command: str = ""


def _specs(settings: Settings) -> tuple[ListSpec, ...]:
    rule, safe = settings.repeat, settings.safeguarding
    return (
        ListSpec("repeat_people", "Repeat missing people",
                 f"People with {rule.threshold} or more reports in the {rule.window_days} days to the month's last "
                 "day; most reports first.",
                 attrgetter("repeats"),
                 ("person_id", "reports_in_window", "first_report_at", "last_report_at", "looked_after",
                  "highest_risk", "flags"), "misper repeats"),
        ListSpec("referrals", "Referrals to social care due",
                 "People whose report in the month crossed the repeat threshold, or whose first report was high "
                 "risk or flagged for exploitation; the earliest such report.",
                 attrgetter("referrals"),
                 ("person_id", "reasons", "incident_id", "reported_at", "highest_risk", "flags", "looked_after",
                  "responsible_la"), "misper referrals"),
        ListSpec("trigger_plans", "Trigger plans due or to review",
                 f"People reported in the month who are repeat missing or were reported in the "
                 f"{rule.trigger_plan_lookback_days} days before: new (a plan is due) or review.",
                 attrgetter("trigger_plans.persons"),
                 ("person_id", "plan_status", "reasons", "reports_in_period", "last_report_at", "highest_risk",
                  "usual_days", "usual_hours"), "misper trigger-plans"),
        ListSpec("where_to_look_first", "Where to look first (people with a trigger plan)",
                 "For each person of the trigger-plan list, the places they were found before, most often first, "
                 "with the median distance and direction from where they went missing.",
                 attrgetter("trigger_plans.pack.places"),
                 ("person_id", "rank", "place", "place_kind", "times_found", "last_found_at", "distance_m",
                  "direction"), "misper trigger-plans"),
        ListSpec("intelligence_due", "Intelligence reports due",
                 "People flagged in the month for " + ", ".join(safe.intelligence_flags)
                 + ": an intelligence report is due.",
                 attrgetter("oversight.intelligence_due"),
                 ("person_id", "flagged_episodes", "flags", "first_flagged_at", "last_flagged_at", "highest_risk",
                  "looked_after", "is_repeat"), "misper oversight"),
        ListSpec("open_episodes", "Still missing at the end of the month",
                 "Episodes open at the end of the month's last day, highest risk first, with the hours since the "
                 f"report (over {safe.ukmpu_notify_hours} hours: to notify the UK Missing Persons Unit).",
                 attrgetter("oversight.open_episodes"),
                 ("person_id", "incident_id", "reported_at", "hours_since_report", "highest_risk", "age_at_report",
                  "looked_after", "responsible_la"), "misper oversight"),
        ListSpec("ukmpu_notifications", "Notifications to the UK Missing Persons Unit due",
                 f"Episodes missing over {safe.ukmpu_notify_hours} hours whose notification fell due in the month.",
                 attrgetter("oversight.ukmpu_notifications"),
                 ("person_id", "incident_id", "reported_at", "notify_due_at", "still_missing", "hours_missing",
                  "risk", "age_at_report"), "misper oversight"),
        ListSpec("cross_border", "People crossing a boundary",
                 "People whose episodes in the month crossed a local authority or force boundary, or touched another "
                 "force's area (the forces to notify).",
                 attrgetter("cross_border.persons"),
                 ("person_id", "episodes", "episodes_crossing_la", "episodes_crossing_pfa", "other_forces",
                  "looked_after", "any_child", "last_report_at"), "misper cross-border"),
        ListSpec("out_of_area", "Looked-after children placed out of area and missing",
                 "Episodes in the month of looked-after children placed by another authority: the placing and the "
                 "host authority are both to be told.",
                 attrgetter("cross_border.out_of_area"),
                 ("person_id", "incident_id", "reported_at", "placing_authority", "host_authority",
                  "missing_from_type", "age_at_report", "is_repeat"), "misper cross-border"),
        ListSpec("absences_by_person", "Unauthorised absences from care, by person",
                 "Absences care providers shared for the month beside the police reports: absences reported to "
                 "police and not, per person.",
                 attrgetter("absences.by_person"),
                 ("person_id", "absences", "reported_to_police", "not_reported", "police_episodes",
                  "total_occasions", "homes", "last_absence_at"), "misper absences"),
        ListSpec("absences_by_home", "Unauthorised absences from care, by home",
                 "The same absences per home (homes named: police only).",
                 attrgetter("absences.by_home"),
                 ("site_ref", "site_name", "site_type", "absences", "individuals", "reported_to_police",
                  "not_reported", "reported_share"), "misper absences"),
    )


@dataclass(frozen=True)
class AnnexList:
    spec: ListSpec
    #: Every row, as the analyst command's CSV has them (``person_id`` first where a person).
    frame: pd.DataFrame


@dataclass(frozen=True)
class PoliceAnnex:
    month: Month
    lists: tuple[AnnexList, ...]


def police_annex(con: duckdb.DuckDBPyConnection, settings: Settings, people: PeopleProfile) -> PoliceAnnex:
    """POLICE AUDIENCE ONLY: every person list of ``people`` (measured once for the profile)
    with the force's reference in place of the pseudonym."""
    if people.trigger_plans.pack.places is None:  # measured without the annex (people_profile)
        raise ValueError("the police annex needs the people measured with police_annex=True")
    lists = []
    for spec in _specs(settings):
        frame = spec.source(people)
        if "person_key" in frame.columns:
            frame = identify(con, frame)
        lists.append(AnnexList(spec=spec, frame=frame.reset_index(drop=True)))
    return PoliceAnnex(month=people.month, lists=tuple(lists))


# ---- the PDF ------------------------------------------------------------------------------


def _labels(columns: list[str]) -> dict[str, str]:
    return {"person_id": "Person", "incident_id": "Incident", "responsible_la": "Responsible LA"} | {
        c: c.replace("_", " ").capitalize() for c in columns if c not in ("person_id", "incident_id", "responsible_la")}


def _number_formats(frame: pd.DataFrame) -> dict[str, ColumnFormat]:
    """Counts and measures right-aligned as numbers (a bool is not a number)."""
    out: dict[str, ColumnFormat] = {}
    for col in frame.columns:
        dtype = frame[col].dtype
        if pd.api.types.is_bool_dtype(dtype):
            continue
        if pd.api.types.is_integer_dtype(dtype):
            out[col] = "count"
        elif pd.api.types.is_float_dtype(dtype):
            out[col] = "number"
    return out


def annex_report(annex: PoliceAnnex, settings: Settings, run_date: date) -> Report:
    """The annex as a document: what it holds, then each list's first rows."""
    limit = settings.reports.annex_pdf_rows
    overview = pd.DataFrame({
        "list": [a.spec.title for a in annex.lists],
        "rows": [len(a.frame) for a in annex.lists],
        "in_this_pdf": [min(len(a.frame), limit) for a in annex.lists],
        "sheet": [a.spec.id for a in annex.lists],
    })
    intro = Section(
        id="about", title="About this annex",
        paragraphs=(
            f"The people behind the figures of the police edition of the problem profile for {annex.month.title}. "
            "It names people by the force's reference, so it is kept apart from the profile, goes only to police "
            "distribution lists and is not to be forwarded outside the police.",
            f"Each list shows its first {limit:,} rows here; {ANNEX_XLSX} holds every row, one sheet per list, "
            f"with the definitions in its '{DEFINITIONS_SHEET}' sheet. Times are London time.",
        ),
        tables=(Table(id="annex_lists", caption="The lists in this annex", data=overview,
                      count_columns=("rows", "in_this_pdf"),
                      labels={"in_this_pdf": "Rows in this PDF", "sheet": f"Sheet of {ANNEX_XLSX}"}),),
    )
    sections = [intro]
    for a in annex.lists:
        spec, frame = a.spec, a.frame
        columns = [c for c in spec.pdf_columns if c in frame.columns]
        notes = [spec.definition]
        if len(frame) > limit:
            notes.append(f"The first {limit:,} of {len(frame):,} rows: and {len(frame) - limit:,} more in "
                         f"{ANNEX_XLSX} sheet {spec.id}.")
        shown = frame.loc[:, columns].head(limit)
        shown = shown.assign(**{c: [words(v) for v in shown[c]] for c in columns if c in WORDED_COLUMNS})
        table = Table(id=f"annex_{spec.id}", caption=f"{spec.title}: {len(frame):,}", data=shown,
                      formats={**_number_formats(shown), **{c: COLUMN_FORMATS[c] for c in columns if c in COLUMN_FORMATS}},
                      labels=_labels(columns), notes=tuple(notes))
        sections.append(Section(id=spec.id, title=spec.title, tables=(table,)))
    return report_for(
        settings, audience="police", kind="police_annex", title="Police annex: people lists",
        subtitle=f"{annex.month.title} · police only", period_label=annex.month.title, run_date=run_date,
        sections=tuple(sections),
    )


# ---- the workbook -------------------------------------------------------------------------


def _xlsx_value(value: Any) -> Any:
    """A cell as openpyxl can write it: London wall-clock time, lists joined, unknowns empty."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ";".join(str(v) for v in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.astimezone(LONDON).replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


def _is_datetime(dtype: Any) -> bool:
    return isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype)


def _banner(settings: Settings, marking: str) -> str:
    return marking + (" · SYNTHETIC DATA – NOT REAL PEOPLE" if settings.force.synthetic else "")


def write_annex_xlsx(annex: PoliceAnnex, settings: Settings, marking: str, run_date: date, path: Path) -> Path:
    """``annex.xlsx``: the definitions sheet, then one sheet per list with every row (row 1
    the marking, row 2 the column names)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    banner = _banner(settings, marking)
    wb = Workbook()
    defs = wb.active
    defs.title = DEFINITIONS_SHEET
    defs.append([banner])
    defs.append(["Police annex: people lists"])
    for label, value in (
        ("Force", settings.force.name), ("Month", annex.month.title), ("From", annex.month.first_day.isoformat()),
        ("To (inclusive)", annex.month.last_day.isoformat()), ("Produced", run_date.isoformat()),
        ("Protective marking", marking),
        ("Handling", "Names people by the force's reference: police distribution lists only; do not forward."),
        ("Layout", "Row 1 of every sheet is the protective marking, row 2 the column names; times are London time; "
                   "person_id is the force's person reference."),
    ):
        defs.append([label, value])
    if settings.force.synthetic:
        defs.append(["Data", "SYNTHETIC sample: no real person is described"])
    defs.append([])
    defs.append(["sheet", "list", "rows", "definition", "also written by"])
    header_row = defs.max_row
    for a in annex.lists:
        defs.append([a.spec.id, a.spec.title, len(a.frame), a.spec.definition, a.spec.command])
    for row in (1, 2, header_row):
        for cell in defs[row]:
            cell.font = bold
    defs.column_dimensions["A"].width = 22
    defs.column_dimensions["B"].width = 48
    defs.column_dimensions["D"].width = 90
    for a in annex.lists:
        ws = wb.create_sheet(a.spec.id)
        ws.append([banner])
        ws["A1"].font = bold
        ws.append(list(a.frame.columns))
        for cell in ws[2]:
            cell.font = bold
        stamps = [j for j, col in enumerate(a.frame.columns) if _is_datetime(a.frame[col].dtype)]
        append_rows(ws, ([_xlsx_value(v) for v in row] for row in a.frame.itertuples(index=False, name=None)),
                    {j: "yyyy-mm-dd hh:mm" for j in stamps})
        for j in stamps:
            ws.column_dimensions[ws.cell(row=2, column=j + 1).column_letter].width = 17
        ws.freeze_panes = "A3"
    for ws in wb.worksheets:
        ws.oddHeader.center.text = marking
        ws.oddFooter.left.text = banner
        ws.oddFooter.right.text = "Page &P of &N"
    stamp = datetime.combine(run_date, time(0, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "misper"
    wb.properties.title = f"Police annex {annex.month.label}"
    return write_xlsx(wb, path, stamp)


def write_annex(annex: PoliceAnnex, settings: Settings, run_date: date, out_dir: Path, *, pdf: bool) -> list[Path]:
    """Write ``annex.xlsx`` (and ``annex.pdf`` when PDFs are made) into the police folder."""
    report = annex_report(annex, settings, run_date)
    paths = [write_annex_xlsx(annex, settings, report.marking, run_date, out_dir / ANNEX_XLSX)]
    if pdf:
        renderer = Renderer(settings)
        pdf_path = out_dir / ANNEX_PDF
        renderer.write_pdf(renderer.render_html(report), pdf_path)
        paths.append(pdf_path)
    return paths


__all__ = ["ANNEX_FILES", "ANNEX_PDF", "ANNEX_XLSX", "AnnexList", "ListSpec", "PoliceAnnex", "annex_report",
           "police_annex", "write_annex", "write_annex_xlsx"]
