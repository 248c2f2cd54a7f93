"""Record types that go through the one ingestion machinery.

- ``episode``: the canonical incident extract (profiles/canonical.py), table ``episodes``.
- ``absence``: unauthorised absences that care providers share (reported to police or
  not), table ``absences``.

Each type names its columns, its key, the staging SQL that types and validates a
whole load at once, and the table it merges into.
"""

from __future__ import annotations

from dataclasses import dataclass

from profiles import canonical
from profiles.canonical import Column


@dataclass(frozen=True)
class RecordSpec:
    name: str
    table: str
    history_table: str
    key: str
    columns: tuple[Column, ...]
    #: SQL file (under sql/) reading ``raw_load`` and returning typed columns + reasons.
    staging_sql: str
    #: SQL file defining ``current_records`` (record_key, then every column) from the table.
    current_sql: str
    #: SQL file writing what ``staging/load_versions.sql`` made of ``load_classified`` into the
    #: table, keeping history (the part of a merge that names the tables).
    merge_sql: str
    #: Groups of which at least one column must be present in the file (after mapping).
    one_of: tuple[tuple[str, ...], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


ABSENCE_COLUMNS: tuple[Column, ...] = (
    Column("absence_id", "text", True, note="the provider's reference for the absence"),
    Column("person_id", "text", True, "police", "the force's person reference (as for episodes)"),
    Column("site_ref", "text", note="the force's reference for the home"),
    Column("site_name", "text", audience="police", note="the home's name as the provider gives it"),
    Column("started_at", "datetime", True),
    Column("ended_at", "datetime", note="empty = not yet returned"),
    Column("reported_to_police", "boolean", True),
    Column("incident_id", "text", note="the police incident, when reported"),
)

RECORD_TYPES: dict[str, RecordSpec] = {
    "episode": RecordSpec(
        name="episode",
        table="episodes",
        history_table="episode_history",
        key="incident_id",
        columns=canonical.COLUMNS,
        staging_sql="staging/stg_episodes.sql",
        current_sql="staging/current_episodes.sql",
        merge_sql="staging/merge_episodes.sql",
        one_of=(("date_of_birth", "age"),),
    ),
    "absence": RecordSpec(
        name="absence",
        table="absences",
        history_table="absence_history",
        key="absence_id",
        columns=ABSENCE_COLUMNS,
        staging_sql="staging/stg_absences.sql",
        current_sql="staging/current_absences.sql",
        merge_sql="staging/merge_absences.sql",
    ),
}


def allowed_codes(column: str) -> tuple[str, ...]:
    """The codes a canonical column accepts (Y/N columns: the accepted spellings); () if any text."""
    if column in canonical.CODE_LISTS:
        return canonical.CODE_LISTS[column]
    col = canonical.BY_NAME.get(column)
    if col is not None and col.type == "boolean":
        return canonical.TRUE_VALUES + canonical.FALSE_VALUES
    return ()
