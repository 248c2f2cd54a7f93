"""Keyed pseudonyms for person references (HMAC-SHA256).

The same reference and key always give the same pseudonym, so episodes of one
person link up across loads; without the key the reference cannot be recovered.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

import pyarrow as pa

PREFIX = "PK-"
HEX_CHARS = 20  # 80 bits: collisions are negligible for millions of people


def person_key(person_id: str, key: str) -> str:
    digest = hmac.new(key.encode("utf-8"), person_id.strip().encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:HEX_CHARS]


def person_keys_table(person_ids: Iterable[str], key: str) -> pa.Table:
    """``person_id -> person_key`` for distinct references (one HMAC per person, not per row)."""
    ids = sorted(set(person_ids))
    key_bytes = key.encode("utf-8")
    keys = [
        PREFIX + hmac.new(key_bytes, p.encode("utf-8"), hashlib.sha256).hexdigest()[:HEX_CHARS]
        for p in ids
    ]
    return pa.table({"person_id": pa.array(ids, pa.string()), "person_key": pa.array(keys, pa.string())})
