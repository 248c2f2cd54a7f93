"""The field's categories as Python sees them, read from their one home.

Every category rule (child under 18, the risk order, the age, duration and open bands, the
flag order, placement types, care settings) is written once, as a macro in
``sql/macros/categories.sql``. This module asks those macros for their lists, so Python code
that needs a display order or a code list never writes one of its own;
``tests/test_categories.py`` holds each list equal to what the classifying macro returns.
The lists are asked of DuckDB once per text of the macro file and cached (``_cache_file``),
so that a command that only refuses its input starts without DuckDB.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

_MACROS = Path(__file__).resolve().parent.parent / "sql" / "macros" / "categories.sql"
_NAMES = ("age_bands", "duration_bands", "open_bands", "risk_order", "flag_order",
          "placement_types", "care_settings", "child_adult_groups", "placed_by", "rhi_themes")


def _from_macros(sql: str) -> dict[str, tuple[str, ...]]:
    import duckdb  # only when the cache below misses: a refused command never waits for DuckDB

    con = duckdb.connect(":memory:")
    try:
        con.execute(sql)
        row = con.execute(
            "select age_bands(), duration_bands(), open_bands(), risk_order(), flag_order(), "
            "placement_types(), care_settings(), child_adult_groups(), placed_by_codes(), rhi_theme_codes()"
        ).fetchone()
    finally:
        con.close()
    return {name: tuple(values) for name, values in zip(_NAMES, row)}


def _cache_file(sql: str) -> Path:
    """Where the lists of this exact text of categories.sql are kept (a cache, never a home:
    its name carries the SQL's hash, so an edited macro file is asked again)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "misper" / f"categories-{hashlib.sha256(sql.encode()).hexdigest()[:16]}.json"


@lru_cache(maxsize=1)
def _lists() -> dict[str, tuple[str, ...]]:
    sql = _MACROS.read_text(encoding="utf-8")
    cache = _cache_file(sql)
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if sorted(cached) == sorted(_NAMES):
            return {name: tuple(cached[name]) for name in _NAMES}
    except (OSError, ValueError):
        pass
    lists = _from_macros(sql)
    # best effort, written whole or not at all (not profiles.files: it would import pandas here)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=cache.parent, delete=False, suffix=".tmp") as fh:
            json.dump({k: list(v) for k, v in lists.items()}, fh)
        os.replace(fh.name, cache)
    except OSError:
        pass
    return lists


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
