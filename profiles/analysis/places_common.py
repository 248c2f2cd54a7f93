"""Helpers shared by the places, demand and data-quality measures.

(What a site may be called and which counts are withheld for an audience are
disclosure rules: ``profiles.disclosure``.)

- ``require_tables``: a clear message when a table the measure reads is missing
  (for example no geocoding has run yet).
- ``area_names``: local authority / ward names from the imported boundaries.
- ``attribution_lines``: the OS/ONS/CQC attribution of the reference data in use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

from profiles.db import query_df
from profiles.errors import MisperError
from profiles.periods import Month, Period


class MissingDataError(MisperError):
    """A table the analysis reads is absent: say which and what fills it."""


_FILLED_BY = {
    "episodes": "misper ingest",
    "episode_locations": "misper geocode (the geocoding step)",
    "sites": "misper reference import (the sites register)",
}


def tables_present(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> set[str]:
    """Which of ``names`` exist as tables on ``con``."""
    return set(query_df(con, "reports/places_tables_present.sql", {"names": list(names)})["table_name"])


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return name in tables_present(con, [name])


def require_tables(con: duckdb.DuckDBPyConnection, *names: str) -> None:
    """Raise ``MissingDataError`` naming the first table that does not exist."""
    present = tables_present(con, names)
    for name in names:
        if name not in present:
            hint = _FILLED_BY.get(name, "the step that creates it")
            raise MissingDataError(f"The database has no table '{name}': run {hint} first.")


def trailing_window(period: Month, months: int) -> Period:
    """The ``months`` whole months ending with ``period`` (at least 1)."""
    return period.trailing(months)


def area_names(con: duckdb.DuckDBPyConnection, level: str) -> dict[str, str]:
    """``{code: name}`` for a boundary level (``lad``, ``ward``, ``lsoa``) from the reference import.

    Empty when no boundaries were imported; callers then show the code itself.
    """
    if not table_exists(con, "ref_boundaries"):
        return {}
    rows = query_df(con, "reports/places_area_names.sql", {"level": level})
    return dict(zip(rows["code"], rows["name"]))


def attribution_lines(con: duckdb.DuckDBPyConnection, kinds: Iterable[str] | None = None) -> list[str]:
    """The attribution texts of the reference data in use (``profiles.geo.attribution``);
    empty when no reference data was imported."""
    if not table_exists(con, "ref_sources"):
        return []
    from profiles.geo.attribution import attribution_lines as geo_attribution_lines

    return geo_attribution_lines(con, list(kinds) if kinds is not None else None)
