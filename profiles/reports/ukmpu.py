"""The UK Missing Persons Unit annual data return.

One financial year (1 April YYYY to 31 March YYYY+1, London time) by ``reported_at``.
``ukmpu_return`` runs ``sql/reports/ukmpu_return.sql`` and puts the rows in the order
of the issue's table (T01..T12, then child / adult / unknown, then the categories as
listed); ``check_return`` is run before anything is written; ``write_return`` writes
``ukmpu_return.csv`` (long form, columns exactly ``RETURN_COLUMNS``), ``ukmpu_return.xlsx``
(a sheet per table and a Definitions sheet) and ``ukmpu_return.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import duckdb
import pandas as pd

from profiles import db
from profiles.canonical import FOUND_BY_CODES, OUTCOME_CODES
from profiles.categories import AGE_BANDS, CARE_SETTING_TYPES, DURATION_BANDS, FLAG_CODES, RISK_CODES
from profiles.config import Settings
from profiles.errors import CheckFailed
from profiles.files import write_csv, write_folder, write_xlsx
from profiles.periods import FinancialYear
from profiles.reports.objects import Report, Section, Table
from profiles.reports.output import write_manifest
from profiles.reports.render import Renderer, marking_for, report_for

RETURN_COLUMNS = ["table", "child_adult", "gender", "category", "calls", "incidents", "individuals"]
CHILD_ADULT = ("child", "adult", "unknown", "all")
GENDERS = ("male", "female", "other", "unknown", "all")


@dataclass(frozen=True)
class ReturnTable:
    id: str
    title: str
    breakdown: str
    categories: tuple[str, ...]
    definition: str
    #: Categories partition the table's incidents (so they must sum to T01).
    partition: bool = True


TABLES: tuple[ReturnTable, ...] = (
    ReturnTable("T01", "Totals", "child_adult", ("all",),
                "All incidents reported in the year."),
    ReturnTable("T02", "Gender", "child_adult and gender", ("all",),
                "Incidents by gender as recorded (male, female, other, unknown)."),
    ReturnTable("T03", "Age band", "gender", AGE_BANDS,
                "Age in whole years at the report; unknown when not recorded."),
    ReturnTable("T04", "Ethnicity", "child_adult",
                ("white", "black", "asian", "chinese_japanese_se_asian", "middle_eastern", "other_unknown"),
                "Officer-defined ethnicity: white = IC1 or IC2, black = IC3, asian = IC4, "
                "chinese_japanese_se_asian = IC5, middle_eastern = IC6, other_unknown = IC9 or not recorded."),
    ReturnTable("T05", "Risk", "child_adult and gender", RISK_CODES,
                "Initial risk grade at assessment (legacy 'absent' is no_apparent_risk)."),
    ReturnTable("T06", "Vulnerability", "child_adult and gender",
                FLAG_CODES,
                "Incidents with each vulnerability flag; an incident counts under every flag it has, "
                "so the rows do not sum to T01.", partition=False),
    ReturnTable("T07", "Outcome", "child_adult", OUTCOME_CODES + ("not_recorded", "still_missing"),
                "Outcome code; still_missing when there is no found time; not_recorded when found with no outcome."),
    ReturnTable("T08", "Duration", "child_adult", DURATION_BANDS,
                "Elapsed time from reported_at to found_at; upper bounds inclusive (8 hours exactly is 0-8h); "
                "1 year = 365 days; still_missing when there is no found time."),
    ReturnTable("T09", "Found by", "child_adult", FOUND_BY_CODES + ("not_recorded", "still_missing"),
                "Who found the person; not_recorded when found with no code; still_missing when there is no found time."),
    ReturnTable("T10", "Missing from care", "child_adult", CARE_SETTING_TYPES,
                "Incidents where the person went missing from a care setting (other settings are not counted here).",
                partition=False),
    ReturnTable("T11", "Repeat", "child_adult", ("1", "2", "3-5", "6-10", "11-20", "21+"),
                "Individuals by their number of incidents in the year; incidents and calls are theirs. "
                "A person's incidents are counted within each child_adult group apart (someone who turned 18 "
                "in the year is counted once as a child and once as an adult)."),
    ReturnTable("T12", "Long-term missing", "child_adult", ("all",),
                "Incidents reported in the year and still open at its end (no found time, or found after 31 March).",
                partition=False),
)
BY_ID = {t.id: t for t in TABLES}

GENERAL_DEFINITIONS = (
    "Financial year: 1 April to 31 March, London time, by the time the incident was reported (reported_at).",
    "calls: calls to police about the row's incidents (the sum of the recorded calls; not recorded counts as 0).",
    "incidents: episodes of one person going missing. individuals: distinct persons among the row's incidents.",
    "child_adult: child = under 18 at the report, adult = 18 or over, unknown = age not recorded.",
    "'all' in a column means the table does not break that dimension down. Rows with no incidents are left out.",
    "table: the table id, T01 to T12, as in the UKMPU return specification.",
)


def ukmpu_return(con: duckdb.DuckDBPyConnection, year: FinancialYear) -> pd.DataFrame:
    """The return's rows in the specification's order (columns ``RETURN_COLUMNS``)."""
    frame = db.query_df(con, "reports/ukmpu_return.sql", year.params("year"))
    order = {t.id: i for i, t in enumerate(TABLES)}
    cat_rank = {(t.id, c): i for t in TABLES for i, c in enumerate(t.categories)}
    frame = frame.assign(
        _t=frame["table"].map(order),
        _c=[CHILD_ADULT.index(v) for v in frame["child_adult"]],
        _g=[GENDERS.index(v) for v in frame["gender"]],
        _k=[cat_rank.get((t, c), len(cat_rank)) for t, c in zip(frame["table"], frame["category"])],
    )
    frame = frame.sort_values(["_t", "_c", "_g", "_k", "category"], kind="stable")
    frame = frame[RETURN_COLUMNS].reset_index(drop=True)
    for col in ("calls", "incidents", "individuals"):
        frame[col] = frame[col].astype("int64")
    return frame


def check_return(frame: pd.DataFrame) -> None:
    """Internal consistency: every breakdown sums to T01, individuals never exceed incidents.

    Raises ``CheckFailed`` listing every failure; nothing may be written after one.
    """
    problems: list[str] = []
    t01 = frame[frame["table"] == "T01"].set_index("child_adult")
    total_incidents = int(t01["incidents"].sum())
    total_calls = int(t01["calls"].sum())

    def t01_value(child_adult: str, measure: str) -> int:
        return int(t01[measure].get(child_adult, 0))

    for spec in TABLES[1:]:
        rows = frame[frame["table"] == spec.id]
        unknown = sorted(set(rows["category"]) - set(spec.categories))
        if unknown:
            problems.append(f"{spec.id} has categories outside the specification: {', '.join(unknown)}")
        if spec.id == "T03":  # not broken down by child_adult
            if int(rows["incidents"].sum()) != total_incidents:
                problems.append(f"T03 incidents sum to {int(rows['incidents'].sum())}, T01 has {total_incidents}")
            if int(rows["calls"].sum()) != total_calls:
                problems.append(f"T03 calls sum to {int(rows['calls'].sum())}, T01 has {total_calls}")
            continue
        by_group = rows.groupby("child_adult")[["calls", "incidents", "individuals"]].sum()
        for group in sorted(set(by_group.index) | set(t01.index)):
            got = by_group.loc[group] if group in by_group.index else pd.Series({"calls": 0, "incidents": 0, "individuals": 0})
            measures = ("calls", "incidents") + (("individuals",) if spec.id == "T11" else ())
            for measure in measures:
                want = t01_value(group, measure)
                if spec.partition and int(got[measure]) != want:
                    problems.append(f"{spec.id} {measure} for {group} sum to {int(got[measure])}, T01 has {want}")
            if not spec.partition:
                worst = rows[(rows["child_adult"] == group) & (rows["incidents"] > t01_value(group, "incidents"))]
                if not worst.empty:
                    problems.append(f"{spec.id} has a row for {group} with more incidents than T01")
    bad = frame[(frame["individuals"] > frame["incidents"]) | (frame["incidents"] <= 0) | (frame["calls"] < 0)]
    for r in bad.itertuples(index=False):
        problems.append(
            f"{r.table} {r.child_adult}/{r.gender}/{r.category}: {r.individuals} individuals, {r.incidents} incidents"
        )
    if problems:
        raise CheckFailed("UKMPU return not written; internal checks failed: " + "; ".join(problems))


# ---- outputs -------------------------------------------------------------------------


def build_report(frame: pd.DataFrame, year: FinancialYear, settings: Settings, run_date: date) -> Report:
    """The return as a document for the renderer (police audience: no suppression)."""
    about = Section(
        id="about",
        title="About this return",
        paragraphs=(
            f"The force's annual data return to the UK Missing Persons Unit for the financial year "
            f"{year.label} (1 April {year.first_day.year} to 31 March {year.end_day.year}).",
        ),
        items=GENERAL_DEFINITIONS,
    )
    sections = [about]
    for spec in TABLES:
        rows = frame[frame["table"] == spec.id].drop(columns=["table"])
        shown = [c for c in ("child_adult", "gender", "category") if not (rows[c] == "all").all() or rows.empty and c == "child_adult"]
        data = rows[shown + ["calls", "incidents", "individuals"]].reset_index(drop=True)
        sections.append(
            Section(
                id=spec.id.lower(),
                title=f"{spec.id} {spec.title}",
                tables=(
                    Table(
                        id=spec.id.lower(),
                        caption=f"{spec.id} {spec.title}: by {spec.breakdown}",
                        data=data,
                        notes=(spec.definition,),
                        count_columns=("calls", "incidents", "individuals"),
                        labels={"child_adult": "Child / adult"},
                    ),
                ),
            )
        )
    return report_for(
        settings,
        audience="police",
        kind="ukmpu_return",
        title="UK Missing Persons Unit annual return",
        subtitle=f"Financial year {year.label}",
        period_label=f"Financial year {year.label}",
        run_date=run_date,
        sections=tuple(sections),
    )


def _write_xlsx(frame: pd.DataFrame, year: FinancialYear, settings: Settings, run_date: date, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    defs = wb.active
    defs.title = "Definitions"
    bold = Font(bold=True)
    defs.append(["UK Missing Persons Unit annual return"])
    defs["A1"].font = bold
    for label, value in (
        ("Force", settings.force.name),
        ("Financial year", year.label),
        ("From", year.first_day.isoformat()),
        ("To (inclusive)", year.last_day.isoformat()),
        ("Produced", run_date.isoformat()),
        ("Protective marking", marking_for(settings, "police")),
    ):
        defs.append([label, value])
    if settings.force.synthetic:
        defs.append(["Data", "SYNTHETIC sample: no real person is described"])
    defs.append([])
    for line in GENERAL_DEFINITIONS:
        defs.append([line])
    defs.append([])
    defs.append(["table", "title", "breakdown", "categories", "definition"])
    for cell in defs[defs.max_row]:
        cell.font = bold
    for spec in TABLES:
        defs.append([spec.id, spec.title, spec.breakdown, ", ".join(spec.categories), spec.definition])
    defs.column_dimensions["A"].width = 22
    defs.column_dimensions["B"].width = 24
    for spec in TABLES:
        ws = wb.create_sheet(spec.id)
        ws.append(RETURN_COLUMNS)
        for cell in ws[1]:
            cell.font = bold
        for row in frame[frame["table"] == spec.id].itertuples(index=False):
            ws.append([row.table, row.child_adult, row.gender, row.category, int(row.calls), int(row.incidents), int(row.individuals)])
        ws.freeze_panes = "A2"
    stamp = datetime.combine(run_date, time(0, 0))
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "misper"
    wb.properties.title = f"UKMPU return {year.label}"
    write_xlsx(wb, path, stamp)


def write_return(con: duckdb.DuckDBPyConnection, year: FinancialYear, out_dir: Path, settings: Settings,
                 run_date: date, *, pdf: bool = False) -> list[Path]:
    """Compute, check, then write the CSV, XLSX and HTML (and PDF if asked); the paths."""
    frame = ukmpu_return(con, year)
    check_return(frame)
    return write_folder(out_dir, lambda stage: _write_return_files(frame, year, stage, settings, run_date, pdf=pdf))


def _write_return_files(frame: pd.DataFrame, year: FinancialYear, out_dir: Path, settings: Settings,
                        run_date: date, *, pdf: bool) -> list[Path]:
    csv_path = out_dir / "ukmpu_return.csv"
    write_csv(frame, csv_path)
    xlsx_path = out_dir / "ukmpu_return.xlsx"
    _write_xlsx(frame, year, settings, run_date, xlsx_path)
    renderer = Renderer(settings)
    html_path = out_dir / "ukmpu_return.html"
    html = renderer.write_html(build_report(frame, year, settings, run_date), html_path)
    paths = [csv_path, xlsx_path, html_path]
    if pdf:
        pdf_path = out_dir / "ukmpu_return.pdf"
        renderer.write_pdf(html, pdf_path)
        paths.append(pdf_path)
    manifest = write_manifest(
        out_dir, kind="ukmpu_return", period=str(year.first_day.year), audience="police",
        marking=marking_for(settings, "police"), synthetic=settings.force.synthetic,
        run_date=run_date, files=paths,
    )
    return paths + [manifest]
