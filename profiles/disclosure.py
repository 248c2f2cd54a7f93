"""Disclosure control: the audiences, what each may see, and the last check on what is written.

This module sits below ``profiles/analysis`` and ``profiles/reports`` (it imports neither):
the CLI exports, the problem profile, the partner shares, the UKMPU HTML and the email
bodies all take their audience rules from here, so each rule is written once.

Audiences (docs/architecture.md): ``police`` sees everything; ``partner`` gets
pseudonymised records with no free text, no dates of birth and no children's-home
names or locations; ``public`` gets aggregates only. In both non-police audiences:

- **primary suppression**: a count below ``settings.disclosure.suppression_threshold``
  (default 5) is withheld; zero is not disclosive and is shown;
- **secondary suppression**: wherever a line of a table (a column, unless its rows are
  different measures, and a row when its cells are parts of one whole) holds exactly one
  withheld cell, its total would give
  that cell away, so the smallest other non-zero cell of the line is withheld too, until
  every line has none or at least two withheld cells. A column's total is treated as
  known even when the table does not show it (it is usually printed elsewhere);
- **children's homes** (and every site flagged ``sensitive``) are shown as
  "Children's home A (Bolton)": a letter stable within one report and the local
  authority name only.

Everything here is plain pandas; nothing is written.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from typing import TYPE_CHECKING

from profiles.audiences import AUDIENCES, Audience, check_audience  # noqa: F401  (re-exported)
from profiles.canonical import COLUMNS
from profiles.errors import CheckFailed, InvalidValue

if TYPE_CHECKING:  # types only: disclosure imports nothing above it
    from profiles.config import Settings
    from profiles.reports.objects import Table

def is_small_count(value, threshold: int):
    """The primary suppression test, written once: a count from 1 to ``threshold - 1``.

    Zero is not disclosive and is shown; a missing value (NaN) is not small. Works on a
    number or elementwise on a numpy array.
    """
    return (value > 0) & (value < threshold)


def withheld_for(audience: Audience, value, settings: "Settings") -> bool:
    """Whether a count in running text is withheld from ``audience`` (never for the police)."""
    return audience != "police" and value is not None and bool(
        is_small_count(value, settings.disclosure.suppression_threshold))

#: Columns that may never appear in a partner or public output.
POLICE_ONLY_COLUMNS: frozenset[str] = frozenset(c.name for c in COLUMNS if c.audience == "police") | {
    "person_key_raw",
    "site_name",
    "site_address",
    "address",
    "postcode",
    "easting",
    "northing",
    "lat",
    "lon",
    "name",
}
#: Columns that identify a person or an incident: partner (pseudonymised) yes, public no.
RECORD_COLUMNS: frozenset[str] = frozenset({"person_key", "person_ref", "incident_id", "incident_ref"})


# ---- cell suppression ------------------------------------------------------------


@dataclass(frozen=True)
class Suppression:
    """A suppressed frame and the mask of withheld cells (same shape as the input)."""

    frame: pd.DataFrame
    mask: pd.DataFrame
    primary: int
    secondary: int


def _lines(
    n_rows: int, n_cols: int, additive_rows: bool, additive_columns: bool = True, row_cols: Iterable[int] | None = None
) -> list[list[tuple[int, int]]]:
    lines = [[(r, c) for r in range(n_rows)] for c in range(n_cols)] if additive_columns else []
    cols = list(range(n_cols)) if row_cols is None else list(row_cols)
    if additive_rows and len(cols) > 1:
        lines += [[(r, c) for c in cols] for r in range(n_rows)]
    return lines


def _equations(
    shape: tuple[int, int], present: np.ndarray, *, additive_rows: bool, additive_columns: bool,
    row_cols: Iterable[int] | None, total_row: bool, total_col: int | None,
) -> np.ndarray:
    """What a reader can add up, as a matrix over the cells (row-major): one equation per
    line. A column's cells add up to its total (known even when not shown; with a total
    row, the last row is that total). A row's parts add up to its ``total_col`` cell, or,
    without one, to a total assumed known."""
    n_rows, n_cols = shape
    index = np.arange(n_rows * n_cols).reshape(shape)
    rows: list[np.ndarray] = []
    if additive_columns:
        inner_rows = range(n_rows - 1) if total_row else range(n_rows)
        for c in range(n_cols):
            eq = np.zeros(n_rows * n_cols)
            for r in inner_rows:
                if present[r, c]:
                    eq[index[r, c]] = 1.0
            rows.append(eq)
    cols = list(range(n_cols)) if row_cols is None else list(row_cols)
    if additive_rows and len(cols) > 1:
        for r in range(n_rows):
            eq = np.zeros(n_rows * n_cols)
            for c in cols:
                if present[r, c]:
                    eq[index[r, c]] = -1.0 if c == total_col else 1.0
            rows.append(eq)
    return np.array(rows) if rows else np.zeros((0, n_rows * n_cols))


def recoverable_cells(
    equations: np.ndarray, withheld: np.ndarray, values: np.ndarray, *, tol: float = 1e-7
) -> np.ndarray:
    """Which withheld non-zero cells a reader can work out exactly from the shown cells and totals.

    ``equations`` are linear relations over all cells (row-major) whose totals a reader
    knows. A withheld cell is recovered exactly when every solution agrees on it: no
    null-space direction of the equations (restricted to the withheld cells) moves it,
    or, since counts are never negative, when its lowest and highest feasible values meet
    (only possible when a withheld cell is zero; then a linear programme decides). A
    withheld zero is not checked: zeros are shown anyway.
    """
    flat = withheld.ravel()
    vals = np.nan_to_num(np.asarray(values, dtype=float).ravel())
    unknown = np.flatnonzero(flat)
    out = np.zeros(flat.shape, dtype=bool)
    if not unknown.size or not len(equations):
        return out.reshape(withheld.shape)
    a = equations[:, unknown]
    keep = np.abs(a).sum(axis=1) > 0
    a = a[keep]
    if not len(a):
        return out.reshape(withheld.shape)
    _, s, vt = np.linalg.svd(a)
    rank = int((s > tol * max(1.0, s.max())).sum())
    null = vt[rank:]
    moves = np.abs(null).max(axis=0) > tol if len(null) else np.zeros(unknown.size, dtype=bool)
    exact = ~moves
    if (vals[unknown] == 0).any() and moves.any():
        from scipy.optimize import linprog

        b = a @ vals[unknown]
        for j in np.flatnonzero(moves):
            if vals[unknown[j]] == 0:
                continue
            c = np.zeros(unknown.size)
            c[j] = 1.0
            low = linprog(c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            high = linprog(-c, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            if low.status == 0 and high.status == 0 and abs(low.fun + high.fun) < 1e-6:
                exact[j] = True
    exact &= vals[unknown] != 0
    out[unknown[exact]] = True
    return out.reshape(withheld.shape)


def suppression_mask(
    values: np.ndarray,
    *,
    threshold: int,
    additive_rows: bool = False,
    additive_columns: bool = True,
    row_cols: Iterable[int] | None = None,
    margins: Iterable[tuple[int, int]] = (),
    total_row: bool = False,
    total_col: int | None = None,
) -> tuple[np.ndarray, int]:
    """Withheld cells of a 2-D array of counts (NaN = no value), and the primary count.

    ``row_cols`` are the column indices that form an additive row (default all);
    ``total_row`` says the last row holds the column totals and ``total_col`` which column
    holds each row's total; ``margins`` are further cells that are totals. Secondary
    suppression first makes every line hold none or at least two withheld cells, then
    withholds more until no withheld cell can be worked out exactly from the shown cells
    and the totals (``recoverable_cells``); it prefers inner cells to margins and
    non-zero cells to zeros.
    """
    vals = np.asarray(values, dtype=float)
    present = ~np.isnan(vals)
    mask = present & is_small_count(vals, threshold)
    primary = int(mask.sum())
    n_rows, n_cols = vals.shape
    known_totals = {(n_rows - 1, c) for c in range(n_cols)} if total_row and additive_columns else set()
    margin_set = set(margins) | known_totals | (
        {(r, total_col) for r in range(n_rows)} if total_col is not None else set())
    lines = _lines(*vals.shape, additive_rows, additive_columns, row_cols)

    def priority(rc: tuple[int, int]) -> tuple:
        # smallest non-zero inner cell, then a non-zero margin, then a zero
        return (vals[rc] == 0, rc in margin_set, vals[rc], rc)

    def every_line_two_or_none() -> None:
        changed = True
        while changed:
            changed = False
            for line in lines:
                cells = [rc for rc in line if present[rc]]
                if sum(mask[rc] for rc in cells) != 1:
                    continue
                candidates = [rc for rc in cells if not mask[rc]]
                if candidates:
                    mask[min(candidates, key=priority)] = True
                    changed = True

    every_line_two_or_none()
    equations = _equations(vals.shape, present, additive_rows=additive_rows, additive_columns=additive_columns,
                           row_cols=row_cols, total_row=total_row, total_col=total_col)
    hopeless: set[tuple[int, int]] = set()
    while True:
        exposed = recoverable_cells(equations, mask & ~_cells(known_totals, vals.shape), vals)
        targets = [rc for rc in zip(*np.nonzero(exposed)) if rc not in hopeless]
        if not targets:
            break
        cell = min(targets, key=lambda rc: (not is_small_count(vals[rc], threshold), rc))
        candidates = {rc for line in lines if cell in line for rc in line
                      if present[rc] and not mask[rc] and rc not in known_totals}
        if not candidates:
            hopeless.add(cell)  # e.g. a one-row table: its known total is the cell
            continue
        mask[min(candidates, key=priority)] = True
        every_line_two_or_none()
    return mask, primary


def _cells(cells: set[tuple[int, int]], shape: tuple[int, int]) -> np.ndarray:
    out = np.zeros(shape, dtype=bool)
    for rc in cells:
        out[rc] = True
    return out


def suppress_frame(
    data: pd.DataFrame,
    count_columns: Iterable[str],
    *,
    threshold: int,
    marker: str,
    additive_rows: bool = False,
    additive_columns: bool = True,
    total_row: bool = False,
    total_column: str | None = None,
    row_columns: Iterable[str] | None = None,
    derived: Mapping[str, str | tuple[str, ...]] | None = None,
) -> Suppression:
    """Withhold small counts in ``count_columns`` and enough others to protect them."""
    counts = [c for c in count_columns if c in data.columns]
    frame = data.copy()
    mask = pd.DataFrame(False, index=data.index, columns=data.columns)
    if not counts or data.empty:
        return Suppression(frame, mask, 0, 0)
    values = data[counts].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    n_rows = len(data)
    margins = []
    if total_row:
        margins += [(n_rows - 1, j) for j in range(len(counts))]
    if total_column in counts:
        j = counts.index(total_column)
        margins += [(i, j) for i in range(n_rows)]
    row_cols = None if row_columns is None else [counts.index(c) for c in row_columns if c in counts]
    cells, primary = suppression_mask(
        values, threshold=threshold, additive_rows=additive_rows, additive_columns=additive_columns,
        row_cols=row_cols, margins=margins, total_row=total_row,
        total_col=counts.index(total_column) if total_column in counts else None,
    )
    for j, col in enumerate(counts):
        mask[col] = cells[:, j]
    for col, sources in (derived or {}).items():
        for source in (sources,) if isinstance(sources, str) else sources:
            if col in mask.columns and source in mask.columns:
                mask[col] = mask[col] | mask[source]
    for col in mask.columns[mask.any()]:
        frame[col] = frame[col].astype(object).where(~mask[col], marker)
    total = int(mask[counts].to_numpy().sum())
    return Suppression(frame, mask, primary, total - primary)


def disclose_table(table: "Table", audience: Audience, settings: "Settings") -> "Table":
    """The table as ``audience`` may see it (police: unchanged)."""
    if audience == "police":
        return table
    check_columns(table.data.columns, audience, where=f"table {table.id}")
    d = settings.disclosure
    result = suppress_frame(
        table.data,
        table.count_columns,
        threshold=d.suppression_threshold,
        marker=d.suppression_marker,
        additive_rows=table.additive_rows,
        additive_columns=table.additive_columns,
        total_row=table.total_row,
        total_column=table.total_column,
        row_columns=table.row_columns,
        derived=table.derived,
    )
    return replace(table, data=result.frame, suppressed=result.mask)


def withhold_cells(table: "Table", cells: Iterable[tuple[int, str]], settings: "Settings") -> "Table":
    """``table`` (as disclosed) with ``cells`` (row position, column) withheld as well, and every
    column derived from them: a figure that another table of the same report withholds
    (secondary suppression there) is withheld wherever else it is shown. For tables whose rows
    and columns are different measures (no line to protect), such as page 1's figures."""
    cells = list(cells)
    if not cells:
        return table
    mask = (table.suppressed.copy() if table.suppressed is not None
            else pd.DataFrame(False, index=table.data.index, columns=table.data.columns))
    for row, col in cells:
        mask.iat[row, mask.columns.get_loc(col)] = True
    for col, sources in table.derived.items():
        for source in (sources,) if isinstance(sources, str) else sources:
            if col in mask.columns and source in mask.columns:
                mask[col] = mask[col] | mask[source]
    frame = table.data.copy()
    for col in mask.columns[mask.any()]:
        frame[col] = frame[col].astype(object).where(~mask[col], settings.disclosure.suppression_marker)
    return replace(table, data=frame, suppressed=mask)


def suppress_counts(
    frame: pd.DataFrame,
    columns: Iterable[str],
    settings: "Settings",
    *,
    derived: Mapping[str, str | tuple[str, ...]] | None = None,
) -> pd.DataFrame:
    """``frame`` with small counts in ``columns`` withheld, as in every partner/public table.

    Counts below ``settings.disclosure.suppression_threshold`` (zero is shown) become
    ``settings.disclosure.suppression_marker``, with secondary suppression down each
    column so its total cannot give a withheld cell away. ``derived`` maps a column that
    would reveal a count (a cost = count x unit cost) to that count column: it is withheld with it.
    """
    d = settings.disclosure
    return suppress_frame(
        frame, list(columns), threshold=d.suppression_threshold, marker=d.suppression_marker, derived=derived
    ).frame


def suppress_long(
    frame: pd.DataFrame,
    settings: "Settings",
    *,
    table: str,
    row: str,
    column: str,
    columns: Sequence[str],
    total_column: str,
    measures: Sequence[str],
    derived: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Suppression of a long-form frame holding several two-way tables.

    Each value of ``table`` is one table of ``row`` categories by ``column`` groups
    (``columns``, one of which, ``total_column``, is each row's total): a column's rows add
    up to the group's total and a row's groups to its total, so both lines are protected
    (``suppress_frame`` with additive rows). Each of ``measures`` is suppressed apart;
    a ``derived`` column goes with its measure.
    """
    d = settings.disclosure
    groups = [g for g in columns if g in set(frame[column])]
    parts = []
    for _, block in frame.groupby(table, sort=False):
        out = block.copy()
        for measure in measures:
            wide = block.pivot(index=row, columns=column, values=measure).reindex(columns=groups)
            masked = suppress_frame(wide.reset_index(), groups, threshold=d.suppression_threshold,
                                    marker=d.suppression_marker, additive_rows=True, total_column=total_column).mask
            masked = masked.set_index(wide.index)[groups].stack().rename("withheld").reset_index()
            hit = out.merge(masked, on=[row, column], how="left")["withheld"].fillna(False).to_numpy()
            out[measure] = out[measure].astype(object).where(~hit, d.suppression_marker)
            for col, source in (derived or {}).items():
                if source == measure:
                    out[col] = out[col].astype(object).where(~hit, d.suppression_marker)
        parts.append(out)
    return pd.concat(parts, ignore_index=True) if parts else frame


def check_columns(columns: Iterable[str], audience: Audience, *, where: str) -> None:
    """Refuse a column the audience may not see (a programming or configuration error)."""
    if audience == "police":
        return
    cols = set(columns)
    bad = sorted(cols & POLICE_ONLY_COLUMNS)
    if audience == "public":
        bad += sorted(cols & RECORD_COLUMNS)
    if bad:
        raise CheckFailed(f"{where}: column(s) {', '.join(bad)} may not be shown to the {audience} audience")


# ---- sites -----------------------------------------------------------------------

_TYPE_LABELS = {
    "childrens_home": "Children's home",
    "foster_care": "Foster placement",
    "supported_accommodation": "Supported accommodation",
    "adult_care_home": "Adult care home",
    "hospital": "Hospital",
    "mental_health_unit": "Mental health unit",
    # a repeated location that matches no register entry may be a private address
    "candidate": "Unregistered location",
}


def _letters(n: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA ..."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = string.ascii_uppercase[r] + out
    return out


@dataclass
class SiteLabeller:
    """Names sites as an audience may see them, with letters stable within one report.

    The police see the register name. Other audiences see a sensitive site (every
    children's home) as "<type> <letter> (<local authority>)": letters are given in
    the order sites are first labelled, one sequence per type, so the same home keeps
    its letter in every table and map of the report.
    """

    audience: Audience
    la_names: Mapping[str, str] = field(default_factory=dict)
    _given: dict[str, str] = field(default_factory=dict)
    _per_type: dict[str, int] = field(default_factory=dict)

    def label(self, site_id: str, *, name: str | None, type: str | None, lad_code: str | None, sensitive: bool) -> str:
        if self.audience == "police" or not (sensitive or type == "childrens_home"):
            return name or f"Site {site_id}"
        if site_id not in self._given:
            kind = _TYPE_LABELS.get(type or "", "Care setting")
            k = self._per_type.get(kind, 0)
            self._per_type[kind] = k + 1
            area = self.la_names.get(lad_code or "", None) or "area not recorded"
            self._given[site_id] = f"{kind} {_letters(k)} ({area})"
        return self._given[site_id]

    def label_frame(self, frame: pd.DataFrame, out: str = "site") -> pd.DataFrame:
        """Add ``out`` from site_id/name/type/lad_code/sensitive and drop what the audience may not see."""
        labels = [
            self.label(
                r.site_id,
                name=getattr(r, "name", None),
                type=getattr(r, "type", None),
                lad_code=getattr(r, "lad_code", None),
                sensitive=bool(getattr(r, "sensitive", False)),
            )
            for r in frame.itertuples(index=False)
        ]
        result = frame.copy()
        result.insert(0, out, labels)
        if self.audience != "police":
            result = result.drop(columns=[c for c in result.columns if c in POLICE_ONLY_COLUMNS or c in ("site_ref",)])
        return result


def site_display(
    frame: pd.DataFrame,
    audience: str,
    lad_names: Mapping[str, str] | None = None,
    *,
    blank_columns: Sequence[str] = ("site_ref", "postcode", "easting", "northing"),
    blank_for_sensitive: Sequence[str] = ("site_id",),
) -> pd.DataFrame:
    """The sites in ``frame`` as ``audience`` may see them (police: unchanged).

    ``frame`` needs ``site_id``, ``name``, ``type``, ``lad_code`` and ``sensitive`` and is
    taken in display order. For partner and public audiences a ``SiteLabeller`` names each
    sensitive site "Children's home A (Bolton)" (letters in order of first appearance, one
    sequence per type); ``blank_columns`` are emptied on every row (positions and
    references stay police-only) and ``blank_for_sensitive`` on sensitive rows. Other
    sites (e.g. CQC-registered adult care homes, a public register) keep their name.
    """
    audience = check_audience(audience)
    out = frame.copy()
    if audience == "police" or out.empty:
        return out
    labeller = SiteLabeller(audience, dict(lad_names or {}))
    sensitive = out["sensitive"].fillna(True).astype(bool)
    out["name"] = [
        labeller.label(site_id, name=name, type=site_type, lad_code=lad, sensitive=flag)
        for site_id, name, site_type, lad, flag in zip(
            out["site_id"], out["name"], out["type"], out["lad_code"], sensitive
        )
    ]
    for col in blank_columns:
        if col in out.columns:
            out[col] = None
    for col in blank_for_sensitive:
        if col in out.columns:
            out[col] = out[col].astype("object").where(~sensitive.to_numpy(), None)
    return out


#: Columns that place a row more finely than its local authority.
LOCALITY_COLUMNS: tuple[str, ...] = (
    "ward_code", "ward_name", "ward", "lsoa_code", "nearest_place", "nearest_place_m", "nearest_sites",
    "centre_easting", "centre_northing", "extent_m", "postcode_sector",
)


def only_local_authority(frame: pd.DataFrame, rows: Iterable[bool], audience: Audience) -> pd.DataFrame:
    """``frame`` with ``rows`` (a cluster or cell that is mostly one sensitive site) placed
    only by their local authority for partner and public audiences: every locality column
    emptied. A children's home named beside a ward and a place is found; beside its local
    authority alone it is one of many. Police: unchanged."""
    hide = np.asarray(list(rows), dtype=bool)
    if audience == "police" or not hide.any():
        return frame
    out = frame.copy()
    for col in LOCALITY_COLUMNS:
        if col in out.columns:
            out[col] = out[col].astype(object).where(~hide, None)
    return out


# ---- a last check on what is written -----------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]*[A-Za-z0-9]")
#: How a sensitive site is labelled for partners ("Children's home A (Bolton)").
_SITE_LABEL = re.compile(
    "(?:" + "|".join(re.escape(k) for k in sorted(set(_TYPE_LABELS.values()) | {"Care setting"})) + r") [A-Z]+ \("
)
_SITE_LABEL_WHOLE = re.compile(_SITE_LABEL.pattern + r"[^)]*\)")


@dataclass(frozen=True)
class SensitiveValues:
    """Values from the input that no partner or public file may contain."""

    person_refs: frozenset[str] = frozenset()
    dates_of_birth: frozenset[str] = frozenset()
    phrases: Mapping[str, str] = field(default_factory=dict)  # text -> what it is (never printed)
    #: Where sensitive sites are (ward, place, postcode sector) -> what it is: a leak only in
    #: a row that also names a sensitive site ("Children's home A (Bolton)"), since a ward
    #: or a place may be shown for its own sake.
    localities: Mapping[str, str] = field(default_factory=dict)

    def find(self, text: str, *, html: bool = False) -> list[str]:
        """What kinds of sensitive value ``text`` contains (never the values themselves).

        Rows are lines (CSV, text) or table rows and paragraphs (``html``)."""
        found = []
        tokens = set(_TOKEN.findall(text))
        if tokens & self.person_refs:
            found.append("a person reference")
        if tokens & self.dates_of_birth:
            found.append("a date of birth")
        kinds = sorted(_phrases_in(text.casefold(), self._phrase_index))
        return found + kinds + self._localities_beside_a_site(text, html=html)

    @cached_property
    def _phrase_index(self) -> "_PhraseIndex":
        return _PhraseIndex.of(self.phrases)

    @cached_property
    def _locality_index(self) -> "_PhraseIndex":
        return _PhraseIndex.of(self.localities)

    def _localities_beside_a_site(self, text: str, *, html: bool) -> list[str]:
        if not self.localities or not _SITE_LABEL.search(text):
            return []
        rows = re.split(r"</tr>|</p>|</li>|</figcaption>", text) if html else text.splitlines()
        kinds: set[str] = set()
        for row in rows:
            if not _SITE_LABEL.search(row):
                continue
            # the label's own local authority ("... (Bolton)") is not a locality
            lowered = _SITE_LABEL_WHOLE.sub(" ", row).casefold()
            kinds |= _phrases_in(lowered, self._locality_index)
        return sorted(kinds)


#: A run of letters and digits (what ``str.isalnum`` calls alphanumeric, as ``_whole`` does).
_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _PhraseIndex:
    """Phrases (text -> kind) by a key: two of their runs of letters and digits that stand
    next to each other (the one run of a phrase of one).

    A phrase that occurs as a whole (``_whole``) in a text has each of its runs as a whole
    run of the text (a run ends at the phrase's own punctuation or spaces, or at its ends,
    where ``_whole`` wants no letter or digit beside it), and two runs next to each other
    in the phrase are next to each other in the text. So only the phrases keyed by one of
    the text's runs or pairs of runs need looking for: a few per file, not every free text
    and address in the history. Phrases without a run are always looked for."""

    by_key: Mapping[tuple[str, ...], tuple[tuple[str, str], ...]]
    others: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, phrases: Mapping[str, str]) -> "_PhraseIndex":
        by_key: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        others = []
        findall = _RUN.findall
        for phrase, kind in phrases.items():
            runs = findall(phrase)
            if len(runs) > 1:  # the pair in the middle: a sentence's or an address's first words are often alike
                middle = len(runs) // 2
                by_key.setdefault((runs[middle - 1], runs[middle]), []).append((phrase, kind))
            elif runs:
                by_key.setdefault((runs[0],), []).append((phrase, kind))
            else:
                others.append((phrase, kind))
        return cls({k: tuple(v) for k, v in by_key.items()}, tuple(others))


def _keys(runs: list[str]) -> set[tuple[str, ...]]:
    """Each run, and each pair of runs next to each other."""
    return set(zip(runs, runs[1:])) | {(run,) for run in runs}


def _phrases_in(lowered: str, index: _PhraseIndex) -> set[str]:
    """The kinds of the phrases of ``index`` that occur whole in ``lowered`` (casefolded)."""
    keys = _keys(_RUN.findall(lowered)) & index.by_key.keys()
    candidates = [pk for key in keys for pk in index.by_key[key]] + list(index.others)
    return {kind for phrase, kind in candidates if phrase in lowered and _whole(phrase, lowered)}


def _whole(phrase: str, text: str) -> bool:
    """``phrase`` occurs in ``text`` not as part of a longer word or number
    ("home 1" is not in "home 12")."""
    start = text.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not (before.isalnum() and phrase[0].isalnum()) and not (after.isalnum() and phrase[-1].isalnum()):
            return True
        start = text.find(phrase, start + 1)
    return False


#: An address with a number or a street part locates someone.
_LOCATES = re.compile(r"[0-9,]")


def sensitive_values_from(
    *,
    person_ids: Iterable[str] = (),
    dates_of_birth: Iterable[object] = (),
    home_names: Iterable[str] = (),
    addresses: Iterable[str] = (),
    free_text: Iterable[str] = (),
    home_wards: Iterable[str] = (),
    home_places: Iterable[str] = (),
    home_sectors: Iterable[str] = (),
) -> SensitiveValues:
    """Build the check from raw values; short or purely numeric references are skipped
    (they would match ordinary counts), as are phrases under 8 characters and addresses
    that are only a place name."""
    # (one Python step per value: a force's history holds hundreds of thousands)
    refs = set()
    for p in person_ids:
        if p:
            ref = p if type(p) is str else str(p)
            if len(ref) >= 7 or not ref.isdigit():
                refs.add(ref)
    dobs = set()
    for d in set(dates_of_birth):  # each date once (a person's is read once per episode)
        if d is None or (isinstance(d, float) and np.isnan(d)) or d is pd.NaT:
            continue
        ts = d if isinstance(d, date) else pd.Timestamp(d)
        dobs |= {ts.strftime("%Y-%m-%d"), ts.strftime("%d/%m/%Y")}
    phrases: dict[str, str] = {}
    for kind, items in (
        ("free text", free_text),
        # an address that is only a place name ("Birmingham") locates no one; one with a
        # number or a street part ("12 Oak Lane", "Oak Lane, Bolton") does
        ("an address", (a for a in addresses if isinstance(a, str) and _LOCATES.search(a))),
        ("a children's home name", home_names),
    ):
        for item in items:
            if isinstance(item, str):
                text = item.strip()
                if len(text) >= 8:
                    phrases[text.casefold()] = kind
    localities: dict[str, str] = {}
    for kind, items in (
        ("the ward of a children's home", home_wards),
        ("the place of a children's home", home_places),
        ("the postcode sector of a children's home", home_sectors),
    ):
        for item in items:
            if isinstance(item, str) and item.strip():
                localities[item.strip().casefold()] = kind
    return SensitiveValues(frozenset(refs), frozenset(dobs), phrases, localities)


def _found_in(path: Path, values: SensitiveValues) -> list[str]:
    """The kinds of sensitive value in a text output (none for a binary such as a PDF)."""
    if path.suffix.lower() not in (".html", ".csv", ".json", ".txt", ".eml"):
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    is_html = path.suffix.lower() in (".html", ".eml")
    if is_html:
        text = html.unescape(text)
    return values.find(text, html=is_html)


def check_files(paths: Iterable[Path], values: SensitiveValues, audience: Audience) -> None:
    """Stop before a non-police output leaves with a sensitive value in it."""
    if audience == "police":
        return
    for path in paths:
        kinds = _found_in(path, values)
        if kinds:
            raise CheckFailed(
                f"{path}: contains {', '.join(kinds)} from the input; not written for the {audience} audience"
            )


def check_person_refs(paths: Iterable[Path], values: SensitiveValues) -> None:
    """Stop before a main document of any audience, police included, leaves with a person's
    reference in it: only the police annex names people (issue 10)."""
    refs = SensitiveValues(person_refs=values.person_refs)
    for path in paths:
        if _found_in(path, refs):
            raise CheckFailed(f"{path}: contains a person reference from the input; a main document names "
                              "no one (the police annex lists people)")
