"""People: cross-border notifications, return home interviews, oversight lists, absences.

Plain functions over DuckDB (no Prefect), taking ``(con, settings, period[, as_of])`` and
returning DataFrames keyed by ``person_key`` (pseudonymised) or by authority or home.
Lists marked POLICE AUDIENCE name homes or carry free-standing episode detail; the
report engineer must not hand them to partners as they are. Definitions for analysts
are in docs/methods.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from profiles.analysis.people_common import FLAG_CODES, check_codes, people_query, repeat_params
from profiles.config import ConfigError, Settings
from profiles.periods import Period

# ---- cross-border -----------------------------------------------------------------------


@dataclass(frozen=True)
class CrossBorder:
    """The notification lists.

    ``persons``: persons whose episodes in the period cross a local authority or force
    boundary or touch another force's area (``person_key, episodes, episodes_crossing_la,
    episodes_crossing_pfa, lad_codes, force_areas, spans_la, spans_pfa, other_forces,
    authorities_recorded, is_repeat, looked_after, any_child, last_report_at``);
    ``other_forces`` are the forces to notify.
    ``out_of_area``: episodes of looked-after children placed out of area (``incident_id,
    person_key, reported_at, found_at, placing_authority, host_lad_code, host_authority,
    responsible_la, missing_from_type, age_at_report, is_repeat, reports_in_window``): the
    placing and the host authority must both be informed (placing_authority: as recorded,
    else the responsible authority).
    """

    persons: pd.DataFrame
    out_of_area: pd.DataFrame


def cross_border(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> CrossBorder:
    """Cross-border persons and out-of-area placements for ``period`` (by reported_at).

    Uses the geocoded points (``episode_locations``: ``lad_code``, ``force_area``) of each
    episode's go-missing and found locations; the host authority of a placement is the
    LAD of the go-missing point. A placing authority given by name is matched to the
    host's code through the reference LAD names when they have been imported.
    """
    base = {**period.params(), **repeat_params(settings)}
    persons = people_query(con, "reports/people_cross_border.sql", {**base, "own_force": settings.force.pfa_code})
    out_of_area = people_query(con, "reports/people_out_of_area.sql", base)
    return CrossBorder(persons=persons, out_of_area=out_of_area)


# ---- return home interviews -------------------------------------------------------------


def return_interviews(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> pd.DataFrame:
    """Return home interviews for children, by responsible local authority.

    Counts the episodes of children (under 18 at the report) reported in ``period`` and
    found, except those found dead. Columns: ``responsible_la`` ('unknown' when none; a
    last row 'all' for the force), ``returns``, ``offered``, ``offered_within_limit``,
    ``done``, ``done_within_limit``, ``offered_within_limit_rate``,
    ``done_within_limit_rate`` (shares of returns, 3 decimals). Within the limit: recorded
    no later than ``settings.safeguarding.return_interview_hours`` (72) after ``found_at``.
    """
    hours = settings.safeguarding.return_interview_hours
    if hours < 1:
        raise ConfigError(f"safeguarding.return_interview_hours must be at least 1 (got {hours})")
    return people_query(con, "reports/people_return_interviews.sql", {**period.params(), "hours": hours})


# ---- oversight --------------------------------------------------------------------------


@dataclass(frozen=True)
class Oversight:
    """POLICE AUDIENCE oversight lists, as of ``as_of``.

    ``open_episodes``: episodes open at ``as_of``, highest grade first (``incident_id,
    person_key, reported_at, hours_since_report, over_notify_limit, risk, highest_risk,
    age_at_report, is_child, looked_after, flags, missing_from_type, responsible_la,
    is_repeat, reports_in_window``).
    ``ukmpu_notifications``: episodes whose UKMPU notification fell due in the period by
    ``as_of`` (``incident_id, person_key, reported_at, notify_due_at, found_at,
    still_missing, hours_missing, risk, risk_highest, age_at_report, looked_after,
    missing_from_type``).
    ``intelligence_due``: persons flagged for exploitation or trafficking in the period
    (``person_key, flagged_episodes, flags, first_flagged_at, last_flagged_at,
    highest_risk, looked_after, any_child, is_repeat``).
    """

    as_of: datetime
    open_episodes: pd.DataFrame
    ukmpu_notifications: pd.DataFrame
    intelligence_due: pd.DataFrame


def oversight(
    con: duckdb.DuckDBPyConnection,
    settings: Settings,
    period: Period,
    as_of: datetime | None = None,
) -> Oversight:
    """The oversight lists for ``period`` as of ``as_of`` (default: the end of the period).

    ``as_of`` must be timezone-aware; nothing recorded after it is used for the open list
    and the UKMPU list (a person found later is still missing at ``as_of``).
    """
    as_of = period.end if as_of is None else as_of
    if as_of.tzinfo is None:
        raise ValueError("oversight(): as_of must be timezone-aware")
    notify_hours = settings.safeguarding.ukmpu_notify_hours
    if notify_hours < 1:
        raise ConfigError(f"safeguarding.ukmpu_notify_hours must be at least 1 (got {notify_hours})")
    flags = check_codes("safeguarding.intelligence_flags", settings.safeguarding.intelligence_flags, FLAG_CODES)
    base = {**period.params(), **repeat_params(settings), "as_of": as_of, "notify_hours": notify_hours}
    return Oversight(
        as_of=as_of,
        open_episodes=people_query(con, "reports/people_open_episodes.sql", base),
        ukmpu_notifications=people_query(con, "reports/people_ukmpu_notifications.sql", base),
        intelligence_due=people_query(con, "reports/people_intelligence_due.sql", {**base, "intelligence_flags": flags}),
    )


# ---- unauthorised absences ----------------------------------------------------------------


@dataclass(frozen=True)
class AbsencePattern:
    """Unauthorised absences beside police reports, for ``period`` (by start / report time).

    ``by_person``: ``person_key, absences, reported_to_police, not_reported,
    police_episodes, total_occasions, homes, last_absence_at``; ``total_occasions`` counts
    each police episode once plus each absence not reported.
    ``by_home`` (POLICE AUDIENCE: names homes): ``site_ref, site_id, site_name, site_type,
    sensitive, absences, individuals, reported_to_police, not_reported, reported_share,
    reported_without_episode, police_episodes``.
    """

    by_person: pd.DataFrame
    by_home: pd.DataFrame


def absence_pattern(con: duckdb.DuckDBPyConnection, settings: Settings, period: Period) -> AbsencePattern:
    """Absences shared by care providers, combined with police reports, per person and per home."""
    params = period.params()
    return AbsencePattern(
        by_person=people_query(con, "reports/people_absences_by_person.sql", params),
        by_home=people_query(con, "reports/people_absences_by_home.sql", params),
    )


__all__ = [
    "AbsencePattern",
    "CrossBorder",
    "Oversight",
    "absence_pattern",
    "cross_border",
    "oversight",
    "return_interviews",
]
