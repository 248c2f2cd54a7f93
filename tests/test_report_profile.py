"""The monthly problem profile: given these reports, each audience's folder holds these
sections, tables and columns; key findings are written from the numbers; partner and
public files carry no person reference, date of birth, free text or children's-home name."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import shapely
from pypdf import PdfReader

from profiles.config import Settings
from profiles.db import connect
from profiles.periods import Month
from profiles.reports.output import ANNEX_FILES
from profiles.reports.profile import SECTION_IDS, build_profile, write_profile
from profiles.errors import MisperError
from profiles.reports.profile_data import gather
from profiles.reports.render import Renderer
from tests.factories import add_episodes, add_locations, add_sites

MAY = Month.of(2024, 5)
RUN = date(2024, 6, 2)
BOLTON, MANCHESTER = "E08000001", "E08000003"
HOME_NAME = "Oak House Children's Home"
HOME_ADDRESS = "12 Oak Lane, Bolton BL1 1AA"
FREE_TEXT = "Argued with staff at Oak House about curfew"

# Oak House (a children's home, sensitive) and Willow Court (an adult care home, CQC-registered)
SITES = [
    dict(site_id="S1", site_ref="OAK", name=HOME_NAME, type="childrens_home", address=HOME_ADDRESS,
         postcode="BL1 1AA", easting=381000.0, northing=401000.0, lad_code=BOLTON),
    dict(site_id="S2", site_ref="WIL", name="Willow Court Care Home", type="adult_care_home", sensitive=False,
         postcode="M1 1AA", easting=387000.0, northing=402000.0, lad_code=MANCHESTER),
]


def _episodes() -> list[dict]:
    child = dict(age=15, gender="female", looked_after=True, responsible_la=BOLTON, missing_from_type="childrens_home",
                 date_of_birth="2009-03-14", missing_from_address=HOME_ADDRESS)
    rows = [
        # C1: four reports from Oak House in May, CSE flagged, high risk on the first
        dict(incident_id="M01", person="C1", reported_at="2024-05-02 22:00", last_seen_at="2024-05-02 20:30",
             found_at="2024-05-03 09:00", risk="high", flag_cse=True, outcome="harmed", found_by="police",
             reason=FREE_TEXT, return_interview_offered_at="2024-05-04 10:00", return_interview_done_at="2024-05-05 10:00", **child),
        dict(incident_id="M02", person="C1", reported_at="2024-05-09 23:00", found_at="2024-05-10 02:00",
             flag_cse=True, outcome="safe", found_by="own_accord", return_interview_offered_at="2024-05-11 10:00", **child),
        dict(incident_id="M03", person="C1", reported_at="2024-05-16 21:00", found_at="2024-05-17 01:00",
             outcome="safe", found_by="carer", **child),
        dict(incident_id="M04", person="C1", reported_at="2024-05-23 21:00", found_at=None, **child),
        # C2: twice from Oak House in May, once in April
        dict(incident_id="M05", person="C2", reported_at="2024-05-05 19:00", found_at="2024-05-05 23:00",
             outcome="safe", found_by="police", **{**child, "date_of_birth": "2010-07-01", "gender": "male"}),
        dict(incident_id="M06", person="C2", reported_at="2024-05-25 19:00", found_at="2024-05-26 03:00",
             outcome="safe", found_by="police", **{**child, "date_of_birth": "2010-07-01", "gender": "male"}),
        dict(incident_id="A01", person="C2", reported_at="2024-04-25 19:00", found_at="2024-04-26 03:00",
             outcome="safe", found_by="police", **{**child, "date_of_birth": "2010-07-01", "gender": "male"}),
    ]
    # six adults once each in May, two from Willow Court
    for i in range(6):
        rows.append(dict(incident_id=f"M1{i}", person=f"AD{i}", age=30 + 9 * i, gender="male" if i % 2 else "female",
                         reported_at=f"2024-05-{10 + i:02d} 1{i}:00", found_at=f"2024-05-{10 + i:02d} 2{i}:00",
                         risk="low" if i % 3 else "medium", outcome="safe", found_by="family",
                         missing_from_type="adult_care_home" if i < 2 else "home"))
    # May 2023: eight reports, for the year-on-year change
    for i in range(8):
        rows.append(dict(incident_id=f"L{i}", person=f"OLD{i}", age=40, reported_at=f"2023-05-{3 + i:02d} 12:00",
                         found_at=f"2023-05-{3 + i:02d} 18:00", outcome="safe", found_by="family"))
    return rows


def _locations(rows: list[dict]) -> list[dict]:
    locs = []
    for k, r in enumerate(rows):
        iid = r["incident_id"]
        if r.get("missing_from_type") == "childrens_home":
            site, e, n, lad, ward = "S1", 381000.0, 401000.0, BOLTON, "W1"
        elif r.get("missing_from_type") == "adult_care_home":
            site, e, n, lad, ward = "S2", 387000.0, 402000.0, MANCHESTER, "W3"
        else:
            site, e, n, lad, ward = None, 383000.0 + 100 * k, 403000.0, BOLTON, "W2"
        locs.append(dict(incident_id=iid, role="missing_from", easting=e, northing=n, site_id=site, lad_code=lad, ward_code=ward))
        if r.get("found_at"):
            locs.append(dict(incident_id=iid, role="found", easting=e + 400, northing=n + 300, lad_code=lad, ward_code=ward))
    return locs


def _boundaries(con) -> None:
    """Two square local authorities with two square wards each, in the force area."""
    squares = {
        ("lad", BOLTON, "Bolton"): (380000, 400000, 385000, 405000),
        ("lad", MANCHESTER, "Manchester"): (385000, 400000, 390000, 405000),
        ("ward", "W1", "Oak Ward"): (380000, 400000, 382500, 405000),
        ("ward", "W2", "Elm Ward"): (382500, 400000, 385000, 405000),
        ("ward", "W3", "Ash Ward"): (385000, 400000, 387500, 405000),
        ("ward", "W4", "Yew Ward"): (387500, 400000, 390000, 405000),
    }
    for (level, code, name), box in squares.items():
        con.execute(
            "insert into ref_boundaries (level, code, name, source_id, detail_rank, geom_wkb) values (?, ?, ?, 'test', 1, ?)",
            [level, code, name, shapely.to_wkb(shapely.box(*box))],
        )
    con.execute("insert into ref_lad_pfa values (?, 'E23000005', 1.0), (?, 'E23000005', 1.0)", [BOLTON, MANCHESTER])


@pytest.fixture(scope="module")
def db_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("profile") / "m.duckdb"
    con = connect(path)
    rows = _episodes()
    add_sites(con, SITES)
    add_episodes(con, rows)
    add_locations(con, _locations(rows))
    _boundaries(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def data(db_path):
    con = connect(db_path, read_only=True)
    yield gather(con, Settings(), MAY)
    con.close()


@pytest.fixture(scope="module")
def written(db_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    con = connect(db_path, read_only=True)
    try:
        files = write_profile(con, Settings(), MAY, RUN, out_dir=out, pdf=False).files
    finally:
        con.close()
    return out, files


def _full(table):
    """Every row and column of a table as tables/<id>.csv holds it (the body may show fewer)."""
    return table.csv_data if table.csv_data is not None else table.data


def _structure(report) -> dict:
    return {s.id: {t.id: list(_full(t).columns) for t in s.tables} for s in report.sections}


# ---- the snapshot of every output name -----------------------------------------------------

BREAKDOWN = ["category", "child", "adult", "total", "individuals", "share"]
GLANCE = ["figure", "measure", "count", "share", "share_of", "base", "last_month", "change_on_last_month",
          "pct_change_on_last_month", "same_month_last_year", "change_on_last_year", "pct_change_on_last_year"]
COMMON = {
    "at_a_glance": {"at_a_glance": GLANCE},
    "key_findings": {},
    "demand_trend": {"demand_monthly": ["month", "incidents", "individuals", "calls", "child_incidents", "adult_incidents",
                                        "same_month_last_year", "change_vs_last_year", "ucl", "lcl", "signal"],
                     "rates_by_la": ["lad_code", "lad_name", "population", "incidents", "individuals",
                                     "incidents_per_10k", "child_population", "child_incidents",
                                     "child_incidents_per_10k_children"]},
    "time_pattern": {"time_day_hour": ["day"] + [f"{h:02d}" for h in range(24)]},
    "demographics": {"demographics_age": BREAKDOWN, "demographics_gender": BREAKDOWN,
                     "demographics_ethnicity": BREAKDOWN,
                     "demographics_looked_after": ["group", "incidents", "looked_after_incidents", "share_incidents",
                                                   "individuals", "looked_after_individuals", "share_individuals"],
                     "placements": ["placement_type", "placed_by", "incidents", "individuals"],
                     "placing_authorities": ["placing_authority_code", "placing_authority_name", "placed_by",
                                             "incidents", "individuals"]},
    "risk": {"risk_initial": BREAKDOWN, "risk_highest": BREAKDOWN},
    "duration": {"duration_bands": BREAKDOWN,
                 "open_at_period_end": ["child_adult", "risk", "open_band", "incidents", "individuals"]},
    "found_by": {"found_by": BREAKDOWN, "outcomes": BREAKDOWN},
    "sites": {
        "sites_ranked": ["rank", "site", "type", "local_authority", "incidents", "individuals", "repeat_individuals",
                         "calls", "estimated_cost_gbp", "change_vs_previous"],
        "sites_persistent_emerging": ["site", "type", "local_authority", "incidents", "recent_incidents", "status"],
        "sites_clusters": ["cluster", "incidents", "individuals", "local_authority", "ward", "main_site",
                           "share_at_known_sites", "nearest_place"],
        "sites_hot_wards": ["ward", "local_authority", "incidents", "gi_z"],
    },
    "found_locations": {
        "found_places": ["place", "kind", "incidents", "individuals", "share_of_found", "median_distance_m"],
        "found_distance_rings": ["group", "found", "p25_m", "p50_m", "p75_m", "p95_m"],
        "found_directions": ["direction", "found", "share", "median_distance_m"],
    },
    "repeat_individuals": {"repeat_summary": ["group", "people", "reports_in_window"],
                           "repeat_concentration": ["top_n", "incidents", "share_of_incidents", "all_incidents"]},
    "exploitation": {"exploitation_flags": BREAKDOWN},
    "return_interviews": {"return_interviews": ["local_authority", "returns", "offered_within_limit", "done_within_limit",
                                                "offered_within_limit_rate", "done_within_limit_rate"],
                          "rhi_themes": ["theme", "child_adult", "looked_after", "incidents", "individuals"]},
    "cost": {"cost_of_demand": ["risk", "incidents", "unit_cost_gbp", "cost_gbp"]},
    "interventions": {},
    "recommendations": {},
    "scope": {},
    "data_quality": {
        "quality_completeness": ["field", "applies_to", "applicable", "recorded", "pct_recorded"],
        "quality_geocoding": ["role", "method", "locations", "share"],
        "quality_open_episodes": ["risk", "open_episodes", "open_0-24h", "open_24-72h", "open_3-28d",
                                  "open_28d-1y", "open_over_1y"],
    },
    "methods": {},
}


def _expected(audience: str) -> dict:
    expected = json.loads(json.dumps(COMMON))
    if audience == "police":
        ranked = expected["sites"]["sites_ranked"]
        ranked[4:4] = ["site_ref", "postcode"]
        expected["sites"]["sites_clusters"] += ["centre_easting", "centre_northing"]
        del expected["sites"]["sites_hot_wards"]
        expected["sites"]["care_home_summary"] = [
            "site_ref", "name", "type", "local_authority", "incidents", "individuals", "repeat_individuals",
            "repeat_share", "reporting_delay_median_hours", "found_safe", "harmed", "crime_victim", "crime_suspect",
            "found_dead", "still_missing", "outcome_not_recorded", "incidents_12_months", "last_3_months",
            "previous_3_months", "trend"]
        expected["sites"]["sites_hot_cells"] = ["cell_id", "easting", "northing", "incidents", "neighbourhood_incidents",
                                                "gi_z", "q_value"]
    return expected


@pytest.mark.parametrize("audience", ["police", "partner", "public"])
def test_sections_tables_and_columns_are_pinned(data, audience):
    report = build_profile(data, audience, RUN)
    assert [s.id for s in report.sections] == list(SECTION_IDS) == list(COMMON)
    assert _structure(report) == _expected(audience)
    assert [f.id for f in report.figures] == ["demand_trend", "time_pattern", "demographics_age", "risk_initial",
                                              "duration", "sites_map"]


def test_each_audience_folder_holds_every_table_shown_and_a_manifest(written):
    out, files = written
    assert sorted(files) == ["partner", "police", "public"]
    for audience in ("police", "partner", "public"):
        folder = out / audience
        names = {p.name for p in folder.iterdir()}
        assert {"problem_profile.html", "summary.html", "manifest.json", "tables"} <= names
        html = (folder / "problem_profile.html").read_text()
        csvs = sorted(p.stem for p in (folder / "tables").glob("*.csv"))
        shown = sorted(re.findall(r'<(?:div class="table-wrap[^"]*"|p class="csv-only") id="table-([^"]+)"', html))
        assert csvs == shown and len(csvs) >= 20
        manifest = json.loads((folder / "manifest.json").read_text())
        assert (manifest["period"], manifest["audience"], manifest["kind"]) == ("2024-05", audience, "problem_profile")
        for entry in manifest["files"]:
            assert hashlib.sha256((folder / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
        assert {"problem_profile.html", "summary.html", "tables/at_a_glance.csv"} <= {e["path"] for e in manifest["files"]}


def test_key_findings_are_written_from_the_numbers(data):
    police = [f.text for f in build_profile(data, "police", RUN).sections[1].findings]
    assert police[0] == ("12 reports involving 8 people were made in May 2024; reports rose 50% on May 2023 (8) "
                         "(table demand_monthly).")
    assert ("Children made 6 of the 12 reports (50%); 6 of the children's reports (100%) were of looked-after "
            "children (table demographics_looked_after).") in police
    assert ("2 people were repeat missing (3 or more reports in 90 days) at the end of May 2024, 2 of them children "
            "and 2 looked after (table repeat_summary).") in police
    assert "1 report (8%) was graded high risk at first assessment (table risk_initial)." in police
    assert ("2 of 5 children's returns (40%) were offered a return home interview within 72 hours "
            "(table return_interviews).") in police
    assert ("The 2 sites with most reports (Oak House Children's Home, Willow Court Care Home) made 9 of the 13 "
            "reports (69%) in the 12 months to May 2024 (table sites_ranked).") in police  # 9 of 13 in 12 months


def test_partner_findings_never_quote_a_withheld_count(data):
    partner = [f.text for f in build_profile(data, "partner", RUN).sections[1].findings]
    assert partner[0] == ("12 reports involving 8 people were made in May 2024; reports rose 50% on May 2023 (8) "
                          "(table demand_monthly).")
    assert ("Fewer than 5 people were repeat missing (3 or more reports in 90 days) at the end of May 2024 "
            "(table repeat_summary).") in partner
    assert not any("high risk" in f for f in partner)  # 1 high-risk report: withheld, so not quoted
    assert not any("sites with most reports" in f for f in partner)  # Willow Court's 2 reports are withheld
    recommendations = " ".join(next(s for s in build_profile(data, "partner", RUN).sections
                                    if s.id == "recommendations").items)
    assert "40%" not in recommendations  # Bolton's 2 of 5 interviews: withheld in the table, so not quoted
    assert "Children's home A (Bolton)" in recommendations and "Oak House" not in recommendations


def test_partner_and_public_tables_withhold_small_counts_that_police_see(data):
    police = {t.id: t for t in build_profile(data, "police", RUN).tables}
    for audience in ("partner", "public"):
        shown = {t.id: t for t in build_profile(data, audience, RUN).tables}
        risk = shown["risk_initial"].data.set_index("category")
        assert police["risk_initial"].data.set_index("category").loc["High", "total"] == 1
        assert risk.loc["High", "total"] == "[c]"
        ranked = _full(shown["sites_ranked"])
        assert list(ranked["site"]) == ["Children's home A (Bolton)", "Willow Court Care Home"]
        # Willow Court's 2 is withheld; with the total known, Oak House's 7 must go too
        assert list(ranked["incidents"]) == ["[c]", "[c]"]
        assert list(ranked["estimated_cost_gbp"]) == ["[c]", "[c]"]


def test_no_partner_or_public_file_carries_a_person_reference_dob_free_text_or_home_name(written):
    out, _ = written
    forbidden = ["REF-C1", "REF-C2", "REF-AD", "2009-03-14", "14/03/2009", "2010-07-01", "Argued with staff",
                 "Oak House", "Oak Lane", "BL1 1AA", "OAK"]
    for audience in ("partner", "public"):
        for path in (out / audience).rglob("*"):
            if path.is_file():
                text = path.read_text(encoding="utf-8")
                for value in forbidden:
                    assert value not in text, (audience, path.name, value)
    police = (out / "police" / "problem_profile.html").read_text()
    assert "Oak House Children&#39;s Home" in police and "REF-C1" not in police  # sites named; people never


def test_no_audience_has_a_list_of_people_in_its_main_document(written):
    """Person lists are the police annex's; the main folders hold counts only."""
    out, _ = written
    for audience in ("police", "partner", "public"):
        tables = {p.stem for p in (out / audience / "tables").glob("*.csv")}
        assert not tables & {"repeat_people", "referrals", "trigger_plans", "intelligence_due"}, audience
        for path in (out / audience).rglob("*"):
            if path.is_file() and path.name not in ANNEX_FILES:  # the annex (police only) names them
                text = path.read_text(encoding="utf-8")
                assert not re.search(r"\bREF-(?:C|AD)\d", text), (audience, path.name)
    assert [p.name for p in (out / "police").glob("annex.*")] == ["annex.xlsx"]  # pdf=False: no annex.pdf
    assert not list((out / "partner").glob("annex.*")) and not list((out / "public").glob("annex.*"))
    police = (out / "police" / "problem_profile.html").read_text()
    assert "The police annex lists them" in police


def test_same_inputs_give_byte_identical_html(db_path, tmp_path):
    con = connect(db_path, read_only=True)
    try:
        a = write_profile(con, Settings(), MAY, RUN, audiences=("partner",), out_dir=tmp_path / "a", pdf=False).files
        b = write_profile(con, Settings(), MAY, RUN, audiences=("partner",), out_dir=tmp_path / "b", pdf=False).files
    finally:
        con.close()
    for name in ("problem_profile.html", "summary.html", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert len(a["partner"]) == len(b["partner"])


def test_pdf_has_contents_page_numbers_marking_and_synthetic_on_every_page(db_path, tmp_path):
    con = connect(db_path, read_only=True)
    try:
        write_profile(con, Settings(), MAY, RUN, audiences=("police",), out_dir=tmp_path, pdf=True).files
    finally:
        con.close()
    pages = [p.extract_text() for p in PdfReader(tmp_path / "problem_profile.pdf").pages]
    assert len(pages) >= 8
    for i, text in enumerate(pages, start=1):
        assert f"Page {i} of {len(pages)}" in text
        assert "OFFICIAL-SENSITIVE" in text and "SYNTHETIC DATA" in text
    # page 1 is "at a glance"; the contents follow the key messages
    assert "At a glance" in pages[0] and "Contents" not in pages[0]
    contents = next(text for text in pages if "Contents" in text)
    assert contents is pages[1] and "Key messages" in contents
    for title in ("At a glance", "Key messages", "Repeat individuals", "Methods, definitions and attribution"):
        assert re.search(re.escape(title) + r" ?\.+ ?\d+", contents), title


def test_summary_for_the_email_body_carries_the_findings_and_marking(written):
    out, _ = written
    summary = (out / "partner" / "summary.html").read_text()
    assert "OFFICIAL" in summary and "SYNTHETIC" in summary
    assert "12 reports involving 8 people were made in May 2024" in summary
    assert "<img" not in summary and "http" not in summary.replace("http-equiv", "")


def test_cli_profile_writes_one_audience_or_all_three(db_path, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    runner = CliRunner()
    one = runner.invoke(app, ["--db", str(db_path), "profile", "--period", "2024-05", "--audience", "public",
                              "--out", str(tmp_path / "one"), "--no-pdf", "--run-date", "2024-06-02"])
    assert one.exit_code == 0, one.output
    assert (tmp_path / "one" / "problem_profile.html").exists()
    bad = runner.invoke(app, ["--db", str(db_path), "profile", "--period", "2024-05", "--audience", "press"])
    assert bad.exit_code == 2 and "--audience" in bad.output


def test_a_body_table_shows_body_rows_rows_and_names_the_csv_that_holds_every_row(data, tmp_path):
    from profiles.reports.output import write_table_csv

    settings = data.settings.model_copy(deep=True)
    settings.reports.body_rows = 3
    small = type(data)(**{**data.__dict__, "settings": settings})
    report = build_profile(small, "police", RUN)
    assert all(len(t.data) <= 3 for t in report.tables)
    ages = next(t for t in report.tables if t.id == "demographics_age")
    assert ages.more_rows == len(ages.csv_data) - 3 > 0
    assert len(pd.read_csv(write_table_csv(ages, tmp_path))) == len(ages.csv_data)
    trend = next(t for t in report.tables if t.id == "demand_monthly")
    assert list(trend.data["month"]) == ["2024-03", "2024-04", "2024-05"]  # a trend keeps its latest months
    html = Renderer(settings).render_html(report)
    assert f"and {ages.more_rows} more in tables/demographics_age.csv" in html


def test_intervention_impact_names_the_target_as_the_audience_may_see_it(db_path, tmp_path):
    csv = tmp_path / "interventions.csv"
    csv.write_text(
        "intervention_id,target_type,target_ref,started_on,type,description\n"
        "INT-1,site,OAK,2024-05-01,multi_agency_meeting,Met the manager of Oak House about curfews\n"
        "INT-2,person,REF-C1,2024-05-10,cawn,CAWN served on an adult seen with C1\n"
        "INT-3,site,NOPE,2024-04-01,other,A site nobody registered\n"
    )
    settings = Settings()
    settings.reports.interventions_file = csv
    con = connect(db_path, read_only=True)
    try:
        data = gather(con, settings, MAY)
    finally:
        con.close()
    tables = {a: {t.id: t for t in build_profile(data, a, RUN).tables} for a in ("police", "partner")}
    police = _full(tables["police"]["interventions"])
    assert list(police["target"]) == [HOME_NAME, "A person", "NOPE (not in the sites register)"]
    assert list(police["type"]) == ["Multi agency meeting", "Child Abduction Warning Notice", "Other"]
    assert "Met the manager of Oak House about curfews" in list(police["description"])
    partner = _full(tables["partner"]["interventions"])
    assert list(partner["target"]) == ["Children's home A (Bolton)", "A person", "A site not in the register"]
    assert "description" not in partner.columns and "target_ref" not in partner.columns
    assert tables["partner"]["interventions"].notes[0].startswith("A before-and-after count is not proof")


def test_a_section_partial_exists_only_where_its_layout_differs_from_the_standard_one():
    """Most sections use sections/generic.html.j2; the list of sections, tables and columns is
    pinned by test_sections_tables_and_columns_are_pinned, not by one template file each."""
    from profiles.reports.render import TEMPLATES_DIR

    def body(path: Path) -> str:  # a partial without its leading comment
        return re.sub(r"^\{#-.*?-#\}\n", "", path.read_text(), flags=re.S)

    folder = TEMPLATES_DIR / "sections"
    generic = body(folder / "generic.html.j2")
    partials = sorted(p.name.removesuffix(".html.j2") for p in folder.glob("*.html.j2") if p.name != "generic.html.j2")
    assert set(partials) <= set(SECTION_IDS)
    assert [name for name in partials if body(folder / f"{name}.html.j2") == generic] == []


def test_gather_measures_what_it_measures_one_at_a_time(db_path):
    """The two connections gather what one connection measuring in turn gathers."""
    from profiles.analysis.people_common import cached_repeat_counts
    from profiles.analysis.people_profile import people_profile
    from profiles.db import cached_facts

    con = connect(db_path, read_only=True)
    try:
        data = gather(con, Settings(), MAY)
        with cached_facts(con), cached_repeat_counts(con, Settings()):
            alone = people_profile(con, Settings(), MAY)
        assert data.people.repeats.equals(alone.repeats)
        assert data.people.trigger_plans.persons.equals(alone.trigger_plans.persons)
        assert data.people.figures == alone.figures
        # no cache is left behind for the next run of the process
        assert not con.execute("select * from duckdb_tables() where database_name = 'misper_run'").fetchall()
    finally:
        con.close()


def test_a_run_whose_caches_fail_stops_without_measuring_the_people(db_path, monkeypatch):
    from contextlib import contextmanager

    from profiles.reports import profile_data

    @contextmanager
    def failing(con):
        raise MisperError("the facts could not be taken")
        yield

    asked = []
    monkeypatch.setattr(profile_data.db, "cached_facts", failing)
    monkeypatch.setattr(profile_data, "people_profile", lambda *a: asked.append(a))
    con = connect(db_path, read_only=True)
    try:
        with pytest.raises(MisperError, match="could not be taken"):
            gather(con, Settings(), MAY)
    finally:
        con.close()
    assert asked == []
