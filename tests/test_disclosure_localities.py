"""A children's home is never located more finely than its local authority (issue 14, point 5)."""

from __future__ import annotations

import pandas as pd
import pytest

from profiles.disclosure import check_files, only_local_authority, sensitive_values_from
from profiles.errors import CheckFailed


def test_a_cluster_that_is_one_childrens_home_shows_only_its_local_authority_to_partners():
    clusters = pd.DataFrame({
        "cluster": [1, 2], "incidents": [40, 12], "local_authority": ["Bolton", "Wigan"],
        "ward": ["Westhoughton South", "Pemberton"], "main_site": ["Children's home A (Bolton)", "Hospital X"],
        "nearest_place": ["Daisy Hill", "Pemberton"],
    })
    shown = only_local_authority(clusters, [True, False], "partner")
    assert shown.loc[0, ["local_authority", "ward", "nearest_place"]].tolist() == ["Bolton", None, None]
    assert shown.loc[1, ["ward", "nearest_place"]].tolist() == ["Pemberton", "Pemberton"]
    assert only_local_authority(clusters, [True, False], "police") is clusters


def test_the_leak_check_finds_a_homes_ward_or_place_beside_a_site_label(tmp_path):
    values = sensitive_values_from(home_wards=["Westhoughton South"], home_places=["Daisy Hill"],
                                   home_sectors=["BL5 3"])
    leaked = tmp_path / "sites_clusters.csv"
    leaked.write_text("cluster,ward,main_site,nearest_place\n"
                      "1,Westhoughton South,Children's home A (Bolton),Daisy Hill\n", encoding="utf-8")
    with pytest.raises(CheckFailed, match="the ward of a children's home"):
        check_files([leaked], values, "partner")
    # the same ward on its own (a ward hot spot) names no home
    ward_table = tmp_path / "sites_hot_wards.csv"
    ward_table.write_text("ward,incidents\nWesthoughton South,40\n", encoding="utf-8")
    check_files([ward_table], values, "public")
    page = tmp_path / "problem_profile.html"
    page.write_text("<tr><td>Children&#39;s home B (Bolton)</td>\n<td>BL5 3</td></tr>", encoding="utf-8")
    with pytest.raises(CheckFailed, match="postcode sector"):
        check_files([page], values, "partner")
    check_files([leaked, page], values, "police")  # the police may see where homes are


def test_a_hot_ward_that_is_mostly_one_home_is_placed_by_its_authority_only():
    from profiles.reports.profile.places import _ward_main_sites

    points = pd.DataFrame({
        "ward_code": ["W1"] * 5 + ["W2"] * 4 + [None],
        "site_id": ["HOME"] * 3 + [None, "HOSP"] + ["HOME", "HOME", None, "HOSP"] + ["HOME"],
        "lad_code": ["E08000001"] * 5 + ["E08000010"] * 4 + [None],
    })
    main, la = _ward_main_sites(points)
    assert main == {"W1": "HOME"}  # 3 of 5; in W2 the home has 2 of 4, not more than half
    assert la == {"W1": "E08000001", "W2": "E08000010"}
    wards = pd.DataFrame({"ward": ["Westhoughton South", "Pemberton"], "local_authority": ["Bolton", "Wigan"],
                          "incidents": [40, 12]})
    shown = only_local_authority(wards, [main.get(c) == "HOME" for c in ("W1", "W2")], "public")
    assert shown["ward"].tolist() == [None, "Pemberton"] and shown["local_authority"].tolist() == ["Bolton", "Wigan"]
