"""Reports open in headless Chromium with no console error and no request beyond the file.

Chromium comes from `make install` (the Debian package). These tests fail, not skip,
when it is missing: a report that was never opened in a browser is not checked.
"""

from __future__ import annotations

from datetime import date

import pytest

from profiles.config import Settings
from profiles.periods import FinancialYear, Month
from profiles.reports.browser import check_html, find_chromium
from profiles.reports.render import Renderer
from tests.factories import add_episodes

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", autouse=True)
def _chromium():
    assert find_chromium(), "Chromium not found: run `make install` (installs the Debian package chromium)"


def test_the_check_sees_console_errors_and_remote_requests(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><title>bad</title>'
        '<link rel="stylesheet" href="https://fonts.example.invalid/a.css"></head>'
        '<body><img src="http://example.invalid/x.png" alt="x">'
        '<script>console.error("boom"); undefinedFunction();</script></body></html>'
    )
    result = check_html(bad)
    assert result.loaded
    assert "console error: boom" in result.problems
    assert any("undefinedFunction" in e for e in result.exceptions)
    assert set(result.requests) == {"https://fonts.example.invalid/a.css", "http://example.invalid/x.png"}


def test_a_rendered_report_with_charts_opens_cleanly(tmp_path):
    from tests.test_report_render import demo_report

    path = tmp_path / "report.html"
    Renderer(Settings()).write_html(demo_report(sections=4), path)
    result = check_html(path)
    assert result.problems == []
    assert result.title.startswith("Missing persons problem profile")


def test_the_ukmpu_return_and_share_covers_open_cleanly(con, tmp_path):
    from profiles.reports.shares import write_shares
    from profiles.reports.ukmpu import write_return

    add_episodes(con, [
        dict(incident_id="A", person="P1", age=15, reported_at="2024-05-03 10:00", found_at="2024-05-03 12:00",
             responsible_la="E08000001", outcome="safe", found_by="police"),
        dict(incident_id="B", person="P2", age=40, reported_at="2024-06-03 10:00"),
    ])
    write_return(con, FinancialYear.of(2024), tmp_path / "ukmpu", Settings(), date(2025, 4, 15))
    write_shares(con, Month.of(2024, 5), tmp_path / "share", Settings(), date(2024, 6, 3))
    pages = [tmp_path / "ukmpu" / "ukmpu_return.html", tmp_path / "share" / "e08000001.html",
             tmp_path / "share" / "index.html", tmp_path / "share" / "care_home_summary.html"]
    for page in pages:
        result = check_html(page)
        assert result.problems == [], (page.name, result.problems)


def test_the_problem_profile_opens_cleanly_for_every_audience(tmp_path):
    from tests.test_report_profile import MAY, RUN, SITES, _boundaries, _episodes, _locations
    from profiles.db import connect
    from profiles.reports.profile import write_profile
    from tests.factories import add_locations, add_sites

    con = connect(tmp_path / "m.duckdb")
    rows = _episodes()
    add_sites(con, SITES)
    add_episodes(con, rows)
    add_locations(con, _locations(rows))
    _boundaries(con)
    written = write_profile(con, Settings(), MAY, RUN, out_dir=tmp_path / "out", pdf=False).files
    con.close()
    for audience in written:
        for page in ("problem_profile.html", "summary.html"):
            result = check_html(tmp_path / "out" / audience / page)
            assert result.problems == [], (audience, page, result.problems)
