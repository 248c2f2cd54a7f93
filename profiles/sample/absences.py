"""Unauthorised absences as care providers record them, reported to police or not.

The synthetic looked-after children in children's homes are absent more often than the
police hear of: each home reports a share of its absences (some
nearly all, some a quarter), the rest are short absences the home handles itself. Every
police episode from such a home appears here (most of the time: a provider's record is not
complete) with ``reported_to_police`` Y and its incident id.

Columns (exactly): absence_id, person_id, site_ref, site_name, started_at, ended_at,
reported_to_police (Y/N), incident_id. Times dd/mm/yyyy hh:mm, UTF-8, comma-separated;
config/mappings/absences.yaml loads it (record type ``absence``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

from profiles.sample import model as m
from profiles.sample.episodes import CareAbsenceRows, zero_pad, join_text
from profiles.sample.population import MINUTES_PER_DAY, PopulationContext, Persons, avoid_clock_changes, dst_hours
from profiles.sample.stable import stable_fraction
from profiles.sample.shapes import RMS_TIME, CsvWriter, _format_time

COLUMNS = ("absence_id", "person_id", "site_ref", "site_name", "started_at", "ended_at", "reported_to_police",
           "incident_id")
TIME_FORMAT = RMS_TIME  # dd/mm/yyyy hh:mm
#: Share of police-reported episodes the provider's own record holds.
PROVIDER_RECORDED = 0.88
WRITE_CHUNK = 200_000


def reporting_share(site_refs) -> np.ndarray:
    """Share of its absences each home reports to police (a property of the home)."""
    return 0.25 + 0.70 * stable_fraction(["reports|" + str(r) for r in site_refs])


def write_absences(path: Path, rng: np.random.Generator, ctx: PopulationContext, persons: Persons,
                   reported: list[CareAbsenceRows]) -> int:
    sites = ctx.geo.sites
    W = ctx.window
    changes = dst_hours(W.start.year - 1, W.end.year + 2)

    # reported to police (from the episodes)
    r_person = np.concatenate([c.person for c in reported]) if reported else np.zeros(0, np.int64)
    r_site = np.concatenate([c.site for c in reported]) if reported else np.zeros(0, np.int64)
    r_start = np.concatenate([c.started for c in reported]) if reported else np.zeros(0, np.int64)
    r_end = np.concatenate([c.ended for c in reported]) if reported else np.zeros(0, np.int64)
    r_incident = pa.concat_arrays([c.incident_id for c in reported]) if reported else pa.array([], pa.string())
    keep = rng.random(len(r_person)) < PROVIDER_RECORDED

    # handled by the home itself
    lac_site = (persons.cat == m.CATEGORY_INDEX["lac_childrens_home"]) & (persons.site >= 0)
    who = np.flatnonzero(lac_site)
    share = reporting_share(sites["site_ref"].to_numpy(object))[persons.site[who]]
    count = rng.poisson(persons.k[who] * (1 / share - 1) * 0.8)
    u_person = np.repeat(who, count)
    days = ctx.profiles.draw_days(rng, np.zeros(len(u_person), dtype=np.int16),
                                  persons.spell_s[u_person].astype(np.int64), persons.spell_e[u_person].astype(np.int64))
    cdf = np.cumsum(m.HOURS["care"])
    hours = np.minimum(np.searchsorted(cdf, rng.random(len(u_person)), side="right"), 23)
    u_start = W.start_minute + days * MINUTES_PER_DAY + hours * 60 + rng.integers(0, 60, len(u_person))
    u_start = avoid_clock_changes(u_start, changes)
    u_end = avoid_clock_changes(
        u_start + np.maximum(10, np.round(60 * np.exp(np.log(2.5) + 0.8 * rng.standard_normal(len(u_person))))
                  ).astype(np.int64), changes)
    u_end = np.where(u_end <= W.snapshot_minute, u_end, -1)

    person = np.concatenate([r_person[keep], u_person]).astype(np.int64)
    site = np.concatenate([r_site[keep], persons.site[u_person]]).astype(np.int64)
    start = np.concatenate([r_start[keep], u_start]).astype(np.int64)
    end = np.concatenate([r_end[keep], u_end]).astype(np.int64)
    reported_flag = np.concatenate([np.ones(int(keep.sum()), bool), np.zeros(len(u_person), bool)])
    incident = pa.concat_arrays([r_incident.filter(pa.array(keep)), pa.nulls(len(u_person), pa.string())])
    order = np.lexsort((person, start))

    refs = pa.array(sites["site_ref"].to_numpy(object), pa.string())
    names = pa.array(sites["name"].to_numpy(object), pa.string())
    with CsvWriter(path) as writer:
        for lo in range(0, len(order), WRITE_CHUNK):
            idx = order[lo: lo + WRITE_CHUNK]
            n = len(idx)
            number = np.arange(lo + 1, lo + n + 1)
            ended = end[idx]
            table = pa.table({
                "absence_id": join_text("SYN-ABS-", zero_pad(number, 7)),
                "person_id": join_text("SYN-P", zero_pad(persons.number[person[idx]], 7)),
                "site_ref": refs.take(pa.array(site[idx])),
                "site_name": names.take(pa.array(site[idx])),
                "started_at": _format_time(pa.array(start[idx] * 60, pa.timestamp("s")), TIME_FORMAT),
                "ended_at": _format_time(pa.array(np.where(ended >= 0, ended, 0) * 60, pa.timestamp("s"),
                                                  mask=ended < 0), TIME_FORMAT),
                "reported_to_police": pa.array(np.where(reported_flag[idx], "Y", "N"), pa.string()),
                "incident_id": incident.take(pa.array(idx)),
            })
            writer.write(table)
        if len(order) == 0:
            writer.write(pa.table({c: pa.array([], pa.string()) for c in COLUMNS}))
    return len(order)
