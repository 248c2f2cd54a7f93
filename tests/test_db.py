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


@pytest.mark.parametrize("select, through_arrow", [
    # text, doubles and London times, with nulls: through Arrow
    ("select 'E0' || i as code, case when i % 3 = 0 then null else 'S' || i end as site, i / 7 as x, "
     "case when i % 5 = 0 then null else i * 1.5::double end as y, timestamptz '2026-03-29 00:30:00+00' + i * interval 1 hour "
     "as at, i as n, i % 2 = 0 as even from range(40) t(i)", True),
    # an integer and a boolean with nulls, a date, a decimal, an interval: .df()'s own frame
    ("select case when i % 4 = 0 then null else i end::integer as n, case when i % 4 = 0 then null else i % 2 = 0 end "
     "as b, date '2026-01-01' + i::integer as day, (i / 3)::decimal(10, 2) as dec, i * interval 1 day as span "
     "from range(40) t(i)", False),
    ("select 'x' as code, 1.0 as y where false", False),  # no row
])
def test_long_results_give_the_frame_query_df_gives(monkeypatch, select, through_arrow):
    from profiles import db

    con = connect(":memory:")
    monkeypatch.setattr(db, "read_sql", lambda name: select)
    expected = db.query_df(con, "any.sql")
    plain = db.query_df
    asked = []
    monkeypatch.setattr(db, "query_df", lambda *a: asked.append(a) or plain(*a))
    got = db.query_long_df(con, "any.sql")
    assert bool(asked) != through_arrow
    assert list(got.dtypes) == list(expected.dtypes)
    assert got.equals(expected)
