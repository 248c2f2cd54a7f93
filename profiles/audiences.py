"""Who an output is for: the one list of audiences, from most to least detail.

Kept apart from ``profiles.disclosure`` (which re-exports it, with the rules for each
audience) so that reading the configuration or refusing a command line does not import
pandas: ``misper`` answers a bad option in well under a second.
"""

from __future__ import annotations

from typing import Literal

from profiles.errors import InvalidValue

#: Who an output is for, from most to least detail.
Audience = Literal["police", "partner", "public"]
AUDIENCES: tuple[Audience, ...] = ("police", "partner", "public")


def check_audience(audience: str) -> Audience:
    """``audience`` if it is one of ``AUDIENCES`` (else ``InvalidValue`` in the field's words)."""
    if audience not in AUDIENCES:
        raise InvalidValue("audience", f"expected one of {', '.join(AUDIENCES)}, got '{audience}'")
    return audience  # type: ignore[return-value]
