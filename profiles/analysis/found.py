"""Where people are found: distance and direction from where they went missing, the
places they are found, and the force's own found-distance rings for search planning.

Only episodes with both points geocoded at least as precisely as
``settings.sites.found_max_precision_m`` count (a postcode-district centroid says
little about a distance). Distances are straight lines on the British National Grid.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from profiles.analysis.clusters import site_labels
from profiles.analysis.places_common import area_names, require_tables
from profiles.config import Settings
from profiles.db import query_df
from profiles.disclosure import check_audience
from profiles.periods import Period

#: Search-planning categories (not exclusive: a looked-after 15-year-old is in two).
RING_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("all", "Everyone found"),
    ("child_12_17", "Children aged 12-17"),
    ("adult", "Adults (18 and over)"),
    ("dementia", "Dementia"),
    ("mental_health", "Mental health"),
    ("looked_after", "Looked-after children"),
)
RING_SHARES: tuple[float, ...] = (0.25, 0.50, 0.75, 0.95)
DIRECTIONS: tuple[str, ...] = ("N", "NE", "E", "SE", "S", "SW", "W", "NW", "same_location")


def _params(settings: Settings, period: Period) -> dict:
    return {**period.params(), "max_precision_m": float(settings.sites.found_max_precision_m)}


def found_journeys(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """One row per found episode reported in ``period`` with both points located (police detail).

    Columns: incident_id, person_key, reported_at, found_at, age_at_report, from_easting,
    from_northing, from_site_id, found_easting, found_northing, found_site_id, distance_m,
    child_12_17, adult, dementia, mental_health, looked_after (booleans), bearing_deg
    (clockwise from grid north; empty when under 1 m apart), direction (N, NE, ... NW or
    same_location).
    """
    require_tables(con, "episodes", "episode_locations")
    return query_df(con, "reports/places_found_journeys.sql", _params(settings, period))


def distance_rings(journeys: pd.DataFrame, shares: tuple[float, ...] = RING_SHARES) -> pd.DataFrame:
    """The distance within which each share of each category was found.

    ``p50_m`` is the smallest distance d such that at least 50% of the category were
    found within d of where they went missing (the empirical quantile that inverts the
    distribution: ``numpy.quantile(..., method="inverted_cdf")``, DuckDB ``quantile_disc``).
    Columns: category, label, found (episodes), then one ``p<share>_m`` per share (metres,
    rounded; empty when the category has no episodes).
    """
    rows = []
    for category, label in RING_CATEGORIES:
        distances = journeys["distance_m"] if category == "all" else journeys.loc[journeys[category], "distance_m"]
        values = distances.dropna().to_numpy(dtype=float)
        row = {"category": category, "label": label, "found": int(values.size)}
        for share in shares:
            key = f"p{round(share * 100)}_m"
            row[key] = round(float(np.quantile(values, share, method="inverted_cdf"))) if values.size else None
        rows.append(row)
    return pd.DataFrame(rows)


def found_distance_rings(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """``distance_rings`` of the episodes reported in ``period`` (see there for columns)."""
    return distance_rings(found_journeys(con, settings, period))


def found_directions(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Direction of the found point from the go-missing point, 8 compass points plus
    'same_location': columns direction, found, share (of the journeys), median_distance_m."""
    return directions(found_journeys(con, settings, period))


def directions(journeys: pd.DataFrame) -> pd.DataFrame:
    """``found_directions`` of journeys already read (``found_journeys``)."""
    grouped = journeys.groupby("direction")["distance_m"]
    out = pd.DataFrame({"direction": list(DIRECTIONS)})
    out["found"] = out["direction"].map(grouped.size()).fillna(0).astype(int)
    total = int(out["found"].sum())
    out["share"] = (out["found"] / total).round(4) if total else 0.0
    out["median_distance_m"] = out["direction"].map(grouped.median()).round()
    return out


def top_found_places(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    period: Period,
    *,
    limit: int | None = 10,
    audience: str = "police",
) -> pd.DataFrame:
    """The places people were found most often in ``period``.

    A found point is placed at the go-missing location itself (found under 1 m from
    it: most often they came back), else at the site it matched, else in its ward.
    Columns: place_kind ('go_missing_location' | 'site' | 'ward'), place_code (site_id
    or ward code; empty for sensitive sites outside the police audience), place_name,
    incidents, individuals, share_of_found (of every found episode with a located found
    point), median_distance_m (from where they went missing). Most incidents first.
    """
    audience = check_audience(audience)
    require_tables(con, "episodes", "episode_locations", "sites")
    places = query_df(con, "reports/places_found_places.sql", _params(settings, period))
    if limit:
        places = places.head(limit)
    labels, sensitive = site_labels(con, audience)
    wards = area_names(con, "ward")
    names = []
    for kind, code in zip(places["place_kind"], places["place_code"]):
        if kind == "go_missing_location":
            names.append("Where they went missing from")
        elif kind == "site":
            names.append(labels.get(code, code))
        else:
            names.append(wards.get(code, code))
    places.insert(2, "place_name", names)
    if audience != "police":
        hide = (places["place_kind"] == "site") & places["place_code"].map(lambda c: sensitive.get(c, True))
        places["place_code"] = places["place_code"].astype("object").where(~hide, None)
    return places.reset_index(drop=True)
