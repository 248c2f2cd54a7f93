"""Helpers shared by the places, demand and data-quality measures.

- ``require_tables``: a clear message when a table the measure reads is missing
  (for example no geocoding has run yet).
- ``site_display``: what a site may be called for an audience. Children's homes (and
  any site marked ``sensitive``) keep their name only for the police audience; partner
  and public outputs call them "Children's home A (Bolton)" and carry no site
  reference, postcode or coordinates.
- ``area_names``: local authority / ward names from the imported boundaries.
- ``suppress_counts``: small-number suppression for partner and public tables.
- ``attribution_lines``: the OS/ONS/CQC attribution of the reference data in use.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd

from profiles.config import Audience, Settings
from profiles.db import query_df
from profiles.errors import InvalidValue, MisperError
from profiles.periods import Month, Period

AUDIENCES: tuple[str, ...] = ("police", "partner", "public")


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


def check_audience(audience: str) -> Audience:
    if audience not in AUDIENCES:
        raise InvalidValue("audience", f"expected one of {', '.join(AUDIENCES)}, got '{audience}'")
    return audience  # type: ignore[return-value]


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


def site_display(
    frame: pd.DataFrame,
    audience: str,
    lad_names: dict[str, str] | None = None,
    *,
    blank_columns: Sequence[str] = ("site_ref", "postcode", "easting", "northing"),
    blank_for_sensitive: Sequence[str] = ("site_id",),
) -> pd.DataFrame:
    """The sites in ``frame`` as ``audience`` may see them (police: unchanged).

    ``frame`` needs ``site_id``, ``name``, ``type``, ``lad_code`` and ``sensitive`` and is
    taken in display order. For partner and public audiences the report's own labeller
    (``profiles.reports.disclosure.SiteLabeller``) names each sensitive site "Children's
    home A (Bolton)" (letters in order of first appearance, one sequence per type);
    ``blank_columns`` are emptied on every row (positions and references stay police-only)
    and ``blank_for_sensitive`` on sensitive rows. Other sites (e.g. CQC-registered adult
    care homes, a public register) keep their name.
    """
    from profiles.reports.disclosure import SiteLabeller

    audience = check_audience(audience)
    out = frame.copy()
    if audience == "police" or out.empty:
        return out
    labeller = SiteLabeller(audience, lad_names or {})  # type: ignore[arg-type]
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


def suppress_counts(
    frame: pd.DataFrame,
    columns: Iterable[str],
    settings: Settings,
    *,
    derived: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Small-number suppression as in every partner/public table of the reports.

    Counts below ``settings.disclosure.suppression_threshold`` (zero is shown) become
    ``settings.disclosure.suppression_marker``, with secondary suppression down each
    column so its total cannot give a withheld cell away
    (``profiles.reports.disclosure.suppress_frame``). ``derived`` maps a column that would
    reveal a count (a cost = count x unit cost) to that count column: it is withheld with it.
    """
    from profiles.reports.disclosure import suppress_frame

    d = settings.disclosure
    return suppress_frame(
        frame, list(columns), threshold=d.suppression_threshold, marker=d.suppression_marker, derived=derived
    ).frame


def attribution_lines(con: duckdb.DuckDBPyConnection, kinds: Iterable[str] | None = None) -> list[str]:
    """The attribution texts of the reference data in use (``profiles.geo.attribution``);
    empty when no reference data was imported."""
    if not table_exists(con, "ref_sources"):
        return []
    from profiles.geo.attribution import attribution_lines as geo_attribution_lines

    return geo_attribution_lines(con, list(kinds) if kinds is not None else None)
