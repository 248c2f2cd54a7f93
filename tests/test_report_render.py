"""The renderer: filters, a self-contained accessible HTML file, byte-identical output,
and a PDF from the same HTML with page numbers, contents and the marking on every page."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

from profiles.config import Settings
from profiles.reports.charts import bar_chart
from profiles.reports.objects import Figure, KeyFinding, Report, Section, Table
from profiles.reports.render import Renderer, gbp, marking_for, number, percent, uk_date, uk_datetime

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def demo_report(audience: str = "police", sections: int = 3, run_date: date = date(2026, 11, 2)) -> Report:
    settings = Settings()
    secs = tuple(_demo_section(i) for i in range(sections))
    return Report(
        kind="problem_profile", title="Missing persons problem profile", subtitle="Monthly profile",
        force_name=settings.force.name, period_label="October 2026", audience=audience,
        marking=marking_for(settings, audience), synthetic=True, run_date=run_date,
        sections=secs, attribution=("Contains OS data © Crown copyright and database right 2025.",),
    )


def _demo_section(i: int) -> Section:
    table = Table(
        id=f"risk-{i}",
        caption="Incidents by initial risk grade",
        data=pd.DataFrame({"risk": ["high", "medium", "Total"], "incidents": [12, 1234, 1246]}),
        count_columns=("incidents",),
        total_row=True,
        notes=("Initial grade at assessment.",),
    )
    chart = bar_chart(
        id=f"risk-{i}", caption="Incidents by risk", alt="Bar chart: 12 high-risk and 1,234 medium-risk incidents",
        labels=["high", "medium"], series={"Incidents": [12, 1234]},
    )
    return Section(
        id=f"part-{i}", title=f"Part {i}", paragraphs=("Reports & <returns>",),
        findings=(KeyFinding("Reports rose 18% on the same month last year."),),
        tables=(table,), figures=(chart,),
    )


# ---- filters ------------------------------------------------------------------


def test_uk_dates_have_no_leading_zero_and_use_london_time():
    assert uk_date(date(2026, 10, 5)) == "5 October 2026"
    # 23:30 UTC on 5 October is 00:30 BST on the 6th
    late = datetime(2026, 10, 5, 23, 30, tzinfo=timezone.utc)
    assert uk_date(late) == "6 October 2026"
    assert uk_datetime(late) == "6 October 2026, 00:30"
    assert uk_date(None) == "–"


def test_numbers_percentages_and_money():
    assert number(1234567) == "1,234,567"
    assert number(2.5, 1) == "2.5"
    assert percent(0.413) == "41%"
    assert percent(0.0412, 1) == "4.1%"
    assert gbp(2415.8, 2) == "£2,415.80"
    assert gbp(1234567) == "£1,234,567"
    assert number(float("nan")) == "–"


def test_suppress_filter_hides_small_counts_from_partners_but_not_police():
    r = Renderer(Settings())
    assert r.suppress(3, "partner") == "[c]"
    assert r.suppress(3, "public") == "[c]"
    assert r.suppress(3, "police") == "3"
    assert r.suppress(0, "public") == "0"  # zero is not disclosive
    assert r.suppress(5, "public") == "5"
    assert r.suppress(1200, "partner") == "1,200"


def test_marking_follows_the_audience():
    s = Settings()
    assert marking_for(s, "police") == s.force.protective_marking == "OFFICIAL-SENSITIVE"
    assert marking_for(s, "partner") == s.force.partner_marking
    assert marking_for(s, "public") == s.force.public_marking


def test_figure_needs_alt_text():
    with pytest.raises(ValueError, match="alt text"):
        Figure(id="x", caption="c", alt=" ", svg="<svg></svg>")


# ---- HTML ---------------------------------------------------------------------


def test_html_is_self_contained_and_accessible():
    html = Renderer(Settings()).render_html(demo_report())
    assert "<script" not in html and "<link" not in html
    assert not re.search(r"""(src|href)=["'](https?:|//)""", html)
    assert "default-src 'none'" in html  # the browser may fetch nothing
    assert html.count("<caption>") == html.count("<table>") == 3
    # every figure carries its alt text for screen readers
    assert html.count('role="img" aria-label="Bar chart: 12 high-risk') == 3
    assert html.count("<h1>") == 1 and html.count('<section id="part-') == 3
    # text is escaped, numbers formatted
    assert "Reports &amp; &lt;returns&gt;" in html
    assert ">1,234<" in html and ">1,246<" in html
    assert "SYNTHETIC" in html and "OFFICIAL-SENSITIVE" in html
    # chart element ids are unique within the page once prefixed
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) > 20
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, sorted(dup)[:5]


def test_a_report_refuses_duplicate_table_ids():
    one = _demo_section(1)
    other = Section(id="other", title="Other", tables=one.tables)
    with pytest.raises(ValueError, match="duplicate table id.*risk-1"):
        Report(**{**demo_report(sections=0).__dict__, "sections": (one, other)})


def test_run_date_is_a_parameter_not_the_clock():
    a = Renderer(Settings()).render_html(demo_report(run_date=date(2026, 11, 2)))
    b = Renderer(Settings()).render_html(demo_report(run_date=date(2027, 1, 9)))
    assert "2 November 2026" in a and "9 January 2027" in b


_RENDER_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {root!r})
from tests.test_report_render import demo_report
from profiles.config import Settings
from profiles.reports.render import Renderer
sys.stdout.write(hashlib.sha256(Renderer(Settings()).render_html(demo_report()).encode()).hexdigest())
"""


def test_same_inputs_give_byte_identical_html_across_processes():
    script = _RENDER_SCRIPT.format(root=str(PROJECT_ROOT))
    digests = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT).stdout
        for _ in range(2)
    }
    import hashlib

    here = hashlib.sha256(Renderer(Settings()).render_html(demo_report()).encode()).hexdigest()
    assert digests == {here}


# ---- PDF ----------------------------------------------------------------------


def test_pdf_has_page_numbers_marking_contents_and_synthetic_on_every_page(tmp_path):
    renderer = Renderer(Settings())
    html = renderer.render_html(demo_report(sections=6))
    renderer.write_pdf(html, tmp_path / "r.pdf")
    pages = [p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages]
    n = len(pages)
    assert n >= 3
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {n}" in text
        assert "OFFICIAL-SENSITIVE" in text
        assert "SYNTHETIC DATA" in text
    # the contents list gives each section's page
    assert "Contents" in pages[0]
    assert re.search(r"Part 5 \.+ ?\d+", pages[0])


def test_partner_pdf_carries_the_partner_marking(tmp_path):
    s = Settings()
    s.force.partner_marking = "OFFICIAL – PARTNER"
    renderer = Renderer(s)
    report = demo_report("partner", sections=1)
    report = Report(**{**report.__dict__, "marking": marking_for(s, "partner")})
    renderer.write_pdf(renderer.render_html(report), tmp_path / "p.pdf")
    text = PdfReader(tmp_path / "p.pdf").pages[0].extract_text()
    assert "OFFICIAL – PARTNER" in text and "OFFICIAL-SENSITIVE" not in text


def test_pdf_refuses_a_report_that_refers_to_an_external_resource(tmp_path):
    from profiles.errors import MisperError

    html = '<html><body><img src="http://example.invalid/logo.png" alt="logo"></body></html>'
    with pytest.raises(MisperError, match="external resource"):
        Renderer.write_pdf(html, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_a_pdf_made_beside_the_work_is_the_pdf_made_in_line(tmp_path):
    from profiles.errors import MisperError
    from profiles.reports.pdf import PdfMaker
    from profiles.reports.render import TEMPLATES_DIR

    renderer = Renderer(Settings())
    html = renderer.render_html(demo_report(sections=3))
    renderer.write_pdf(html, tmp_path / "inline.pdf")
    with PdfMaker(TEMPLATES_DIR) as pdfs:
        finish = pdfs.start(html, tmp_path / "beside.pdf")
        assert not (tmp_path / "beside.pdf").exists()  # written only when waited for
        finish()
    assert (tmp_path / "beside.pdf").read_bytes() == (tmp_path / "inline.pdf").read_bytes()
    # its error reaches the caller as the in-line one does, and nothing is written
    bad = '<html><body><img src="http://example.invalid/logo.png" alt="logo"></body></html>'
    with PdfMaker(TEMPLATES_DIR) as pdfs:
        with pytest.raises(MisperError, match="external resource"):
            pdfs.start(bad, tmp_path / "x.pdf")()
    assert not (tmp_path / "x.pdf").exists()


_KILLED_PARENT = """
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from profiles.reports.pdf import PdfMaker
from profiles.reports.render import TEMPLATES_DIR
with PdfMaker(TEMPLATES_DIR) as pdfs:
    print(pdfs._process.pid, flush=True)
    pdfs.start("<p>" + "x " * 200000 + "</p>", Path(sys.argv[1]))
    time.sleep(60)
"""


def test_the_pdf_process_ends_when_its_parent_is_killed(tmp_path):
    """kill -9 of a profile run leaves no PDF process behind (the run here is a script without
    a ``__main__`` guard: the PDF process never imports its caller's main module)."""
    import os
    import signal
    import time

    script = tmp_path / "run.py"
    script.write_text(_KILLED_PARENT.format(root=str(Path(__file__).resolve().parent.parent)))
    parent = subprocess.Popen([sys.executable, str(script), str(tmp_path / "x.pdf")],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parent.parent)
    child = int(parent.stdout.readline())

    def running() -> bool:  # a zombie has ended (whoever adopted it may not reap it at once)
        try:
            return Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False

    assert running()
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if not running():
            break
        time.sleep(0.2)
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the PDF process outlived its parent")
    assert not (tmp_path / "x.pdf").exists()
