"""Attribution for the open data in use.

Each dataset folder carries its licence note (``PROVENANCE.txt``, ``ATTRIBUTION.txt``,
a licence file). At import the attribution text is read from that note and stored in
``ref_sources``; reports call :func:`attribution_lines` to print it. Where a folder has
no note, the standard wording for the dataset is used.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb

from profiles.db import query_df

#: Standard attribution by dataset kind, used when the folder has no readable note.
DEFAULT_ATTRIBUTION = {
    "codepoint": (
        "Contains OS data © Crown copyright and database right {year}; Contains Royal Mail data "
        "© Royal Mail copyright and database right {year}; Contains National Statistics data "
        "© Crown copyright and database right {year}."
    ),
    "boundary": (
        "Source: Office for National Statistics licensed under the Open Government Licence v.3.0; "
        "Contains OS data © Crown copyright and database right {year}."
    ),
    "os_open_names": (
        "Contains OS data © Crown copyright and database right {year}; Contains Royal Mail data "
        "© Royal Mail copyright and database right {year}; Contains National Statistics data "
        "© Crown copyright and database right {year}."
    ),
    "geonames": "GeoNames (geonames.org), CC BY 4.0.",
    "population": ("Source: Office for National Statistics mid-year population estimates, licensed under the "
                   "Open Government Licence v.3.0."),
    "cqc": (
        "Contains public sector information licensed under the Open Government Licence v3.0 "
        "(Care Quality Commission directory)."
    ),
    "user_sites": "",
}

NOTE_NAMES = ("ATTRIBUTION", "PROVENANCE", "LICENCE", "LICENSE", "UPSTREAM_LICENCE", "UPSTREAM_LICENSE")
_QUOTED = re.compile(r"[\"“]([^\"“”]*)[\"”]", re.S)
_SOURCE_PHRASE = re.compile(
    r"((?:Source|Contains)[^;()]*?(?:licensed under|copyright)[^;()]*?)(?=;|\)|\.\s|\.$|$)", re.S
)
_MARKERS = ("contains", "source:", "geonames", "crown copyright", "licensed under", "synthetic")


def find_note(path: Path, root: Path) -> Path | None:
    """The licence note nearest to ``path``: in its folder, then its parents up to ``root``."""
    folder = path.parent
    root = root.resolve()
    while True:
        notes = sorted(
            (p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".txt", ".md", "")
             and p.stem.upper().startswith(NOTE_NAMES)),
            key=lambda p: next(i for i, n in enumerate(NOTE_NAMES) if p.stem.upper().startswith(n)),
        )
        if notes:
            return notes[0]
        if folder.resolve() == root or folder.parent == folder:
            return None
        folder = folder.parent


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def extract_attribution(note_text: str) -> str:
    """The attribution sentence(s) a licence note asks users to print.

    Looks for a quoted statement after the word "attribution" (or "attribute"); failing
    that, the quoted statements in the licence paragraph; failing that, the paragraph's
    lines that read like an attribution ("Contains ...", "Source: ...").
    """
    text = note_text.replace("\r\n", "\n").replace("(c)", "©").replace("(C)", "©")
    lower = text.lower()
    for marker in ("attribution:", "attribution", "attribute"):
        pos = lower.find(marker)
        while pos >= 0:
            window = text[pos: pos + 600]
            quoted = [_squash(q) for q in _QUOTED.findall(window) if len(q) >= 12]
            quoted = [q for q in quoted if any(m in q.lower() for m in _MARKERS)]
            if quoted:
                return " ".join(_finish(q) for q in quoted[:3])
            pos = lower.find(marker, pos + len(marker))
    quoted = [_squash(q) for q in _QUOTED.findall(text) if len(q) >= 12]
    quoted = [q for q in quoted if any(m in q.lower() for m in _MARKERS)]
    if quoted:
        return " ".join(_finish(q) for q in quoted[:3])
    # Unquoted: the "Source: ... licensed under ..." and "Contains ... copyright ..." phrases.
    picked: list[str] = []
    for match in _SOURCE_PHRASE.finditer(text):
        phrase = _squash(match.group(1)).replace("(c)", "©").strip()
        if phrase and phrase not in picked:
            picked.append(phrase)
    return "; ".join(picked[:3]) + ("." if picked else "")


def _finish(sentence: str) -> str:
    sentence = sentence.replace("(c)", "©").replace("(C)", "©").strip()
    return sentence if sentence.endswith((".", ")")) else sentence + "."


def attribution_for(kind: str, path: Path, root: Path, *, year: int | None = None) -> str:
    """The attribution text for one imported file."""
    year = year or dt.date.today().year
    note = find_note(path, root)
    text = ""
    if note is not None:
        try:
            text = extract_attribution(note.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            text = ""
    if not text:
        text = DEFAULT_ATTRIBUTION.get(kind, "")
    return text.replace("<year>", str(year)).replace("{year}", str(year))


def attribution_lines(con: duckdb.DuckDBPyConnection, kinds: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The distinct attribution lines for the reference data in use.

    ``kinds`` narrows to dataset kinds (``codepoint``, ``boundary``, ``os_open_names``,
    ``geonames``, ``cqc``); by default every imported dataset. Reports print these lines
    in their methods/attribution section and in every file that uses the data.
    """
    frame = query_df(con, "geo/attribution_lines.sql", {"kinds": list(kinds) if kinds else None})
    return [line for line in frame["attribution"].tolist() if line]


#: Datasets each geocoding method draws on (areas always use the boundaries).
METHOD_KINDS = {
    "site": ("cqc", "user_sites", "codepoint"),
    "postcode": ("codepoint",),
    "place": ("os_open_names", "geonames"),
    "partial_postcode": ("codepoint", "geonames"),
}


def kinds_in_use(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Dataset kinds the geocoded episode locations actually rely on."""
    methods = query_df(con, "geo/methods_in_use.sql")["method"].tolist()
    kinds = {"boundary"} if methods else set()
    for method in methods:
        kinds.update(METHOD_KINDS.get(method, ()))
    return sorted(kinds)


def attribution_lines_in_use(con: duckdb.DuckDBPyConnection) -> list[str]:
    """:func:`attribution_lines` for just the datasets behind the geocoded locations."""
    kinds = kinds_in_use(con)
    return attribution_lines(con, kinds) if kinds else []
