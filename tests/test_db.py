"""profiles.db plumbing: one transaction helper, read-only connections."""

from __future__ import annotations

import duckdb
import pytest

from profiles.db import DatabaseError, connect, transaction


def _count(con) -> int:
    return con.execute("select count(*) from t").fetchone()[0]


def test_transaction_commits_rolls_back_and_nests():
    con = duckdb.connect()
    con.execute("create table t (x int)")
    with transaction(con):
        con.execute("insert into t values (1)")
    assert _count(con) == 1
    with pytest.raises(ValueError):
        with transaction(con):
            con.execute("insert into t values (2)")
            raise ValueError("boom")
    assert _count(con) == 1
    with transaction(con, commit=False):  # a dry run
        con.execute("insert into t values (3)")
        assert _count(con) == 2
    assert _count(con) == 1
    with pytest.raises(ValueError):
        with transaction(con):
            con.execute("insert into t values (4)")
            with transaction(con):  # joins the outer block: its failure undoes both
                con.execute("insert into t values (5)")
            raise ValueError("outer fails")
    assert _count(con) == 1
    with transaction(con):
        with transaction(con):
            con.execute("insert into t values (6)")
    assert _count(con) == 2


def test_read_only_connection_closes_and_refuses_writes(tmp_path):
    path = tmp_path / "m.duckdb"
    connect(path).close()
    with connect(path, read_only=True) as con:
        assert con.execute("select count(*) from episodes").fetchone()[0] == 0
        with pytest.raises(duckdb.Error):
            con.execute("insert into load_log (load_id, record_type, started_at, status) values (1, 'x', now(), 'x')")
    with pytest.raises(DatabaseError, match="not found"):
        connect(tmp_path / "absent.duckdb", read_only=True)
