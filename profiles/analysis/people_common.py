"""Plumbing shared by the people analysis: the marts, parameters, checks, identities.

No measures here; see people.py and people_safeguarding.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

from profiles.categories import FLAG_CODES
from profiles.config import ConfigError, Settings
from profiles.db import install_marts as db_install_marts
from profiles.db import cached_mart, query_df, read_sql, registered, used_params


def install_marts(con: duckdb.DuckDBPyConnection) -> None:
    """Create the marts (temporary table macros) on ``con``; cheap and idempotent.

    ``profiles.db.connect`` installs them already; this re-installs them on a connection whose
    tables were created after it opened. ``episode_repeats(window_days, threshold)``: one row
    per episode with its repeat count; ``person_window(window_start, window_end)``: one row per
    person over a span of time; both read ``episode_facts()``.
    """
    db_install_marts(con)


@contextmanager
def cached_repeat_counts(con: duckdb.DuckDBPyConnection, settings: Settings) -> Iterator[None]:
    """For the block, ``episode_repeats()`` on ``con`` reads the repeat counts of
    ``settings.repeat`` taken once (a temporary table) instead of taking them again for each
    query: a report run that asks a dozen people questions pays for the window once.

    The counts are the mart's own output (``episode_repeat_counts()``,
    sql/marts/episode_repeats.sql, the one definition of the rule), copied by
    sql/marts/episode_repeats_cache.sql; asking for another rule in the block is an error.
    The cache is dropped when the block ends. Works on read-only connections.
    """
    with cached_mart(con, "marts/episode_repeats_cache.sql", "marts/episode_repeats_uncache.sql",
                     repeat_params(settings)):
        yield


def people_query(con: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Run a people report file with the parameters it names (marts installed first)."""
    install_marts(con)
    return query_df(con, name, used_params(read_sql(name), params))


def repeat_params(settings: Settings) -> dict[str, Any]:
    rule = settings.repeat
    if rule.window_days < 1 or rule.threshold < 1:
        raise ConfigError(
            f"repeat.window_days and repeat.threshold must be at least 1 "
            f"(got {rule.window_days} and {rule.threshold})"
        )
    return {"window_days": rule.window_days, "threshold": rule.threshold}


def check_codes(field: str, values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    values, allowed = list(values), tuple(allowed)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ConfigError(f"{field}: unknown code(s) {', '.join(unknown)}; expected some of {', '.join(allowed)}")
    return values


def identify(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> pd.DataFrame:
    """POLICE AUDIENCE ONLY: ``frame`` with ``person_key`` replaced by the raw ``person_id``
    (first column), rows in the same order. Never use for partner or public outputs."""
    if "person_key" not in frame.columns:
        raise ValueError("identify(): the frame has no person_key column")
    rows = frame.reset_index(drop=True).assign(_row=range(len(frame)))
    with registered(con, "people_frame", rows):
        return query_df(con, "reports/people_identify.sql")
