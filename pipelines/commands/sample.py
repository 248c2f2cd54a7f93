"""`misper sample`: write a SYNTHETIC extract (and optionally its absences and interventions files)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from pipelines.cli_app import command, console, date_option, out, state


@command()
def sample(
    incidents: int = typer.Option(30_000, "--incidents", help="Number of incidents (episodes)."),
    years: int = typer.Option(3, "--years", help="Years of reports, ending on --end."),
    seed: int = typer.Option(2026, "--seed", help="Random seed: the same options give the same file."),
    shape: str = typer.Option("canonical", "--shape", help="canonical | rms"),
    out_file: Path = typer.Option(None, "--out", help="CSV to write [default: synthetic_missing_persons_<shape>.csv]."),
    end: date = date_option("--end", "Last day of reports, YYYY-MM-DD [default: end of last month].", default=None),
    defect_rate: float = typer.Option(0.005, "--defect-rate", help="Share of rows given a data-quality defect."),
    absences: Path = typer.Option(None, "--absences", help="Also write the care providers' absences CSV here."),
    interventions: Path = typer.Option(None, "--interventions", help="Also write the interventions CSV here."),
    population: Path = typer.Option(None, "--population", help="Also write the residents by borough, sex and age (ONS layout, SYNTHETIC) here."),
) -> None:
    """Generate a realistic SYNTHETIC extract for Greater Manchester (deterministic from the seed)."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from profiles.sample import SampleOptions, write_sample

    options = SampleOptions(incidents=incidents, years=years, seed=seed, shape=shape, end=end,
                            defect_rate=defect_rate)
    target = out_file or Path(f"synthetic_missing_persons_{shape}.csv")
    with Progress(TextColumn("generating"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
                  TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task("rows", total=incidents)
        result = write_sample(
            options, target, reference_dir=state.settings.reference_dir, absences=absences,
            interventions=interventions, progress=lambda done, total: bar.update(task, completed=done),
        )
    out.print(result.summary_text(), highlight=False)
    if population is not None:
        from profiles.sample.residents import write_population

        residents = write_population(population)
        out.print(f"{residents:,} SYNTHETIC residents (ONS layout): {population}", highlight=False)
