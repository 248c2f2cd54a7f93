"""Keyed pseudonyms for person references (HMAC-SHA256, RFC 2104).

The same reference and key always give the same pseudonym, so episodes of one
person link up across loads; without the key the reference cannot be recovered.
The pseudonyms are computed in SQL over a whole load (sql/staging/person_keys.sql), from the
key's two pads made here: ``'PK-'`` and the first 20 hex characters (80 bits: collisions are
negligible for millions of people) of HMAC-SHA256(key, reference).
"""

from __future__ import annotations

import hashlib

#: SHA-256's block size: a longer key is hashed first, a shorter one padded with zero bytes.
BLOCK_BYTES = 64


def hmac_pads(key: str) -> dict[str, bytes]:
    """The key's inner and outer pads (the padded key XOR 0x36 and XOR 0x5c), as the
    parameters ``$inner_pad`` and ``$outer_pad`` of sql/staging/person_keys.sql."""
    raw = key.encode("utf-8")
    if len(raw) > BLOCK_BYTES:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(BLOCK_BYTES, b"\0")
    return {"inner_pad": bytes(b ^ 0x36 for b in raw), "outer_pad": bytes(b ^ 0x5C for b in raw)}
