"""The flows: what they run, in what order, and what a run leaves behind.

Plain parts (default dates, the run summary, the console filter, the retry rule, finding
extract files) are tested without Prefect. Flow tests (marked ``prefect``) share the one
session-scoped Prefect test server (``prefect_harness`` in conftest.py) and never run
under xdist. The end-to-end test runs the monthly flow on a slice of the bundled sample:
ingest, geocode, analyse, render, send to a loopback SMTP server, log; then runs it
again and sees nothing sent twice.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.flows.dates import financial_year_for, month_for, run_date_for
from pipelines.flows.environment import CliConsoleFilter
from pipelines.flows.summary import RunSummary, artifact_key
from profiles.config import PROJECT_ROOT, ExtractSource, Settings
from profiles.errors import InputError, MisperError
from profiles.periods import LONDON
from tests.factories import add_episodes
from tests.test_delivery_fixtures import PARTNER_LIST, POLICE_LIST, SmtpServer, make_bundle

SAMPLE = PROJECT_ROOT / "data" / "sample"
SLICE_ROWS = 2500


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- default dates -----------------------------------------------------------------------


def test_a_scheduled_run_profiles_the_month_before_its_scheduled_london_date():
    # 06:00 London on 2 December is 06:00 UTC (GMT): the profile is for November
    scheduled = datetime(2026, 12, 2, 6, 0, tzinfo=timezone.utc)
    day = run_date_for(None, scheduled=scheduled)
    assert day == date(2026, 12, 2)
    assert month_for(None, day).label == "2026-11"
    # 23:30 UTC on 31 March 2026 is already 1 April in London (BST): March is profiled
    late = datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc)
    assert month_for(None, run_date_for(None, scheduled=late)).label == "2026-03"
    # January's run profiles December of the year before
    assert month_for(None, date(2027, 1, 2)).label == "2026-12"


def test_given_dates_win_and_bad_ones_are_refused_in_the_fields_words_not_an_options():
    assert run_date_for("2026-11-02", scheduled=datetime(2020, 1, 1, tzinfo=LONDON)) == date(2026, 11, 2)
    assert month_for("2025-07", date(2026, 11, 2)).label == "2025-07"
    with pytest.raises(MisperError, match="^run_date: expected YYYY-MM-DD"):
        run_date_for("02/11/2026")
    with pytest.raises(MisperError, match="^period: expected YYYY-MM"):
        month_for("2026-13", date(2026, 11, 2))


def test_the_ukmpu_default_is_the_financial_year_that_ended_last():
    assert financial_year_for(None, date(2026, 4, 15)).label == "2025/26"
    assert financial_year_for(None, date(2026, 3, 31)).label == "2024/25"
    assert financial_year_for(None, date(2027, 1, 10)).label == "2025/26"
    assert financial_year_for(2023, date(2026, 4, 15)).label == "2023/24"


# ---- the run summary ---------------------------------------------------------------------


def test_the_summary_lists_figures_files_with_their_sha256_warnings_and_deliveries(tmp_path):
    report = tmp_path / "problem_profile.pdf"
    report.write_bytes(b"%PDF-1.7 police 2026-10")
    summary = RunSummary(title="Monthly problem profile 2026-10", key="Monthly Problem Profile 2026/10")
    summary.figure("reports in the month", 1234)
    summary.add_files("profile (police)", [report])
    summary.warn("x.csv: 3 row(s) quarantined")
    summary.block("# Delivery for 2026-10\n\n| list | result |\n|---|---|\n| Board | sent |\n")
    text = summary.markdown()
    assert summary.key == "monthly-problem-profile-2026-10"
    assert "| reports in the month | 1,234 |" in text
    assert hashlib.sha256(b"%PDF-1.7 police 2026-10").hexdigest() in text
    assert "- x.csv: 3 row(s) quarantined" in text
    assert "## Delivery for 2026-10" in text and "| Board | sent |" in text


def test_a_run_without_warnings_says_so():
    assert "## Warnings\n\nNone." in RunSummary(title="t", key="k").markdown()


def test_artifact_keys_are_what_prefect_accepts():
    assert artifact_key("UKMPU annual return 2025/26") == "ukmpu-annual-return-2025-26"
    assert artifact_key("***") == "misper-run"


# ---- what the console shows --------------------------------------------------------------


def _record(name: str, level: int, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, None) if exc else None
    return logging.LogRecord(name, level, __file__, 1, "message", None, exc_info)


def test_quiet_console_drops_run_failures_the_cli_reports_itself_and_every_traceback():
    quiet = CliConsoleFilter(verbose=False)
    assert not quiet.filter(_record("prefect.task_runs", logging.ERROR, InputError("x.csv: bad")))
    assert not quiet.filter(_record("prefect.flow_runs", logging.ERROR))
    warning = _record("prefect.task_runs", logging.WARNING, ValueError("odd"))
    assert quiet.filter(warning) and warning.exc_info is None
    assert quiet.filter(_record("prefect.client", logging.ERROR))


def test_verbose_console_shows_failures_but_no_traceback_for_a_misper_error():
    verbose = CliConsoleFilter(verbose=True)
    mine = _record("prefect.task_runs", logging.ERROR, InputError("x.csv: bad"))
    assert verbose.filter(mine) and mine.exc_info is None
    other = _record("prefect.task_runs", logging.ERROR, KeyError("bug"))
    assert verbose.filter(other) and other.exc_info is not None


# ---- retries only on I/O -----------------------------------------------------------------


def test_only_io_errors_that_are_not_misper_errors_are_retried():
    from pipelines.tasks import IO_RETRY, is_transient_io, render_profile

    assert is_transient_io(ConnectionResetError("share dropped"))
    assert is_transient_io(PermissionError("locked by the copy"))
    assert not is_transient_io(InputError("x.csv: file not found"))
    assert not is_transient_io(ValueError("a wrong figure"))
    assert IO_RETRY["retries"] > 0
    assert render_profile.retries == 0  # analysis and rendering never retry


def test_a_step_run_directly_retries_a_dropped_share_but_never_a_misper_error():
    from pipelines.steps import step
    from pipelines.tasks import is_transient_io

    calls = []

    @step(name="flaky read", retries=2, retry_delay_seconds=0, retry_if=is_transient_io)
    def flaky(fail_with):
        calls.append(fail_with)
        if len(calls) < 3:
            raise fail_with
        return "read"

    assert flaky(ConnectionResetError("share dropped")) == "read" and len(calls) == 3
    calls.clear()
    with pytest.raises(InputError):
        flaky(InputError("x.csv: file not found"))
    assert len(calls) == 1
    calls.clear()
    with pytest.raises(ConnectionResetError):
        flaky.with_options(retries=1)(ConnectionResetError("still dropped"))
    assert len(calls) == 2


def test_the_prefect_task_of_a_step_keeps_its_retries_and_retries_only_io():
    from prefect.states import Failed

    from pipelines.tasks import ingest_extract, render_profile

    task = ingest_extract.prefect
    assert task.retries == 2 and task.name == "ingest extract"
    assert task.retry_condition_fn(task, None, Failed(data=ConnectionResetError("share dropped")))
    assert not task.retry_condition_fn(task, None, Failed(data=InputError("x.csv: file not found")))
    assert render_profile.prefect.retries == 0


def test_extract_files_are_found_by_path_or_pattern_in_order(tmp_path):
    from pipelines.tasks import find_extract_files

    for name in ("rms_2026-10.csv", "rms_2026-09.csv", "notes.txt"):
        (tmp_path / name).write_text("x\n")
    settings = Settings()
    source = ExtractSource(name="rms", files=[str(tmp_path / "rms_*.csv"), str(tmp_path / "rms_2026-09.csv")],
                           mapping="rms")
    found = find_extract_files.fn(source, settings)
    assert [p.name for p in found] == ["rms_2026-09.csv", "rms_2026-10.csv"]
    with pytest.raises(InputError, match="sources.extracts 'late': no file matches"):
        find_extract_files.fn(ExtractSource(name="late", files=[str(tmp_path / "none_*.csv")]), settings)
    with pytest.raises(InputError, match="sources.extracts 'gone': file not found"):
        find_extract_files.fn(ExtractSource(name="gone", files=[str(tmp_path / "gone.csv")]), settings)


# ---- flows under Prefect -----------------------------------------------------------------

HEADER = "incident_id,person_id,reported_at,found_at,age,gender,risk\n"


def write_config(tmp_path: Path, **sections) -> str:
    config = {"paths": {"db": str(tmp_path / "misper.duckdb"), "output_dir": str(tmp_path / "out")}}
    config.update(sections)
    path = tmp_path / "misper.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return str(path)


def read_artifact(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert found, f"no artifact {key}"
    return max(found, key=lambda a: a.created).data


@pytest.mark.prefect
def test_ingest_flow_loads_new_extracts_in_order_and_skips_those_already_loaded(prefect_harness, tmp_path):
    from pipelines.flows import ingest_extracts

    drop = tmp_path / "extracts"
    drop.mkdir()
    (drop / "rms_2026-09.csv").write_text(
        HEADER + "I1,P1,2026-09-01 10:00,2026-09-01 18:00,15,female,medium\nI2,P2,2026-09-30 09:00,,34,male,high\n"
    )
    (drop / "rms_2026-10.csv").write_text(
        HEADER + "I2,P2,2026-09-30 09:00,2026-10-03 09:00,34,male,high\nI3,P3,2026-10-05 09:00,,16,female,banana\n"
    )
    config = write_config(tmp_path, sources={"extracts": [
        {"name": "rms", "files": [str(drop / "rms_*.csv")], "mapping": "canonical"},
    ], "read_retries": 0})

    september, october = ingest_extracts(config=config)
    assert september.files[0].file.endswith("rms_2026-09.csv")  # name order: the later one last
    assert (september.total("loaded"), october.total("updated"), october.total("quarantined")) == (2, 1, 1)

    # next month: only the new file loads; September's would reopen I2 if applied again
    (drop / "rms_2026-11.csv").write_text(HEADER + "I4,P4,2026-11-01 09:00,,40,male,low\n")
    (november,) = ingest_extracts(config=config)
    assert november.files[0].file.endswith("rms_2026-11.csv") and november.total("loaded") == 1
    con = duckdb.connect(str(tmp_path / "misper.duckdb"), read_only=True)
    found = con.execute("select incident_id, found_at is not null from episodes order by 1").fetchall()
    con.close()
    assert found == [("I1", True), ("I2", True), ("I4", False)]
    assert ingest_extracts(config=config) == []
    text = read_artifact("ingest-extracts")
    assert "already loaded (load 1), skipped" in text and "| new extracts | none |" in text
    # the same run history as an ad hoc run's: misper's run log, with the artifact's text
    from profiles import runlog

    logged = runlog.read_runs(tmp_path / "misper.duckdb")
    assert [(e.flow, e.mode, e.state) for e in logged] == [("ingest-extracts", "prefect", "completed")] * 3
    assert all(e.prefect_run_id for e in logged)
    assert logged[-1].summary_text("ingest-extracts") == text


@pytest.mark.prefect
def test_an_error_inside_a_flow_reaches_the_user_as_one_line_and_stdout_stays_clean(prefect_harness, tmp_path):
    from typer.testing import CliRunner

    from pipelines.cli import app

    bad = tmp_path / "bad.csv"
    bad.write_text("incident_id,person_id,reported_at,age,gender\nI1,P1,2026-10-01 10:00,15,male\n")
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "I1,P1,2026-10-01 10:00,,15,female,medium\n")
    runner = CliRunner()
    db = ["--db", str(tmp_path / "db.duckdb")]

    failed = runner.invoke(app, [*db, "ingest", str(bad), "--json"])
    assert failed.exit_code == 2
    assert failed.stdout == ""
    assert failed.stderr.strip().splitlines() == [
        f"error: {bad}: required column 'risk' (canonical 'risk') not found; nothing was loaded;"
        " the file's headers are 'incident_id', 'person_id', 'reported_at', 'age', 'gender'"
    ]

    loaded = runner.invoke(app, [*db, "ingest", str(good), "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert json.loads(loaded.stdout)["loaded"] == 1  # stdout is the JSON and nothing else


@pytest.mark.prefect
def test_a_lasting_smtp_failure_is_logged_and_fails_the_run_after_the_other_lists_went(prefect_harness, tmp_path):
    from pipelines.flows import DeliveryFailed, send_reports

    make_bundle(tmp_path / "out", "2026-10", "police")
    make_bundle(tmp_path / "out", "2026-10", "partner")
    with SmtpServer() as server:
        config = write_config(tmp_path, delivery={
            "outbox_dir": str(tmp_path / "outbox"),
            "smtp": {"host": "127.0.0.1", "port": server.port, "starttls": False, "retries": 0,
                     "retry_delay_seconds": 0, "timeout_seconds": 5},
            "lists": [POLICE_LIST, PARTNER_LIST],
        })
        server.handler.data_replies = ["554 rejected: policy"]  # the first list's message fails for good
        with pytest.raises(DeliveryFailed, match="1 message\\(s\\) not sent") as failed:
            send_reports(period="2026-10", config=config)
    assert [o.result for o in failed.value.run.outcomes] == ["failed", "sent"]
    assert len(server.received) == 1
    con = duckdb.connect(str(tmp_path / "misper.duckdb"), read_only=True)
    logged = con.execute("select list_name, result from delivery_log order by logged_at").fetchall()
    con.close()
    assert logged == [(POLICE_LIST["name"], "failed"), (PARTNER_LIST["name"], "sent")]
    assert "FAILED" in read_artifact("send-reports-2026-10")


@pytest.mark.prefect
def test_the_retention_flow_lists_then_weeds_resolved_episodes_past_review_never_open_ones(prefect_harness, tmp_path):
    from pipelines.flows import retention_review

    from profiles.db import connect

    db = tmp_path / "misper.duckdb"
    con = connect(db)
    add_episodes(con, [
        dict(incident_id="OLD", person="P1", reported_at="2015-01-05 10:00", found_at="2015-01-05 20:00"),
        dict(incident_id="OPEN", person="P2", reported_at="2015-02-05 10:00"),
        dict(incident_id="NEW", person="P3", reported_at="2025-02-05 10:00", found_at="2025-02-06 10:00"),
    ])
    con.close()
    config = write_config(tmp_path)

    listed = retention_review(as_of="2026-11-02", config=config, dry_run=True)
    assert [r["incident_id"] for r in listed.plan.incidents if r["episode"] == "weeded"] == ["OLD"]
    with open(listed.csv_path, newline="") as fh:
        assert [row["incident_id"] for row in csv.DictReader(fh)] == ["OLD"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from episodes").fetchone()[0] == 3  # a dry run changes nothing
    con.close()

    weeded = retention_review(as_of="2026-11-02", config=config, dry_run=False)
    assert weeded.weed_id is not None
    con = duckdb.connect(str(db), read_only=True)
    assert sorted(r[0] for r in con.execute("select incident_id from episodes").fetchall()) == ["NEW", "OPEN"]
    con.close()
    assert "weed id" in read_artifact("retention-review-2026-11-02")


# ---- the monthly flow end to end on the sample -------------------------------------------


def _slice_rms(source: Path, target: Path, rows: int) -> set[str]:
    """The last ``rows`` incidents of the sample's RMS extract, in its own format."""
    with source.open(encoding="cp1252", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)
        body = list(reader)[-rows:]
    with target.open("w", encoding="cp1252", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(body)
    return {r[0] for r in body}


def _slice_absences(source: Path, target: Path, since: date) -> None:
    with source.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        keep = [r for r in reader if datetime.strptime(r["started_at"], "%d/%m/%Y %H:%M").date() >= since]
        fields = reader.fieldnames
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(keep)


@pytest.fixture(scope="module")
def sample_slice(tmp_path_factory) -> dict[str, Path]:
    rms = SAMPLE / "synthetic_missing_persons_rms.csv"
    absences = SAMPLE / "synthetic_care_absences.csv"
    assert rms.exists() and absences.exists(), "the bundled sample (data/sample) is part of the repository"
    folder = tmp_path_factory.mktemp("sample_slice")
    _slice_rms(rms, folder / "rms.csv", SLICE_ROWS)
    _slice_absences(absences, folder / "absences.csv", date(2026, 7, 1))
    return {"rms": folder / "rms.csv", "absences": folder / "absences.csv"}


@pytest.mark.prefect
@pytest.mark.slow
def test_monthly_flow_end_to_end_on_the_sample_sends_each_list_once_and_logs_it(
    prefect_harness, tmp_path, sample_slice
):
    from pipelines.flows import monthly_problem_profile

    public_list = {"name": "Community safety partnership", "audience": "public",
                   "lawful_basis": "Aggregate statistics only",
                   "recipients": [{"name": "CSP", "email": "csp@council.example"}]}
    with SmtpServer() as server:
        config = write_config(
            tmp_path,
            sources={"extracts": [
                {"name": "incidents", "files": [str(sample_slice["rms"])], "mapping": "rms"},
                {"name": "absences", "files": [str(sample_slice["absences"])], "mapping": "absences"},
            ]},
            delivery={
                "outbox_dir": str(tmp_path / "outbox"),
                "smtp": {"host": "127.0.0.1", "port": server.port, "starttls": False, "retries": 1,
                         "retry_delay_seconds": 0, "timeout_seconds": 10},
                "lists": [POLICE_LIST, PARTNER_LIST, public_list],
            },
        )
        first = monthly_problem_profile(config=config, run_date="2026-11-02")
        sent_first = len(server.received)
        second = monthly_problem_profile(config=config, run_date="2026-11-02")
        received = list(server.received)

    # the default period is the month before the run date
    assert first.period == "2026-10"
    # ingest: every row of the slice accounted for, then nothing new on the re-run
    incidents = first.loads[0]
    assert incidents.rows_read == SLICE_ROWS
    assert incidents.total("loaded") + incidents.total("quarantined") + incidents.total("duplicates") == SLICE_ROWS
    assert first.loads[1].record_type == "absence" and first.loads[1].total("loaded") > 0
    assert all(r.total("loaded") + r.total("updated") == 0 for r in second.loads)
    # geocode: the reference imported once (the database had none), then nothing new to geocode
    assert first.reference_note and second.reference_note is None
    assert first.geocoding.episodes == incidents.total("loaded") and second.geocoding.episodes == 0
    con = duckdb.connect(str(tmp_path / "misper.duckdb"), read_only=True)
    located = con.execute("select count(distinct incident_id) from episode_locations").fetchone()[0]
    episodes_in_month = con.execute(
        "select count(*) from episodes where reported_at >= timestamptz '2026-10-01 00:00:00+01'"
        " and reported_at < timestamptz '2026-11-01 00:00:00+00'"
    ).fetchone()[0]
    logged = con.execute(
        "select list_name, audience, result, files from delivery_log order by list_name, logged_at"
    ).fetchall()
    con.close()
    assert located > 0.9 * incidents.total("loaded")
    # analyse and render: three audiences, each a complete bundle
    assert sorted(first.profile) == ["partner", "police", "public"]
    assert first.figures.incidents == episodes_in_month > 0
    pdfs = {}
    for audience, paths in first.profile.items():
        folder = tmp_path / "out" / "profile" / "2026-10" / audience
        manifest = json.loads((folder / "manifest.json").read_text())
        listed = {f["path"]: f["sha256"] for f in manifest["files"]}
        assert listed["problem_profile.pdf"] == sha256(folder / "problem_profile.pdf")
        pdfs[audience] = (folder / "problem_profile.pdf").read_bytes()
    assert (tmp_path / "out" / "share" / "2026-10" / "index.html") in first.shares
    # send: each list got one message with its own audience's PDF ...
    assert sent_first == 3 and len(received) == 3
    by_rcpt = {tuple(r.rcpt_tos): r for r in received}
    for lst in (POLICE_LIST, PARTNER_LIST, public_list):
        message = by_rcpt[tuple(x["email"] for x in lst["recipients"])]
        assert message.attachment("problem_profile.pdf") == pdfs[lst["audience"]]
    # ... logged with the hashes of what went; the re-run skipped every list
    assert [(row[0], row[2]) for row in logged] == sorted(
        (lst["name"], "sent") for lst in (POLICE_LIST, PARTNER_LIST, public_list)
    )
    for list_name, audience, _, files in logged:
        assert hashlib.sha256(pdfs[audience]).hexdigest() in json.dumps(files)
    assert [o.result for o in second.delivery.outcomes] == ["skipped"] * 3
    # the run's artifact: figures, files with SHA-256, who was sent what
    text = read_artifact("monthly-problem-profile-2026-10")
    assert f"| reports in the month | {episodes_in_month:,} |" in text
    assert hashlib.sha256(pdfs["partner"]).hexdigest() in text
    assert "| skipped |" in text  # the latest run's: every list skipped
