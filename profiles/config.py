"""The one typed, documented configuration object.

Loaded from a YAML file (``--config PATH``, env ``MISPER_CONFIG``, default
``config/misper.yaml``); every field has a default, so an empty file is valid.
Environment variables override a few paths and all secrets:

- ``MISPER_DB``              database path (default ``data/misper.duckdb``)
- ``MISPER_REFERENCE_DIR``   folder of open reference data (default: the sample's own extract)
- ``MISPER_PSEUDONYM_KEY``   key for the keyed hash of person references
- ``MISPER_SMTP_USER`` / ``MISPER_SMTP_PASSWORD``  SMTP credentials

Relative paths resolve as in other tools: a path named in a configuration file from the
folder of that file; a path from the environment or the command line from the current
folder; a default from the misper checkout (where the bundled sample, mappings and
templates live). ``misper config show`` prints every setting, its source and each path
resolved (:func:`describe`).

Rules that forces set differently (repeat window, thresholds, unit costs, retention)
live here with the defaults given in ../shared/DOMAIN.md. Each field is checked by its
pydantic constraint when the file is read, so a bad value is refused before any work.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from cronsim import CronSim, CronSimError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from profiles.audiences import Audience
from profiles.errors import MisperError

#: The project's root folder (where sql/, templates/, config/ and data/ live).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: A key that is safe to publish because it only ever pseudonymises synthetic data.
DEMO_PSEUDONYM_KEY = "DEMO-KEY-SYNTHETIC-DATA-ONLY-NOT-FOR-REAL-RECORDS"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ForceConfig(_Section):
    """Who the reports are for."""

    name: str = "Greater Manchester Police (SYNTHETIC SAMPLE)"
    #: ONS police force area code; points outside it are flagged.
    pfa_code: str = "E23000005"
    #: Printed in the running header of every police-audience page.
    protective_marking: str = "OFFICIAL-SENSITIVE"
    #: Marking for partner and public outputs.
    partner_marking: str = "OFFICIAL"
    public_marking: str = "OFFICIAL"
    #: Set for the bundled sample so that every output says SYNTHETIC.
    synthetic: bool = True


class PathsConfig(_Section):
    db: Path = Path("data/misper.duckdb")
    #: Folder of open reference data (Code-Point Open, ONS boundaries, CQC, ...).
    #: Empty means the sample's own small extract in data/sample/reference.
    reference_dir: Path | None = None
    output_dir: Path = Path("out")
    #: Folder of ingestion mappings searched by name (``--mapping rms``).
    mappings_dir: Path = Path("config/mappings")


class PseudonymisationConfig(_Section):
    #: Name of the environment variable holding the key.
    key_env: str = "MISPER_PSEUDONYM_KEY"
    #: Use the published demo key when no key is set. Must be false for real data.
    allow_demo_key: bool = True


class IngestConfig(_Section):
    #: Reports dated more than this many minutes after the load are "in the future".
    future_tolerance_minutes: int = Field(60, ge=0)
    #: Earliest plausible report date.
    earliest_report: str = Field("1900-01-01", pattern=r"^\d{4}-\d{2}-\d{2}$")
    max_age_years: int = Field(120, ge=1)
    #: Rows per progress-bar step for large loads.
    progress_chunk_rows: int = Field(200_000, ge=1)


class RepeatConfig(_Section):
    """Repeat missing rule: ``threshold`` reports within a rolling ``window_days`` period."""

    window_days: int = Field(90, ge=1)
    threshold: int = Field(3, ge=1)
    #: A prior episode within this many days makes a new report a trigger-plan case.
    trigger_plan_lookback_days: int = Field(365, ge=1)
    #: A person's first report is referred at once when its highest grade is one of these.
    referral_risk_grades: list[str] = Field(default_factory=lambda: ["high"])
    #: ... or when it carries one of these flags (codes without the ``flag_`` prefix).
    referral_flags: list[str] = Field(default_factory=lambda: ["cse", "cce", "trafficking"])


class RfgConfig(_Section):
    """Recency-frequency-gravity score (a local choice; see docs/methods.md).

    ``gravity_weights`` keys: a risk code (weight of an episode's highest grade),
    ``flag_<code>`` for any vulnerability flag, ``looked_after`` and ``harm``.
    """

    recency_half_life_days: float = Field(30.0, gt=0)
    frequency_window_days: int = Field(365, ge=1)
    gravity_weights: dict[str, float] = Field(
        default_factory=lambda: {
            "high": 3.0,
            "medium": 2.0,
            "low": 1.0,
            "no_apparent_risk": 0.5,
            "flag_cse": 2.0,
            "flag_cce": 2.0,
            "flag_trafficking": 2.0,
            "harm": 2.0,
        }
    )
    #: Outcomes that add the ``harm`` weight to an episode's gravity.
    harm_outcomes: list[str] = Field(
        default_factory=lambda: ["harmed", "crime_victim", "sexual_offence_victim", "found_dead"]
    )


class CostConfig(_Section):
    """Unit cost of one investigation by initial risk grade, in GBP.

    Default: the Portsmouth study's realistic estimate for a medium-risk case
    (GBP 2,415.80, 2012 prices) for every grade unless a force sets its own.
    """

    unit_cost_gbp: dict[str, float] = Field(
        default_factory=lambda: {
            "high": 2415.80,
            "medium": 2415.80,
            "low": 2415.80,
            "no_apparent_risk": 2415.80,
        }
    )
    #: Officer hours per incident by risk grade; empty = not reported.
    officer_hours: dict[str, float] = Field(default_factory=dict)
    price_basis: str = "2012 prices (Portsmouth study, realistic estimate)"


class SafeguardingConfig(_Section):
    return_interview_hours: int = Field(72, ge=1)
    #: People missing longer than this are notified to the UK Missing Persons Unit.
    ukmpu_notify_hours: int = Field(72, ge=1)
    #: Flags (codes without ``flag_``) that make an intelligence report due for a person.
    intelligence_flags: list[str] = Field(default_factory=lambda: ["cse", "cce", "trafficking"])


class DisclosureConfig(_Section):
    #: Cells below this count are suppressed in partner and public outputs (zero is shown).
    suppression_threshold: int = Field(5, ge=1)
    #: Shown for a withheld cell. One marker for primary and secondary suppression, so a
    #: reader cannot tell which withheld cell is the small one ("[c]" as in UK statistics).
    suppression_marker: str = "[c]"
    #: Fields an information-sharing agreement names for the local-authority share.
    share_fields: list[str] = Field(
        default_factory=lambda: [
            "incident_ref",
            "person_ref",
            "age_at_report",
            "gender",
            "reported_at",
            "found_at",
            "duration_hours",
            "risk",
            "missing_from_type",
            "looked_after",
            "placing_authority",
            "responsible_la",
            "flag_cse",
            "flag_cce",
            "return_interview_offered_at",
            "return_interview_done_at",
        ]
    )


class GeocodingConfig(_Section):
    #: Minimum rapidfuzz score (0-100) for a site name/address match.
    site_match_min_score: float = Field(88.0, ge=0, le=100)
    #: Bar for a site match when the location has no postcode (whole register compared).
    site_match_min_score_no_postcode: float = Field(92.0, ge=0, le=100)
    #: Online geocoder: "none" (default), "nominatim" or "os_places". Never used by tests.
    online_provider: Literal["none", "nominatim", "os_places"] = "none"
    online_rate_limit_per_second: float = Field(1.0, gt=0)
    online_api_key_env: str = "MISPER_GEOCODER_API_KEY"
    #: Service URL; empty = the provider's public endpoint.
    online_url: str = ""
    #: Sent as User-Agent (Nominatim's usage policy asks for one that identifies you).
    online_user_agent: str = "misper geocoder"
    online_timeout_seconds: float = Field(10.0, gt=0)


class SitesConfig(_Section):
    #: Go-missing locations repeated this many times that match no site become candidates.
    candidate_min_incidents: int = Field(5, ge=1)
    #: ... and at least this many distinct people (one person's own home is not a site).
    candidate_min_persons: int = Field(2, ge=1)
    #: Go-missing types that are private homes, never made candidate sites.
    candidate_exclude_types: list[str] = Field(default_factory=lambda: ["home", "foster_care"])
    #: A go-missing location of a care-setting type at the postcode of, or within this many
    #: metres of, exactly one register site of that type is attributed to that site.
    site_link_radius_m: float = Field(100.0, ge=0)
    #: DBSCAN clusters of go-missing / found points: neighbourhood radius (metres, BNG)
    #: and the least number of points within it that makes a cluster core.
    cluster_radius_m: float = Field(150.0, gt=0)
    cluster_min_points: int = Field(10, ge=1)
    #: Points geocoded less precisely than this (e.g. partial-postcode or place-name
    #: centroids) are left out of clusters and hot spots: they would pile up on centroids.
    cluster_max_precision_m: float = Field(250.0, gt=0)
    #: Register sites within this distance of a cluster centre describe the cluster.
    cluster_site_search_m: float = Field(500.0, ge=0)
    #: Months up to and including the period that `misper sites` ranks by default.
    ranking_months: int = Field(12, ge=1)
    #: Persistent site: at least ``persistent_min_monthly_incidents`` incidents in at
    #: least this share of the months looked at.
    persistent_min_monthly_incidents: int = Field(2, ge=1)
    persistent_min_share_of_months: float = Field(0.75, gt=0, le=1)
    #: Emerging site: the last ``emerging_recent_months`` months hold at least
    #: ``emerging_min_incidents`` incidents at a monthly rate at least
    #: ``emerging_min_ratio`` times the rate of the earlier months.
    emerging_recent_months: int = Field(3, ge=1)
    emerging_min_incidents: int = Field(5, ge=1)
    emerging_min_ratio: float = Field(2.0, gt=0)
    #: Getis-Ord Gi* hot spots: grid cell size (metres, BNG), the distance between cell
    #: centres within which cells are neighbours (750 m on a 500 m grid = the 8 touching
    #: cells), and the false-discovery rate (Benjamini-Hochberg) for calling a hot spot.
    hotspot_cell_m: float = Field(500.0, gt=0)
    hotspot_neighbour_distance_m: float = Field(750.0, gt=0)
    hotspot_fdr_alpha: float = Field(0.05, gt=0, lt=1)
    #: Go-missing-to-found distances use only points at least this precise (metres).
    found_max_precision_m: float = Field(1000.0, gt=0)


class DemandConfig(_Section):
    """Demand and time, intervention impact and data quality (docs/methods.md)."""

    #: Months shown in the monthly trend (control limits come from the months before the period).
    trend_months: int = Field(24, ge=1)
    #: Months of reports behind the day-of-week by hour-of-day pattern.
    pattern_months: int = Field(12, ge=1)
    #: Intervention impact: days in each of the equal windows before and after the start.
    intervention_window_days: int = Field(90, ge=1)
    #: Windows shorter than this (intervention too recent) are not tested.
    intervention_min_window_days: int = Field(28, ge=1)
    #: Significance level of the before/after test.
    intervention_alpha: float = Field(0.05, gt=0, lt=1)
    #: A return is "late-recorded" when a load made more than this many hours after the
    #: person was found still showed the episode open.
    late_return_tolerance_hours: float = Field(24.0, ge=0)
    #: Concentration of demand: the sizes of the groups of people reported most often.
    concentration_top_n: list[int] = Field(default_factory=lambda: [10, 20, 50], min_length=1)
    #: The group whose looked-after share the chapter states.
    concentration_looked_after_n: int = Field(20, ge=1)
    #: The national benchmark shown beside the force's rate per 10,000 residents.
    benchmark: "NationalBenchmark" = Field(default_factory=lambda: NationalBenchmark())


class NationalBenchmark(BaseModel):
    """England and Wales missing-person incidents per year, for rates per 10,000 residents."""

    model_config = ConfigDict(extra="forbid")

    year: str = "2022/23"
    #: Incidents and individuals reported to the police in England and Wales in the year
    #: (NCA UK Missing Persons Unit data report; rounded as DOMAIN.md gives them).
    incidents: int = Field(350_000, ge=0)
    individuals: int = Field(170_000, ge=0)
    #: Residents of England and Wales, ONS mid-2022 estimate.
    population: int = Field(60_238_038, gt=0)
    source: str = ("NCA UK Missing Persons Unit, Missing Persons Data Report 2022/23 (about 350,000 incidents "
                   "and 170,000 individuals in England and Wales); ONS mid-2022 population estimates")

    @property
    def incidents_per_10k(self) -> float:
        return round(10_000 * self.incidents / self.population, 1)


DemandConfig.model_rebuild()


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    email: str


class DistributionList(_Section):
    name: str
    audience: Audience
    lawful_basis: str
    recipients: list[Recipient] = Field(default_factory=list)
    #: Report kinds this list receives.
    reports: list[str] = Field(default_factory=lambda: ["problem_profile"])


class SmtpConfig(_Section):
    host: str = "localhost"
    port: int = Field(587, ge=1, le=65535)
    starttls: bool = True
    sender: str = "misper@force.example.police.uk"
    user_env: str = "MISPER_SMTP_USER"
    password_env: str = "MISPER_SMTP_PASSWORD"
    timeout_seconds: float = Field(30.0, gt=0)
    #: Extra attempts after a transient failure (connection, timeout, 4xx reply).
    retries: int = Field(3, ge=0)
    #: Wait before the first retry; doubled for each later one.
    retry_delay_seconds: float = Field(2.0, ge=0)
    #: PEM file of a private CA that signed the relay's certificate (empty: system CAs).
    ca_file: Path | None = None


class DeliveryConfig(_Section):
    smtp: SmtpConfig = Field(default_factory=SmtpConfig)
    lists: list[DistributionList] = Field(default_factory=list)
    #: Where --dry-run writes .eml files.
    outbox_dir: Path = Path("out/outbox")


class RetentionConfig(_Section):
    """MoPI review policy. Unresolved episodes are never weeded, whatever is set here."""

    resolved_review_years: int = Field(6, ge=1)
    #: Keep locations of weeded episodes (people return to the same places).
    keep_locations_years: int = Field(10, ge=0)


class GlanceThreshold(_Section):
    """A red/amber/green rule for one page-1 figure (``reports.glance_thresholds``)."""

    #: What is compared: the month's count, its share of its base, or its change on last month
    #: or on the same month last year as a fraction (0.25 = up 25%).
    on: Literal["count", "share", "pct_change_on_last_month", "pct_change_on_last_year"] = "count"
    #: ``higher``: red at or above ``red``, amber at or above ``amber``; ``lower``: red at or
    #: below ``red``, amber at or below ``amber``; green otherwise.
    worse: Literal["higher", "lower"] = "higher"
    amber: float
    red: float

    @field_validator("red")
    @classmethod
    def _red_beyond_amber(cls, red: float, info) -> float:
        amber, worse = info.data.get("amber"), info.data.get("worse", "higher")
        if amber is not None and (red < amber if worse == "higher" else red > amber):
            raise ValueError(f"red ({red}) must be at least as bad as amber ({amber}) when {worse} is worse")
        return red


class ReportsConfig(_Section):
    """The monthly problem profile (profiles/reports/profile/, docs/reports.md)."""

    #: Interventions CSV for the intervention-impact section (columns in
    #: profiles/analysis/interventions.py); empty: the section says none was given.
    interventions_file: Path | None = None
    #: The board's recommendations register (YAML, profiles/register.py, docs/reports.md) that
    #: the Recommendations section reads; empty: the section says none was given and how to
    #: start one, and lists the actions the month's figures suggest.
    recommendations_file: Path | None = None
    #: Rows shown in ranked tables (sites, found places, clusters, hot spots).
    top_rows: int = Field(10, ge=1)
    #: Rows a table shows in the body of a profile; the rest are named by the line "and N more
    #: in tables/<id>.csv", which holds every row. Lists of people are never in the body: the
    #: police annex holds them.
    body_rows: int = Field(10, ge=1)
    #: Red/amber/green status for page-1 figures ("at a glance"), by figure id
    #: (profiles/analysis/headline.py FIGURE_IDS, e.g. ``high_risk_incidents``). The one home of
    #: these thresholds; none by default, so page 1 shows no colours.
    glance_thresholds: dict[str, "GlanceThreshold"] = Field(default_factory=dict)
    #: Rows of each person list shown in the police annex PDF (annex.pdf, then "and N more in
    #: annex.xlsx sheet X"); annex.xlsx always has every row.
    annex_pdf_rows: int = Field(100, ge=1)
    #: Recommend raising return-interview compliance with an authority that offers fewer
    #: than this share of children's return interviews within the time limit.
    return_interview_target: float = Field(0.9, ge=0, le=1)
    #: Recommend better recording of a field complete on fewer than this % of reports.
    completeness_target_pct: float = Field(90, ge=0, le=100)
    #: Write problem_profile.pdf beside the HTML (WeasyPrint).
    pdf: bool = True


class ScheduleConfig(_Section):
    """When the deployments run (``misper serve`` / ``misper deploy``, docs/scheduling.md).

    Cron strings are read in ``timezone``: "0 6 2 * *" is 06:00 London time on the 2nd,
    whether GMT or BST. A monthly run profiles the month before its scheduled date; an
    April UKMPU run returns the financial year that ended on 31 March.
    """

    timezone: str = "Europe/London"

    @field_validator("monthly_profile_cron", "ukmpu_return_cron", "retention_review_cron")
    @classmethod
    def _cron(cls, value: str, info: Any) -> str:
        if value.strip() or info.field_name != "retention_review_cron":
            try:
                CronSim(value, datetime(2000, 1, 1))
            except CronSimError as exc:
                raise ValueError(f"'{value}' is not a cron expression ({exc})") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (e.g. Europe/London)") from None
        return value

    monthly_profile_cron: str = "0 6 2 * *"
    ukmpu_return_cron: str = "0 6 15 4 *"
    #: Retention review (a dry run that lists what would go); empty: no schedule, run by hand.
    retention_review_cron: str = ""
    #: Name of this force's deployments (``monthly-problem-profile/<name>``); one per force
    #: configuration on a shared Prefect server. Empty: made from ``force.name``.
    deployment_name: str = ""
    #: The monthly run emails the distribution lists (false: renders only).
    monthly_send: bool = True
    #: ... or only writes the messages as .eml files to ``delivery.outbox_dir`` (the
    #: bundled sample: no mail server, no real recipients).
    monthly_dry_run: bool = False


class ExtractSource(_Section):
    """One extract the monthly flow ingests: its files, loaded as one load with one mapping."""

    name: str
    #: Paths or glob patterns (``extracts/rms_*.csv``); relative ones from the folder of the configuration file.
    files: list[str] = Field(min_length=1)
    #: Mapping name (``paths.mappings_dir``) or YAML path.
    mapping: str = "canonical"


def _sample_extracts() -> list[ExtractSource]:
    return [
        ExtractSource(name="incidents", files=["data/sample/synthetic_missing_persons_rms.csv"], mapping="rms"),
        ExtractSource(name="absences", files=["data/sample/synthetic_care_absences.csv"], mapping="absences"),
    ]


class SourcesConfig(_Section):
    """What the monthly flow ingests, in order (default: the bundled SYNTHETIC sample)."""

    extracts: list[ExtractSource] = Field(default_factory=_sample_extracts)
    #: Reading an extract is retried this many times after an I/O error (a share that
    #: drops, a file still locked by the copy); a missing or malformed file is not retried.
    read_retries: int = Field(2, ge=0)
    read_retry_delay_seconds: float = Field(30.0, ge=0)


class DatabaseConfig(_Section):
    """The DuckDB database file (profiles/db.py)."""

    #: A second writer waits this long (retrying with back-off) for the database, then says
    #: which command holds it.
    lock_wait_s: float = Field(default=60.0, ge=0)
    #: DuckDB's memory limit for a load (e.g. "1GB"); None = DuckDB's default (80 % of RAM).
    memory_limit: str | None = None
    #: DuckDB's worker threads; None = DuckDB's default (one per core).
    threads: int | None = Field(default=None, ge=1)


class DemoConfig(_Section):
    """`misper demo`: the monthly job on the bundled sample (dates fixed so reruns match)."""

    #: The month profiled and shared (the last whole month of the sample).
    period: str = Field("2026-10", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    #: The UKMPU financial year, by the April it starts.
    ukmpu_year: int = Field(2025, ge=2000, le=2100)
    #: The date printed as "produced" on every report.
    run_date: str = Field("2026-11-02", pattern=r"^\d{4}-\d{2}-\d{2}$")


class Settings(_Section):
    force: ForceConfig = Field(default_factory=ForceConfig)
    paths: PathsConfig = Field(default_factory=PathsConfig)
    db: DatabaseConfig = Field(default_factory=DatabaseConfig)
    pseudonymisation: PseudonymisationConfig = Field(default_factory=PseudonymisationConfig)
    ingest: IngestConfig = Field(default_factory=IngestConfig)
    repeat: RepeatConfig = Field(default_factory=RepeatConfig)
    rfg: RfgConfig = Field(default_factory=RfgConfig)
    costs: CostConfig = Field(default_factory=CostConfig)
    safeguarding: SafeguardingConfig = Field(default_factory=SafeguardingConfig)
    disclosure: DisclosureConfig = Field(default_factory=DisclosureConfig)
    geocoding: GeocodingConfig = Field(default_factory=GeocodingConfig)
    sites: SitesConfig = Field(default_factory=SitesConfig)
    demand: DemandConfig = Field(default_factory=DemandConfig)
    delivery: DeliveryConfig = Field(default_factory=DeliveryConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    demo: DemoConfig = Field(default_factory=DemoConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)

    #: Where the settings came from (for messages), not read from YAML.
    source: str | None = Field(default=None, exclude=True)

    # ---- resolved paths -------------------------------------------------
    def resolve(self, path: Path) -> Path:
        """A configured path: relative ones named in the file were made absolute from its
        folder when it was read (:func:`load_settings`); a relative default is taken from
        the misper checkout."""
        return path if path.is_absolute() else PROJECT_ROOT / path

    @property
    def db_path(self) -> Path:
        env = os.environ.get("MISPER_DB")
        return Path(env) if env else self.resolve(self.paths.db)

    @property
    def reference_dir(self) -> Path:
        env = os.environ.get("MISPER_REFERENCE_DIR")
        if env:
            return Path(env)
        if self.paths.reference_dir is not None:
            return self.resolve(self.paths.reference_dir)
        return PROJECT_ROOT / "data" / "sample" / "reference"

    @property
    def output_dir(self) -> Path:
        return self.resolve(self.paths.output_dir)

    @property
    def mappings_dir(self) -> Path:
        return self.resolve(self.paths.mappings_dir)

    def pseudonym_key(self) -> tuple[str, bool]:
        """The key for person pseudonyms and whether it is the published demo key."""
        key = os.environ.get(self.pseudonymisation.key_env, "")
        if key:
            return key, False
        if self.pseudonymisation.allow_demo_key:
            return DEMO_PSEUDONYM_KEY, True
        raise ConfigError(
            f"No pseudonymisation key: set {self.pseudonymisation.key_env} "
            "(the demo key is disabled in this configuration)."
        )


class ConfigError(MisperError):
    """A configuration problem, reported to the user without a traceback."""


DEFAULT_CONFIG_PATH = PROJECT_ROOT / "config" / "misper.yaml"


def load_settings(path: str | Path | None = None) -> Settings:
    """Load settings from ``path``, ``$MISPER_CONFIG`` or ``config/misper.yaml``."""
    if path is None:
        path = os.environ.get("MISPER_CONFIG") or DEFAULT_CONFIG_PATH
    path = Path(path)
    if not path.exists():
        if path == DEFAULT_CONFIG_PATH:
            return Settings(source="defaults")
        raise ConfigError(f"Configuration file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of sections at the top level")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
            for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from None
    _paths_from(settings, path.resolve().parent)
    settings.source = str(path)
    return settings


# ---- paths named in a file, and where each setting came from ---------------------------

#: The environment variable that overrides a setting, by its dotted name.
ENVIRONMENT_OVERRIDES = {"paths.db": "MISPER_DB", "paths.reference_dir": "MISPER_REFERENCE_DIR"}


def _mapping_is_a_path(mapping: str) -> bool:
    return Path(mapping).suffix in (".yaml", ".yml")


def _from_folder(folder: Path, path: str | Path) -> Path:
    return Path(os.path.normpath(folder / path))


def _paths_from(model: BaseModel, folder: Path) -> None:
    """Make the relative paths the file named absolute from ``folder`` (the file's own)."""
    for name in model.model_fields_set:
        value = getattr(model, name)
        if isinstance(value, Path) and not value.is_absolute():
            setattr(model, name, _from_folder(folder, value))
        elif isinstance(value, BaseModel):
            _paths_from(value, folder)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, BaseModel):
                    _paths_from(item, folder)
    if isinstance(model, ExtractSource):
        model.files = [f if Path(f).is_absolute() else str(_from_folder(folder, f)) for f in model.files]
        if _mapping_is_a_path(model.mapping) and not Path(model.mapping).is_absolute():
            model.mapping = str(_from_folder(folder, model.mapping))


@dataclass(frozen=True)
class SettingLine:
    """One effective setting: its dotted name, its value (paths resolved) and its source."""

    name: str
    value: str
    #: "default", "file" or "environment (NAME)".
    source: str


def describe(settings: Settings) -> list[SettingLine]:
    """Every setting in effect, with where it came from and each path resolved."""
    lines: list[SettingLine] = []
    from_file = settings.source not in (None, "defaults")

    def walk(model: BaseModel, prefix: str, named: bool) -> None:
        for name in type(model).model_fields:
            if isinstance(model, Settings) and name == "source":
                continue
            key = f"{prefix}{name}"
            value = getattr(model, name)
            in_file = named and name in model.model_fields_set
            if isinstance(value, BaseModel):
                walk(value, f"{key}.", in_file)
            elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
                for i, item in enumerate(value):
                    walk(item, f"{key}[{i}].", in_file)
            else:
                lines.append(SettingLine(key, _shown(settings, model, name, value),
                                         "file" if in_file else "default"))

    walk(settings, "", from_file)
    effective = {"paths.db": settings.db_path, "paths.reference_dir": settings.reference_dir}
    for i, line in enumerate(lines):
        env = ENVIRONMENT_OVERRIDES.get(line.name)
        if env and os.environ.get(env):
            lines[i] = SettingLine(line.name, str(Path(effective[line.name]).absolute()), f"environment ({env})")
        elif line.name == "paths.reference_dir" and settings.paths.reference_dir is None:
            lines[i] = SettingLine(line.name, str(effective[line.name]), line.source + " (the sample's extract)")
    for label, env in (("pseudonymisation.key", settings.pseudonymisation.key_env),
                       ("delivery.smtp.user", settings.delivery.smtp.user_env),
                       ("delivery.smtp.password", settings.delivery.smtp.password_env)):
        is_set = bool(os.environ.get(env))
        lines.append(SettingLine(label, "set" if is_set else "not set",
                                 f"environment ({env})" if is_set else "default"))
    return lines


def _shown(settings: Settings, model: BaseModel, name: str, value: Any) -> str:
    if value is None:
        return "(none)"
    if value == "":
        return '""'
    if isinstance(value, Path):
        return str(settings.resolve(value))
    if isinstance(model, ExtractSource) and name == "files":
        return ", ".join(str(settings.resolve(Path(f))) for f in value)
    if isinstance(model, ExtractSource) and name == "mapping" and _mapping_is_a_path(value):
        return str(settings.resolve(Path(value)))
    return str(value)
