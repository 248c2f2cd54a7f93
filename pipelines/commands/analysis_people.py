"""People commands: repeats, referrals, trigger plans, RFG, cross-border, return interviews,
oversight, absences. Police audience: the files carry person references.

Each command parses its options and calls one function of profiles.analysis.people_export.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from pipelines.cli_app import OUT_DIR, OUT_FILE, command, date_option, out, period_option, state
from profiles.periods import Month

PERIOD = period_option("Month YYYY-MM (reports made in it, London time).")


def _moment(text: str) -> datetime:
    from profiles.analysis.people_export import parse_moment

    return parse_moment(text)


def _done(paths: list[Path], what: str) -> None:
    out.print(f"{what} (police audience):", highlight=False)
    for path in paths:
        out.print(f"  {path}", highlight=False)


@command()
def repeats(
    as_of: date = date_option("--as-of", "Last day of the window, YYYY-MM-DD."),
    out_file: Path = OUT_FILE,
) -> None:
    """Repeat missing persons as of a date (police audience).

    Persons with at least repeat.threshold (3) reports in the repeat.window_days (90) London
    calendar days ending on and including --as-of (as-of minus 89 .. as-of)."""
    from profiles.analysis.people_export import export_repeats

    path, rows = export_repeats(state.db_path, state.settings, as_of, out_file)
    _done([path], f"{rows} repeat missing person(s) as of {as_of}")


@command()
def referrals(period: Month = PERIOD, out_file: Path = OUT_FILE) -> None:
    """Referral list for a month, with the reason for each (police audience).

    Persons crossing the repeat threshold in the month, and first reports with significant
    risk (high grade, CSE/CCE/trafficking flags)."""
    from profiles.analysis.people_export import export_referrals

    path, rows = export_referrals(state.db_path, state.settings, period, out_file)
    _done([path], f"{rows} referral(s) for {period.label}")


@command(name="trigger-plans")
def trigger_plans(period: Month = PERIOD, out_dir: Path = OUT_DIR) -> None:
    """Trigger-plan list with the "where to look first" pack (police audience).

    Writes trigger_plans.csv, where_to_look_first.csv (places found before, ranked, with
    distance and direction) and time_pattern.csv (days and hours of going missing)."""
    from profiles.analysis.people_export import export_trigger_plans

    _done(export_trigger_plans(state.db_path, state.settings, period, out_dir),
          f"Trigger plans for {period.label}")


@command()
def rfg(
    as_of: date = date_option("--as-of", "Score as of the end of this day, YYYY-MM-DD."),
    out_file: Path = OUT_FILE,
) -> None:
    """Recency-frequency-gravity score per person (police audience; settings.rfg)."""
    from profiles.analysis.people_export import export_rfg

    path, rows = export_rfg(state.db_path, state.settings, as_of, out_file)
    _done([path], f"{rows} person(s) scored as of {as_of}")


@command(name="cross-border")
def cross_border(period: Month = PERIOD, out_dir: Path = OUT_DIR) -> None:
    """Cross-border notification lists for a month (police audience).

    Writes cross_border_persons.csv (episodes spanning local authorities or force areas) and
    out_of_area_placements.csv (looked-after children placed out of area)."""
    from profiles.analysis.people_export import export_cross_border

    _done(export_cross_border(state.db_path, state.settings, period, out_dir),
          f"Cross-border lists for {period.label}")


@command(name="return-interviews")
def return_interviews(period: Month = PERIOD, out_file: Path = OUT_FILE) -> None:
    """Return home interviews for children, by responsible local authority.

    Returns in the month, offered and done within safeguarding.return_interview_hours (72)."""
    from profiles.analysis.people_export import export_return_interviews

    path = export_return_interviews(state.db_path, state.settings, period, out_file)
    out.print(f"Return home interviews for {period.label}:\n  {path}", highlight=False)


@command()
def oversight(
    period: Month = PERIOD,
    as_of: datetime = date_option(
        "--as-of", "Moment: YYYY-MM-DD (end of day) or YYYY-MM-DDTHH:MM [default: period end, or now].",
        default=None, parse=_moment,
    ),
    out_dir: Path = OUT_DIR,
) -> None:
    """Oversight lists for a month as of a moment (police audience).

    Writes open_episodes.csv (by risk, with hours since report), ukmpu_notifications.csv
    (missing over 72 hours) and intelligence_due.csv (exploitation or trafficking flags)."""
    from profiles.analysis.people_export import export_oversight

    paths, used = export_oversight(state.db_path, state.settings, period, as_of, out_dir)
    _done(paths, f"Oversight for {period.label} as of {used.isoformat(timespec='minutes')}")


@command()
def absences(period: Month = PERIOD, out_dir: Path = OUT_DIR) -> None:
    """Unauthorised absences beside police reports, per person and per home (police audience).

    Writes absences_by_person.csv and absences_by_home.csv (homes named)."""
    from profiles.analysis.people_export import export_absences

    _done(export_absences(state.db_path, state.settings, period, out_dir),
          f"Absences for {period.label}")
