"""The geocoding cascade, step by step, over the hand-made world of tests/test_geo_world.py."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from profiles.geo.cascade import OUTPUT_COLUMNS, geocode_frame
from profiles.geo.normalise import normalise_postcode, partial_postcode, postcode_in_text, prepare_inputs
from tests.test_geo_world import FORCE, build_world, world  # noqa: F401  (fixture)


def geocode(world, rows):  # noqa: F811
    con, settings, _, _ = world
    return geocode_frame(con, pd.DataFrame(rows), settings)


# ---- normalising ------------------------------------------------------------------------

def test_postcodes_normalise_to_one_spelling():
    s = pd.Series(["m1 1ae", "M11AE", " m1  1AE ", "WA156SQ", "M1 1A", "not one", None])
    assert normalise_postcode(s).tolist() == ["M1 1AE", "M1 1AE", "M1 1AE", "WA15 6SQ", "", "", ""]


def test_partial_postcodes_are_sectors_or_districts():
    s = pd.Series(["M14 7", "m14", "M1 9ZZ", "SK9", "ROAD", ""])
    assert partial_postcode(s).tolist() == ["M14 7", "M14", "M1 9", "SK9", "", ""]


def test_postcode_written_inside_an_address_is_found():
    s = pd.Series(["Flat 2, 4 Example Road, Manchester m1 1ab", "no postcode here"])
    assert postcode_in_text(s).tolist() == ["M1 1AB", ""]


def test_inputs_that_normalise_alike_share_a_cache_key():
    keys = prepare_inputs(pd.DataFrame({"address": ["4 Example Rd.", "4 EXAMPLE ROAD"],
                                        "postcode": ["m1 1ab", "M1 1AB"]}))["input_key"]
    assert keys.iloc[0] == keys.iloc[1] != ""


# ---- the steps, in order ----------------------------------------------------------------

def test_bng_coordinates_inside_gb_are_taken_as_given(world):
    out = geocode(world, [{"easting": "381234", "northing": "391234", "postcode": "M2 1AA"}])
    row = out.iloc[0]
    assert (row["method"], row["easting"], row["northing"]) == ("coordinates", 381234.0, 391234.0)
    assert (row["force_area"], row["lad_code"], row["lsoa_code"]) == (FORCE, "E08000003", "E01000001")


def test_wgs84_in_the_coordinate_columns_is_detected_and_converted(world):
    from profiles.geo.crs import bng_to_wgs84

    lon, lat = bng_to_wgs84([383000.0], [396000.0])
    out = geocode(world, [
        {"easting": round(float(lon[0]), 6), "northing": round(float(lat[0]), 6)},
        {"easting": round(float(lat[0]), 6), "northing": round(float(lon[0]), 6)},  # swapped
    ])
    assert out["method"].tolist() == ["coordinates", "coordinates"]
    assert (out["easting"] - 383000).abs().max() < 1 and (out["northing"] - 396000).abs().max() < 1
    assert out["confidence"].iloc[0] > out["confidence"].iloc[1]


def test_coordinates_outside_gb_fall_through_to_the_postcode(world):
    out = geocode(world, [{"easting": "9999999", "northing": "5", "postcode": "M2 1AA"}])
    assert out[["method", "easting"]].iloc[0].tolist() == ["postcode", 386000.0]


def test_site_ref_matches_the_register(world):
    out = geocode(world, [{"site_ref": "hosp1", "postcode": "M1 1AA"}])
    row = out.iloc[0]
    assert (row["method"], row["site_id"], row["easting"]) == ("site", "USR-HOSP1", 386100.0)


def test_misspelt_site_name_with_its_postcode_matches(world):
    out = geocode(world, [{"address": "Synthetik House 1, 4 Example Rd", "postcode": "M1 1AB"}])
    assert out[["method", "site_id"]].iloc[0].tolist() == ["site", "USR-CH1"]


def test_another_house_number_at_the_sites_postcode_is_not_the_site(world):
    out = geocode(world, [{"address": "6 Example Road", "postcode": "M1 1AB"}])
    assert out[["method", "site_id"]].iloc[0].tolist() == ["postcode", None]


def test_site_name_and_address_without_postcode_match(world):
    out = geocode(world, [{"address": "Foothills Care Home, 9 Foothill Road, Manchester"}])
    row = out.iloc[0]
    assert row["method"] == "site" and row["site_id"].startswith("CQC-")


def test_full_postcode_gives_its_centroid_and_areas(world):
    out = geocode(world, [{"postcode": "m11aa"}])
    row = out.iloc[0]
    assert (row["method"], row["easting"], row["northing"], row["ward_code"]) == ("postcode", 381000.0, 391000.0, "E05000001")
    assert 0 < row["confidence"] <= 1 and row["precision_m"] > 0


def test_place_name_prefers_the_one_in_the_force_area(world):
    out = geocode(world, [{"place": "Sale"}, {"address": "outside the shops, Sale town centre"}])
    assert out["method"].tolist() == ["place", "place"]
    assert out["easting"].tolist() == [381500.0, 381500.0]
    assert out["force_area"].tolist() == [FORCE, FORCE]


def test_place_only_outside_the_force_is_found_with_less_confidence(world):
    out = geocode(world, [{"place": "Lonely Hamlet"}, {"place": "Timperley"}])
    assert out["method"].tolist() == ["place", "place"]
    assert out["force_area"].iloc[0] == "E23000006"
    assert out["confidence"].iloc[0] < out["confidence"].iloc[1]


def test_misspelt_place_in_the_force_is_matched(world):
    out = geocode(world, [{"place": "Timperly"}])
    assert out[["method", "easting"]].iloc[0].tolist() == ["place", 386500.0]


def test_geonames_postal_place_is_a_place_too(world):
    out = geocode(world, [{"place": "Ringway"}])
    assert out["method"].iloc[0] == "place"


def test_partial_postcode_gives_a_low_confidence_centroid(world):
    out = geocode(world, [{"postcode": "M1 1"}, {"postcode": "M1"}, {"postcode": "M1 1ZZ"}])
    assert out["method"].tolist() == ["partial_postcode"] * 3
    # sector M1 1 = mean of M1 1AA, M1 1AB, M1 1AD; an unknown full postcode falls back to its sector
    assert out["easting"].iloc[0] == pytest.approx((381000 + 381200 + 381400) / 3, abs=0.1)
    assert out["easting"].iloc[2] == out["easting"].iloc[0]
    assert out["confidence"].iloc[0] < 0.5 and out["confidence"].iloc[1] < out["confidence"].iloc[0]


def test_nothing_recognisable_is_unmatched(world):
    out = geocode(world, [{"address": "behind the bins"}, {}])
    assert out["method"].tolist() == ["unmatched", "unmatched"]
    assert out["easting"].isna().all() and (out["confidence"] == 0).all()


def test_results_are_cached_by_normalised_input(world):
    con = world[0]
    geocode(world, [{"postcode": "M1 1AA"}])
    assert con.execute("select count(*) from geocode_cache where method = 'postcode'").fetchall()[0][0] == 1
    # a cached answer is used as stored (prove it by altering the cache)
    con.execute("update geocode_cache set easting = 1 where method = 'postcode'")
    assert geocode(world, [{"postcode": "m1 1aa "}])["easting"].iloc[0] == 1


def test_reference_import_clears_the_cache(world):
    from profiles.geo.reference import import_reference

    con, settings, _, ref = world
    geocode(world, [{"postcode": "M1 1AA"}])
    import_reference(con, ref, settings=settings)
    assert con.execute("select count(*) from geocode_cache").fetchall()[0][0] == 0


# ---- the analyst command ----------------------------------------------------------------

def test_analyst_command_writes_back_the_contract_columns(tmp_path):
    from pipelines.cli_app import app
    from pipelines import commands  # noqa: F401

    ref = build_world(tmp_path)
    db = tmp_path / "m.duckdb"
    runner = CliRunner()
    res = runner.invoke(app, ["--db", str(db), "reference", "import", "--from", str(ref)])
    assert res.exit_code == 0, res.output
    src = tmp_path / "in.csv"
    pd.DataFrame({"ref": ["a", "b", "c"], "Postcode": ["M1 1AA", "", ""], "place": ["", "Sale", ""],
                  "address": ["", "", "nowhere"]}).to_csv(src, index=False)
    dst = tmp_path / "out.csv"
    res = runner.invoke(app, ["--db", str(db), "geocode", "--input", str(src), "--out", str(dst)])
    assert res.exit_code == 0, res.output
    out = pd.read_csv(dst, dtype={"site_id": str})
    assert list(out.columns) == ["ref", "postcode", "place", "address"] + OUTPUT_COLUMNS
    assert out["method"].tolist() == ["postcode", "place", "unmatched"]
    assert out["ref"].tolist() == ["a", "b", "c"]
    attribution = (tmp_path / "out.attribution.txt").read_text()
    assert "Crown copyright" in attribution


def test_analyst_command_refuses_a_file_without_location_columns(tmp_path):
    from pipelines.cli_app import app
    from pipelines import commands  # noqa: F401

    ref = build_world(tmp_path)
    db = tmp_path / "m.duckdb"
    CliRunner().invoke(app, ["--db", str(db), "reference", "import", "--from", str(ref)])
    src = tmp_path / "in.csv"
    src.write_text("name,age\nx,3\n")
    res = CliRunner().invoke(app, ["--db", str(db), "geocode", "--input", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "no location column" in res.output and "Traceback" not in res.output


def test_a_street_address_with_another_postcode_is_not_a_site(world):
    # the children's home is at 4 Example Road, M1 1AB; this house shares the street text only
    out = geocode(world, [{"address": "4 Example Road, Manchester", "postcode": "M2 1AA"}])
    assert out[["method", "site_id"]].iloc[0].tolist() == ["postcode", None]


def test_site_name_with_a_wrong_postcode_still_matches_by_name(world):
    out = geocode(world, [{"address": "Synthetic House 1, 4 Example Road, Manchester", "postcode": "M2 1AA"}])
    assert out[["method", "site_id"]].iloc[0].tolist() == ["site", "USR-CH1"]


def test_single_string_normalising_matches_the_vectorised_one():
    from profiles.geo.normalise import normalise_one, normalise_text

    texts = ["4 Example Rd.", "  st. mary's  ct ", "", "Sale, town centre"]
    assert [normalise_one(t) for t in texts] == normalise_text(pd.Series(texts)).tolist()


def test_a_street_name_without_the_house_number_is_not_a_site(world):
    out = geocode(world, [{"address": "Example Road, Manchester"}])
    assert out["site_id"].iloc[0] is None or pd.isna(out["site_id"].iloc[0])


def test_abbreviated_and_misspelt_names_at_the_postcode_match(world):
    out = geocode(world, [{"address": "Foothills CH, Foothill Rd", "postcode": "M1 2AA"},
                          {"address": "Synth Hse 1", "postcode": "M1 1AB"}])
    assert out["method"].tolist() == ["site", "site"]
    assert out["site_id"].iloc[1] == "USR-CH1"


def test_a_place_whose_name_ends_in_a_noise_word_is_found_as_written(world):
    # "village" is noise in "Sale village" but part of the name "Alkrington Garden Village"
    out = geocode(world, [{"address": "near Alkrington Garden Village"}, {"address": "Timperley area"}])
    assert out["method"].tolist() == ["place", "place"]
    assert out["easting"].tolist() == [383500.0, 386500.0]


def test_the_register_search_scores_every_pair_as_token_set_ratio_does():
    """register_scores (a bulk plain ratio for pairs that share no word, token_set_ratio
    for the rest) equals rapidfuzz's own cdist, pair for pair, on texts that share all,
    some, repeated or none of their words, and across chunks."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from profiles.geo.sites import register_scores

    rng = np.random.default_rng(3)
    words = ["ROSE", "ROSES", "HOUSE", "OAK", "OAKS", "LODGE", "12", "12A", "HIGH", "STREET", "BOLTON",
             "WIGAN", "BURY", "CARE", "HOME", "THE", "MILL", "LANE", "MEADOW", "VIEW", "SYNTH", "SYNTHETIC"]
    choices = [" ".join(rng.choice(words, size=rng.integers(2, 7))) for _ in range(60)]
    texts = [" ".join(rng.choice(words, size=rng.integers(2, 8))) for _ in range(400)]
    texts += choices[:10] + [c.replace("O", "0", 1) for c in choices[10:20]] + ["ROSE ROSE HOUSE", "QQQ ZZZ"]
    texts += [" ".join(sorted(set(c.split()))) + " EXTRA" for c in choices[20:30]]
    for cutoff in (92.0, 70.0):
        expected = process.cdist(texts, choices, scorer=fuzz.token_set_ratio, score_cutoff=cutoff, dtype=np.uint8)
        got = register_scores(texts, choices, cutoff, chunk=37)
        assert got.dtype == np.uint8 and got.shape == expected.shape
        assert np.array_equal(got, expected)
        assert (expected >= cutoff).sum() > 20 and (expected == 0).sum() > 1000  # both kinds of pair occur
