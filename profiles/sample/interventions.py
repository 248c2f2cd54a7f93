"""Interventions whose effect shows in the sample, and the interventions file that lists them.

A few high-demand homes get a multi-agency meeting, after which their residents go
missing less often; one home gets a change that does nothing (an honest null result); one
child's episodes fall after a Child Abduction Warning Notice and one adult's after a
trigger plan. One more home is "emerging": quiet at first, busy later (not an
intervention, but what the persistent/emerging analysis should find).

File columns (exactly): intervention_id, target_type (site|person), target_ref (site_ref or
person_id), started_on (YYYY-MM-DD), type (cawn|multi_agency_meeting|trigger_plan|other),
description.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

from profiles.sample import model as m
from profiles.sample.population import PopulationContext, Persons
from profiles.sample.shapes import CsvWriter

COLUMNS = ("intervention_id", "target_type", "target_ref", "started_on", "type", "description")

DESCRIPTIONS = {
    "home_meeting": "SYNTHETIC: multi-agency meeting with the home's manager, placing authorities, police and "
                    "the missing-from-care lead; curfew and reporting arrangements reviewed",
    "home_other": "SYNTHETIC: new registered manager in post; no change to missing-from-care practice",
    "supported_meeting": "SYNTHETIC: multi-agency meeting with the provider and housing support; key-work and "
                         "reporting arrangements agreed",
    "cawn": "SYNTHETIC: Child Abduction Warning Notice served on an adult associated with the child",
    "trigger_plan": "SYNTHETIC: trigger plan agreed with the ward and family; early-warning signs and search "
                    "plan recorded",
}


@dataclass
class Intervention:
    target_type: str
    index: int               # site index or person index
    day: int                 # day of the window it started
    type: str
    description: str
    factor_after: float      # demand after it, relative to before (1.0 = no effect)


def plan_site_interventions(ctx: PopulationContext) -> list[Intervention]:
    """Choose the sites and set their day-weight profiles (before people are drawn)."""
    sm, D = ctx.sites, ctx.window.days
    demand = sm.capacity * sm.factor
    order = np.argsort(-demand, kind="stable")
    homes = [int(i) for i in order if sm.types[i] == "childrens_home"]
    supported = [int(i) for i in order if sm.types[i] == "supported_accommodation"]
    plan: list[Intervention] = []
    spec = [
        (homes, 0, 0.55, "multi_agency_meeting", "home_meeting", 0.30),
        (homes, 1, 0.40, "multi_agency_meeting", "home_meeting", 0.40),
        (homes, 2, 0.50, "other", "home_other", 1.00),
        (supported, 0, 0.65, "multi_agency_meeting", "supported_meeting", 0.40),
    ]
    for sites, rank, when, kind, text, factor in spec:
        if len(sites) <= rank:
            continue
        site, day = sites[rank], int(when * D)
        sm.profile[site] = ctx.profiles.step(day, 1.0, factor)
        plan.append(Intervention("site", site, day, kind, DESCRIPTIONS[text], factor))
    if len(homes) > 4:  # an emerging home: quiet, then busy from 70% of the window
        sm.profile[homes[4]] = ctx.profiles.step(int(0.7 * D), 0.35, 1.6)
    return plan


def plan_person_interventions(ctx: PopulationContext, persons: Persons) -> list[Intervention]:
    """A CAWN for one exploited child and a trigger plan for one adult; their days are
    redrawn under a profile that falls after the date."""
    plan: list[Intervention] = []
    spell = persons.spell_e - persons.spell_s
    choices = [
        (m.CATEGORY_INDEX["lac_childrens_home"], persons.flags[:, 0], 150, 0.45, "cawn", "cawn", 0.2),
        (m.CATEGORY_INDEX["adult_mental_health"], np.ones(len(persons), bool), 60, 0.5, "trigger_plan",
         "trigger_plan", 0.4),
    ]
    for cat, extra, min_days, when, kind, text, factor in choices:
        cand = np.flatnonzero((persons.cat == cat) & extra & (spell >= min_days) & (persons.k >= 4))
        if len(cand) == 0:
            continue
        who = int(cand[np.argmax(persons.k[cand])])
        day = int(persons.spell_s[who] + when * spell[who])
        base = ctx.profiles.factors[int(persons.profile[who])]
        step = np.ones_like(base)
        step[day:] = factor
        persons.profile[who] = ctx.profiles.add(base * step)
        plan.append(Intervention("person", who, day, kind, DESCRIPTIONS[text], factor))
    return plan


def write_interventions(path: Path, plan: list[Intervention], ctx: PopulationContext, persons: Persons) -> int:
    rows = sorted(plan, key=lambda iv: (iv.day, iv.target_type, iv.index))
    refs = []
    for iv in rows:
        if iv.target_type == "site":
            refs.append(str(ctx.geo.sites["site_ref"].iloc[iv.index]))
        else:
            refs.append(f"SYN-P{int(persons.number[iv.index]):07d}")
    table = pa.table({
        "intervention_id": [f"SYN-INT-{i:03d}" for i in range(1, len(rows) + 1)],
        "target_type": [iv.target_type for iv in rows],
        "target_ref": refs,
        "started_on": [(ctx.window.start + timedelta(days=iv.day)).isoformat() for iv in rows],
        "type": [iv.type for iv in rows],
        "description": [iv.description for iv in rows],
    })
    with CsvWriter(path) as writer:
        writer.write(table)
    return len(rows)
