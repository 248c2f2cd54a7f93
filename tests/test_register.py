"""The recommendations register: a coordinator's YAML file, read and checked with messages
that name the file, the item and the field; each action placed at the end of a month (new,
still open with how long, closed in the month, overdue); the profile's section lists them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pipelines.cli import app
from profiles.config import PROJECT_ROOT, load_settings
from profiles.db import connect
from profiles.periods import Month
from profiles.register import RegisterError, how_long, load_register, parse_register, register_at
from profiles.reports.profile.recommendations import register_summary, register_tables

SAMPLE_REGISTER = PROJECT_ROOT / "data" / "sample" / "recommendations.yaml"
OCTOBER = Month.of(2026, 10)
FILE = Path("board/recommendations.yaml")


def item(**fields) -> dict:
    base = dict(id="R-1", text="Agree a joint protocol.", owner="Bolton Council", raised="2026-09-01",
                due="2026-12-31", status="open")
    return {**base, **fields}


def text_of(*items: dict) -> str:
    return yaml.safe_dump({"recommendations": list(items)}, sort_keys=False)


def problem(*items: dict) -> str:
    with pytest.raises(RegisterError) as exc:
        parse_register(text_of(*items), FILE)
    return str(exc.value)


# ---- reading and checking ----------------------------------------------------------------


def test_a_valid_register_reads_in_file_order_with_dates_as_dates():
    reg = parse_register(text_of(item(id="R-2", note="  Draft sent.  ", finding="return_interviews"),
                                 item(id=7, status="done", closed="2026-10-02")), FILE)
    assert [i.id for i in reg.items] == ["R-2", "7"]
    first, second = reg.items
    assert first.raised == date(2026, 9, 1) and first.due == date(2026, 12, 31) and first.closed is None
    assert first.note == "Draft sent." and first.finding == "return_interviews"
    assert second.note == "" and second.finding is None and second.closed == date(2026, 10, 2)


def test_an_empty_file_is_an_empty_register():
    assert parse_register("# nothing agreed yet\n", FILE).items == ()
    assert parse_register("recommendations: []\n", FILE).items == ()


@pytest.mark.parametrize("bad, expected", [
    (item(due="2026-13-01"), "item 1 (id R-1): due: '2026-13-01' is not a date (expected YYYY-MM-DD)"),
    (item(raised="1 Sept 2026"), "item 1 (id R-1): raised: '1 Sept 2026' is not a date (expected YYYY-MM-DD)"),
    (item(status="closed"), "item 1 (id R-1): status: 'closed' is not a status (expected open, done or dropped)"),
    ({k: v for k, v in item().items() if k != "owner"},
     "item 1 (id R-1): owner: missing (every item needs id, text, owner, raised, due, status)"),
    (item(status="done"), "item 1 (id R-1): closed: missing: a done item needs the date it was closed"),
    (item(closed="2026-10-01"), "item 1 (id R-1): closed: an open item has no closed date"),
    (item(due="2026-08-01"), "item 1 (id R-1): due: 2026-08-01 is before raised 2026-09-01"),
    (item(status="dropped", closed="2026-08-01"), "item 1 (id R-1): closed: 2026-08-01 is before raised 2026-09-01"),
    (item(colour="red"), "item 1 (id R-1): colour: not a field of an item"),
    (item(owner="  "), "item 1 (id R-1): owner: is empty"),
])
def test_each_problem_names_the_file_the_item_and_the_field(bad, expected):
    message = problem(bad)
    assert message.startswith(f"{FILE}: ")
    assert expected in message


def test_an_item_without_an_id_is_named_by_its_position():
    message = problem(item(), {k: v for k, v in item(id="R-2").items() if k != "id"})
    assert message == (f"{FILE}: item 2: id: missing (every item needs id, text, owner, raised, due, status)")


def test_a_duplicate_id_names_both_positions():
    message = problem(item(id="R-1"), item(id="R-2"), item(id="R-1", text="Another action."))
    assert message == f"{FILE}: items 1 and 3 (id R-1): id: used twice (each item needs its own id)"


def test_every_problem_of_the_file_is_given_at_once_in_one_line():
    message = problem(item(id="A", due="soon"), item(id="B", status="finished"))
    assert "\n" not in message
    assert "item 1 (id A): due:" in message and "item 2 (id B): status:" in message


@pytest.mark.parametrize("text, expected", [
    ("recommendations: [\n", "not valid YAML at line"),
    ("- id: R-1\n", "expected one key at the top, 'recommendations:'"),
    ("recommendations: R-1\n", "recommendations: expected a list of items"),
    ("recommendations:\n  - just a sentence\n", "item 1: expected the fields of an item"),
])
def test_a_file_of_the_wrong_shape_is_refused_plainly(text, expected):
    with pytest.raises(RegisterError) as exc:
        parse_register(text, FILE)
    assert str(exc.value).startswith(f"{FILE}: ") and expected in str(exc.value)


def test_a_missing_file_says_which_setting_names_it(tmp_path):
    with pytest.raises(RegisterError, match=r"recommendations register not found \(reports.recommendations_file\)"):
        load_register(tmp_path / "nope.yaml")


# ---- at the end of a month -----------------------------------------------------------------


def hand_register():
    """Eight actions against October 2026 (last day 31 October), each case once."""
    return parse_register(text_of(
        item(id="EARLY", raised="2026-01-10", due="2026-03-31", status="done", closed="2026-09-30"),
        item(id="LATE", raised="2026-11-01", due="2026-12-31"),
        item(id="NEW", raised="2026-10-01", due="2026-12-31"),
        item(id="NEW-DONE", raised="2026-10-05", due="2026-10-20", status="done", closed="2026-10-19"),
        item(id="OVERDUE", raised="2026-06-01", due="2026-10-15"),
        item(id="DUE-LAST-DAY", raised="2026-09-15", due="2026-10-31"),
        item(id="ON-TIME", raised="2026-07-01", due="2027-01-31"),
        item(id="CLOSED-LATER", raised="2026-03-01", due="2026-09-01", status="done", closed="2026-11-02"),
        item(id="DROPPED", raised="2026-04-01", due="2026-12-01", status="dropped", closed="2026-10-31"),
    ), FILE)


def test_each_action_is_placed_as_it_stood_at_the_end_of_the_month():
    at = register_at(hand_register(), OCTOBER)
    assert [p.item.id for p in at.new] == ["NEW", "NEW-DONE"]
    # most overdue first (CLOSED-LATER: due 1 September, done only in November), then by due date
    assert [p.item.id for p in at.open] == ["CLOSED-LATER", "OVERDUE", "DUE-LAST-DAY", "ON-TIME"]
    assert [p.item.id for p in at.closed] == ["DROPPED"]
    assert (at.closed_earlier, at.raised_later) == (1, 1)
    assert [p.item.id for p in at.overdue] == ["CLOSED-LATER", "OVERDUE", "DUE-LAST-DAY"]
    assert {p.item.id for p in at.closed_in_month} == {"NEW-DONE", "DROPPED"}
    assert len(at.open_at_end) == 5


def test_days_open_and_overdue_are_counted_to_the_end_of_the_month():
    placed = {p.item.id: p for g in (register_at(hand_register(), OCTOBER),) for p in (*g.new, *g.open, *g.closed)}
    # raised 1 June, open at the end of 31 October: June 30 + July 31 + Aug 31 + Sept 30 + Oct 31 = 153 days
    assert placed["OVERDUE"].days_open == 153
    assert placed["OVERDUE"].how_long_open == "5 months (153 days)"
    assert placed["OVERDUE"].days_overdue == 17  # 15 October to the end of the 31st
    assert placed["DUE-LAST-DAY"].days_overdue == 1
    assert placed["NEW"].days_open == 31 and placed["NEW"].how_long_open == "1 month (31 days)"
    assert placed["ON-TIME"].overdue is False and placed["ON-TIME"].days_overdue == 0
    # closed: counted to the closing day, both days included; an item closed after the month was open
    assert placed["NEW-DONE"].days_open == 15 and placed["NEW-DONE"].status_at_end == "done"
    assert placed["CLOSED-LATER"].status_at_end == "open" and placed["CLOSED-LATER"].days_overdue == 61


def test_how_long_reads_in_days_then_months():
    assert how_long(date(2026, 10, 30), date(2026, 10, 31)) == "1 day"
    assert how_long(date(2026, 10, 2), date(2026, 11, 1)) == "30 days"
    assert how_long(date(2026, 1, 31), date(2026, 3, 1)) == "1 month (29 days)"


def test_an_earlier_month_shows_what_was_open_then():
    at = register_at(hand_register(), Month.of(2026, 9))
    assert [p.item.id for p in at.new] == ["DUE-LAST-DAY"]
    assert [p.item.id for p in at.closed] == ["EARLY"]
    assert "DROPPED" in [p.item.id for p in at.open] and at.raised_later == 3


def test_the_sample_register_has_new_open_overdue_and_closed_actions_in_the_demo_month():
    at = register_at(load_register(SAMPLE_REGISTER), OCTOBER)
    assert [p.item.id for p in at.new] == ["R-2026-14", "R-2026-15", "R-2026-16"]
    assert [p.item.id for p in at.overdue] == ["R-2026-03", "R-2026-05", "R-2026-08", "R-2026-11"]
    assert [p.item.id for p in at.closed_in_month] == ["R-2026-16", "R-2026-07", "R-2026-09"]
    assert at.closed_earlier == 1 and at.raised_later == 0


# ---- in the report ----------------------------------------------------------------------------


def test_the_section_tables_hold_every_action_with_its_owner_and_the_summary_quotes_their_counts():
    at = register_at(hand_register(), OCTOBER)
    new, still_open, closed = register_tables(at, {})
    assert list(new.data["ref"]) == ["NEW", "NEW-DONE"]
    assert list(new.data["status"]) == ["Open", "Done 19 October 2026"]
    assert list(still_open.data["overdue"]) == ["Overdue by 61 days", "Overdue by 17 days", "Overdue by 1 day", ""]
    assert list(still_open.data["open_for"])[1] == "5 months (153 days)"
    assert list(closed.data["outcome"]) == ["Dropped"]
    assert set(new.data["owner"]) == {"Bolton Council"}
    assert register_summary(at) == (
        "At the end of October 2026, 5 of the board's actions were open, 3 of them overdue; 2 were raised in "
        "October 2026 and 2 closed (1 done, 1 dropped). Overdue actions are addressed to Bolton Council.")


def test_a_bad_register_stops_the_profile_in_one_line_before_any_work(tmp_path):
    register = tmp_path / "recommendations.yaml"
    register.write_text(text_of(item(id="R-9", status="closed")), encoding="utf-8")
    config = tmp_path / "misper.yaml"
    config.write_text(yaml.safe_dump({"reports": {"recommendations_file": "recommendations.yaml"},
                                      "paths": {"output_dir": str(tmp_path / "out")}}), encoding="utf-8")
    assert load_settings(config).reports.recommendations_file == register  # relative to the config file
    db = tmp_path / "misper.duckdb"
    connect(db).close()
    result = CliRunner().invoke(app, ["--config", str(config), "--db", str(db), "profile", "--period", "2026-10",
                                      "--no-pdf"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert f"{register}: item 1 (id R-9): status: 'closed' is not a status" in result.output
    assert not (tmp_path / "out").exists()
