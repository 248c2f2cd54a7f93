"""DuckDB connection, schema and SQL files.

SQL lives in ``sql/`` next to the code that runs it and is loaded by path. Values
always travel as bound parameters (``$name``), never formatted into the text.
The schema (``sql/schema/*.sql``, applied in name order) is idempotent.

One process writes at a time (DuckDB's file lock). A second writer waits up to
``db.lock_wait_s`` with back-off, then names the command that holds the database, from the
holder record a writer leaves beside the file (``<db>.holder``). A damaged file is reported
in one line with what to do: restore the last copy ``misper backup`` made.

Timestamps are ``TIMESTAMPTZ`` and every connection works in Europe/London, so
``hour(reported_at)`` and ``date_trunc('month', reported_at)`` are local time.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from profiles.config import PROJECT_ROOT, DatabaseConfig
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


#: The marts every report reads (temporary table macros), in dependency order.
MARTS: tuple[str, ...] = (
    "marts/area_names.sql",
    "marts/episode_facts.sql",
    "marts/open_episodes.sql",
    "marts/episode_repeats.sql",
    "marts/persons.sql",
    "marts/located_points.sql",
    "marts/placements.sql",
)


#: The database in memory, attached for a process's report runs, that holds the caches: every
#: connection of the process sees it (a temporary table is its own connection's only).
RUN_CACHE = "misper_run"
#: Caches of a mart for one report run: (table in ``RUN_CACHE``, the file that reads it).
#: The cache is a copy of the mart's output (``cached_mart``); while the table exists, the
#: file replaces the mart's macro by one that reads it.
MART_CACHES: tuple[tuple[str, str], ...] = (
    ("episode_facts_cache", "marts/episode_facts_cached.sql"),
    ("repeat_counts_cache", "marts/episode_repeats_cached.sql"),
)


def install_marts(con: duckdb.DuckDBPyConnection) -> None:
    """The facts layer (``sql/marts/``): temporary table macros over the schema's tables,
    reading a mart's cache instead where the connection holds one (``MART_CACHES``)."""
    for name in MARTS:
        con.execute(read_sql(name))
    names = [table for table, _ in MART_CACHES]
    cached = {r[0] for r in run_sql(con, "reports/places_tables_present.sql", {"names": names}).fetchall()}
    for table, name in MART_CACHES:
        if table in cached:
            con.execute(read_sql(name))


@contextmanager
def cached_mart(
    con: duckdb.DuckDBPyConnection, cache: str, uncache: str, params: Mapping[str, Any] | None = None
) -> Iterator[None]:
    """For the block, a mart of ``MART_CACHES`` on ``con`` reads a copy of its output taken
    once (the table that the script ``sql/<cache>`` makes in ``RUN_CACHE``) instead of
    computing it again for each query; ``sql/<uncache>`` drops the copy when the block ends,
    and the mart is itself again. Works on read-only connections (the copy is in memory).
    Another connection of the process (``side_connection``) reads the copy once it calls
    ``install_marts``."""
    con.execute(f"attach if not exists ':memory:' as {RUN_CACHE} (read_only false)")
    run_script(con, uncache)
    try:
        run_script(con, cache, params)
        install_marts(con)
        yield
    finally:
        run_script(con, uncache)
        install_marts(con)


@contextmanager
def cached_facts(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """For the block, ``episode_facts()`` on ``con`` reads one copy of the facts
    (sql/marts/episode_facts_cache.sql), so that a report run joining the episodes to their
    places and names a hundred times does it once. Nothing may write episodes in the block."""
    with cached_mart(con, "marts/episode_facts_cache.sql", "marts/episode_facts_uncache.sql"):
        yield


#: How to recover a damaged database (docs/reliability.md).
RESTORE_ADVICE = (
    "restore it from the last backup (`misper backup` makes one; copy it over the damaged file)"
)


def holder_path(db_path: str | Path) -> Path:
    """Beside the database: which command last opened it for writing (pid, command, since)."""
    p = Path(db_path)
    return p.with_name(p.name + ".holder")


def _record_holder(db_path: Path) -> None:
    argv = [Path(sys.argv[0]).name, *sys.argv[1:2]] if sys.argv and sys.argv[0] else ["python"]
    record = {"pid": os.getpid(), "command": " ".join(argv),
              "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        holder_path(db_path).write_text(json.dumps(record), encoding="utf-8")
    except OSError:  # a read-only folder: the message will say less, nothing else changes
        pass


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine with that id is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def describe_holder(db_path: str | Path, message: str = "") -> str:
    """Which process holds the database, as far as can be known."""
    match = re.search(r"\(PID (\d+)\)", message)
    pid = int(match.group(1)) if match else None
    try:
        record = json.loads(holder_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = None
    if record and (pid is None or record.get("pid") == pid) and pid_alive(int(record.get("pid", 0))):
        return f"`{record.get('command')}` (pid {record.get('pid')}, since {record.get('since')})"
    if pid is not None:
        return f"another process (pid {pid})"
    return "another process"


def _is_lock_error(exc: Exception) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _open(target: str, read_only: bool, lock_wait_s: float, config: dict) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, waiting with back-off while another process holds the file."""
    deadline = time.monotonic() + lock_wait_s
    delay = 0.05
    while True:
        try:
            return duckdb.connect(target, read_only=read_only, config=config)
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                if time.monotonic() + delay <= deadline:
                    time.sleep(delay)
                    delay = min(delay * 2, 2.0)
                    continue
                raise DatabaseError(
                    f"Database {target} is busy: held by {describe_holder(target, str(exc))};"
                    f" waited {lock_wait_s:g} s (db.lock_wait_s). Try again when that command has finished."
                ) from None
            if "corrupt" in str(exc).lower() or "not a valid duckdb" in str(exc).lower():
                raise DatabaseError(
                    f"Database {target} is damaged ({str(exc).splitlines()[0]}): {RESTORE_ADVICE}."
                ) from None
            raise DatabaseError(f"Cannot open database {target}: {str(exc).splitlines()[0]}") from None


def connect(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    lock_wait_s: float | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the database (``None`` or ``":memory:"`` for an in-memory one).

    A writable connection applies the schema; a read-only one (rendering) does not. Another
    process holding the file is waited for up to ``lock_wait_s`` (default: the setting's
    default, ``db.lock_wait_s``). Use as a context manager to close it at the block's end.
    """
    target = ":memory:" if path in (None, ":memory:") else str(path)
    wait = DatabaseConfig().lock_wait_s if lock_wait_s is None else lock_wait_s
    config: dict[str, Any] = {}
    if memory_limit:  # DuckDB checks the value (e.g. "1GB") and refuses a bad one
        config["memory_limit"] = str(memory_limit)
    if threads:
        config["threads"] = int(threads)
    if target != ":memory:":
        p = Path(target)
        if read_only and not p.exists():
            raise DatabaseError(f"Database not found: {p} (run `misper ingest` first)")
        p.parent.mkdir(parents=True, exist_ok=True)
        con = _open(target, read_only, wait, config)
        if not read_only:
            _record_holder(p)
    else:
        try:
            con = duckdb.connect(target, config=config)
        except duckdb.Error as exc:
            raise DatabaseError(f"Cannot open an in-memory database: {str(exc).splitlines()[0]}") from None
    try:
        if not read_only:
            apply_schema(con)
        _start_session(con)
    except duckdb.Error as exc:
        con.close()
        if "corrupt" in str(exc).lower():
            raise DatabaseError(f"Database {target} is damaged ({str(exc).splitlines()[0]}): {RESTORE_ADVICE}.") from None
        raise
    return con


def _start_session(con: duckdb.DuckDBPyConnection) -> None:
    """Every connection's session: London time, no progress bar, the macros and the marts."""
    con.execute(f"SET TimeZone = '{TIMEZONE}'")
    con.execute("SET enable_progress_bar = false")
    install_macros(con)
    install_marts(con)


@contextmanager
def side_connection(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A second connection to ``con``'s database for a second thread (a DuckDB connection
    serves one thread at a time), with ``connect``'s session: London time, the macros and
    the marts. It sees the database and ``RUN_CACHE`` (a mart's cache, once it calls
    ``install_marts`` after the cache is taken), not ``con``'s temporary tables. Closed when
    the block ends."""
    side = con.cursor()
    try:
        _start_session(side)
        yield side
    finally:
        side.close()


def check_database(path: str | Path, *, lock_wait_s: float | None = None, full: bool = False) -> None:
    """Before a flow starts: the database (if it exists) opens and its catalog reads (cheap);
    ``full`` also reads every column of every table (DuckDB checks each block's checksum).

    Raises DatabaseError in one line (damaged: restore from the last backup; busy: who holds it).
    """
    p = Path(path)
    if not p.exists():
        return
    con = connect(p, read_only=True, lock_wait_s=lock_wait_s)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from duckdb_tables() where database_name = current_database()"
            " and schema_name = 'main'").fetchall()]
        for table in tables if full else ():
            con.execute(f'select count(*) from (select * from "{table}") t').fetchall()
    except duckdb.Error as exc:
        raise DatabaseError(f"Database {p} is damaged ({str(exc).splitlines()[0]}): {RESTORE_ADVICE}.") from None
    finally:
        con.close()


def backup_database(path: str | Path, out: str | Path | None = None, *, lock_wait_s: float | None = None) -> Path:
    """A consistent copy of the database file: taken while holding the write lock (no other
    process can change it meanwhile) after a checkpoint, written under a temporary name and
    renamed, then read whole to check it. ``out``: a file, or a folder (no suffix) for a dated
file ``<name>-<UTC time>.duckdb``; default the folder ``backups/`` beside the database."""
    p = Path(path)
    if not p.exists():
        raise DatabaseError(f"Database not found: {p} (nothing to back up)")
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    name = f"{p.stem}-{stamp}{p.suffix or '.duckdb'}"
    dest = Path(out) if out else p.parent / "backups"
    if dest.is_dir() or not dest.suffix:  # a folder (made if need be): a dated file in it
        dest = dest / name
    if dest.resolve() == p.resolve():
        raise DatabaseError(f"{dest}: a backup cannot overwrite the database itself")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    con = connect(p, lock_wait_s=lock_wait_s)
    try:
        con.execute("checkpoint")
        shutil.copyfile(p, partial)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(f"{dest}: cannot write the backup ({exc.strerror or exc})") from None
    finally:
        con.close()
    try:
        check_database(partial, full=True)
    except DatabaseError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, dest)
    return dest


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


def query_arrow(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> pa.Table:
    """Run ``sql/<name>`` and return an Arrow table (no Python object per cell)."""
    return con.sql(read_sql(name), params=dict(params) if params else None).to_arrow_table()


#: DuckDB column types that come out of Arrow as the same pandas column as out of ``.df()``
#: (tests/test_db.py): text, doubles and time-zone-aware times, nulls or not.
_SAME_THROUGH_ARROW = frozenset({"VARCHAR", "DOUBLE", "TIMESTAMP WITH TIME ZONE"})
#: ... and these only while the column holds no null (``.df()`` gives a nullable dtype then).
_SAME_WITHOUT_NULLS = frozenset({"BOOLEAN", "INTEGER", "BIGINT"})


def query_long_df(
    con: duckdb.DuckDBPyConnection,
    name: str,
    params: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """``query_df`` for a long result of text columns: the same frame, made from Arrow's
    columns instead of a Python object per text cell (300,000 points: 0.9 s -> 0.3 s).
    Where a column would come out otherwise (another type, a null in an integer or a
    boolean) or there is no row, it is ``query_df``'s own frame."""
    relation = con.sql(read_sql(name), params=dict(params) if params else None)
    kinds = [str(kind) for kind in relation.types]  # known before the query runs
    if not all(kind in _SAME_THROUGH_ARROW or kind in _SAME_WITHOUT_NULLS for kind in kinds):
        return query_df(con, name, params)
    table = relation.to_arrow_table()
    same = table.num_rows > 0 and all(
        kind in _SAME_THROUGH_ARROW or column.null_count == 0 for kind, column in zip(kinds, table.columns))
    return table.to_pandas() if same else query_df(con, name, params)


def used_params(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parameters that ``sql`` names (DuckDB rejects unused ones)."""
    return {k: v for k, v in params.items() if re.search(rf"\${re.escape(k)}\b", sql)}
