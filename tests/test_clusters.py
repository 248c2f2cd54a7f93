"""Clusters: given these go-missing and found points, these are the clusters and their places."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import DBSCAN

from profiles.analysis.clusters import dbscan_labels, location_clusters
from profiles.periods import Month
from tests.factories import add_episodes, add_locations, add_sites

JUNE = Month.parse("2024-06")


def _points(con, prefix, role, xy, *, person=None, site_id=None, precision_m=10.0, day="2024-06-10",
            ward="E05000650"):
    eps = [
        dict(incident_id=f"{prefix}{i}", person=person or f"{prefix}P{i}", reported_at=f"{day} 20:00")
        for i in range(len(xy))
    ]
    add_episodes(con, eps)
    add_locations(
        con,
        [
            dict(incident_id=f"{prefix}{i}", role=role, easting=float(x), northing=float(y),
                 site_id=site_id, precision_m=precision_m, ward_code=ward, lad_code="E08000001")
            for i, (x, y) in enumerate(xy)
        ],
    )


@pytest.fixture
def town(con):
    add_sites(con, [
        dict(site_id="S1", name="Oak House", type="childrens_home", easting=390000.0, northing=400000.0,
             lad_code="E08000001"),
        dict(site_id="S2", name="Elm Lodge", type="adult_care_home", easting=390300.0, northing=400000.0,
             lad_code="E08000001"),
        dict(site_id="S9", name="Far Away", type="hospital", easting=350000.0, northing=450000.0),
    ])
    # A: 12 reports scattered within 60 m of a street corner that no register names
    rng = np.random.default_rng(1)
    _points(con, "A", "missing_from", 380000 + rng.uniform(-40, 40, (12, 2)))
    # B: 10 reports geocoded to Oak House itself, all one child
    _points(con, "B", "missing_from", [(390000, 400000)] * 10, person="CHILD", site_id="S1")
    # noise: 5 reports kilometres apart
    _points(con, "N", "missing_from", [(370000 + 2000 * i, 410000) for i in range(5)])
    # 15 reports on a partial-postcode centroid: too imprecise to cluster
    _points(con, "Z", "missing_from", [(385000, 400000)] * 15, precision_m=1500.0)
    # found points: 11 at a railway station, reported in June
    _points(con, "F", "found", 395000 + np.zeros((11, 2)), ward="E05000651")
    # the same street corner in May: outside the period
    _points(con, "M", "missing_from", [(380000, 400000)] * 10, day="2024-05-10")
    return con


def test_go_missing_clusters_are_found_and_described(town, settings):
    clusters = location_clusters(town, settings, JUNE, role="missing_from")
    s = clusters.summary.set_index("cluster_id")
    assert list(s.index) == [1, 2]
    assert s.loc[1, ["incidents", "individuals"]].tolist() == [12, 12]
    assert pd.isna(s.loc[1, "main_site_id"]) and pd.isna(s.loc[1, "main_site"])
    assert s.loc[1, "extent_m"] <= 60 and abs(s.loc[1, "centre_easting"] - 380000) < 40
    assert s.loc[1, "share_at_known_sites"] == 0.0
    assert s.loc[2, ["incidents", "individuals", "main_site_id", "main_site", "main_site_share"]].tolist() == [
        10, 1, "S1", "Oak House", 1.0
    ]
    assert s.loc[2, "nearest_sites"] == "Oak House (0 m); Elm Lodge (300 m)"  # Far Away is beyond 500 m
    # the noise and the imprecise centroid are in no cluster
    labels = clusters.points.set_index("incident_id")["cluster_id"]
    assert (labels[labels.index.str.startswith("N")] == 0).all()
    assert not labels.index.str.startswith("Z").any()


def test_found_points_cluster_separately(town, settings):
    found = location_clusters(town, settings, JUNE, role="found").summary
    assert found[["role", "cluster_id", "incidents", "ward_code"]].values.tolist() == [
        ["found", 1, 11, "E05000651"]
    ]


def test_radius_and_minimum_points_come_from_configuration(town, settings):
    settings.sites.cluster_min_points = 11
    summary = location_clusters(town, settings, JUNE, role="missing_from").summary
    assert summary["incidents"].tolist() == [12]  # Oak House's 10 no longer make a cluster
    settings.sites.cluster_min_points = 10
    settings.sites.cluster_max_precision_m = 2000.0
    summary = location_clusters(town, settings, JUNE, role="missing_from").summary
    assert summary["incidents"].tolist() == [15, 12, 10]  # the centroid now clusters


def test_partner_view_names_no_home_and_coarsens_the_centre(town, settings):
    clusters = location_clusters(town, settings, JUNE, role="missing_from", audience="partner")
    s = clusters.summary.set_index("cluster_id")
    assert s.loc[2, "main_site"].startswith("Children's home A (")
    assert pd.isna(s.loc[2, "main_site_id"])
    assert "Oak House" not in s.to_csv()
    # a cluster whose main site is a children's home is placed only by its local authority
    assert s.loc[2, ["ward_code", "ward_name", "nearest_place", "nearest_sites", "centre_easting",
                     "centre_northing", "extent_m"]].isna().all()
    assert s["nearest_place_m"].isna().all()
    assert s.loc[1, "centre_easting"] % 1000 == 0
    assert clusters.points.empty


def test_weighted_dbscan_equals_dbscan_over_every_point():
    rng = np.random.default_rng(7)
    base = rng.uniform(0, 2000, (40, 2)).round(-1)
    pts = np.vstack([base, base[:15], base[:5]])  # duplicates, as geocoded homes give
    ours = dbscan_labels(pts[:, 0], pts[:, 1], radius_m=150, min_points=3)
    plain = DBSCAN(eps=150, min_samples=3).fit(pts).labels_
    # same partition: points share a cluster in one iff they do in the other; same noise
    assert ((ours == 0) == (plain == -1)).all()
    same_ours = ours[:, None] == ours[None, :]
    same_plain = plain[:, None] == plain[None, :]
    clustered = (ours > 0)[:, None] & (ours > 0)[None, :]
    assert (same_ours[clustered] == same_plain[clustered]).all()
    sizes = [int((ours == k).sum()) for k in range(1, ours.max() + 1)]
    assert sizes == sorted(sizes, reverse=True)


def test_no_points_no_clusters(con, settings):
    clusters = location_clusters(con, settings, JUNE, role="found")
    assert clusters.summary.empty and "nearest_sites" in clusters.summary.columns


@pytest.mark.parametrize("seed", range(6))
def test_weighted_dbscan_gives_scikit_learns_labels_point_for_point(seed):
    # misper's DBSCAN (every pair within the radius at once) against scikit-learn's with the
    # same weights: the same label for every point, border points and numbering included
    from profiles.analysis.clusters import _weighted_dbscan

    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 3000, (8, 2))
    pts = np.vstack([c + rng.normal(0, 60, (int(rng.integers(3, 40)), 2)) for c in centres]
                    + [rng.uniform(0, 3000, (60, 2))]).round()
    pts = np.unique(pts, axis=0)
    weights = rng.integers(1, 4, len(pts))
    for radius, min_points in ((100, 5), (150, 3), (60, 12)):
        ours = _weighted_dbscan(pts, weights, radius_m=radius, min_points=min_points)
        theirs = DBSCAN(eps=radius, min_samples=min_points).fit(pts, sample_weight=weights).labels_
        assert (ours == theirs).all()
        assert (theirs >= 0).any() and (theirs == -1).any()  # clusters and noise both present
