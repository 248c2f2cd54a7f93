"""Everything the monthly problem profile needs about people, in one call.

``people_profile(con, settings, month)`` runs every people measure the profile shows for the
month and returns them with a few headline figures for the key findings. All frames are keyed by
``person_key`` (pseudonymised) or by authority or home; the report layer decides what each
audience sees (repeat individuals, packs, oversight lists and named homes are police only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pandas as pd

from profiles.analysis import people, people_safeguarding
from profiles.config import Settings
from profiles.periods import Month


@dataclass(frozen=True)
class PeopleProfile:
    """The people measures for one month (see each function for its columns).

    ``repeats``: :func:`people.repeat_list` as of the month's last day;
    ``referrals``: :func:`people.referral_list`; ``trigger_plans``:
    :func:`people.trigger_plans`, with the pack's places and usual days and hours (what the
    police annex shows);
    ``cross_border``, ``return_interviews``, ``oversight`` (as of the month end) and
    ``absences`` from :mod:`people_safeguarding`. ``figures``: headline numbers (see
    :func:`people_profile`).
    """

    month: Month
    repeats: pd.DataFrame
    referrals: pd.DataFrame
    trigger_plans: people.TriggerPlans
    cross_border: people_safeguarding.CrossBorder
    return_interviews: pd.DataFrame
    oversight: people_safeguarding.Oversight
    absences: people_safeguarding.AbsencePattern
    figures: dict[str, float | int | None] = field(default_factory=dict)


def _count(frame: pd.DataFrame, column: str | None = None) -> int:
    if column is None:
        return int(len(frame))
    return int(frame[column].fillna(False).astype(bool).sum()) if len(frame) else 0


def people_profile(
    con: duckdb.DuckDBPyConnection, settings: Settings, month: Month, as_of: datetime | None = None,
    *, police_annex: bool = True,
) -> PeopleProfile:
    """The people measures of the profile for ``month``; oversight as of ``as_of`` (default:
    month end). ``police_annex=False`` leaves out what only the police annex shows: the
    trigger plans' "where to look first" pack (none of its parts: ``usual_days`` and
    ``usual_hours`` are not in the list either).

    ``figures``: ``repeat_people``, ``repeat_children``, ``repeat_looked_after`` (as of the
    last day), ``referrals``, ``trigger_plans_new``, ``trigger_plans_review``,
    ``cross_border_people``, ``out_of_area_episodes``, ``open_episodes``,
    ``ukmpu_notifications``, ``intelligence_due``, ``child_returns``,
    ``return_interviews_offered_within_limit_rate`` (force-wide; None without returns),
    ``absences``, ``absences_not_reported``.
    """
    repeats = people.repeat_list(con, settings, month.last_day)
    referrals = people.referral_list(con, settings, month)
    plans = people.trigger_plans(con, settings, month, pack=("places", "usual") if police_annex else ())
    cross = people_safeguarding.cross_border(con, settings, month)
    rhi = people_safeguarding.return_interviews(con, settings, month)
    lists = people_safeguarding.oversight(con, settings, month, as_of)
    absences = people_safeguarding.absence_pattern(con, settings, month)

    force_rhi = rhi[rhi["responsible_la"] == "all"]
    figures: dict[str, float | int | None] = {
        "repeat_people": _count(repeats),
        "repeat_children": _count(repeats, "any_child"),
        "repeat_looked_after": _count(repeats, "looked_after"),
        "referrals": _count(referrals),
        "trigger_plans_new": int((plans.persons["plan_status"] == "new").sum()),
        "trigger_plans_review": int((plans.persons["plan_status"] == "review").sum()),
        "cross_border_people": _count(cross.persons),
        "out_of_area_episodes": _count(cross.out_of_area),
        "open_episodes": _count(lists.open_episodes),
        "ukmpu_notifications": _count(lists.ukmpu_notifications),
        "intelligence_due": _count(lists.intelligence_due),
        "child_returns": int(force_rhi["returns"].sum()) if len(force_rhi) else 0,
        "return_interviews_offered_within_limit_rate": (
            float(force_rhi["offered_within_limit_rate"].iloc[0]) if len(force_rhi) else None
        ),
        "absences": int(absences.by_home["absences"].sum()) if len(absences.by_home) else 0,
        "absences_not_reported": int(absences.by_home["not_reported"].sum()) if len(absences.by_home) else 0,
    }
    return PeopleProfile(
        month=month,
        repeats=repeats,
        referrals=referrals,
        trigger_plans=plans,
        cross_border=cross,
        return_interviews=rhi,
        oversight=lists,
        absences=absences,
        figures=figures,
    )
