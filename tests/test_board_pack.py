"""The board pack (issue 10) on the bundled sample's shape: page 1 "at a glance", at most eight
key messages each naming its table, body tables capped at ``reports.body_rows``, no person
reference in any main document of any audience, an email body each audience may see, and
page counts a board can read.

The sample's RMS extract is cut to the months a profile of October 2026 compares (October 2025,
August to October 2026), ingested, geocoded and profiled as ``misper demo`` does; the page-1
figures are then counted again here, with pandas over ``episodes``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from profiles.config import DEFAULT_CONFIG_PATH, PROJECT_ROOT, load_settings
from profiles.db import connect
from profiles.delivery.message import html_to_text
from profiles.disclosure import CheckFailed
from profiles.errors import MisperError
from profiles.periods import LONDON, Month
from profiles.reports.objects import KeyFinding
from profiles.reports.profile import build_profile, write_profile, write_profile_files
from profiles.reports.profile.findings import KEY_MESSAGES_MAX
from profiles.reports.profile_data import gather
from profiles.reports.safety import sensitive_values

SAMPLE = PROJECT_ROOT / "data" / "sample"
OCT = Month.of(2026, 10)
RUN = date(2026, 11, 2)
AUDIENCES = ("police", "partner", "public")
#: The months a profile of October 2026 reads: the month, the one before, the repeat window
#: (90 days to 31 October) and the same month a year earlier.
MONTHS = {"10/2025", "08/2026", "09/2026", "10/2026"}
PERSON_LISTS = {"repeat_people", "referrals", "trigger_plans", "intelligence_due"}
MARKER = "[c]"


def _slice_rms(source: Path, target: Path) -> int:
    with source.open(encoding="cp1252", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)
        at = header.index("Reported Date/Time")
        body = [r for r in reader if r[at][3:10] in MONTHS]
    with target.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(body)
    return len(body)


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """The sample's shape through ingest, geocoding and the profile of October 2026 (PDFs too)."""
    from profiles.geo.episodes import geocode_episodes
    from profiles.geo.files import ensure_reference
    from profiles.ingest.load import ingest_files

    folder = tmp_path_factory.mktemp("pack")
    rows = _slice_rms(SAMPLE / "synthetic_missing_persons_rms.csv", folder / "rms.csv")
    assert rows > 2000
    config = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    config["sources"] = {"extracts": [{"name": "incidents", "files": [str(folder / "rms.csv")], "mapping": "rms"}]}
    config["paths"] = {"db": str(folder / "misper.duckdb"), "output_dir": str(folder / "out")}
    for key, value in config.get("reports", {}).items():  # files named relative to config/
        if key.endswith("_file") and isinstance(value, str):
            config["reports"][key] = str((DEFAULT_CONFIG_PATH.parent / value).resolve())
    config.pop("delivery", None)
    path = folder / "misper.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    settings = load_settings(path)
    ingest_files([folder / "rms.csv"], mapping="rms", settings=settings, db_path=settings.db_path)
    with connect(settings.db_path) as con:
        ensure_reference(con, settings)
        geocode_episodes(con, settings)
    con = connect(settings.db_path, read_only=True)
    try:
        write_profile(con, settings, OCT, RUN, pdf=True)
        data = gather(con, settings, OCT)
        episodes = con.execute("select * from episodes").df()
        refs = sorted(r[0] for r in con.execute("select person_id from person_identity").fetchall())
        values = sensitive_values(con, OCT)
    finally:
        con.close()
    out = settings.output_dir / "profile" / OCT.label
    return {"settings": settings, "out": out, "data": data, "episodes": episodes, "refs": refs, "values": values}


def _text_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in (".html", ".csv", ".json"))


def _pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _csv(pack, audience: str, table: str) -> pd.DataFrame:
    return pd.read_csv(pack["out"] / audience / "tables" / f"{table}.csv", keep_default_na=False)


# ---- no person reference in any main document --------------------------------------------


def test_no_person_reference_reaches_a_main_document_of_any_audience(pack):
    refs = set(pack["refs"])
    assert len(refs) > 1000 and all(r.startswith("SYN-P") for r in list(refs)[:10])
    token = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]*[A-Za-z0-9]")
    for audience in AUDIENCES:
        folder = pack["out"] / audience
        tables = {p.stem for p in (folder / "tables").glob("*.csv")}
        assert not tables & PERSON_LISTS, audience
        texts = {p.name: p.read_text(encoding="utf-8") for p in _text_files(folder)}
        texts["problem_profile.pdf"] = "\n".join(_pdf_text(folder / "problem_profile.pdf"))
        for name, text in texts.items():
            assert not set(token.findall(text)) & refs, (audience, name)
            assert not re.search(r"SYN-P\d{4,}", text), (audience, name)
    assert "The police annex lists them" in (pack["out"] / "police" / "problem_profile.html").read_text()


def test_a_police_document_that_would_name_a_person_is_not_written(pack, tmp_path):
    """The run-time check behind the test above: a person's reference in a police main document
    stops the run, and nothing of the folder is left."""
    data, settings = pack["data"], pack["settings"]
    report = build_profile(data, "police", RUN)
    ref = pack["refs"][0]
    sections = tuple(
        replace(s, findings=s.findings + (KeyFinding(f"{ref} went missing again (table repeat_summary).", s.id),))
        if s.id == "key_findings" else s for s in report.sections)
    con = connect(settings.db_path, read_only=True)
    try:
        with pytest.raises(CheckFailed, match="person reference"):
            write_profile_files(replace(report, sections=sections), data, tmp_path / "police", settings, con, pdf=False)
    finally:
        con.close()
    assert not (tmp_path / "police").exists()


# ---- the body-row cap --------------------------------------------------------------------


_TABLE = re.compile(r'<div class="table-wrap[^"]*" id="table-([^"]+)">(.*?)</table>\s*(<p class="more-rows">[^<]*</p>)?',
                    re.S)


def test_a_body_table_shows_at_most_body_rows_rows_and_names_the_csv_with_the_rest(pack):
    cap = pack["settings"].reports.body_rows
    assert cap == 10
    for audience in AUDIENCES:
        html = (pack["out"] / audience / "problem_profile.html").read_text(encoding="utf-8")
        capped = 0
        for table_id, body, more in _TABLE.findall(html):
            shown = len(re.findall(r"<tr[ >]", body.split("<tbody>", 1)[1]))
            rows = len(_csv(pack, audience, table_id))
            assert shown <= cap, (audience, table_id, shown)
            if rows > cap:
                capped += 1
                assert more == f'<p class="more-rows">and {rows - shown:,} more in tables/{table_id}.csv</p>', \
                    (audience, table_id)
            else:
                assert shown == max(rows, 1) and not more, (audience, table_id)
        assert capped >= 3, audience  # the sample has long tables: the cap is exercised


# ---- key messages ------------------------------------------------------------------------


def test_at_most_eight_key_messages_each_quoting_its_figure_and_naming_its_table(pack):
    assert KEY_MESSAGES_MAX == 8
    for audience in AUDIENCES:
        report = build_profile(pack["data"], audience, RUN)
        messages = next(s for s in report.sections if s.id == "key_findings").findings
        tables = {t.id for t in report.tables}
        assert 3 <= len(messages) <= KEY_MESSAGES_MAX
        for m in messages:
            assert m.table in tables, (audience, m.text)
            assert m.text.endswith(f"(table {m.table}).") and m.text.count(". ") == 0, m.text
            assert re.search(r"\d|[Ff]ewer than", m.text.removesuffix(f"(table {m.table}).")), m.text


# ---- page 1 ------------------------------------------------------------------------------


def _month_counts(ep: pd.DataFrame, month: Month, settings) -> dict[str, int]:
    """The page-1 figures counted again from the episodes, without the project's SQL."""
    start, end = month.first_day, month.end_day
    s = pd.Timestamp(datetime(start.year, start.month, start.day), tz=LONDON)
    e = pd.Timestamp(datetime(end.year, end.month, end.day), tz=LONDON)
    reported = ep["reported_at"].dt.tz_convert(LONDON)
    found = ep["found_at"].dt.tz_convert(LONDON)
    m = ep[(reported >= s) & (reported < e)]
    child = m["age_at_report"].notna() & (m["age_at_report"] < 18)
    window_start = pd.Timestamp(datetime.combine(month.last_day - timedelta(days=settings.repeat.window_days - 1),
                                                 datetime.min.time()), tz=LONDON)
    window = ep[(reported >= window_start) & (reported < e)]
    open_now = ep[(reported < e) & (found.isna() | (found >= e))]
    returns = m[child & m["found_at"].notna() & (m["outcome"].fillna("") != "found_dead")]
    limit = returns["found_at"] + pd.Timedelta(hours=settings.safeguarding.return_interview_hours)
    return {
        "calls": int(m["calls"].fillna(0).sum()),
        "incidents": len(m),
        "individuals": m["person_key"].nunique(),
        "child_incidents": int(child.sum()),
        "looked_after_child_incidents": int((child & (m["looked_after"] == True)).sum()),  # noqa: E712
        "repeat_people": int((window.groupby("person_key").size() >= settings.repeat.threshold).sum()),
        "high_risk_incidents": int((m["risk"] == "high").sum()),
        "open_people": open_now["person_key"].nunique(),
        "interviews_offered_in_time": int((returns["return_interview_offered_at"] <= limit).sum()),
        "child_returns": len(returns),
    }


def test_page_one_figures_agree_with_an_independent_count_and_with_the_chapter_tables(pack):
    settings, ep = pack["settings"], pack["episodes"]
    now, before, year = (_month_counts(ep, m, settings) for m in (OCT, OCT.previous, OCT.same_month_last_year))
    glance = _csv(pack, "police", "at_a_glance").set_index("figure")
    assert list(glance.index) == ["calls", "incidents", "individuals", "child_incidents",
                                  "looked_after_child_incidents", "repeat_people", "high_risk_incidents",
                                  "open_people", "interviews_offered_in_time"]
    for figure, row in glance.iterrows():
        assert (row["count"], row["last_month"], row["same_month_last_year"]) == \
            (now[figure], before[figure], year[figure]), figure
        assert row["change_on_last_month"] == now[figure] - before[figure]
    assert now["incidents"] > 500 and year["incidents"] > 500 and now["open_people"] > 0
    shares = glance["share"].replace("", None).dropna().astype(float)
    assert shares.to_dict() == {
        "child_incidents": round(now["child_incidents"] / now["incidents"], 4),
        "looked_after_child_incidents": round(now["looked_after_child_incidents"] / now["child_incidents"], 4),
        "high_risk_incidents": round(now["high_risk_incidents"] / now["incidents"], 4),
        "interviews_offered_in_time": round(now["interviews_offered_in_time"] / now["child_returns"], 4),
    }
    # the same numbers as the chapters show
    monthly = _csv(pack, "police", "demand_monthly").set_index("month")
    for figure in ("calls", "incidents", "individuals", "child_incidents"):
        assert monthly.loc[OCT.label, figure] == now[figure]
        assert monthly.loc[OCT.previous.label, figure] == before[figure]
    assert _csv(pack, "police", "risk_initial").set_index("category").loc["High", "total"] == now["high_risk_incidents"]
    assert _csv(pack, "police", "repeat_summary").set_index("group").loc["Everyone", "people"] == now["repeat_people"]
    ri = _csv(pack, "police", "return_interviews").set_index("local_authority").loc["All authorities"]
    assert (ri["offered_within_limit"], ri["returns"]) == (now["interviews_offered_in_time"], now["child_returns"])
    page1 = _pdf_text(pack["out"] / "police" / "problem_profile.pdf")[0]
    assert "At a glance" in page1 and f"{now['incidents']:,}" in page1 and "Key messages" not in page1
    assert re.search(r"[▲▼] (up|down) \d", page1)


def test_partner_and_public_page_one_shows_the_police_figure_or_the_marker_never_a_small_count(pack):
    police = _csv(pack, "police", "at_a_glance").set_index("figure")
    for audience in ("partner", "public"):
        glance = _csv(pack, audience, "at_a_glance").set_index("figure")
        for figure, row in glance.iterrows():
            for col in ("count", "base", "last_month", "same_month_last_year"):
                value = row[col]
                if value in (MARKER, ""):
                    continue
                assert int(value) == int(police.loc[figure, col]) and not 0 < int(value) < 5, (audience, figure, col)
            if row["count"] == MARKER:
                assert row["change_on_last_month"] == MARKER and row["share"] in (MARKER, "")


def test_a_red_amber_green_status_only_where_a_threshold_is_set(pack):
    data = pack["data"]
    assert "status" not in _csv(pack, "police", "at_a_glance").columns  # none set: no colours
    from profiles.analysis.headline import headline
    from profiles.config import GlanceThreshold

    settings = data.settings.model_copy(deep=True)
    settings.reports.glance_thresholds = {
        "high_risk_incidents": GlanceThreshold(on="share", amber=0.05, red=0.10),
        "interviews_offered_in_time": GlanceThreshold(on="share", worse="lower", amber=0.99, red=0.5),
    }
    con = connect(settings.db_path, read_only=True)
    try:
        figures = headline(con, settings, OCT)
    finally:
        con.close()
    report = build_profile(replace(data, settings=settings, headline=figures), "police", RUN)
    shown = report.sections[0].tables[0].data.set_index("measure")["status"]
    assert shown["High risk at first assessment"] == "Red"  # 18% of reports on the sample
    assert shown["Return interviews offered within 72 h"] == "Amber"
    assert shown["Calls to police"] == ""
    with pytest.raises(ValueError, match="red"):
        GlanceThreshold(amber=10, red=5)


# ---- the email body ----------------------------------------------------------------------


def test_the_email_body_is_page_one_and_the_key_messages_and_carries_nothing_its_audience_may_not_see(pack):
    values = pack["values"]
    for audience in AUDIENCES:
        summary = (pack["out"] / audience / "summary.html").read_text(encoding="utf-8")
        text = html_to_text(summary)
        report = build_profile(pack["data"], audience, RUN)
        for message in next(s for s in report.sections if s.id == "key_findings").findings:
            assert message.text.replace("'", "&#39;") in summary
        assert "At a glance" in text and "Key messages" in text and "<img" not in summary
        if audience != "police":
            assert values.find(text) == [] and values.find(summary, html=True) == []
            rows = re.findall(r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*>([^<]+)</td>', summary)
            assert len(rows) == 9
            for _, count in rows:
                assert count == MARKER or not 0 < int(count.replace(",", "")) < 5, (audience, count)


def test_the_leak_check_reads_the_email_body_of_partner_and_public(pack, monkeypatch, tmp_path):
    import profiles.reports.profile.write as write

    checked: dict[str, list[str]] = {}

    def spy(paths, values, audience):
        checked[audience] = [p.name for p in paths]

    monkeypatch.setattr(write, "check_files", spy)
    con = connect(pack["settings"].db_path, read_only=True)
    try:
        for audience in ("partner", "public"):
            report = build_profile(pack["data"], audience, RUN)
            write_profile_files(report, pack["data"], tmp_path / audience, pack["settings"], con, pdf=False)
    finally:
        con.close()
    assert all("summary.html" in names and "at_a_glance.csv" in names for names in checked.values())
    assert sorted(checked) == ["partner", "public"]


# ---- pages -------------------------------------------------------------------------------


def test_each_main_pdf_is_a_board_pack_with_the_marking_and_synthetic_on_every_page(pack):
    limits = {"police": 24, "partner": 20, "public": 20}
    for audience in AUDIENCES:
        pages = _pdf_text(pack["out"] / audience / "problem_profile.pdf")
        assert 8 <= len(pages) <= limits[audience], (audience, len(pages))
        for i, text in enumerate(pages, start=1):
            assert "SYNTHETIC DATA" in text and f"Page {i} of {len(pages)}" in text, (audience, i)
        assert "At a glance" in pages[0] and "Contents" in pages[1]


def test_an_unknown_figure_in_the_thresholds_is_refused_in_the_fields_words(pack):
    settings = pack["settings"].model_copy(deep=True)
    from profiles.analysis.headline import check_thresholds
    from profiles.config import GlanceThreshold

    settings.reports.glance_thresholds = {"reports": GlanceThreshold(amber=1, red=2)}
    with pytest.raises(MisperError, match="reports.glance_thresholds: unknown figure"):
        check_thresholds(settings)


# ---- plain words for boards (issue 13, point 6) ----------------------------------------------

JARGON = re.compile(r"Gi\* z|control limits|FDR controlled|p[ -]value|q_value|gi_z", re.I)


def test_partner_and_public_editions_keep_technical_names_to_the_methods(pack):
    for audience in ("partner", "public"):
        html = (pack["out"] / audience / "problem_profile.html").read_text(encoding="utf-8")
        body = re.sub(r'<section id="methods".*?</section>', "", html, flags=re.S)
        assert not JARGON.findall(body), (audience, sorted(set(JARGON.findall(body))))
        assert "usual range" in body
