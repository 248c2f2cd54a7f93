"""Presentation objects: what a report is made of, before any HTML.

The analysis produces DataFrames; report builders wrap them in these dataclasses;
the renderer turns them into HTML with ``templates/``. Templates hold no logic beyond
layout, so everything a reader sees (captions, notes, alt text, formats) is set here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import pandas as pd

from profiles.disclosure import Audience

#: How a column's values are shown (see the renderer's ``cell`` filter).
ColumnFormat = Literal["text", "count", "number", "percent", "gbp", "hours", "date", "datetime"]


@dataclass(frozen=True)
class Table:
    """A captioned table; its rows are written to ``tables/<id>.csv`` as shown.

    ``count_columns`` are the cells that disclosure control may suppress; a column in
    ``derived`` (for example a percentage) is suppressed wherever the count column (or
    any of the count columns) it is computed from is. ``additive_rows`` says that the count cells of one row are
    parts of a whole (for example child / adult / unknown), so a row is a line for
    secondary suppression as well as a column. ``total_row`` marks the last row as the
    column totals.
    """

    id: str
    caption: str
    data: pd.DataFrame
    notes: tuple[str, ...] = ()
    formats: dict[str, ColumnFormat] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    count_columns: tuple[str, ...] = ()
    derived: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    additive_rows: bool = False
    #: The count columns that make up an additive row (default: every count column).
    row_columns: tuple[str, ...] | None = None
    #: False when a column's rows are different measures or overlap (no total to protect).
    additive_columns: bool = True
    total_row: bool = False
    #: A count column holding each row's total (the margin of an additive row).
    total_column: str | None = None
    #: Written to CSV instead of ``data`` when the page shows fewer rows (``body_view``) or
    #: shows them in words (page 1); disclosure has been applied to it already.
    csv_data: pd.DataFrame | None = None
    #: Set by disclosure control: the cells it withheld (same shape as ``data``).
    suppressed: pd.DataFrame | None = None
    #: False: only in ``tables/<id>.csv``, the body says so (the counts behind a chart).
    in_body: bool = True
    #: A capped body shows the last rows rather than the first (a trend: the latest months).
    keep_last: bool = False
    #: The columns the body shows when not every one (a wide table kept to a portrait page);
    #: ``tables/<id>.csv`` has them all.
    body_columns: tuple[str, ...] | None = None
    #: Rows the body leaves out ("and N more in tables/<id>.csv"); set by ``body_view``.
    more_rows: int = 0

    def label(self, column: str) -> str:
        return self.labels.get(column, column.replace("_", " ").capitalize())

    def format_of(self, column: str) -> ColumnFormat:
        if column in self.formats:
            return self.formats[column]
        return "count" if column in self.count_columns else "text"

    def with_data(self, data: pd.DataFrame, **changes) -> "Table":
        return replace(self, data=data, **changes)

    def body_view(self, rows: int) -> "Table":
        """The table as the body of a report shows it: at most ``rows`` rows (the first, or the
        last with ``keep_last``; a total row stays, as the last of them) and ``body_columns``,
        with ``more_rows`` for the line "and N more in tables/<id>.csv". The CSV keeps every
        row and column (``csv_data``)."""
        n = len(self.data)
        columns = [c for c in self.body_columns if c in self.data.columns] if self.body_columns else None
        if n <= rows and columns is None:
            return self
        if n <= rows:
            keep = list(range(n))
        elif self.total_row:
            keep = [*range(rows - 1), n - 1]
        elif self.keep_last:
            keep = list(range(n - rows, n))
        else:
            keep = list(range(rows))
        data = self.data.iloc[keep].reset_index(drop=True)
        mask = None if self.suppressed is None else self.suppressed.iloc[keep].reset_index(drop=True)
        if columns is not None:
            data = data[columns]
            mask = None if mask is None else mask[columns]
        return replace(self, data=data, suppressed=mask,
                       csv_data=self.csv_data if self.csv_data is not None else self.data, more_rows=n - len(keep))


@dataclass(frozen=True)
class Figure:
    """A chart or map: inline SVG markup or a PNG data URI, always with alt text."""

    id: str
    caption: str
    alt: str
    svg: str | None = None
    png_data_uri: str | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.alt.strip():
            raise ValueError(f"figure {self.id}: alt text is required")
        if (self.svg is None) == (self.png_data_uri is None):
            raise ValueError(f"figure {self.id}: give exactly one of svg or png_data_uri")


@dataclass(frozen=True)
class KeyFinding:
    """One sentence written from the numbers, with the section it comes from."""

    text: str
    section: str | None = None
    #: The id of the table that shows the figure the sentence quotes (named in the text).
    table: str | None = None


@dataclass(frozen=True)
class Section:
    """A report section; rendered with ``templates/sections/<id>.html.j2`` if that exists."""

    id: str
    title: str
    paragraphs: tuple[str, ...] = ()
    findings: tuple[KeyFinding, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[Figure, ...] = ()
    #: Bulleted lines (definitions, recommendations, attribution).
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    """A whole document: a title page, a contents list and its sections."""

    kind: str  # problem_profile | ukmpu_return | share_cover | share_index | care_home_summary
    title: str
    subtitle: str
    force_name: str
    period_label: str
    audience: Audience
    marking: str
    synthetic: bool
    run_date: date
    sections: tuple[Section, ...]
    attribution: tuple[str, ...] = ()
    #: Show a contents list (long documents).
    contents: bool = True
    #: Put the contents list after this section (a board pack: after page 1 and the key
    #: messages) rather than before the first.
    contents_after: str | None = None

    def __post_init__(self) -> None:
        # ids become CSV names and HTML anchors: they must be unique in a report
        for kind, ids in (
            ("section", [s.id for s in self.sections]),
            ("table", [t.id for t in self.tables]),
            ("figure", [f.id for f in self.figures]),
        ):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            if dup:
                raise ValueError(f"{self.kind}: duplicate {kind} id(s) {', '.join(dup)}")

    @property
    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    @property
    def figures(self) -> list[Figure]:
        return [f for s in self.sections for f in s.figures]
