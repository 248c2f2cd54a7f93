"""The field's categories as Python sees them, read from their one home.

Every category rule (child under 18, the risk order, the age, duration and open bands, the
flag order, placement types, care settings) is written once, as a macro in
``sql/macros/categories.sql``. This module asks those macros for their lists, so Python code
that needs a display order or a code list never writes one of its own;
``tests/test_categories.py`` holds each list equal to what the classifying macro returns.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb

_MACROS = Path(__file__).resolve().parent.parent / "sql" / "macros" / "categories.sql"


@lru_cache(maxsize=1)
def _lists() -> dict[str, tuple[str, ...]]:
    con = duckdb.connect(":memory:")
    try:
        con.execute(_MACROS.read_text(encoding="utf-8"))
        row = con.execute(
            "select age_bands(), duration_bands(), open_bands(), risk_order(), flag_order(), "
            "placement_types(), care_settings(), child_adult_groups(), placed_by_codes(), rhi_theme_codes()"
        ).fetchone()
    finally:
        con.close()
    names = ("age_bands", "duration_bands", "open_bands", "risk_order", "flag_order",
             "placement_types", "care_settings", "child_adult_groups", "placed_by", "rhi_themes")
    return {name: tuple(values) for name, values in zip(names, row)}


#: Age bands at the report, youngest first, then ``unknown`` (macro ``age_band``).
AGE_BANDS: tuple[str, ...] = _lists()["age_bands"]
#: Published duration bands, then ``still_missing`` (macro ``duration_band``).
DURATION_BANDS: tuple[str, ...] = _lists()["duration_bands"]
#: Time open at a moment (macro ``open_band``).
OPEN_BANDS: tuple[str, ...] = _lists()["open_bands"]
#: Risk grades, least serious first (macro ``risk_order``).
RISK_ORDER: tuple[str, ...] = _lists()["risk_order"]
#: Risk grades, most serious first: the display order of every risk table.
RISK_CODES: tuple[str, ...] = tuple(reversed(RISK_ORDER))
#: Vulnerability flag codes in canonical order (macro ``flag_codes``).
FLAG_CODES: tuple[str, ...] = _lists()["flag_order"]
#: Looked-after placement types (macro ``placement_type``).
PLACEMENT_TYPES: tuple[str, ...] = _lists()["placement_types"]
#: Missing-from types that are care settings (UKMPU table T10, macro ``care_setting``).
CARE_SETTING_TYPES: tuple[str, ...] = _lists()["care_settings"]
#: Who placed a looked-after child: in_area, out_of_area, not_recorded (placements report).
PLACED_BY: tuple[str, ...] = _lists()["placed_by"]
#: Return home interview theme codes (canonical column ``rhi_themes``).
RHI_THEMES: tuple[str, ...] = _lists()["rhi_themes"]
#: Child / adult groups (macro ``child_adult``), ``unknown`` when the age is not recorded.
CHILD_ADULT: tuple[str, ...] = _lists()["child_adult_groups"]
