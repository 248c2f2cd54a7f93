"""What every section builder needs: the measures, the audience and how it may see them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from profiles.config import Settings
from profiles.disclosure import Audience, SiteLabeller, disclose_table, withheld_for
from profiles.reports.objects import Table
from profiles.reports.profile_data import ProfileData


@dataclass
class Context:
    data: ProfileData
    audience: Audience
    run_date: date
    labeller: SiteLabeller = field(init=False)

    def __post_init__(self) -> None:
        self.labeller = SiteLabeller(self.audience, self.data.lad_names)
        reg = self.data.site_register
        self._sites = {r.site_id: r for r in reg.itertuples(index=False)}

    @property
    def settings(self) -> Settings:
        return self.data.settings

    @property
    def police(self) -> bool:
        return self.audience == "police"

    @property
    def threshold(self) -> int:
        return self.settings.disclosure.suppression_threshold

    def n(self, value: float | int | None) -> str:
        """A count for running text: 'fewer than 5' when small outside the police."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "no"
        v = int(round(value))
        if self.small(v):
            return f"fewer than {self.threshold}"
        return f"{v:,}"

    def small(self, value: float | int | None) -> bool:
        return withheld_for(self.audience, value, self.settings)

    def site(self, site_id: object) -> str:
        """A site's name as this audience may see it."""
        if site_id is None or (isinstance(site_id, float) and math.isnan(site_id)):
            return "Not matched to a site"
        row = self._sites.get(site_id)
        if row is None:
            return f"Site {site_id}"
        candidate = row.status != "register"
        return self.labeller.label(site_id, name=row.name, type="candidate" if candidate else row.type,
                                   lad_code=row.lad_code, sensitive=bool(row.sensitive) or candidate)

    def sensitive_site(self, site_id: object) -> bool:
        """A children's home (or other sensitive or unregistered site): its locality is never shown."""
        row = self._sites.get(site_id) if isinstance(site_id, str) else None
        return isinstance(site_id, str) and (row is None or bool(row.sensitive) or row.status != "register")

    def la(self, code: object) -> str:
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return "Not recorded"
        return self.data.lad_names.get(str(code), str(code))

    def table(self, table: Table) -> Table:
        return disclose_table(table, self.audience, self.settings)


def numbers(values: pd.Series) -> list[float]:
    """Chart values from a (possibly withheld) column: withheld or empty -> 0."""
    return [float(v) if isinstance(v, (int, float, np.integer, np.floating)) and not pd.isna(v) else 0.0 for v in values]


def withheld_note(table: Table) -> tuple[str, ...]:
    if table.suppressed is not None and table.suppressed.to_numpy().any():
        return ("Withheld values are drawn as zero.",)
    return ()


def plural(n: float | None, word: str) -> str:
    return word if n == 1 else word + "s"


def shown(tables: dict[str, Table], table_id: str, key_col: str, key: object, col: str) -> float | None:
    """A number as the audience's table shows it; None when withheld or absent.

    Findings quote tables, never the raw measures, so a sentence cannot give away a
    cell that a table withholds.
    """
    table = tables.get(table_id)
    if table is None or col not in table.data.columns:
        return None
    rows = table.data[table.data[key_col] == key]
    if rows.empty:
        return None
    value = rows[col].iloc[0]
    if isinstance(value, str) or value is None or pd.isna(value):
        return None
    return float(value)
