"""Normalising location inputs: postcodes, free text and the cache key.

Everything here is vectorised over pandas Series, so a million rows take seconds.
The cache key (``input_key``) is the normalised input: two spellings that normalise
alike share one geocoding result.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Full UK postcode without its space, e.g. ``M11AE``, ``WA156SQ``.
FULL_POSTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}"
SECTOR = r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9]"
DISTRICT = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b")

#: Common street-type abbreviations expanded before fuzzy matching.
ABBREVIATIONS = {
    "RD": "ROAD",
    "ST": "STREET",
    "AVE": "AVENUE",
    "AV": "AVENUE",
    "LN": "LANE",
    "DR": "DRIVE",
    "CL": "CLOSE",
    "CT": "COURT",
    "CRES": "CRESCENT",
    "GDNS": "GARDENS",
    "GRN": "GREEN",
    "PL": "PLACE",
    "SQ": "SQUARE",
    "TER": "TERRACE",
    "TCE": "TERRACE",
    "HSE": "HOUSE",
    "NR": "NEAR",
    "CH": "CARE HOME",
    "NH": "NURSING HOME",
    "RES": "RESIDENTIAL",
    "GEN": "GENERAL",
    "HOSP": "HOSPITAL",
    "MHU": "MENTAL HEALTH UNIT",
}
_ABBREV_RE = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")


def _text(series: pd.Series) -> pd.Series:
    """A string Series with missing values as empty strings."""
    return series.astype("string").fillna("").str.strip()


def compact_postcode(series: pd.Series) -> pd.Series:
    """Upper case, letters and digits only (``"m1 1ae"`` -> ``"M11AE"``)."""
    return _text(series).str.upper().str.replace(r"[^A-Z0-9]", "", regex=True)


def normalise_postcode(series: pd.Series) -> pd.Series:
    """The full postcode in standard form (``"M1 1AE"``), or empty when it is not one."""
    compact = compact_postcode(series)
    full = compact.str.fullmatch(FULL_POSTCODE).fillna(False)
    out = compact.str[:-3] + " " + compact.str[-3:]
    return out.where(full, "")


def partial_postcode(series: pd.Series) -> pd.Series:
    """A sector (``"M1 1"``) or district (``"M1"``), or empty.

    A full postcode that is not in the gazetteer (terminated, mistyped) also yields its
    sector, so an old postcode still falls back to the sector centroid.
    """
    text = _text(series).str.upper().str.replace(r"[^A-Z0-9 ]", "", regex=True)
    text = text.str.replace(r"\s+", " ", regex=True).str.strip()
    compact = text.str.replace(" ", "", regex=False)
    full = compact.str.fullmatch(FULL_POSTCODE).fillna(False)
    sector_of_full = compact.str[:-3] + " " + compact.str[-3:-2]
    is_sector = text.str.fullmatch(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9]").fillna(False)
    is_district = text.str.fullmatch(DISTRICT).fillna(False)
    out = pd.Series("", index=series.index, dtype="string")
    out = out.mask(is_district, text)
    out = out.mask(is_sector, text)
    out = out.mask(full, sector_of_full)
    return out


def postcode_in_text(series: pd.Series) -> pd.Series:
    """The first full postcode written inside free text (normalised), or empty."""
    found = _text(series).str.upper().str.extract(_POSTCODE_IN_TEXT, expand=False)
    return normalise_postcode(found.fillna(""))


def normalise_text(series: pd.Series) -> pd.Series:
    """Upper case, punctuation to spaces, one space, street abbreviations expanded."""
    text = _text(series).str.upper().str.replace(r"[^A-Z0-9]+", " ", regex=True).str.strip()
    return _expand_abbreviations(text)


def _expand_abbreviations(text: pd.Series) -> pd.Series:
    """``_ABBREV_RE``'s expansion of texts of words joined by single spaces, word by word in
    Arrow (split, look each word up, join) instead of a Python call per match: in such a
    text the pattern matches exactly the words that are abbreviations."""
    if text.empty:
        return text
    words = pc.split_pattern(pa.array(text.tolist(), type=pa.large_string()), " ")
    flat = pc.list_flatten(words)
    at = pc.index_in(flat, value_set=pa.array(list(ABBREVIATIONS), type=pa.large_string()))
    expanded = pc.if_else(pc.is_null(at), flat,
                          pc.take(pa.array(list(ABBREVIATIONS.values()), type=pa.large_string()), at))
    joined = pc.binary_join(type(words).from_arrays(words.offsets, expanded), pa.scalar(" ", pa.large_string()))
    return pd.Series(joined.to_pylist(), index=text.index, dtype=text.dtype, name=text.name)


def normalise_one(text: str | None) -> str:
    """:func:`normalise_text` for one string (same rules, without a Series)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    out = re.sub(r"[^A-Z0-9]+", " ", str(text).strip().upper()).strip()
    return _ABBREV_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], out)


def _number_text(series: pd.Series) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce")
    given = values.notna()  # most locations have no coordinates: format only the ones given
    out = pd.Series("", index=series.index, dtype="string", name=series.name)
    out[given] = [f"{v:.6f}".rstrip("0").rstrip(".") for v in values[given]]
    return out


def prepare_inputs(frame: pd.DataFrame) -> pd.DataFrame:
    """Normalised location inputs and their cache key, one row per input row.

    ``frame`` may have any of the columns ``address, postcode, place, easting, northing,
    site_ref``; missing ones count as empty. The result has the normalised columns
    ``site_ref, postcode, partial, address, place, x, y`` and ``input_key`` (empty when
    nothing at all was given).
    """
    idx = frame.index

    def col(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series(pd.NA, index=idx, dtype="string")

    address_raw = _text(col("address"))
    postcode_raw = _text(col("postcode"))
    postcode = normalise_postcode(postcode_raw)
    # A postcode written in the address counts when the postcode field has none.
    postcode = postcode.mask(postcode.eq("") & postcode_raw.eq(""), postcode_in_text(address_raw))
    partial = partial_postcode(postcode_raw)
    partial = partial.mask(partial.eq("") & postcode.ne(""), postcode.str[:-2])
    x = pd.to_numeric(col("easting"), errors="coerce")
    y = pd.to_numeric(col("northing"), errors="coerce")
    out = pd.DataFrame(
        {
            "site_ref": _text(col("site_ref")).str.upper(),
            "postcode": postcode,
            "partial": partial,
            "address": normalise_text(address_raw),
            "place": normalise_text(col("place")),
            # the address's comma-separated parts, normalised, joined by "|" (place lookup)
            "parts": address_raw.str.upper()
            .str.replace(r"[^A-Z0-9,]+", " ", regex=True)
            .str.replace(r"\s*,\s*", "|", regex=True)
            .str.strip(" |"),
            "x": x.astype("float64"),
            "y": y.astype("float64"),
        },
        index=idx,
    )
    key = (
        "ref=" + out["site_ref"]
        + "|pc=" + postcode_raw.str.upper().str.replace(r"\s+", " ", regex=True)
        + "|xy=" + _number_text(x) + "," + _number_text(y)
        + "|a=" + out["address"]
        + "|p=" + out["place"]
    )
    empty = (
        out["site_ref"].eq("") & postcode_raw.eq("") & out["address"].eq("") & out["place"].eq("")
        & x.isna() & y.isna()
    )
    out["input_key"] = key.mask(empty, "")
    return out


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == ""
