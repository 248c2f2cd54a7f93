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
