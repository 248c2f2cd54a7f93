"""The one renderer: owns the Jinja environment, its filters and the PDF step.

Every report (problem profile, UKMPU return, share covers, care-home summary) goes
through ``Renderer.render_html``; the PDF is the same HTML through WeasyPrint. The
output depends only on the ``Report`` object and the settings: the run date is a
field of the report, never the clock, so the same inputs give byte-identical HTML.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from datetime import date, datetime
from numbers import Number
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from profiles.config import PROJECT_ROOT, Settings
from profiles.disclosure import Audience, withheld_for
from profiles.errors import MisperError
from profiles.files import write_bytes, write_text
from profiles.periods import LONDON, Month
from profiles.reports.pdf import pdf_bytes
from profiles.reports.objects import Report, Section, Table

TEMPLATES_DIR = PROJECT_ROOT / "templates"
MISSING = "–"  # shown for an empty cell (not the same as a suppressed one)


def marking_for(settings: Settings, audience: Audience) -> str:
    """The protective marking printed on every page for ``audience``."""
    force = settings.force
    return {
        "police": force.protective_marking,
        "partner": force.partner_marking,
        "public": force.public_marking,
    }[audience]


def report_for(settings: Settings, *, audience: Audience, **fields) -> Report:
    """A Report for ``audience`` with the force's name, the audience's marking and the
    SYNTHETIC flag taken from ``settings`` (so every document states them alike)."""
    return Report(
        force_name=settings.force.name,
        audience=audience,
        marking=marking_for(settings, audience),
        synthetic=settings.force.synthetic,
        **fields,
    )


def month_note(settings: Settings, *, audience: Audience, month: Month, section: Section, **fields) -> Report:
    """A short document of one section for ``month``, with no contents list (the share covers and
    index, the care-home summary)."""
    return report_for(settings, audience=audience, period_label=month.title, sections=(section,), contents=False,
                      **fields)


# ---- filters (pure functions; registered once on the environment) ----------------


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _as_datetime(value: date | datetime | str) -> date | datetime:
    """An ISO string parsed, a pandas Timestamp as a plain datetime; a date or datetime as it is."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value


def _shown_as_is(format_value: Callable[..., str]) -> Callable[..., str]:
    """A number filter that shows a missing value as ``MISSING`` and a string (a marker) unchanged."""

    @functools.wraps(format_value)
    def shown(value: Any, *args: Any, **kwargs: Any) -> str:
        if _is_missing(value):
            return MISSING
        if isinstance(value, str):
            return value
        return format_value(value, *args, **kwargs)

    return shown


def uk_date(value: date | datetime | str | None) -> str:
    """``5 October 2026`` (London date for an aware datetime)."""
    if _is_missing(value):
        return MISSING
    value = _as_datetime(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LONDON)
        value = value.date()
    return f"{value.day} {value.strftime('%B %Y')}"


def uk_datetime(value: datetime | str | None) -> str:
    """``5 October 2026, 14:05`` in London time."""
    if _is_missing(value):
        return MISSING
    value = _as_datetime(value)
    if value.tzinfo is not None:
        value = value.astimezone(LONDON)
    return f"{uk_date(value)}, {value.strftime('%H:%M')}"


@_shown_as_is
def number(value: Any, digits: int = 0) -> str:
    """Thousands separators: ``12,345`` or ``1,234.5`` with ``digits``."""
    return f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,d}"


@_shown_as_is
def percent(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage: ``0.413`` -> ``41%``."""
    return f"{float(value) * 100:,.{digits}f}%"


@_shown_as_is
def gbp(value: Any, digits: int = 0) -> str:
    """Pounds sterling: ``£2,416`` (``digits=2``: ``£2,415.80``)."""
    sign = "-" if float(value) < 0 else ""
    return f"{sign}£{abs(float(value)):,.{digits}f}"


@_shown_as_is
def hours(value: Any) -> str:
    """A duration in hours, one decimal place: ``26.5 h``."""
    return f"{float(value):,.1f} h"


def css_string(value: str) -> Markup:
    """A CSS string literal (for running headers in ``@page`` rules)."""
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return Markup(f'"{escaped}"')


class Renderer:
    """Renders ``Report`` objects to HTML (and PDF) with ``templates/``."""

    def __init__(self, settings: Settings, template_dir: Path = TEMPLATES_DIR) -> None:
        self.settings = settings
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(template_dir)),
            autoescape=jinja2.select_autoescape(["html", "j2"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters.update(
            uk_date=uk_date,
            uk_datetime=uk_datetime,
            number=number,
            percent=percent,
            gbp=gbp,
            hours=hours,
            css_string=css_string,
            suppress=self.suppress,
            cell=self.cell,
        )

    # -- filters that need the settings ------------------------------------------
    def suppress(self, value: Any, audience: Audience) -> str:
        """A count, or the suppression marker when it is small and the audience is not police.

        Zero is not disclosive and is shown. Use this for counts in running text; tables
        are suppressed (with secondary suppression) by ``profiles.disclosure``.
        """
        if _is_missing(value) or isinstance(value, str):
            return number(value)
        if withheld_for(audience, float(value), self.settings):
            return self.settings.disclosure.suppression_marker
        return number(value)

    def cell(self, value: Any, fmt: str) -> str:
        """One table cell in its column's format; strings (e.g. a marker) pass through."""
        if isinstance(value, str):
            return value
        if _is_missing(value):
            return MISSING
        if fmt in ("count", "number"):
            digits = 0 if fmt == "count" or float(value).is_integer() else 1
            return number(value, digits)
        if fmt == "percent":
            return percent(value, 1 if abs(float(value)) < 0.1 and value else 0)
        if fmt == "gbp":
            return gbp(value)
        if fmt == "hours":
            return hours(value)
        if fmt == "date":
            return uk_date(value)
        if fmt == "datetime":
            return uk_datetime(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, Number) and isinstance(value, float) and value.is_integer():
            return number(value)
        return str(value)

    # -- rendering ---------------------------------------------------------------
    def render_html(self, report: Report, template: str = "report.html.j2") -> str:
        """The whole report as one self-contained HTML document."""
        tpl = self.env.get_template(template)
        return tpl.render(
            report=report,
            threshold=self.settings.disclosure.suppression_threshold,
            marker=self.settings.disclosure.suppression_marker,
            rows=_rows,
        )

    def write_html(self, report: Report, path: Path, template: str = "report.html.j2") -> str:
        html = self.render_html(report, template)
        write_text(path, html)
        return html

    @staticmethod
    def write_pdf(html: str, path: Path) -> None:
        """The same HTML through WeasyPrint (print CSS: page numbers, running headers)."""
        write_bytes(path, pdf_bytes(html, path, TEMPLATES_DIR))


def _rows(table: Table) -> list[list[tuple[Any, str, bool]]]:
    """Rows of ``(value, format, suppressed)`` for the table macro."""
    cols = list(table.data.columns)
    fmts = [table.format_of(c) for c in cols]
    mask = table.suppressed
    out = []
    for i, row in enumerate(table.data.itertuples(index=False, name=None)):
        out.append(
            [
                (value, fmts[j], bool(mask.iat[i, j]) if mask is not None else False)
                for j, value in enumerate(row)
            ]
        )
    return out
