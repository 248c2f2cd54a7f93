"""DuckDB connection, schema and SQL files.

SQL lives in ``sql/`` next to the code that runs it and is loaded by path. Values
always travel as bound parameters (``$name``), never formatted into the text.
The schema (``sql/schema/*.sql``, applied in name order) is idempotent.

Timestamps are ``TIMESTAMPTZ`` and every connection works in Europe/London, so
``hour(reported_at)`` and ``date_trunc('month', reported_at)`` are local time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from profiles.config import PROJECT_ROOT
from profiles.errors import MisperError

SQL_DIR = PROJECT_ROOT / "sql"
TIMEZONE = "Europe/London"


class DatabaseError(MisperError):
    """A database problem, reported to the user without a traceback."""


@lru_cache(maxsize=256)
def read_sql(name: str) -> str:
    """The text of ``sql/<name>`` (e.g. ``"marts/episodes.sql"``)."""
    path = SQL_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"SQL file not found: {path}")
    return path.read_text(encoding="utf-8")


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table and view that does not exist yet."""
    for path in sorted((SQL_DIR / "schema").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """The shared categories (``sql/macros/*.sql``): temporary, so read-only connections have them too."""
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def connect(
    path: str | Path | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open the database (``None`` or ``":memory:"`` for an in-memory one).

    A writable connection applies the schema; a read-only one (rendering) does not.
    """
    target = ":memory:" if path in (None, ":memory:") else str(path)
    if target != ":memory:":
        p = Path(target)
        if read_only and not p.exists():
            raise DatabaseError(f"Database not found: {p} (run `misper ingest` first)")
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        raise DatabaseError(f"Cannot open database {target}: {exc}") from None
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    con.execute("SET enable_progress_bar = false")
    if not read_only:
        apply_schema(con)
    install_macros(con)
    return con


def run_sql(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> duckdb.DuckDBPyConnection:
    """Execute ``sql/<name>`` with named parameters; returns the cursor."""
    return con.execute(read_sql(name), dict(params) if params else None)


#: Connections (by id) inside a ``transaction()`` block, so that a nested block joins it.
_IN_TRANSACTION: set[int] = set()


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, *, commit: bool = True
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The block as one transaction: committed if it ends normally, rolled back on any error.

    ``commit=False`` always rolls back (a dry run). A block nested in another
    ``transaction()`` on the same connection joins it, and the outer one decides.
    """
    if id(con) in _IN_TRANSACTION:
        yield con
        return
    con.begin()
    _IN_TRANSACTION.add(id(con))
    try:
        yield con
    except BaseException:
        try:
            con.rollback()
        except duckdb.Error:  # the connection itself failed: nothing to roll back
            pass
        raise
    else:
        if commit:
            con.commit()
        else:
            con.rollback()
    finally:
        _IN_TRANSACTION.discard(id(con))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: Any) -> Iterator[None]:
    """``frame`` (a DataFrame or Arrow table) visible to SQL as ``name`` for the block."""
    con.register(name, frame)
    try:
        yield
    finally:
        con.unregister(name)


def split_statements(sql: str) -> list[str]:
    """Statements of a script: split at ``;`` ending a line (our SQL keeps ``;`` out of strings)."""
    parts, current = [], []
    for line in sql.splitlines():
        current.append(line)
        if line.rstrip().endswith(";"):
            parts.append("\n".join(current))
            current = []
    tail = "\n".join(current)
    if tail.strip() and any(
        ln.strip() and not ln.strip().startswith("--") for ln in tail.splitlines()
    ):
        parts.append(tail)
    return [p for p in parts if any(ln.strip() and not ln.strip().startswith("--") for ln in p.splitlines())]


def run_script(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> None:
    """Execute every statement of ``sql/<name>``, each with the parameters it names."""
    params = dict(params or {})
    for statement in split_statements(read_sql(name)):
        con.execute(statement, used_params(statement, params) or None)


def query_df(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """Run ``sql/<name>`` and return a DataFrame."""
    return run_sql(con, name, params).df()


def used_params(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parameters that ``sql`` names (DuckDB rejects unused ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}
