"""The word list: codes as a board member would say them (the one place they are written)."""

from __future__ import annotations

import math


WORDS = {
    "cse": "CSE", "cce": "CCE", "no_apparent_risk": "No apparent risk", "own_accord": "Returned of own accord",
    "local_authority": "Local authority", "not_recorded": "Not recorded", "still_missing": "Still missing",
    "crime_victim": "Victim of crime", "sexual_offence_victim": "Victim of sexual offence",
    "crime_suspect": "Suspected of crime", "found_dead": "Found dead", "safe": "Found safe", "harmed": "Harm suffered",
    "chinese_japanese_se_asian": "Chinese, Japanese or SE Asian", "other_unknown": "Other or unknown",
    "0-24h": "Up to 24 hours", "24-72h": "24 to 72 hours", "3-28d": "3 to 28 days",
    "over_1y": "Over 1 year", "28d-1y": "28 days to 1 year", "7-28d": "7 to 28 days", "2-7d": "2 to 7 days",
    "24-48h": "24 to 48 hours", "8-24h": "8 to 24 hours", "0-8h": "Up to 8 hours", "yes": "Yes", "no": "No",
    "childrens_home": "Children's home", "adult_care_home": "Adult care home", "mental_health_unit": "Mental health unit",
    "supported_accommodation": "Supported accommodation", "foster_care": "Foster care", "same_location": "Same place",
    "go_missing_location": "Where they went missing from",
    "cawn": "Child Abduction Warning Notice",
}


SIGNALS = {"above_ucl": "Above the usual range", "below_lcl": "Below the usual range",
           "run_above": "8 months or more above average", "run_below": "8 months or more below average", "": ""}


def words(code: object) -> str:
    """A code as a reader would say it (``no_apparent_risk`` -> ``No apparent risk``)."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return "Not recorded"
    text = str(code)
    return WORDS.get(text, text.replace("_", " ").capitalize() if "_" in text or text.islower() else text)
