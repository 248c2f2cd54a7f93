"""The steps (tasks) of the flows: each wraps one function of ``profiles/`` or one I/O step.

A step runs as a Prefect task inside a Prefect flow run and as a plain call otherwise
(pipelines/steps.py), with the same retries either way. Rules the flows rely on:

- Retries only on I/O: finding and reading extracts, reading report bundles, sending
  email, publishing a run's summary. A retry happens only after an ``OSError`` that is not
  a ``MisperError`` (a dropped share, a locked file, a refused connection); a missing file,
  a bad row or a wrong figure is not transient and fails at once. Analysis and rendering
  never retry.
- DuckDB has one writer: a task opens its own connection and closes it before it returns,
  so tasks that write run one after another in the flow's order; rendering and the
  headline figures open the database read-only.
- Nothing is cached: a re-run always looks at the data again (Prefect's ``NO_CACHE``).
"""

from __future__ import annotations

import glob
from datetime import date
from pathlib import Path

from pipelines import steps
from pipelines.steps import step
from profiles.config import ExtractSource, Settings, load_settings
from profiles.db import connect
from profiles.errors import InputError, MisperError
from profiles.periods import FinancialYear, Month


def is_transient_io(exc: BaseException) -> bool:
    """Retry condition: an I/O error that may pass (never a MisperError: those are final)."""
    return isinstance(exc, OSError) and not isinstance(exc, MisperError)


IO_RETRY = {"retries": 2, "retry_delay_seconds": 10, "retry_if": is_transient_io}


# ---- configuration and extracts ----------------------------------------------------------


@step(name="read configuration")
def read_configuration(config: str | Path | None) -> Settings:
    """``profiles.config.load_settings``: the YAML (or defaults), checked."""
    return load_settings(config)


@step(name="find extract files", **IO_RETRY)
def find_extract_files(source: ExtractSource, settings: Settings) -> list[Path]:
    """The files a configured source names (paths or glob patterns), sorted; each must exist."""
    found: list[Path] = []
    for pattern in source.files:
        full = settings.resolve(Path(pattern))
        if glob.has_magic(str(full)):
            matches = sorted(Path(p) for p in glob.glob(str(full)) if Path(p).is_file())
            if not matches:
                raise InputError(f"sources.extracts '{source.name}': no file matches {full}")
            found += matches
        elif full.is_file():
            found.append(full)
        else:
            raise InputError(f"sources.extracts '{source.name}': file not found: {full}")
    return list(dict.fromkeys(found))


@step(name="check extracts already loaded", **IO_RETRY)
def extracts_already_loaded(paths: list[Path], db_path: Path) -> dict[Path, int]:
    """Of ``paths``, those whose exact bytes a committed load read, with that load's id
    (the load log, sql/orchestration/loaded_extracts.sql)."""
    from profiles.db import query_df
    from profiles.files import sha256_of

    digests = {path: sha256_of(path) for path in paths}
    with connect(db_path) as con:
        loaded = query_df(con, "orchestration/loaded_extracts.sql", {"sha256s": sorted(set(digests.values()))})
    by_sha = dict(zip(loaded["sha256"], loaded["load_id"].astype(int)))
    return {path: by_sha[digest] for path, digest in digests.items() if digest in by_sha}


@step(name="ingest extract", **IO_RETRY)
def ingest_extract(files: list[Path], mapping: str, settings: Settings, db_path: Path):
    """``profiles.ingest.ingest_files``: validate and load the files as one load (one transaction)."""
    from profiles.ingest.load import ingest_files

    return ingest_files(files, mapping=mapping, settings=settings, db_path=db_path)


# ---- geography ---------------------------------------------------------------------------


@step(name="reference import if empty")
def reference_if_empty(settings: Settings, db_path: Path) -> str | None:
    """``profiles.geo.files.ensure_reference``: import the reference folder when the database has none."""
    from profiles.geo.files import ensure_reference

    with connect(db_path) as con:
        return ensure_reference(con, settings)


@step(name="geocode new episodes")
def geocode_new_episodes(settings: Settings, db_path: Path):
    """``profiles.geo.episodes.geocode_episodes``: new or changed episodes only."""
    from profiles.geo.episodes import geocode_episodes

    with connect(db_path) as con:
        return geocode_episodes(con, settings)


@step(name="write the unmatched locations list", **IO_RETRY)
def write_unmatched_list(db_path: Path, out_path: Path) -> Path:
    """``profiles.geo.files.write_unmatched``: locations no step could place, with counts (police)."""
    from profiles.geo.files import write_unmatched

    with connect(db_path, read_only=True) as con:
        return write_unmatched(con, out_path).path


@step(name="write the quarantine list", **IO_RETRY)
def write_quarantine_list(db_path: Path, out_path: Path) -> Path:
    """``profiles.ingest.review.quarantine_report``: every quarantined row with its reasons (police)."""
    from profiles.ingest.review import quarantine_report

    quarantine_report(db_path, out_path)
    return out_path


# ---- analysis and reports (read-only) ----------------------------------------------------


@step(name="analyse and render problem profile")
def render_profile(
    settings: Settings,
    db_path: Path,
    month: Month,
    run_date: date,
    audiences: tuple[str, ...],
    out_dir: Path | None,
    pdf: bool | None,
):
    """``profiles.reports.profile.write_profile``: measures once, one folder per audience;
    returns the files and the headline figures the reports were built from."""
    from profiles.reports.profile import write_profile

    with connect(db_path, read_only=True) as con:
        return write_profile(con, settings, month, run_date, audiences=audiences, out_dir=out_dir, pdf=pdf)


@step(name="render partner shares")
def render_shares(settings: Settings, db_path: Path, month: Month, run_date: date, out_dir: Path) -> list[Path]:
    """``profiles.reports.shares.write_shares``: per local authority CSV and cover, care-home summary."""
    from profiles.reports.shares import write_shares

    with connect(db_path, read_only=True) as con:
        return write_shares(con, month, out_dir, settings, run_date)


@step(name="render UKMPU return")
def render_ukmpu(
    settings: Settings, db_path: Path, year: FinancialYear, run_date: date, out_dir: Path, pdf: bool
) -> list[Path]:
    """``profiles.reports.ukmpu.write_return``: computed, checked, then written."""
    from profiles.reports.ukmpu import write_return

    with connect(db_path, read_only=True) as con:
        return write_return(con, year, out_dir, settings, run_date, pdf=pdf)


# ---- delivery ----------------------------------------------------------------------------


@step(name="check report bundles", **IO_RETRY)
def plan_delivery(settings: Settings, period: str, list_name: str | None):
    """``profiles.delivery.plan_period``: every list's bundle found and verified before any send."""
    from profiles.delivery import plan_period

    return plan_period(settings, period, list_name)


@step(name="prepare SMTP")
def prepare_smtp(settings: Settings):
    """``profiles.delivery.smtp_transport``: credentials and TLS context, checked once."""
    from profiles.delivery import smtp_transport

    return smtp_transport(settings)


@step(name="deliver to a list", **IO_RETRY)
def deliver(delivery, settings: Settings, db_path: Path, transport, *, dry_run: bool, force: bool):
    """``profiles.delivery.deliver_one``: skip if sent, else send (or write the .eml), and log.

    SMTP's own transient failures are retried inside (``delivery.smtp.retries``); a lasting
    failure comes back as a ``failed`` outcome, logged, not as an exception.
    """
    from profiles.delivery import deliver_one

    with connect(db_path) as con:
        return deliver_one(con, delivery, settings, dry_run=dry_run, force=force, transport=transport)


# ---- retention ---------------------------------------------------------------------------


@step(name="retention policy")
def retention_policy(settings: Settings, as_of: date):
    """``profiles.retention.weed_policy``: the policy as of a date (refuses a future date)."""
    from profiles.retention import weed_policy

    return weed_policy(settings.retention, as_of)


@step(name="retention weed")
def retention_weed(policy, db_path: Path, *, dry_run: bool):
    """``profiles.retention.weed``: plan and apply (or, dry run, only plan) in one transaction."""
    from profiles.retention import weed

    with connect(db_path) as con:
        return weed(con, policy, dry_run=dry_run)


@step(name="write weed list", **IO_RETRY)
def write_weed_list(plan, path: Path) -> Path:
    """``profiles.retention.write_plan_csv``: the incidents a weed touches."""
    from profiles.retention import write_plan_csv

    return write_plan_csv(plan, path)


# ---- the run's summary -------------------------------------------------------------------


@step(name="publish run summary", retries=2, retry_delay_seconds=5, retry_if=is_transient_io)
def publish_summary(markdown: str, key: str, description: str) -> None:
    """The run's figures, files, warnings and deliveries: into misper's run log, and a
    Prefect Markdown artifact when the run is under Prefect."""
    steps.publish(markdown, key, description)
