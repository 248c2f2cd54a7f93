"""Disclosure control: small counts withheld for partners and the public, enough other
cells withheld that no total gives one away, children's homes anonymised, and nothing
from the input (person references, dates of birth, free text, home names) leaks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from profiles.config import Settings
from profiles.errors import CheckFailed
from profiles.disclosure import (
    SiteLabeller,
    check_columns,
    check_files,
    disclose_table,
    sensitive_values_from,
    suppress_frame,
    suppression_mask,
)
from profiles.reports.objects import Table

C = "[c]"


def _withheld(frame: pd.DataFrame, column: str) -> list[bool]:
    return [v == C for v in frame[column]]


def _recoverable(values: np.ndarray, mask: np.ndarray, additive_rows: bool) -> list[str]:
    """Lines in which exactly one cell is withheld: its value follows from the total."""
    bad = [f"column {j}" for j in range(values.shape[1]) if mask[:, j].sum() == 1]
    if additive_rows:
        bad += [f"row {i}" for i in range(values.shape[0]) if mask[i, :].sum() == 1]
    return bad


def test_small_counts_are_withheld_and_zero_is_shown():
    data = pd.DataFrame({"risk": ["high", "medium", "low", "none"], "incidents": [3, 40, 12, 0]})
    out = suppress_frame(data, ["incidents"], threshold=5, marker=C)
    # 3 is primary; the column total is known, so the next-smallest non-zero (12) goes too; 0 stays
    assert list(out.frame["incidents"]) == [C, 40, C, 0]
    assert (out.primary, out.secondary) == (1, 1)


def test_counts_at_the_threshold_are_shown():
    data = pd.DataFrame({"k": ["a", "b"], "n": [5, 6]})
    out = suppress_frame(data, ["n"], threshold=5, marker=C)
    assert list(out.frame["n"]) == [5, 6]
    assert not out.mask.to_numpy().any()


def test_two_small_cells_in_a_column_need_no_secondary():
    data = pd.DataFrame({"k": ["a", "b", "c"], "n": [2, 4, 30]})
    out = suppress_frame(data, ["n"], threshold=5, marker=C)
    assert list(out.frame["n"]) == [C, C, 30]
    assert out.secondary == 0


def test_secondary_suppression_in_a_two_way_table_protects_rows_and_columns():
    # rows: gender; columns: child / adult (parts of a whole) and a total column and row
    data = pd.DataFrame(
        {
            "gender": ["female", "male", "other", "Total"],
            "child": [20, 31, 2, 53],
            "adult": [0, 9, 0, 9],
            "total": [20, 40, 2, 62],
        }
    )
    out = suppress_frame(
        data, ["child", "adult", "total"], threshold=5, marker=C,
        additive_rows=True, total_row=True, total_column="total",
    )
    mask = out.mask[["child", "adult", "total"]].to_numpy()
    values = data[["child", "adult", "total"]].to_numpy()
    assert mask[2, 0] and mask[2, 2]  # the 2 (and its row total, also 2)
    # the child column then needs a second cell: the smallest non-zero inner one (20) ...
    assert mask[0, 0]
    # ... and the female row (20, 0 -> 20) its total rather than the zero, which would not hide it
    assert mask[0, 2] and not mask[0, 1]
    assert _recoverable(values, mask, additive_rows=True) == []
    assert not mask[3].any()  # the totals row stays: inner cells are preferred


@pytest.mark.parametrize("seed", range(25))
def test_no_line_is_left_with_a_single_withheld_cell(seed):
    rng = np.random.default_rng(seed)
    values = rng.choice([0, 1, 2, 3, 4, 6, 9, 15, 40], size=(6, 4)).astype(float)
    mask, primary = suppression_mask(values, threshold=5, additive_rows=True)
    small = (values > 0) & (values < 5)
    assert primary == small.sum()
    assert (mask | ~small).all() and mask[small].all()  # every small count withheld
    assert _recoverable(values, mask, additive_rows=True) == []


def test_a_column_of_different_measures_gets_primary_suppression_only():
    data = pd.DataFrame({"measure": ["incidents", "high risk", "still missing"], "value": [89, 24, 3]})
    assert list(suppress_frame(data, ["value"], threshold=5, marker=C).frame["value"]) == [89, C, C]
    out = suppress_frame(data, ["value"], threshold=5, marker=C, additive_columns=False)
    assert list(out.frame["value"]) == [89, 24, C]


def test_a_row_protects_its_parts_with_a_part_not_with_an_unrelated_count():
    # children + adults + unknown = incidents; individuals is another measure
    data = pd.DataFrame({"k": ["a", "b"], "child": [12, 30], "adult": [6, 20], "unknown": [3, 0],
                         "incidents": [21, 50], "individuals": [5, 40]})
    cols = ["child", "adult", "unknown", "incidents", "individuals"]
    out = suppress_frame(data, cols, threshold=5, marker=C, additive_rows=True,
                         row_columns=["child", "adult", "unknown", "incidents"])
    assert list(out.frame.iloc[0]) == ["a", 12, C, C, 21, 5]


def test_percentages_follow_their_count():
    data = pd.DataFrame({"k": ["a", "b", "c"], "n": [2, 8, 90], "share": [0.02, 0.08, 0.9]})
    out = suppress_frame(data, ["n"], threshold=5, marker=C, derived={"share": "n"})
    assert _withheld(out.frame, "share") == [True, True, False]


def test_a_difference_is_withheld_with_either_count_it_comes_from():
    data = pd.DataFrame({"month": ["a", "b", "c"], "now": [20, 30, 40], "before": [3, 25, 36], "change": [17, 5, 4]})
    out = suppress_frame(data, ["now", "before"], threshold=5, marker=C, derived={"change": ("now", "before")})
    # 3 is withheld, then 25 (secondary); 20 - change would give 3 back, so the change goes too
    assert _withheld(out.frame, "change") == [True, True, False]


def test_disclose_table_leaves_police_tables_alone_and_marks_cells_for_partners():
    settings = Settings()
    table = Table(id="t", caption="c", data=pd.DataFrame({"k": ["a", "b", "c"], "n": [1, 7, 9]}), count_columns=("n",))
    assert disclose_table(table, "police", settings) is table
    shared = disclose_table(table, "partner", settings)
    assert list(shared.data["n"]) == [C, C, 9]
    assert list(shared.suppressed["n"]) == [True, True, False]
    assert list(table.data["n"]) == [1, 7, 9]  # the input is not changed


def test_threshold_is_configuration():
    settings = Settings()
    settings.disclosure.suppression_threshold = 10
    table = Table(id="t", caption="c", data=pd.DataFrame({"k": ["a", "b", "c"], "n": [7, 8, 20]}), count_columns=("n",))
    assert list(disclose_table(table, "public", settings).data["n"]) == [C, C, 20]


def test_columns_a_partner_or_the_public_may_not_see_are_refused():
    check_columns(["person_ref", "gender"], "partner", where="share")
    with pytest.raises(CheckFailed, match="date_of_birth"):
        check_columns(["person_ref", "date_of_birth"], "partner", where="share")
    with pytest.raises(CheckFailed, match="reason"):
        check_columns(["reason"], "partner", where="share")
    with pytest.raises(CheckFailed, match="person_ref.*public"):
        check_columns(["person_ref"], "public", where="table x")
    check_columns(["person_id", "reason"], "police", where="oversight")


def test_childrens_homes_get_a_stable_letter_and_the_la_name_only():
    sites = pd.DataFrame(
        {
            "site_id": ["S9", "S2", "S9", "S5", "S7"],
            "name": ["Oak House", "Elm Lodge", "Oak House", "Bolton General", "Birch View"],
            "type": ["childrens_home", "childrens_home", "childrens_home", "hospital", "childrens_home"],
            "lad_code": ["E08000001", "E08000003", "E08000001", "E08000001", None],
            "sensitive": [True, True, True, False, True],
            "postcode": ["BL1 1AA", "M1 1AA", "BL1 1AA", "BL4 0JR", "M2 2BB"],
            "incidents": [10, 8, 10, 6, 5],
        }
    )
    names = {"E08000001": "Bolton", "E08000003": "Manchester"}
    labeller = SiteLabeller("partner", names)
    out = labeller.label_frame(sites)
    assert list(out["site"]) == [
        "Children's home A (Bolton)",
        "Children's home B (Manchester)",
        "Children's home A (Bolton)",
        "Bolton General",  # not sensitive: a hospital may be named
        "Children's home C (area not recorded)",
    ]
    assert "name" not in out.columns and "postcode" not in out.columns
    # the same labeller keeps the letter in a later table of the same report
    assert labeller.label("S2", name="Elm Lodge", type="childrens_home", lad_code="E08000003", sensitive=True) == (
        "Children's home B (Manchester)"
    )
    assert labeller.label("C1", name="12 Elm Road", type="candidate", lad_code="E08000003", sensitive=True) == (
        "Unregistered location A (Manchester)"
    )
    police = SiteLabeller("police", names).label_frame(sites)
    assert list(police["site"])[:2] == ["Oak House", "Elm Lodge"] and "postcode" in police.columns


def test_leak_check_finds_person_refs_dates_of_birth_free_text_and_home_names(tmp_path):
    values = sensitive_values_from(
        person_ids=["GMP-000123", "77"],
        dates_of_birth=[pd.Timestamp("2009-03-14")],
        home_names=["Oak House Children's Home"],
        free_text=["argued with staff about phone"],
    )
    clean = tmp_path / "clean.csv"
    clean.write_text("la,incidents\nBolton,77\nBirmingham,5\n")  # a short numeric ref is not matched to a count
    values = sensitive_values_from(
        person_ids=["GMP-000123", "77"], dates_of_birth=[pd.Timestamp("2009-03-14")],
        home_names=["Oak House Children's Home"], free_text=["argued with staff about phone"],
        addresses=["Birmingham", "12 Oak Lane, Bolton"],  # a bare place name locates no one
    )
    check_files([clean], values, "partner")
    longer = tmp_path / "longer.csv"
    longer.write_text("site\nOak House Children's Homes Trust HQ,9\n")  # a longer word is another name
    check_files([longer], values, "partner")
    for content, kind in [
        ("person_ref,x\nGMP-000123,1\n", "person reference"),
        ("dob\n2009-03-14\n", "date of birth"),
        ("<p>Oak House Children&#39;s Home</p>", "children's home name"),
        ("note: Argued with staff about phone", "free text"),
        ("found at 12 Oak Lane, Bolton", "an address"),
    ]:
        f = tmp_path / ("f.html" if content.startswith("<") else "f.csv")
        f.write_text(content)
        with pytest.raises(CheckFailed, match=kind) as err:
            check_files([f], values, "public")
        assert "GMP-000123" not in str(err.value) and "Oak House" not in str(err.value)
        check_files([f], values, "police")  # the police may see them


def test_a_registered_non_sensitive_site_named_as_an_address_may_be_shown(con):
    """A hospital's name given as the go-missing address is not a leak when a report names the
    hospital; a children's home's name or a street address still is."""
    from profiles.periods import Month
    from profiles.reports.safety import sensitive_values
    from tests.factories import add_episodes, add_sites

    add_sites(con, [
        dict(site_id="H1", name="Synthetic General Hospital 2", type="hospital"),
        dict(site_id="C1", name="Synthetic House 12", type="childrens_home"),
    ])
    add_episodes(con, [
        dict(incident_id="A", person="P1", reported_at="2026-10-05 10:00", missing_from_address="Synthetic General Hospital 2"),
        dict(incident_id="B", person="P2", reported_at="2026-10-06 10:00", missing_from_address="Synthetic House 12"),
        dict(incident_id="C", person="P3", reported_at="2026-10-07 10:00", missing_from_address="12 Example Road, Bolton"),
    ])
    values = sensitive_values(con, Month.parse("2026-10"))
    assert values.find("Most reports came from Synthetic General Hospital 2.") == []
    assert values.find("Synthetic House 12") == ["a children's home name"]
    assert values.find("seen at 12 Example Road, Bolton") == ["an address"]


def test_the_leak_check_finds_a_phrase_as_looking_for_every_phrase_would():
    """The phrase index (phrases by a pair of neighbouring runs of letters and digits) finds exactly
    the kinds a search for every phrase in every text finds: phrases that start with a
    number, with punctuation, with an underscore, inside longer words, or unicode."""
    import random

    from profiles.disclosure import _PhraseIndex, _phrases_in, _whole

    rng = random.Random(5)
    words = ["oak", "oaks", "lane", "12", "12a", "straße", "strasse", "café", "caf", "_x", "home", "e-mail", "rose", "1"]
    glue = [" ", ", ", "-", "", "/", "'"]

    def text(n: int) -> str:
        return "".join(rng.choice(words) + rng.choice(glue) for _ in range(n)).casefold()

    phrases = {text(rng.randint(1, 3)).strip() or "oak": rng.choice(["free text", "an address", "a name"])
               for _ in range(300)}
    phrases.update({"(oak lane": "an address", "'rose": "free text", ", ": "punctuation alone"})
    index = _PhraseIndex.of(phrases)
    hits = 0
    for _ in range(400):
        lowered = text(rng.randint(1, 12)).casefold()
        every = {kind for phrase, kind in phrases.items() if phrase in lowered and _whole(phrase, lowered)}
        assert _phrases_in(lowered, index) == every
        hits += bool(every)
    assert 50 < hits < 400  # texts with and without a phrase in them
