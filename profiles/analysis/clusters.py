"""Spatial clusters of go-missing points and, separately, of found points (DBSCAN).

Demand that no register names shows up as a cluster: a block of flats, a hostel, a
station, a park where people are found. DBSCAN (Ester et al. 1996) groups points on the
British National Grid: a point with at least ``settings.sites.cluster_min_points``
points (itself included) within ``settings.sites.cluster_radius_m`` metres is a core
point; a cluster is the core points that reach one another plus the points within
the radius of them; everything else is noise. Points geocoded less precisely than
``settings.sites.cluster_max_precision_m`` (centroids of partial postcodes or place
names) are left out, or they would make clusters of their own on the centroid.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from profiles.analysis.places_common import area_names, require_tables, table_exists
from profiles.config import Settings
from profiles.disclosure import check_audience, only_local_authority, site_display
from profiles.db import query_df, query_long_df
from profiles.errors import InvalidValue
from profiles.periods import Period

ROLES = ("missing_from", "found")

CLUSTER_COLUMNS: tuple[str, ...] = (
    "role",
    "cluster_id",
    "incidents",
    "individuals",
    "centre_easting",
    "centre_northing",
    "extent_m",
    "lad_code",
    "lad_name",
    "ward_code",
    "ward_name",
    "share_at_known_sites",
    "main_site_id",
    "main_site",
    "main_site_share",
    "nearest_sites",
    "nearest_place",
    "nearest_place_m",
)

#: Partner and public outputs give cluster centres to the nearest kilometre only.
COARSE_GRID_M = 1000.0


@dataclass(frozen=True)
class Clusters:
    """``summary``: one row per cluster (``CLUSTER_COLUMNS``), largest first.
    ``points``: the points clustered, with ``cluster_id`` (0 = noise); police audience only."""

    role: str
    summary: pd.DataFrame
    points: pd.DataFrame


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidValue("role", f"expected one of {', '.join(ROLES)}, got '{role}'")
    return role


def located_points(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Period, *, role: str, max_precision_m: float | None = None
) -> pd.DataFrame:
    """Episodes reported in ``period`` with a located point in ``role`` (sql/reports/places_points.sql).

    Columns: incident_id, person_key, reported_at, easting, northing, method, precision_m,
    site_id, force_area, lad_code, ward_code, lsoa_code, outside_force.
    """
    require_tables(con, "episodes", "episode_locations")
    params = {
        "role": check_role(role),
        **period.params(),
        "max_precision_m": float(max_precision_m if max_precision_m is not None else settings.sites.cluster_max_precision_m),
    }
    return query_long_df(con, "reports/places_points.sql", params)


def dbscan_labels(easting: np.ndarray, northing: np.ndarray, *, radius_m: float, min_points: int) -> np.ndarray:
    """Cluster numbers 1..k (1 = most points) for each point, 0 for noise.

    Identical coordinates (many reports geocoded to one home) are clustered once with
    their count as weight, which gives the same answer as DBSCAN over every point.
    """
    if len(easting) == 0:
        return np.zeros(0, dtype=int)
    x, y = np.asarray(easting, float), np.asarray(northing, float)
    # the distinct points in (easting, northing) order, as np.unique(axis=0) gives them, by
    # one lexsort (np.unique over rows sorts structured values: several times slower)
    by_position = np.lexsort((y, x))
    xs, ys = x[by_position], y[by_position]
    first = np.r_[True, (xs[1:] != xs[:-1]) | (ys[1:] != ys[:-1])]
    group = np.cumsum(first) - 1
    unique = np.column_stack([xs[first], ys[first]])
    inverse = np.empty(len(x), dtype=np.int64)
    inverse[by_position] = group
    raw = _weighted_dbscan(unique, np.bincount(group), radius_m=radius_m, min_points=min_points)[inverse]
    found, sizes = np.unique(raw[raw >= 0], return_counts=True)
    # largest first; ties broken by the order DBSCAN found them (deterministic input order)
    order = found[np.lexsort((found, -sizes))]
    renumber = np.zeros(int(raw.max()) + 2, dtype=int)  # DBSCAN's label + 1 -> cluster number (noise -1 -> 0)
    renumber[order + 1] = np.arange(1, len(order) + 1)
    return renumber[raw + 1]


def _weighted_dbscan(points: np.ndarray, weights: np.ndarray, *, radius_m: float, min_points: int) -> np.ndarray:
    """DBSCAN labels 0..k-1 of ``points`` (noise -1), each point counting ``weights`` times:
    the labels scikit-learn's ``DBSCAN(eps=radius_m, min_samples=min_points).fit(points,
    sample_weight=weights)`` gives, from every pair within the radius at once (a KD-tree)
    instead of a Python step per point (a second per 40,000 distinct points).

    As scikit-learn numbers them: a cluster is the core points that reach one another, and
    clusters are numbered in the order of their first core point; a border point (within the
    radius of a core point, not itself core) joins the first-numbered cluster it touches.
    """
    n = len(points)
    pairs = cKDTree(points).query_pairs(radius_m, output_type="ndarray")
    i, j = (pairs[:, 0], pairs[:, 1]) if len(pairs) else (np.zeros(0, int), np.zeros(0, int))
    # the weight within the radius, the point itself included
    reach = weights + np.bincount(i, weights[j], minlength=n) + np.bincount(j, weights[i], minlength=n)
    core = reach >= min_points
    both = core[i] & core[j]
    graph = coo_matrix((np.ones(int(both.sum()), dtype=np.int8), (i[both], j[both])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    labels = np.full(n, -1, dtype=np.int64)
    if not core.any():
        return labels
    # number the components of core points by their first point
    firsts = np.full(n, n, dtype=np.int64)
    core_at = np.flatnonzero(core)
    np.minimum.at(firsts, component[core_at], core_at)
    ranked = np.flatnonzero(firsts < n)
    number = np.full(n, -1, dtype=np.int64)
    number[ranked[np.argsort(firsts[ranked], kind="stable")]] = np.arange(len(ranked))
    labels[core_at] = number[component[core_at]]
    # border points: the lowest number among the core points in reach
    border = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    for a, b in ((i, j), (j, i)):
        touch = core[b] & ~core[a]
        np.minimum.at(border, a[touch], labels[b[touch]])
    reached = ~core & (border < np.iinfo(np.int64).max)
    labels[reached] = border[reached]
    return labels


def site_labels(con: duckdb.DuckDBPyConnection, audience: str) -> tuple[dict[str, str], dict[str, bool]]:
    """``({site_id: name as the audience may see it}, {site_id: sensitive})`` for every site.

    Candidate sites (repeated locations matching no register entry, possibly a private
    address) count as sensitive: partner and public outputs call them "Unregistered
    location". One labeller serves the whole table, so a home keeps one letter throughout.
    """
    sites = query_df(con, "reports/places_site_positions.sql")
    candidate = sites["status"] != "register"
    sites["sensitive"] = sites["sensitive"].fillna(True).astype(bool) | candidate
    shown = site_display(sites, audience, area_names(con, "lad"), blank_columns=())
    names = shown["name"].where(~(candidate & (audience != "police")), "Unregistered location")
    names = names.where(names.notna(), "Site " + sites["site_id"].astype(str))
    return dict(zip(sites["site_id"], names)), dict(zip(sites["site_id"], sites["sensitive"]))


def _modes(members: pd.DataFrame, column: str) -> dict[int, object]:
    """The most common non-empty value of ``column`` in each cluster (ties: the smallest)."""
    # counted over codes numbered in the values' order (a tie goes to the smallest code, so
    # to the smallest value): grouping numbers, not text, is several times faster
    codes, values = pd.factorize(members[column], sort=True)
    known = codes >= 0
    counts = (pd.DataFrame({"cluster_id": members["cluster_id"].to_numpy()[known], "code": codes[known]})
              .groupby(["cluster_id", "code"]).size().rename("n").reset_index())
    counts = counts.sort_values(["cluster_id", "n", "code"], ascending=[True, False, True])
    first = counts.drop_duplicates("cluster_id")
    return dict(zip(first["cluster_id"], values.take(first["code"].to_numpy())))


def _gazetteer(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    if not table_exists(con, "ref_places"):
        return pd.DataFrame(columns=["name", "easting", "northing"])
    return query_df(con, "reports/places_gazetteer.sql")


def location_clusters(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Period, *, role: str = "missing_from",
    audience: str = "police",
) -> Clusters:
    """DBSCAN clusters of the ``role`` points of episodes reported in ``period``.

    Summary columns: role; cluster_id (1 = largest); incidents (points in the cluster);
    individuals (distinct persons); centre_easting/northing (mean position, BNG metres;
    nearest kilometre for partner and public); extent_m (farthest point from the centre);
    lad_code/lad_name, ward_code/ward_name (the most common among the points);
    share_at_known_sites (share of the points the geocoder matched to a site);
    main_site_id/main_site/main_site_share (the site most points matched, if any);
    nearest_sites (up to three register sites within ``settings.sites.cluster_site_search_m``
    of the centre, "name (distance m)"); nearest_place/nearest_place_m (the nearest
    gazetteer place). Sensitive sites are named for the police audience only; partner and
    public summaries give no distances (with known places they would fix a home's position).
    """
    audience = check_audience(audience)
    cfg = settings.sites
    points = located_points(con, settings, period, role=role)
    points["cluster_id"] = dbscan_labels(
        points["easting"].to_numpy(), points["northing"].to_numpy(),
        radius_m=cfg.cluster_radius_m, min_points=cfg.cluster_min_points,
    )
    members = points[points["cluster_id"] > 0]
    if members.empty:
        return Clusters(role, pd.DataFrame(columns=list(CLUSTER_COLUMNS)), points)

    site_label, site_sensitive = site_labels(con, audience)
    sites = query_df(con, "reports/places_site_positions.sql")
    register = sites[(sites["status"] == "register") & sites["easting"].notna() & sites["northing"].notna()]
    register = register.reset_index(drop=True)
    lad_names, ward_names = area_names(con, "lad"), area_names(con, "ward")
    site_tree = cKDTree(register[["easting", "northing"]].to_numpy()) if len(register) else None
    places = _gazetteer(con)
    place_tree = cKDTree(places[["easting", "northing"]].to_numpy()) if len(places) else None

    modes = {col: _modes(members, col) for col in ("site_id", "lad_code", "ward_code")}
    # every cluster at once, over numpy arrays of the members sorted by cluster (stable: each
    # cluster's points in their order), not a pandas group or a Python step per cluster:
    # thousands of clusters at a force's scale
    order = np.argsort(members["cluster_id"].to_numpy(), kind="stable")
    ids = members["cluster_id"].to_numpy()[order]
    cluster_ids, starts, sizes = np.unique(ids, return_index=True, return_counts=True)
    which = np.repeat(np.arange(len(cluster_ids)), sizes)  # each sorted member's cluster (0..k-1)
    xy_all = members[["easting", "northing"]].to_numpy()[order]
    centres = np.add.reduceat(xy_all, starts, axis=0) / sizes[:, None]
    extents = np.maximum.reduceat(np.sqrt(((xy_all - centres[which]) ** 2).sum(axis=1)), starts)
    # distinct persons: distinct (cluster, person) pairs, counted per cluster
    person_codes = pd.factorize(members["person_key"])[0][order]
    known, persons = person_codes >= 0, max(int(person_codes.max()) + 1, 1)
    pairs = np.unique(which[known].astype(np.int64) * persons + person_codes[known])
    individuals = np.bincount(pairs // persons, minlength=len(cluster_ids))
    site_codes, site_values = pd.factorize(members["site_id"])
    site_codes = site_codes[order]
    main_sites = [modes["site_id"].get(c) for c in cluster_ids]
    main_codes = np.array([site_values.get_loc(m) if m is not None else -2 for m in main_sites], dtype=np.int64)
    at_sites = np.add.reduceat((site_codes >= 0).astype(np.int64), starts)
    at_main = np.add.reduceat((site_codes == main_codes[which]).astype(np.int64), starts)
    near_sites: list[str] = [""] * len(cluster_ids)
    if site_tree is not None:
        k = min(3, len(register))
        dist, idx = site_tree.query(centres, k=k, distance_upper_bound=cfg.cluster_site_search_m)
        dist, idx = dist.reshape(len(centres), -1), idx.reshape(len(centres), -1)
        # distances only for the police: with known places they would fix a home's position
        register_ids = register["site_id"].tolist()
        near_sites = ["; ".join(
            site_label[register_ids[i]] + (f" ({d:.0f} m)" if audience == "police" else "")
            for d, i in zip(drow, irow) if np.isfinite(d)) for drow, irow in zip(dist, idx)]
    near_place: list = [(None, None)] * len(cluster_ids)
    if place_tree is not None:
        pd_dist, pd_idx = place_tree.query(centres)
        place_names = places["name"].tolist()
        near_place = [(place_names[i], round(float(d))) for d, i in zip(pd_dist, pd_idx)]
    lads = [modes["lad_code"].get(c) for c in cluster_ids]
    wards = [modes["ward_code"].get(c) for c in cluster_ids]
    summary = pd.DataFrame(
        {
            "role": role,
            "cluster_id": [int(c) for c in cluster_ids],
            "incidents": [int(n) for n in sizes],
            "individuals": [int(n) for n in individuals],
            "centre_easting": [round(float(e)) for e in centres[:, 0]],
            "centre_northing": [round(float(n)) for n in centres[:, 1]],
            "extent_m": [round(float(e)) for e in extents],
            "lad_code": lads,
            "lad_name": [lad_names.get(c, c) if c else None for c in lads],
            "ward_code": wards,
            "ward_name": [ward_names.get(c, c) if c else None for c in wards],
            "share_at_known_sites": [round(float(a / n), 3) for a, n in zip(at_sites, sizes)],
            "main_site_id": main_sites,
            "main_site": [site_label.get(m, m) if m else None for m in main_sites],
            "main_site_share": [round(float(a / n), 3) if m else None for a, n, m in zip(at_main, sizes, main_sites)],
            "nearest_sites": near_sites,
            "nearest_place": [p for p, _ in near_place],
            "nearest_place_m": [m for _, m in near_place],
        },
        columns=list(CLUSTER_COLUMNS),
    )
    if audience != "police":
        for col in ("centre_easting", "centre_northing"):
            summary[col] = (summary[col] / COARSE_GRID_M).round().astype(int) * int(COARSE_GRID_M)
        hidden = summary["main_site_id"].map(lambda s: bool(site_sensitive.get(s, True)) if isinstance(s, str) else False)
        summary["main_site_id"] = summary["main_site_id"].where(~hidden, None)
        # a cluster whose main site is sensitive (a children's home) is placed only by its authority
        summary = only_local_authority(summary, hidden, audience)
        summary["nearest_place_m"] = None
        points = points.iloc[0:0]
    return Clusters(role, summary, points)
