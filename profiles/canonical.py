"""The canonical incident extract: one row per person per missing episode.

This module is the single source of truth for column names, types and code lists;
docs/canonical_model.md describes the same contract for people, and a test keeps
the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from profiles.categories import RHI_THEMES, RISK_CODES

ColumnType = Literal["text", "datetime", "date", "integer", "number", "code", "boolean"]

#: RISK_CODES (most serious first) and CARE_SETTING_TYPES come from profiles.categories,
#: which reads them from sql/macros/categories.sql.
GENDER_CODES = ("male", "female", "other", "unknown")
ETHNICITY_CODES = ("IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC9")
MISSING_FROM_TYPES = (
    "home",
    "childrens_home",
    "foster_care",
    "adult_care_home",
    "hospital",
    "mental_health_unit",
    "supported_accommodation",
    "school",
    "other",
)
FOUND_BY_CODES = (
    "own_accord",
    "police",
    "family",
    "friend",
    "carer",
    "local_authority",
    "other",
    "unknown",
)
OUTCOME_CODES = (
    "safe",
    "harmed",
    "crime_victim",
    "sexual_offence_victim",
    "crime_suspect",
    "found_dead",
)
FLAG_COLUMNS = (
    "flag_cse",
    "flag_cce",
    "flag_trafficking",
    "flag_mental_health",
    "flag_suicidal",
    "flag_dementia",
    "flag_learning_disability",
    "looked_after",
)

#: Legacy risk values and their canonical code (absent = no apparent risk since 2017).
RISK_ALIASES = {"absent": "no_apparent_risk", "no apparent risk": "no_apparent_risk", "none": "no_apparent_risk"}

TRUE_VALUES = ("y", "yes", "true", "t", "1")
FALSE_VALUES = ("n", "no", "false", "f", "0")

CODE_LISTS: dict[str, tuple[str, ...]] = {
    "gender": GENDER_CODES,
    "ethnicity": ETHNICITY_CODES,
    "risk": RISK_CODES,
    "risk_highest": RISK_CODES,
    "missing_from_type": MISSING_FROM_TYPES,
    "found_by": FOUND_BY_CODES,
    "outcome": OUTCOME_CODES,
    "rhi_themes": RHI_THEMES,
}


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    audience: Literal["police", "partner"] = "partner"
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("incident_id", "text", True, note="unique per episode per person"),
    Column("person_id", "text", True, "police", "the force's person reference"),
    Column("reported_at", "datetime", True, note="ISO 8601; local time Europe/London unless an offset is given"),
    Column("last_seen_at", "datetime"),
    Column("found_at", "datetime", note="empty = still missing"),
    Column("date_of_birth", "date", audience="police", note="one of date_of_birth and age is required"),
    Column("age", "integer", note="age in years at report; one of date_of_birth and age is required"),
    Column("gender", "code", True),
    Column("ethnicity", "code", note="officer-defined IC code"),
    Column("risk", "code", True, note="legacy `absent` maps to no_apparent_risk"),
    Column("risk_highest", "code", note="highest grade during the episode"),
    Column("missing_from_type", "code"),
    Column("missing_from_address", "text", audience="police"),
    Column("missing_from_postcode", "text", audience="police"),
    Column("missing_from_easting", "number", audience="police", note="British National Grid metres"),
    Column("missing_from_northing", "number", audience="police", note="British National Grid metres"),
    Column("found_address", "text", audience="police"),
    Column("found_postcode", "text", audience="police"),
    Column("found_easting", "number", audience="police"),
    Column("found_northing", "number", audience="police"),
    Column("found_by", "code"),
    Column("outcome", "code"),
    Column("flag_cse", "boolean"),
    Column("flag_cce", "boolean"),
    Column("flag_trafficking", "boolean"),
    Column("flag_mental_health", "boolean"),
    Column("flag_suicidal", "boolean"),
    Column("flag_dementia", "boolean"),
    Column("flag_learning_disability", "boolean"),
    Column("looked_after", "boolean"),
    Column("placing_authority", "text", note="local authority code or name"),
    Column("responsible_la", "text", note="local authority code or name"),
    Column("return_interview_offered_at", "datetime"),
    Column("return_interview_done_at", "datetime"),
    Column("calls", "integer", note="calls to police about this episode"),
    Column("site_ref", "text", note="the force's own reference for a known location"),
    Column("reason", "text", audience="police", note="free text; police audience only"),
    Column("rhi_themes", "text", note="return home interview themes: codes separated by ';'"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)
DATETIME_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.type == "datetime")
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}

