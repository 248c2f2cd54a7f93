"""Progress of long work: the library tells (stage, done, total); the CLI shows a bar on a
terminal and one line per finished stage elsewhere (issue 13.3)."""

from __future__ import annotations

import io

import pandas as pd
from rich.console import Console
from typer.testing import CliRunner

from pipelines.progress_display import BarDisplay, LineDisplay, showing_progress
from profiles import progress
from tests.factories import add_episodes
from tests.test_geo_world import build_world


def test_a_stage_reports_its_start_each_count_and_its_end_once():
    heard = []
    with progress.listening(lambda *call: heard.append(call)):
        with progress.stage("loading rows", total=3) as step:
            step.advance(2)
            step.advance()
    assert heard == [("loading rows", 0, 3), ("loading rows", 2, 3), ("loading rows", 3, 3)]


def test_a_stage_of_unknown_size_ends_with_its_count_as_the_total():
    heard = []
    with progress.listening(lambda *call: heard.append(call)):
        step = progress.Stage("reading", total=None)
        step.advance(5)
        step.finish()
        step.finish()
    assert heard == [("reading", 0, None), ("reading", 5, None), ("reading", 5, 5)]


def test_without_a_listener_progress_goes_nowhere_and_the_previous_listener_comes_back():
    outer = []
    with progress.listening(lambda *call: outer.append(call)):
        with progress.listening(None):
            progress.report("hidden", 1, 2)
        progress.report("shown", 1, 2)
    progress.report("after", 1, 1)
    assert outer == [("shown", 1, 2)]


def test_a_non_terminal_gets_one_line_per_finished_stage():
    buffer = io.StringIO()
    display = LineDisplay(Console(file=buffer, force_terminal=False, width=200))
    for done in range(0, 1001, 100):
        display("geocoding distinct locations", done, 1000)
    display("problem profile", 0, 2)
    lines = buffer.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("geocoding distinct locations: 1,000 done in ")


def test_a_terminal_gets_a_bar_with_the_count_and_an_estimate():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    display = BarDisplay(console)
    display("geocoding distinct locations", 0, 1000)
    display("geocoding distinct locations", 250, 1000)
    display.bars.refresh()
    shown = buffer.getvalue()
    display.close()
    assert "geocoding distinct locations" in shown and "250/1000" in shown and "left" in shown


def test_showing_progress_picks_lines_when_the_console_is_not_a_terminal():
    buffer = io.StringIO()
    with showing_progress(Console(file=buffer, force_terminal=False)):
        with progress.stage("ranking sites", total=1) as step:
            step.advance()
    assert buffer.getvalue().startswith("ranking sites: 1 done in ")


def test_misper_geocode_episodes_prints_its_stages_when_not_on_a_terminal(tmp_path):
    from pipelines import commands  # noqa: F401
    from pipelines.cli_app import app
    from profiles.db import connect

    ref = build_world(tmp_path)
    db = tmp_path / "m.duckdb"
    con = connect(db)
    add_episodes(con, [
        {"incident_id": "I1", "reported_at": "2026-10-05 10:00", "missing_from_postcode": "M1 1AA",
         "found_address": "lost lane"},
        {"incident_id": "I2", "reported_at": "2026-10-06 10:00", "missing_from_postcode": "M1 1AA"},
    ])
    con.close()
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "reference", "import", "--from", str(ref)]).exit_code == 0
    res = runner.invoke(app, ["--db", str(db), "geocode", "episodes"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    # distinct inputs: one postcode, one address, and the empty found location of I2
    assert any(line.startswith("geocoding distinct locations: 2 done in ") for line in lines), res.output
    assert any(line.startswith("geocoding episodes (steps): 3 done in ") for line in lines), res.output


def test_misper_geocode_input_shows_progress_too(tmp_path):
    from pipelines import commands  # noqa: F401
    from pipelines.cli_app import app

    ref = build_world(tmp_path)
    db = tmp_path / "m.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "reference", "import", "--from", str(ref)]).exit_code == 0
    src = tmp_path / "in.csv"
    pd.DataFrame({"postcode": ["M1 1AA", "M1 1AA", ""], "place": ["", "", "Sale"]}).to_csv(src, index=False)
    res = runner.invoke(app, ["--db", str(db), "geocode", "--input", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 0, res.output
    assert "geocoding distinct locations: 2 done in " in res.output
