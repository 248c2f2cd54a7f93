"""The flows: the monthly job and its parts, the UKMPU return, retention, the demo.

A flow only orders tasks (pipelines/tasks.py), each wrapping one function of ``profiles/``.
Every flow takes ``config`` (a YAML path; default ``config/misper.yaml`` or
``$MISPER_CONFIG``) and ``db`` (default ``paths.db`` or ``$MISPER_DB``), so a deployment's
parameters are plain JSON and one server can run several forces, each with its own
configuration and database. Each run publishes a Markdown artifact (summary.py).

The CLI commands call these same flows with steps switched off that an ad hoc command
does not ask for: `misper profile` renders without ingesting or sending, `misper send`
only sends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipelines import tasks
from pipelines.flows.dates import financial_year_for, london_today, month_for, run_date_for
from pipelines.flows.summary import RunSummary
from pipelines.steps import job, scheduled_start
from profiles.config import Settings
from profiles.disclosure import AUDIENCES
from profiles.errors import MisperError
from profiles.periods import FinancialYear, Month


class DeliveryFailed(MisperError):
    """Some messages could not be sent (each logged as failed); ``run`` says which."""

    def __init__(self, run) -> None:  # noqa: ANN001 - profiles.delivery.DeliveryRun
        self.run = run
        super().__init__(
            f"{len(run.failed)} message(s) not sent (logged as failed); re-run `misper send` to retry them"
        )


@dataclass
class MonthlyRun:
    """What one monthly run did (returned to the CLI and the demo)."""

    period: str
    run_date: date
    db_path: Path
    loads: list = field(default_factory=list)            # profiles.ingest.LoadResult
    reference_note: str | None = None
    geocoding: object | None = None                      # profiles.geo.episodes.GeocodeRun
    figures: object | None = None                        # profiles.analysis.demand.YearOnYear
    profile: dict[str, list[Path]] = field(default_factory=dict)
    shares: list[Path] = field(default_factory=list)
    review_lists: list[Path] = field(default_factory=list)  # unmatched locations, quarantined rows
    delivery: object | None = None                       # profiles.delivery.DeliveryRun
    summary: RunSummary | None = None


@dataclass
class DemoRun:
    monthly: MonthlyRun
    ukmpu: list[Path]
    settings: Settings


def _configured(config: str | None, db: str | None) -> tuple[Settings, Path]:
    """A run's settings (read as a task) and its database: ``db`` if given, else ``paths.db``."""
    settings = tasks.read_configuration(config)
    return settings, Path(db) if db else settings.db_path


def _dated(config: str | None, db: str | None, run_date: date | str | None) -> tuple[Settings, Path, date]:
    """A dated run's settings and database (``_configured``) and its run date: ``run_date`` if
    given, else the scheduled date of a deployment's run, else today (London)."""
    settings, db_path = _configured(config, db)
    return settings, db_path, run_date_for(run_date, scheduled=scheduled_start())


def _publish(summary: RunSummary, description: str) -> None:
    tasks.publish_summary(summary.markdown(), summary.key, description)


# ---- ingestion ---------------------------------------------------------------------------


@job(name="ingest-extracts")
def ingest_extracts(
    files: list[str] | None = None,
    mapping: str | None = None,
    config: str | None = None,
    db: str | None = None,
    reload: bool = False,
) -> list:
    """Load extracts: ``files`` with ``mapping`` as one load (`misper ingest`), else the
    configured sources (``sources.extracts``, default the bundled sample).

    A configured source's files load in name order, each as its own load, so a later
    extract updates what an earlier one said; a file whose exact bytes were loaded before
    is skipped (re-applying last month's extract after this month's would undo this
    month's updates) unless ``reload``. Files given on the command line are always loaded,
    taken as given (relative to the current folder). Returns one ``LoadResult`` per load.
    """
    settings, db_path = _configured(config, db)
    io_retries = {"retries": settings.sources.read_retries,
                  "retry_delay_seconds": settings.sources.read_retry_delay_seconds}
    ingest = tasks.ingest_extract.with_options(**io_retries)
    summary = RunSummary(title="Ingest extracts", key="ingest-extracts", parameters={"database": db_path})
    results = []
    if files:
        results.append(ingest([Path(f) for f in files], mapping or "canonical", settings, db_path))
    else:
        find = tasks.find_extract_files.with_options(**io_retries)
        for source in settings.sources.extracts:
            paths = find(source, settings)
            done = {} if reload else tasks.extracts_already_loaded(paths, db_path)
            for path in paths:
                if path in done:
                    summary.figure(f"already loaded (load {done[path]}), skipped", path)
                    continue
                results.append(ingest([path], source.mapping, settings, db_path))
    for result in results:
        _summarise_load(summary, result)
    if not files and not results:
        summary.figure("new extracts", "none")
    _publish(summary, "Rows read, loaded, updated, unchanged, quarantined and duplicated, per file")
    return results


def _summarise_load(summary: RunSummary, result) -> None:  # noqa: ANN001 - LoadResult
    for f in result.files:
        summary.figure(
            f"load {result.load_id} ({result.record_type}, {result.mapping}): {f.file}",
            f"{f.rows_read:,} read = {f.loaded:,} loaded + {f.updated:,} updated + {f.unchanged:,} unchanged"
            f" + {f.quarantined:,} quarantined + {f.duplicates:,} duplicates; SHA-256 {f.sha256}",
        )
        if f.quarantined:
            summary.warn(f"{f.file}: {f.quarantined:,} row(s) quarantined (`misper quarantine --load {result.load_id}`)")
        if f.ignored_columns:
            summary.warn(f"{f.file}: columns not used by the mapping: {', '.join(f.ignored_columns)}")


# ---- the monthly problem profile ---------------------------------------------------------


@job(name="monthly-problem-profile")
def monthly_problem_profile(
    period: Month | str | None = None,
    config: str | None = None,
    db: str | None = None,
    run_date: date | str | None = None,
    ingest: bool = True,
    geocode: bool = True,
    audiences: list[str] | None = None,
    out_dir: str | None = None,
    pdf: bool | None = None,
    shares: bool = True,
    send: bool = True,
    dry_run: bool = False,
    force_send: bool = False,
) -> MonthlyRun:
    """The monthly job: ingest, reference import if empty, geocode, analyse and render the
    profile per audience into ``out/profile/<period>/<audience>/``, the partner shares,
    then email the distribution lists and log it.

    ``period`` defaults to the month before the run date (London); ``run_date`` to the
    scheduled date of a deployment's run, else today. Each step can be switched off
    (`misper profile` runs only the rendering).
    """
    settings, db_path, day = _dated(config, db, run_date)
    month = month_for(period, day)
    run = MonthlyRun(period=month.label, run_date=day, db_path=db_path)
    summary = run.summary = RunSummary(
        title=f"Monthly problem profile {month.label} ({month.title})",
        key=f"monthly-problem-profile-{month.label}",
        parameters={"period": month.label, "run date": day.isoformat(), "database": db_path},
    )

    # writers, one after another
    if ingest:
        run.loads = ingest_extracts(config=config, db=db)
        for result in run.loads:
            _summarise_load(summary, result)
    if geocode:
        run.reference_note = tasks.reference_if_empty(settings, db_path)
        if run.reference_note:
            summary.figure("reference data", run.reference_note)
        run.geocoding = tasks.geocode_new_episodes(settings, db_path)
        summary.figure("geocoding", run.geocoding.summary_text())
        # lists for an analyst to fix at source (police-restricted: text as recorded)
        review = settings.output_dir / "data_quality"
        run.review_lists = [
            tasks.write_unmatched_list(db_path, review / "unmatched_locations.csv"),
            tasks.write_quarantine_list(db_path, review / "quarantined_rows.csv"),
        ]
        summary.add_files("data-quality lists (police)", run.review_lists)

    # readers
    rendered = tasks.render_profile(
        settings, db_path, month, day, tuple(audiences or AUDIENCES), Path(out_dir) if out_dir else None, pdf
    )
    run.profile, run.figures = rendered.files, rendered.headline  # the figures the reports show, measured once
    for audience, paths in run.profile.items():
        summary.add_files(f"profile ({audience})", paths)
    _summarise_month(summary, run.figures)
    if shares:
        run.shares = partner_shares(period=month, config=config, db=db, run_date=day)
        summary.add_files("partner shares", run.shares)

    # delivery (writes the delivery log)
    failure: DeliveryFailed | None = None
    if send:
        try:
            run.delivery = send_reports(period=month, config=config, db=db, dry_run=dry_run, force=force_send)
        except DeliveryFailed as failed:  # the run goes on to publish its summary, then fails
            failure, run.delivery = failed, failed.run
        summary.block(run.delivery.markdown())
        if failure:
            summary.warn(str(failure))
    _publish(summary, f"Problem profile {month.label}: figures, files with SHA-256, warnings, deliveries")
    if failure:
        raise failure
    return run


def _summarise_month(summary: RunSummary, yoy) -> None:  # noqa: ANN001 - YearOnYear
    change = "n/a (none a year before)" if yoy.pct_change is None else f"{yoy.pct_change:+.1f}%"
    summary.figure("reports in the month", yoy.incidents)
    summary.figure("individuals", yoy.individuals)
    summary.figure("calls", yoy.calls)
    summary.figure("reports in the same month last year", yoy.last_year_incidents)
    summary.figure("change on the same month last year", change)


# ---- partner shares ----------------------------------------------------------------------


@job(name="partner-shares")
def partner_shares(
    period: Month | str | None = None,
    config: str | None = None,
    db: str | None = None,
    run_date: date | str | None = None,
    out_dir: str | None = None,
) -> list[Path]:
    """Per local authority, its children reported missing in the month (CSV + cover), and
    the care-home summary; ``out/share/<period>/`` by default."""
    settings, db_path, day = _dated(config, db, run_date)
    month = month_for(period, day)
    target = Path(out_dir) if out_dir else settings.output_dir / "share" / month.label
    paths = tasks.render_shares(settings, db_path, month, day, target)
    summary = RunSummary(title=f"Partner shares {month.label}", key=f"partner-shares-{month.label}",
                         parameters={"period": month.label, "run date": day.isoformat(), "folder": target})
    summary.figure("files", len(paths))
    summary.add_files("shares", paths)
    _publish(summary, f"Partner shares {month.label}: files with SHA-256")
    return paths


# ---- delivery ----------------------------------------------------------------------------


@job(name="send-reports")
def send_reports(
    period: Month | str,
    config: str | None = None,
    db: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    list_name: str | None = None,
):
    """Email each distribution list its audience's report for ``period`` and log it.

    Every bundle is verified before the first message; nothing sent is sent twice (unless
    ``force``). Failed messages are logged and raise ``DeliveryFailed`` after the rest went.
    """
    from profiles.delivery import DeliveryRun

    settings, db_path = _configured(config, db)
    label = (period if isinstance(period, Month) else Month.parse(period)).label
    deliveries = tasks.plan_delivery(settings, label, list_name)
    transport = None if dry_run else tasks.prepare_smtp(settings)
    run = DeliveryRun(period=label, dry_run=dry_run)
    for delivery in deliveries:
        run.outcomes.append(tasks.deliver(delivery, settings, db_path, transport, dry_run=dry_run, force=force))
    summary = RunSummary(title=f"Send reports {label}{' (dry run)' if dry_run else ''}",
                         key=f"send-reports-{label}", parameters={"period": label, "database": db_path})
    for result in ("sent", "dry_run", "skipped", "failed"):
        summary.figure(result.replace("_", " "), run.count(result))
    for outcome in run.failed:
        summary.warn(outcome.line())
    summary.block(run.markdown())
    _publish(summary, f"Who was sent what for {label}")
    if run.failed:
        raise DeliveryFailed(run)
    return run


# ---- the UKMPU annual return -------------------------------------------------------------


@job(name="ukmpu-annual-return")
def ukmpu_annual_return(
    year: FinancialYear | int | None = None,
    config: str | None = None,
    db: str | None = None,
    run_date: date | str | None = None,
    out_dir: str | None = None,
    pdf: bool = False,
) -> list[Path]:
    """The UKMPU return for a financial year (default: the one that ended last), from the
    database as it stands; ``out/ukmpu/<year>/`` by default."""
    settings, db_path, day = _dated(config, db, run_date)
    fy = financial_year_for(year, day)
    target = Path(out_dir) if out_dir else settings.output_dir / "ukmpu" / str(fy.first_day.year)
    paths = tasks.render_ukmpu(settings, db_path, fy, day, target, pdf)
    summary = RunSummary(title=f"UKMPU annual return {fy.label}", key=f"ukmpu-annual-return-{fy.first_day.year}",
                         parameters={"financial year": fy.label, "run date": day.isoformat(), "folder": target})
    summary.add_files("return", paths)
    _publish(summary, f"UKMPU return {fy.label}: files with SHA-256 (checked before writing)")
    return paths


# ---- retention ---------------------------------------------------------------------------


@job(name="retention-review")
def retention_review(
    as_of: str | None = None,
    config: str | None = None,
    dry_run: bool = True,
    db: str | None = None,
    csv_path: str | None = None,
):
    """Apply the retention policy as of a date (default today): a dry run lists what would
    go; otherwise resolved episodes past review are weeded in one logged transaction."""
    from profiles.retention import default_csv_path, parse_as_of

    settings, db_path = _configured(config, db)
    day = parse_as_of(as_of) if as_of else london_today()
    policy = tasks.retention_policy(settings, day)
    result = tasks.retention_weed(policy, db_path, dry_run=dry_run)
    target = Path(csv_path) if csv_path else default_csv_path(settings.output_dir, policy.as_of, dry_run)
    result.csv_path = tasks.write_weed_list(result.plan, target)
    summary = RunSummary(
        title=f"Retention review as of {day.isoformat()}{' (dry run)' if dry_run else ''}",
        key=f"retention-review-{day.isoformat()}",
        parameters={"as of": day.isoformat(), "dry run": dry_run, "database": db_path},
    )
    for name, count in result.plan.counts.items():
        summary.figure(name.replace("_", " "), count)
    if result.weed_id is not None:
        summary.figure("weed id", result.weed_id)
    summary.add_files("incident list", [result.csv_path])
    _publish(summary, "What the retention policy weeds (or, dry run, would weed)")
    return result


# ---- the demo ----------------------------------------------------------------------------


@job(name="misper-demo")
def demo(config: str | None = None, db: str | None = None) -> DemoRun:
    """The monthly job on the bundled sample for ``demo.period`` (a dry-run send: .eml files
    in the outbox), and the UKMPU return for ``demo.ukmpu_year``; dates fixed by ``demo``
    so a second run writes the same reports and changes no data."""
    settings = tasks.read_configuration(config)
    monthly = monthly_problem_profile(
        period=settings.demo.period, config=config, db=db, run_date=settings.demo.run_date,
        send=True, dry_run=True,
    )
    ukmpu = ukmpu_annual_return(year=settings.demo.ukmpu_year, config=config, db=db,
                                run_date=settings.demo.run_date)
    return DemoRun(monthly=monthly, ukmpu=ukmpu, settings=settings)

