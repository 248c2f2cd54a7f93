"""Disclosure control for partner and public outputs.

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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from profiles.canonical import COLUMNS
from profiles.config import Settings
from profiles.errors import CheckFailed
from profiles.reports.objects import Audience, Table

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


def suppression_mask(
    values: np.ndarray,
    *,
    threshold: int,
    additive_rows: bool = False,
    additive_columns: bool = True,
    row_cols: Iterable[int] | None = None,
    margins: Iterable[tuple[int, int]] = (),
) -> tuple[np.ndarray, int]:
    """Withheld cells of a 2-D array of counts (NaN = no value), and the primary count.

    ``row_cols`` are the column indices that form an additive row (default all);
    ``margins`` are the cells that are totals of their line (a total row or column);
    secondary suppression prefers inner cells to margins and non-zero cells to zeros.
    """
    vals = np.asarray(values, dtype=float)
    present = ~np.isnan(vals)
    mask = present & (vals > 0) & (vals < threshold)
    primary = int(mask.sum())
    margin_set = set(margins)
    lines = _lines(*vals.shape, additive_rows, additive_columns, row_cols)
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = [rc for rc in line if present[rc]]
            if sum(mask[rc] for rc in cells) != 1:
                continue
            candidates = [rc for rc in cells if not mask[rc]]
            if not candidates:
                continue
            # smallest non-zero inner cell, then a non-zero margin, then a zero
            best = min(candidates, key=lambda rc: (vals[rc] == 0, rc in margin_set, vals[rc], rc))
            mask[best] = True
            changed = True
    return mask, primary


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
        row_cols=row_cols, margins=margins,
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


def disclose_table(table: Table, audience: Audience, settings: Settings) -> Table:
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


# ---- a last check on what is written -----------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]*[A-Za-z0-9]")


@dataclass(frozen=True)
class SensitiveValues:
    """Values from the input that no partner or public file may contain."""

    person_refs: frozenset[str] = frozenset()
    dates_of_birth: frozenset[str] = frozenset()
    phrases: Mapping[str, str] = field(default_factory=dict)  # text -> what it is (never printed)

    def find(self, text: str) -> list[str]:
        """What kinds of sensitive value ``text`` contains (never the values themselves)."""
        found = []
        tokens = set(_TOKEN.findall(text))
        if tokens & self.person_refs:
            found.append("a person reference")
        if tokens & self.dates_of_birth:
            found.append("a date of birth")
        lowered = text.casefold()
        kinds = sorted({kind for phrase, kind in self.phrases.items() if phrase in lowered and _whole(phrase, lowered)})
        return found + kinds


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


def sensitive_values_from(
    *,
    person_ids: Iterable[str] = (),
    dates_of_birth: Iterable[object] = (),
    home_names: Iterable[str] = (),
    addresses: Iterable[str] = (),
    free_text: Iterable[str] = (),
) -> SensitiveValues:
    """Build the check from raw values; short or purely numeric references are skipped
    (they would match ordinary counts), as are phrases under 8 characters and addresses
    that are only a place name."""
    refs = {str(p) for p in person_ids if p and (len(str(p)) >= 7 or not str(p).isdigit())}
    dobs = set()
    for d in dates_of_birth:
        if d is None or (isinstance(d, float) and np.isnan(d)) or d is pd.NaT:
            continue
        ts = pd.Timestamp(d)
        dobs |= {ts.strftime("%Y-%m-%d"), ts.strftime("%d/%m/%Y")}
    phrases: dict[str, str] = {}
    for kind, items in (
        ("free text", free_text),
        # an address that is only a place name ("Birmingham") locates no one; one with a
        # number or a street part ("12 Oak Lane", "Oak Lane, Bolton") does
        ("an address", (a for a in addresses if isinstance(a, str) and re.search(r"[0-9,]", a))),
        ("a children's home name", home_names),
    ):
        for item in items:
            if isinstance(item, str) and len(item.strip()) >= 8:
                phrases[item.strip().casefold()] = kind
    return SensitiveValues(frozenset(refs), frozenset(dobs), phrases)


def check_files(paths: Iterable[Path], values: SensitiveValues, audience: Audience) -> None:
    """Stop before a non-police output leaves with a sensitive value in it."""
    if audience == "police":
        return
    for path in paths:
        if path.suffix.lower() not in (".html", ".csv", ".json", ".txt", ".eml"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix.lower() in (".html", ".eml"):
            text = html.unescape(text)
        kinds = values.find(text)
        if kinds:
            raise CheckFailed(
                f"{path}: contains {', '.join(kinds)} from the input; not written for the {audience} audience"
            )
