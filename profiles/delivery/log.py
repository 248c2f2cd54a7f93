"""The delivery log (sql/schema/40_delivery.sql): every disclosure, and what was not sent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import pandas as pd

from profiles.db import query_df, run_sql
from profiles.delivery.plan import Delivery

RESULTS = ("sent", "failed", "dry_run")


@dataclass(frozen=True)
class PreviousSend:
    message_id: str
    logged_at: datetime
    recipients: list[str]


def find_sent(con: duckdb.DuckDBPyConnection, delivery: Delivery) -> PreviousSend | None:
    """The earlier successful send of exactly this delivery (same key), if any."""
    row = run_sql(con, "delivery/find_sent.sql", {"delivery_key": delivery.key}).fetchone()
    if row is None:
        return None
    return PreviousSend(message_id=row[0], logged_at=row[1], recipients=list(row[2]))


def log_delivery(
    con: duckdb.DuckDBPyConnection,
    delivery: Delivery,
    *,
    message_id: str,
    subject: str,
    result: str,
    attempts: int,
    recipients: list[str] | None = None,
    error: str | None = None,
    eml_path: str | None = None,
    logged_at: datetime | None = None,
) -> str:
    """Append one row to the delivery log; returns its delivery_id."""
    if result not in RESULTS:
        raise ValueError(f"result must be one of {RESULTS}, got {result!r}")
    delivery_id = str(uuid.uuid4())
    run_sql(
        con,
        "delivery/log_delivery.sql",
        {
            "delivery_id": delivery_id,
            "message_id": message_id,
            "list_name": delivery.list_name,
            "report": delivery.bundle.kind.name,
            "period": delivery.bundle.period,
            "audience": delivery.audience,
            "lawful_basis": delivery.lawful_basis,
            "recipients": recipients if recipients is not None else delivery.emails,
            "subject": subject,
            "marking": delivery.bundle.marking,
            "files": [f.as_log() for f in delivery.bundle.files],
            "delivery_key": delivery.key,
            "result": result,
            "attempts": attempts,
            "error": error,
            "eml_path": eml_path,
            "logged_at": logged_at or datetime.now(timezone.utc),
        },
    )
    return delivery_id


def delivery_log(con: duckdb.DuckDBPyConnection, period: str) -> pd.DataFrame:
    """The log of one period, oldest first."""
    return query_df(con, "delivery/log_for_period.sql", {"period": period})
