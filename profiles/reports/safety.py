"""The values a partner or public file must never contain, read from the database.

Used as the last check before a non-police output is left on disk
(``profiles.disclosure.check_files``), and before any main document is (its person
references, ``profiles.disclosure.check_person_refs``).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from profiles import db
from profiles.periods import LONDON, Period
from profiles.disclosure import SensitiveValues, sensitive_values_from

#: Months before a period whose free text and addresses are checked (a report's widest window).
CHECK_WINDOW_MONTHS = 25


def person_refs(con: duckdb.DuckDBPyConnection) -> SensitiveValues:
    """Only the person references (all a police main document is checked for)."""
    rows = db.query_df(con, "reports/disclosure_person_refs.sql")
    return sensitive_values_from(person_ids=rows["value"].tolist())


def sensitive_values(con: duckdb.DuckDBPyConnection, period: Period) -> SensitiveValues:
    """Every value of the input that a partner or public file of ``period`` must not hold,
    its (kind, value) rows read as Arrow (no Python object per cell until a kind's list)."""
    start = period.first_day
    index = start.year * 12 + start.month - 1 - CHECK_WINDOW_MONTHS
    window_start = datetime(index // 12, index % 12 + 1, 1, tzinfo=LONDON)
    params = {"window_start": window_start, "period_end": period.end}
    rows = pa.concat_tables([
        db.query_arrow(con, "reports/disclosure_sensitive_values.sql", params),
        db.query_arrow(con, "reports/disclosure_home_localities.sql"),
    ])
    kinds, values = rows.column("kind"), rows.column("value")
    by_kind = {kind: pc.filter(values, pc.equal(kinds, kind)).to_pylist() for kind in pc.unique(kinds).to_pylist()}
    return sensitive_values_from(
        person_ids=by_kind.get("person_id", []),
        dates_of_birth=[date.fromisoformat(v) for v in by_kind.get("date_of_birth", [])],
        home_names=by_kind.get("home_name", []),
        addresses=by_kind.get("address", []),
        free_text=by_kind.get("free_text", []),
        home_wards=by_kind.get("home_ward", []),
        home_places=by_kind.get("home_place", []),
        home_sectors=by_kind.get("home_sector", []),
    )
