"""Writing one audience's folder: HTML, PDF, tables/*.csv, summary.html, manifest.json."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from datetime import date
from pathlib import Path

import duckdb

from profiles.analysis.demand import YearOnYear
from profiles import progress
from profiles.config import Settings
from profiles.errors import CheckFailed
from profiles.periods import Month
from profiles.disclosure import AUDIENCES, Audience, check_files, check_person_refs
from profiles.files import write_folder
from profiles.reports.objects import Report
from profiles.reports.output import write_manifest, write_table_csv
from profiles.reports.profile.annex import police_annex, write_annex
from profiles.reports.profile.build import build_profile
from profiles.reports.profile_data import ProfileData, gather
from profiles.reports.pdf import PdfMaker
from profiles.reports.render import TEMPLATES_DIR, Renderer
from profiles.reports.safety import person_refs, sensitive_values


@dataclass(frozen=True)
class ProfileRun:
    """What ``write_profile`` wrote, and the headline figures the reports were built from
    (a run summary quotes these, never a second measurement)."""

    files: dict[Audience, list[Path]]
    headline: YearOnYear


def default_out_dir(settings: Settings, month: Month, audience: Audience) -> Path:
    return settings.output_dir / "profile" / month.label / audience


def write_profile_files(report: Report, data: ProfileData, out_dir: Path, settings: Settings,
                        con: duckdb.DuckDBPyConnection | None = None, *, pdf: bool = True,
                        pdfs: PdfMaker | None = None) -> list[Path]:
    """Write one audience's folder, published whole (``profiles.files.publishing``): a re-run
    replaces the tables, never mixes two runs; the manifest comes last. With ``pdfs``, the
    PDF is made in that process while this one checks the files and writes the annex."""
    return write_folder(
        out_dir, lambda stage: _write_profile_files(report, data, stage, settings, con, pdf=pdf, pdfs=pdfs),
        replace=["tables/*.csv"])


def _write_profile_files(report: Report, data: ProfileData, out_dir: Path, settings: Settings,
                         con: duckdb.DuckDBPyConnection | None, *, pdf: bool, pdfs: PdfMaker | None) -> list[Path]:
    renderer = Renderer(settings)
    html_path = out_dir / "problem_profile.html"
    html = renderer.write_html(report, html_path)
    pdf_path = out_dir / "problem_profile.pdf"
    finish_pdf = None
    if pdf:  # the PDF is the checked HTML's: begun now, kept only if the checks below pass
        finish_pdf = pdfs.start(html, pdf_path) if pdfs is not None else partial(renderer.write_pdf, html, pdf_path)
    summary_path = out_dir / "summary.html"
    renderer.write_html(report, summary_path, template="summary.html.j2")
    tables_dir = out_dir / "tables"
    csvs = [write_table_csv(t, tables_dir) for t in report.tables]
    files = [html_path, summary_path, *csvs]
    if con is not None:
        # police: only the person references are checked (a police file may carry the rest)
        values = person_refs(con) if report.audience == "police" else sensitive_values(con, data.month)
        check_person_refs(files, values)
        check_files(files, values, report.audience)
    annex = []
    if report.audience == "police":  # every person list: the police folder only
        if con is None:
            raise CheckFailed(f"{out_dir}: the police annex is read from the database; no connection was given")
        annex = write_annex(police_annex(con, settings, data.people), settings, report.run_date, out_dir, pdf=pdf)
    if finish_pdf is not None:
        finish_pdf()
        files.append(pdf_path)
    files += annex
    manifest = write_manifest(
        out_dir, kind="problem_profile", period=data.month.label, audience=report.audience, marking=report.marking,
        synthetic=report.synthetic, run_date=report.run_date, files=files,
    )
    return files + [manifest]


def write_profile(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    month: Month,
    run_date: date,
    *,
    audiences: tuple[Audience, ...] = AUDIENCES,
    out_dir: Path | None = None,
    pdf: bool | None = None,
) -> ProfileRun:
    """Gather once, then write each audience's folder (``out_dir`` only with one audience;
    default ``<output_dir>/profile/<period>/<audience>``)."""
    if out_dir is not None and len(audiences) > 1:
        out_dirs = {a: out_dir / a for a in audiences}
    else:
        out_dirs = {a: out_dir or default_out_dir(settings, month, a) for a in audiences}
    step = progress.Stage("problem profile: measures, then each audience", total=1 + len(audiences))
    pdf = settings.reports.pdf if pdf is None else pdf
    with PdfMaker(TEMPLATES_DIR) if pdf else nullcontext() as pdfs:  # started first: it loads WeasyPrint while we gather
        data = gather(con, settings, month, police_annex="police" in audiences)
        step.advance()
        written = {}
        for audience in audiences:
            report = build_profile(data, audience, run_date)
            written[audience] = write_profile_files(report, data, out_dirs[audience], settings, con, pdf=pdf,
                                                    pdfs=pdfs)
            step.advance()
    return ProfileRun(files=written, headline=data.year_on_year)
