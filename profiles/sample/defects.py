"""Data-quality defects, injected in canonical values so that both shapes carry the same ones.

A small share of rows (``rate``, default 0.5%) gets one defect each. Every kind except the
exact duplicate is one that ingestion must quarantine; the duplicate must be counted as a
duplicate; a conflicting second version of an incident quarantines both of its rows.
Literal texts (an unparseable time, a malformed postcode, an unknown code) are the same
string in both shapes, so the quarantine reasons match as well as the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pyarrow as pa

from profiles.sample.episodes import SCHEMA

KINDS = (
    "found_before_reported",
    "missing_gender",
    "impossible_age",
    "malformed_postcode",
    "unknown_code",
    "future_date",
    "unparseable_time",
    "missing_person_id",
    "coordinates_outside_gb",
    "duplicate_row",
    "conflicting_version",
)
#: Kinds whose rows ingestion quarantines (the conflicting version quarantines two rows).
QUARANTINED = tuple(k for k in KINDS if k != "duplicate_row")

UNPARSEABLE_TIMES = ("TBC", "00/00/0000 00:00", "not known")
UNKNOWN_ETHNICITY = ("IC7", "IC0", "W1")


@dataclass
class DefectLog:
    """How many of each defect were injected (rows added by duplicates and conflicts included)."""

    counts: dict[str, int] = field(default_factory=lambda: {k: 0 for k in KINDS})

    def add(self, other: "DefectLog") -> None:
        for k, v in other.counts.items():
            self.counts[k] += v

    @property
    def extra_rows(self) -> int:
        return self.counts["duplicate_row"] + self.counts["conflicting_version"]

    @property
    def quarantined_rows(self) -> int:
        """Rows that ingestion must quarantine."""
        return sum(self.counts[k] for k in QUARANTINED) + self.counts["conflicting_version"]

    @property
    def duplicate_rows(self) -> int:
        return self.counts["duplicate_row"]


def _malformed(postcode: str | None, rng: np.random.Generator) -> str:
    pc = postcode if postcode and " " in postcode and len(postcode) >= 6 else "M14 5TT"
    outward, inward = pc.split(" ", 1)
    options = (
        f"{outward} {inward}{'XQZ'[int(rng.integers(0, 3))]}",   # one character too many
        f"{outward} {inward[1:]}{inward[0]}",                     # inward code scrambled
        f"{outward.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')} {inward}",  # area letters lost
        f"{outward} {inward[0]}CI",                               # letters never used in an inward code
    )
    return options[int(rng.integers(0, len(options)))]


def inject(table: pa.Table, rng: np.random.Generator, rate: float) -> tuple[pa.Table, DefectLog]:
    """Return the chunk with defects and the log of what was injected."""
    log = DefectLog()
    n = table.num_rows
    if rate <= 0 or n == 0:
        return table, log
    count = min(int(rng.binomial(n, rate)), n // 2)
    if count == 0:
        return table, log
    positions = np.sort(rng.choice(n, size=count, replace=False))
    kinds = rng.integers(0, len(KINDS), count)
    rows = table.take(pa.array(positions)).to_pylist()

    replaced: list[dict] = []      # rows changed in place
    replaced_at: list[int] = []
    extra: list[dict] = []         # rows added (duplicates, conflicting versions)
    extra_after: list[int] = []    # insert after this position (original row index)
    for pos, kind_i, row in zip(positions, kinds, rows):
        kind = KINDS[kind_i]
        log.counts[kind] += 1
        if kind == "duplicate_row":
            extra.append(dict(row))
            extra_after.append(int(rng.integers(pos, n)))
            continue
        if kind == "conflicting_version":
            copy = dict(row)
            copy["risk"] = "high" if row["risk"] != "high" else "medium"
            base = row["found_at"] or row["reported_at"]
            copy["found_at"] = base + timedelta(minutes=int(rng.integers(30, 600)))
            extra.append(copy)
            extra_after.append(int(rng.integers(pos, n)))
            continue
        row = dict(row)
        if kind == "found_before_reported":
            row["found_at"] = row["reported_at"] - timedelta(minutes=int(rng.integers(30, 36 * 60)))
        elif kind == "missing_gender":
            row["gender"] = None
        elif kind == "impossible_age":
            reported: date = row["reported_at"].date()
            if row["date_of_birth"] is not None:
                if rng.random() < 0.5:
                    row["date_of_birth"] = reported.replace(year=reported.year - int(rng.integers(121, 140)), day=1)
                else:
                    row["date_of_birth"] = reported + timedelta(days=int(rng.integers(1, 300)))
            else:
                row["age"] = int(rng.integers(121, 190))
        elif kind == "malformed_postcode":
            row["missing_from_postcode"] = _malformed(row["missing_from_postcode"], rng)
        elif kind == "unknown_code":
            row["ethnicity"] = UNKNOWN_ETHNICITY[int(rng.integers(0, len(UNKNOWN_ETHNICITY)))]
        elif kind == "future_date":
            # a mistyped year, decades ahead (28 years keeps 29 February valid)
            row["reported_at"] = row["reported_at"].replace(year=row["reported_at"].year + 28)
        elif kind == "unparseable_time":
            row["__reported_at_text"] = UNPARSEABLE_TIMES[int(rng.integers(0, len(UNPARSEABLE_TIMES)))]
        elif kind == "missing_person_id":
            row["person_id"] = None
        elif kind == "coordinates_outside_gb":
            e = row["missing_from_easting"]
            if e is not None and e > 1000:
                row["missing_from_easting"] = e * 10        # a digit too many
            else:
                row["missing_from_easting"], row["missing_from_northing"] = 4012345.0, 398765.0
        replaced.append(row)
        replaced_at.append(int(pos))

    pieces = [table]
    order = np.arange(n, dtype=np.int64)
    if replaced:
        order[np.array(replaced_at)] = n + np.arange(len(replaced))
        pieces.append(pa.Table.from_pylist(replaced, schema=SCHEMA))
    if extra:
        start = n + len(replaced)
        pieces.append(pa.Table.from_pylist(extra, schema=SCHEMA))
        after = np.array(extra_after)
        by_position = np.argsort(after, kind="stable")
        order = np.insert(order, after[by_position] + 1, start + by_position)
    combined = pa.concat_tables(pieces)
    return combined.take(pa.array(order)), log
