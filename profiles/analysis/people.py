"""People: repeat missing, referrals, trigger plans with "where to look first", RFG scores.

Plain functions over DuckDB (no Prefect). Each takes ``(con, settings, period | as_of)``
and returns a DataFrame (or a small dataclass of DataFrames) keyed by ``person_key``,
the pseudonymised person. Only police-audience outputs add the raw reference, with
:func:`identify`. The measures are defined for analysts in docs/methods.md.

SQL: ``sql/marts/episode_repeats.sql`` and ``sql/marts/persons.sql`` define table
macros that the report files in ``sql/reports/people_*.sql`` call;
:func:`install_marts` creates them on a connection (read-only connections too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd

from profiles.analysis.people_common import (
    FLAG_CODES,
    check_codes,
    identify,
    install_marts,
    people_query,
    repeat_params,
)
from profiles.canonical import OUTCOME_CODES, RISK_CODES
from profiles.config import ConfigError, Settings
from profiles.db import query_df
from profiles.periods import Period, end_of_day


# ---- repeat missing ---------------------------------------------------------------------


def repeat_window(settings: Settings, as_of: date) -> Period:
    """The repeat window ending on ``as_of``: the ``window_days`` London calendar days
    ``as_of - (window_days - 1)`` .. ``as_of``, both included (90 days by default)."""
    days = repeat_params(settings)["window_days"]
    first = as_of - timedelta(days=days - 1)
    return Period(first, as_of + timedelta(days=1), f"{days} days to {as_of.isoformat()}")


def episode_repeats(con: duckdb.DuckDBPyConnection, settings: Settings) -> pd.DataFrame:
    """Every episode with its repeat count (the mart ``episode_repeats``).

    Columns: every column of ``episodes`` except ``reason`` and ``date_of_birth``, plus
    ``report_number`` (1 = the person's first
    report), ``reports_in_window`` (the person's reports with ``reported_at`` at most
    ``settings.repeat.window_days`` days before this one, this one and any at the same
    instant included), ``is_repeat`` (``reports_in_window >= threshold``),
    ``previous_is_repeat``, ``previous_reported_at``, ``highest_risk``, ``is_child``,
    ``flag_list``, ``flags`` ("cse;cce"), ``went_missing_at``. Ordered by person and time.
    """
    install_marts(con)
    return query_df(con, "reports/people_episode_repeats.sql", repeat_params(settings))


def repeat_list(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> pd.DataFrame:
    """Persons with at least ``threshold`` reports in the repeat window ending on ``as_of``.

    The window is the ``window_days`` London calendar days ending on and including
    ``as_of`` (``as_of - 89`` .. ``as_of`` by default), see :func:`repeat_window`.

    Columns: ``person_key``, ``reports_in_window``, ``first_report_at``, ``last_report_at``
    (within the window), ``looked_after`` (any episode in the window says so),
    ``highest_risk`` (highest of risk and risk_highest in the window), ``flags`` (every flag
    set in the window, "cse;cce", "" when none), ``any_child``, ``latest_age``.
    Most reports first.
    """
    window = repeat_window(settings, as_of)
    params = {"window_start": window.start, "window_end": window.end, **repeat_params(settings)}
    return people_query(con, "reports/people_repeats.sql", params)


def repeat_list_police(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> pd.DataFrame:
    """POLICE AUDIENCE: the repeat list as ``misper repeats`` writes it, columns exactly
    ``person_id, reports_in_window, first_report_at, last_report_at, looked_after,
    highest_risk, flags``."""
    frame = repeat_list(con, settings, as_of)
    columns = ["person_key", "reports_in_window", "first_report_at", "last_report_at",
               "looked_after", "highest_risk", "flags"]
    return identify(con, frame[columns])


# ---- referral ---------------------------------------------------------------------------


def referral_list(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Persons to refer to social care for ``period``, with the reason for each.

    A person is listed when, among their reports in the period, one crossed the repeat
    threshold (it is a repeat and their previous report was not), or their first report in
    the database is in the period with significant risk: highest grade in
    ``settings.repeat.referral_risk_grades`` (default high) or a flag in
    ``settings.repeat.referral_flags`` (default cse, cce, trafficking).

    Columns: ``person_key``, ``reason_codes`` (``repeat_threshold``, ``first_report_high``,
    ``first_report_cse``, ... joined by ';'), ``reasons`` (the same in words),
    ``incident_id`` and ``reported_at`` of the earliest triggering report,
    ``reports_in_window``, ``highest_risk``, ``flags``, ``looked_after``, ``age_at_report``,
    ``is_child``, ``responsible_la`` of that report. Ordered by that report's time.
    """
    rule = settings.repeat
    params = {
        **period.params(),
        **repeat_params(settings),
        "referral_grades": check_codes("repeat.referral_risk_grades", rule.referral_risk_grades, RISK_CODES),
        "referral_flags": check_codes("repeat.referral_flags", rule.referral_flags, FLAG_CODES),
    }
    return people_query(con, "reports/people_referrals.sql", params)


# ---- trigger plans and "where to look first" ----------------------------------------------


@dataclass(frozen=True)
class WhereToLookFirst:
    """POLICE AUDIENCE: the search pack for a set of persons.

    ``places``: one row per person per place they were found before, ranked
    (``person_key, rank, place, place_kind, site_type, times_found, share_of_finds,
    last_found_at, easting, northing, distance_m, direction``); ``distance_m`` is the median
    straight-line distance from where they went missing on those episodes, ``direction`` the
    8-point compass direction (grid north) from there.
    ``times``: one row per person per day of week per three-hour band
    (``person_key, day_number, day_of_week, hour_band, episodes``).
    ``usual``: one row per person (``person_key, usual_days, usual_hours``), e.g.
    ``"Fri (4), Sat (3)"`` and ``"21:00-23:59 (5), 18:00-20:59 (2)"``.
    A part left out of ``where_to_look_first``'s ``parts`` is None.
    """

    places: pd.DataFrame | None
    times: pd.DataFrame | None
    usual: pd.DataFrame | None


#: The parts of the "where to look first" pack, each one query (``WhereToLookFirst``).
PACK_PARTS: tuple[str, ...] = ("places", "times", "usual")
_PACK_SQL = {"places": "reports/people_found_places.sql", "times": "reports/people_time_pattern.sql",
             "usual": "reports/people_usual_times.sql"}


def where_to_look_first(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    person_keys: Iterable[str],
    up_to: datetime,
    parts: Iterable[str] = PACK_PARTS,
) -> WhereToLookFirst:
    """The "where to look first" pack for ``person_keys`` from their episodes before ``up_to``
    (found before it for places; reported before it for days and hours): the ``parts`` asked
    for (``PACK_PARTS``), the others None."""
    parts = check_codes("where_to_look_first parts", parts, PACK_PARTS)
    params = {"person_keys": list(person_keys), "up_to": up_to}
    return WhereToLookFirst(**{part: people_query(con, _PACK_SQL[part], params) if part in parts else None
                               for part in PACK_PARTS})


@dataclass(frozen=True)
class TriggerPlans:
    """``persons``: the trigger-plan list (see :func:`trigger_plans`); ``pack``: where to look first."""

    persons: pd.DataFrame
    pack: WhereToLookFirst


def trigger_plans(
    con: duckdb.DuckDBPyConnection, settings: Settings, period: Period, *, pack: Iterable[str] = PACK_PARTS
) -> TriggerPlans:
    """Persons likely to go missing again whose trigger plan is due or needs review.

    A report in the period qualifies when it is a repeat, or the person's previous report
    is at most ``settings.repeat.trigger_plan_lookback_days`` (365) days earlier.
    ``plan_status`` is ``new`` (no qualifying report in the lookback before the period: a
    plan is due) or ``review`` (there was one, so a plan should exist and the new episode
    calls for its review).

    ``persons`` columns: ``person_key, plan_status, reasons`` (``repeat``,
    ``prior_episode_within_365_days``), ``first_qualifying_incident_id``,
    ``first_qualifying_at``, ``reports_in_period``, ``qualifying_reports``,
    ``last_report_at``, ``max_reports_in_window``, ``reports_in_lookback`` (reports in the
    lookback days up to the period end), ``highest_risk``, ``flags``, ``looked_after``,
    ``any_child``, ``usual_days``, ``usual_hours``. New plans first, then most reports.
    The pack covers every listed person, from their whole history up to the period end: the
    parts named in ``pack`` (``PACK_PARTS``); without ``usual``, the list has no
    ``usual_days`` and ``usual_hours``.
    """
    lookback = settings.repeat.trigger_plan_lookback_days
    if lookback < 1:
        raise ConfigError(f"repeat.trigger_plan_lookback_days must be at least 1 (got {lookback})")
    params = {**period.params(), **repeat_params(settings), "lookback_days": lookback}
    persons = people_query(con, "reports/people_trigger_plans.sql", params)
    pack = where_to_look_first(con, settings, persons["person_key"].tolist(), period.end, pack)
    if pack.usual is not None:
        persons = persons.merge(pack.usual, on="person_key", how="left")
    return TriggerPlans(persons=persons, pack=pack)


# ---- recency, frequency, gravity ----------------------------------------------------------


def rfg_scores(con: duckdb.DuckDBPyConnection, settings: Settings, as_of: date) -> pd.DataFrame:
    """Recency-frequency-gravity score per person as of the end of ``as_of`` (a local choice).

    Over the person's reports in the ``settings.rfg.frequency_window_days`` days up to the
    end of ``as_of``: ``frequency`` = their number; ``gravity`` = the mean over them of the
    episode weight (``gravity_weights`` of its highest grade, plus each ``flag_<code>`` set,
    plus ``looked_after``, plus ``harm`` when the outcome is in ``harm_outcomes``);
    ``recency`` = 0.5 ** (days since the last report / ``recency_half_life_days``).
    ``score`` = recency x frequency x gravity; ``rank`` 1 = highest score.

    Columns: ``person_key, last_report_at, days_since_last, recency, frequency, gravity,
    score, rank``.
    """
    rfg = settings.rfg
    if rfg.recency_half_life_days <= 0 or rfg.frequency_window_days < 1:
        raise ConfigError("rfg.recency_half_life_days must be above 0 and rfg.frequency_window_days at least 1")
    allowed = (*RISK_CODES, *(f"flag_{c}" for c in FLAG_CODES), "looked_after", "harm")
    keys = check_codes("rfg.gravity_weights", rfg.gravity_weights.keys(), allowed)
    params = {
        **repeat_params(settings),
        "as_of_end": end_of_day(as_of),
        "frequency_days": rfg.frequency_window_days,
        "half_life_days": float(rfg.recency_half_life_days),
        "weight_keys": keys,
        "weight_values": [float(rfg.gravity_weights[k]) for k in keys],
        "harm_outcomes": check_codes("rfg.harm_outcomes", rfg.harm_outcomes, OUTCOME_CODES),
    }
    return people_query(con, "reports/people_rfg.sql", params)


__all__ = [
    "FLAG_CODES",
    "PACK_PARTS",
    "TriggerPlans",
    "WhereToLookFirst",
    "episode_repeats",
    "identify",
    "install_marts",
    "referral_list",
    "repeat_list",
    "repeat_list_police",
    "repeat_window",
    "rfg_scores",
    "trigger_plans",
    "where_to_look_first",
]
