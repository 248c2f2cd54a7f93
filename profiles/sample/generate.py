"""Generate and write a synthetic extract (``misper sample``).

Deterministic: the same options and reference folder give the same bytes. Memory stays
bounded at any size: the people and the report-ordered skeleton (a few numbers per
episode) are held whole; every other field is drawn, shaped and written
``CHUNK_ROWS`` episodes at a time, each chunk from its own seeded stream.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from profiles.canonical import COLUMN_NAMES
from profiles.errors import InvalidValue, MisperError
from profiles.sample import model as m
from profiles.sample.absences import write_absences
from profiles.sample.defects import DefectLog, inject
from profiles.sample.episodes import SCHEMA, Generator
from profiles.sample.interventions import plan_person_interventions, plan_site_interventions, write_interventions
from profiles.sample.locations import LocationTable
from profiles.sample.population import Window, context, make_persons, make_skeleton, number_persons
from profiles.sample.reference import load_geography
from profiles.sample.shapes import RMS_HEADER_FOR, SHAPE_FORMAT, SHAPES, CsvWriter, free_text_columns

#: Episodes per chunk. Part of the output's definition: changing it changes the data.
CHUNK_ROWS = 100_000
MAX_INCIDENTS = 50_000_000

# seed streams
_POPULATION, _SKELETON, _CHUNK, _DEFECTS, _ABSENCES = range(1, 6)


class SampleError(MisperError):
    """Options the generator cannot work with."""


@dataclass(frozen=True)
class SampleOptions:
    incidents: int = 30_000
    years: int = 3
    seed: int = 2026
    shape: str = "canonical"
    #: Last day of reports; default: the last day of the previous calendar month.
    end: date | None = None
    #: Share of rows given a data-quality defect.
    defect_rate: float = 0.005

    def window(self) -> Window:
        end = self.end or (date.today().replace(day=1) - timedelta(days=1))
        return Window.ending(end, self.years)

    def check(self) -> None:
        if not 1 <= self.incidents <= MAX_INCIDENTS:
            raise InvalidValue("incidents", f"must be between 1 and {MAX_INCIDENTS:,} (got {self.incidents})")
        if not 1 <= self.years <= 50:
            raise InvalidValue("years", f"must be between 1 and 50 (got {self.years})")
        if self.shape not in SHAPES:
            raise InvalidValue("shape", f"must be one of {', '.join(SHAPES)} (got '{self.shape}')")
        if not 0 <= self.defect_rate <= 0.2:
            raise InvalidValue("defect_rate", f"must be between 0 and 0.2 (got {self.defect_rate})")
        if self.seed < 0:
            raise InvalidValue("seed", f"must be zero or positive (got {self.seed})")


@dataclass
class SampleResult:
    options: SampleOptions
    out: Path
    window: Window
    reference_dir: Path
    sites_from_file: bool
    rows: int = 0
    incidents: int = 0
    persons: int = 0
    child_incidents: int = 0
    looked_after_incidents: int = 0
    defects: DefectLog = field(default_factory=DefectLog)
    absences_path: Path | None = None
    absences: int = 0
    interventions_path: Path | None = None
    interventions: int = 0
    seconds: float = 0.0

    def expected_reconciliation(self) -> dict[str, int]:
        """What ``misper ingest`` of the file must report (a first load into an empty database)."""
        return {
            "rows_read": self.rows,
            "loaded": self.rows - self.defects.quarantined_rows - self.defects.duplicate_rows,
            "quarantined": self.defects.quarantined_rows,
            "duplicates": self.defects.duplicate_rows,
        }

    def summary_text(self) -> str:
        o = self.options
        lines = [
            f"SYNTHETIC sample written: {self.out} ({o.shape} shape)",
            f"  {self.window.start.isoformat()} to {self.window.end.isoformat()}, seed {o.seed}, "
            f"reference data {self.reference_dir}{'' if self.sites_from_file else ' (sites synthesised)'}",
            f"  {self.rows:,} rows = {self.incidents:,} incidents + {self.defects.extra_rows:,} defect rows; "
            f"{self.persons:,} people",
            f"  children {self.child_incidents / max(self.incidents, 1):.1%} of incidents, "
            f"looked-after {self.looked_after_incidents / max(self.incidents, 1):.1%}",
            "  defects: " + ", ".join(f"{k} {v}" for k, v in self.defects.counts.items() if v),
        ]
        if self.absences_path:
            lines.append(f"  care-provider absences: {self.absences:,} rows in {self.absences_path}")
        if self.interventions_path:
            lines.append(f"  interventions: {self.interventions} rows in {self.interventions_path}")
        lines.append(f"  {self.seconds:.1f} s")
        return "\n".join(lines)


def _rng(seed: int, *stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, *stream]))


def write_sample(
    options: SampleOptions,
    out: Path,
    *,
    reference_dir: Path,
    absences: Path | None = None,
    interventions: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SampleResult:
    """Generate the sample and write it to ``out`` (and the absences and interventions files)."""
    options.check()
    started = time.perf_counter()
    window = options.window()
    geo = load_geography(Path(reference_dir))
    rng = _rng(options.seed, _POPULATION)
    ctx = context(geo, window, rng)
    site_plan = plan_site_interventions(ctx)
    persons = make_persons(rng, ctx, options.incidents)
    person_plan = plan_person_interventions(ctx, persons)
    skeleton = make_skeleton(_rng(options.seed, _SKELETON), ctx, persons)
    number_persons(persons, skeleton)
    generator = Generator(ctx, persons, skeleton, LocationTable.build(geo))

    result = SampleResult(options, Path(out), window, Path(reference_dir), geo.sites_from_file)
    to_text, delimiter, encoding, newline = SHAPE_FORMAT[options.shape]
    # text columns may hold the delimiter or quotes; formatted times, numbers and flags never do
    check = free_text_columns(COLUMN_NAMES, pa.table({f.name: pa.array([], f.type) for f in SCHEMA}),
                              RMS_HEADER_FOR if options.shape == "rms" else None)
    care_rows = []
    child = np.array([c.child for c in m.CATEGORIES])
    lac = np.array([c.looked_after for c in m.CATEGORIES])
    total = len(skeleton)
    try:
        with CsvWriter(Path(out), delimiter=delimiter, encoding=encoding, newline=newline) as writer:
            for chunk, lo in enumerate(range(0, total, CHUNK_ROWS)):
                hi = min(lo + CHUNK_ROWS, total)
                table, care = generator.chunk(_rng(options.seed, _CHUNK, chunk), lo, hi)
                table, log = inject(table, _rng(options.seed, _DEFECTS, chunk), options.defect_rate)
                writer.write(to_text(table), check=check)
                result.defects.add(log)
                if absences is not None:
                    care_rows.append(care)
                if progress:
                    progress(hi, total)
            result.rows = writer.rows
    except OSError as exc:
        raise SampleError(f"{out}: cannot write the sample: {exc}") from None
    cats = persons.cat[skeleton.person]
    result.incidents = total
    result.persons = len(persons)
    result.child_incidents = int(child[cats].sum())
    result.looked_after_incidents = int(lac[cats].sum())
    if absences is not None:
        result.absences_path = Path(absences)
        result.absences = write_absences(Path(absences), _rng(options.seed, _ABSENCES), ctx, persons, care_rows)
    if interventions is not None:
        result.interventions_path = Path(interventions)
        result.interventions = write_interventions(Path(interventions), site_plan + person_plan, ctx, persons)
    result.seconds = time.perf_counter() - started
    return result
