"""The police annex: every list of people in full, kept apart from the main document.

The main document of every audience (police included) carries no person reference; the
lists a coordinator works from are here, as a PDF and as an XLSX with one sheet per list
and a definitions sheet. Marked with the police protective marking on every page, and
sent only to police distribution lists (it exists only in the police folder).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from profiles.reports.objects import ColumnFormat, Report, Section, Table
from profiles.reports.profile_data import ProfileData
from profiles.reports.render import report_for


@dataclass(frozen=True)
class AnnexList:
    id: str
    title: str
    definition: str


#: The annex's lists, in order: sheet name (= table id), title, what a row is.
ANNEX_LISTS: tuple[AnnexList, ...] = (
    AnnexList("repeat_people", "Repeat missing people",
              "People with 3 or more reports (repeat.threshold) in the rolling window (repeat.window_days) "
              "ending on the month's last day."),
    AnnexList("referrals", "Referrals to social care due", "People whose reports this month meet a referral rule."),
    AnnexList("trigger_plans", "Trigger plans due or to review", "People who need a new trigger plan or a review."),
    AnnexList("open_episodes", "Open episodes at the month's end (oversight)",
              "Episodes still open at the end of the month, highest risk first."),
    AnnexList("ukmpu_notifications", "UK Missing Persons Unit notifications due (oversight)",
              "Episodes whose notification to the UKMPU fell due in the month."),
    AnnexList("intelligence_due", "Intelligence reports due (oversight)",
              "People flagged for exploitation or trafficking in the month."),
    AnnexList("cross_border", "People crossing local authority or force borders",
              "People whose reports this month cross a local authority or force boundary."),
    AnnexList("out_of_area", "Looked-after children placed out of area",
              "Reports this month of looked-after children placed outside their responsible authority."),
    AnnexList("absences", "Unauthorised absences by person",
              "Care providers' unauthorised absences this month beside the person's police reports."),
)


def annex_frames(data: ProfileData) -> dict[str, pd.DataFrame]:
    """Each list's frame as the police see it: the person's reference first, no pseudonym."""
    p = data.people
    frames = {
        "repeat_people": p.repeats, "referrals": p.referrals, "trigger_plans": p.trigger_plans.persons,
        "open_episodes": p.oversight.open_episodes, "ukmpu_notifications": p.oversight.ukmpu_notifications,
        "intelligence_due": p.oversight.intelligence_due, "cross_border": p.cross_border.persons,
        "out_of_area": p.cross_border.out_of_area, "absences": p.absences.by_person,
    }
    out = {}
    for key, frame in frames.items():
        shown = frame.drop(columns=["person_key"]).copy()
        for col in shown.columns:
            if len(shown) and shown[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any():
                shown[col] = shown[col].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v)
        shown.insert(0, "person_id", [data.identities.get(k, "") for k in frame["person_key"]])
        out[key] = shown.reset_index(drop=True)
    return out


def _formats(frame: pd.DataFrame) -> dict[str, ColumnFormat]:
    return {c: "datetime" for c in frame.columns if c.endswith("_at")}


def build_annex(data: ProfileData, run_date: date) -> Report:
    """The police annex for the month of ``data``."""
    frames = annex_frames(data)
    sections = []
    for spec in ANNEX_LISTS:
        frame = frames[spec.id]
        table = Table(id=spec.id, caption=f"{spec.title}: {len(frame):,}", data=frame, formats=_formats(frame),
                      labels={"person_id": "Person"}, notes=(spec.definition,))
        sections.append(Section(id=spec.id, title=spec.title, tables=(table,)))
    return report_for(
        data.settings, audience="police", kind="problem_profile_annex",
        title="Missing persons problem profile: police annex", subtitle=f"{data.month.title} · lists of people",
        period_label=data.month.title, run_date=run_date, sections=tuple(sections),
        attribution=tuple(data.attribution),
    )
