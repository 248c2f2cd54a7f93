"""Partner data shares: children reported missing, one file per local authority.

``misper share --period YYYY-MM --out DIR`` writes, for each local authority that is
responsible for a child reported missing in the month or placed that child, a CSV with
the fields the information-sharing agreement names (``settings.disclosure.share_fields``)
and a short HTML cover; plus ``index.html`` (for the force: which file goes where) and
``manifest.json``. A child is under 18 at the report; an unknown age is not shared.

Only partner-safe fields can be named: ``person_ref`` is the pseudonymised
``person_key`` (never the force's person reference), ``incident_ref`` the incident id;
dates of birth, addresses, postcodes, positions and free text cannot be shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from profiles import db
from profiles.config import ConfigError, Settings
from profiles.files import csv_cells, write_csv, write_folder
from profiles.periods import Month
from profiles.disclosure import POLICE_ONLY_COLUMNS, check_columns, check_files
from profiles.reports.objects import Report, Section, Table
from profiles.reports.output import write_manifest
from profiles.reports.render import Renderer, marking_for, month_note
from profiles.reports.safety import sensitive_values

#: Fields a share may name (the columns of sql/reports/share_children.sql after the authority).
SHAREABLE_FIELDS: tuple[str, ...] = (
    "incident_ref", "person_ref", "age_at_report", "gender", "ethnicity", "reported_at",
    "last_seen_at", "found_at", "duration_hours", "risk", "risk_highest", "missing_from_type",
    "found_by", "outcome", "flag_cse", "flag_cce", "flag_trafficking", "flag_mental_health",
    "flag_suicidal", "flag_dementia", "flag_learning_disability", "looked_after",
    "placing_authority", "responsible_la", "return_interview_offered_at",
    "return_interview_done_at", "calls",
)
_TIME_FIELDS = ("reported_at", "last_seen_at", "found_at", "return_interview_offered_at", "return_interview_done_at")


def share_fields(settings: Settings) -> list[str]:
    """The configured fields, checked: each must be shareable, none twice."""
    fields = list(settings.disclosure.share_fields)
    if not fields:
        raise ConfigError("disclosure.share_fields: name at least one field to share")
    for name in fields:
        if name in POLICE_ONLY_COLUMNS or name in ("person_id", "person_key"):
            raise ConfigError(
                f"disclosure.share_fields: '{name}' may not be shared with a partner "
                "(person references, dates of birth, addresses, positions and free text stay with the police; "
                "use person_ref for the pseudonymised person)"
            )
        if name not in SHAREABLE_FIELDS:
            raise ConfigError(
                f"disclosure.share_fields: unknown field '{name}' (shareable: {', '.join(SHAREABLE_FIELDS)})"
            )
    dup = sorted({f for f in fields if fields.count(f) > 1})
    if dup:
        raise ConfigError(f"disclosure.share_fields: listed twice: {', '.join(dup)}")
    return fields


def share_rows(con: duckdb.DuckDBPyConnection, month: Month) -> pd.DataFrame:
    """One row per (local_authority, incident) for children reported in ``month``."""
    return db.query_df(con, "reports/share_children.sql", month.params())


def unassigned_children(con: duckdb.DuckDBPyConnection, month: Month) -> int:
    """Children's episodes in the month with neither a responsible nor a placing authority."""
    return int(db.run_sql(con, "reports/share_unassigned.sql", month.params()).fetchone()[0])


def share_frame(rows: pd.DataFrame, fields: list[str]) -> pd.DataFrame:
    """The CSV content for one authority: exactly ``fields``, times in London with offset."""
    return csv_cells(rows.loc[:, fields])


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_") or "authority"


#: File stems a share may not take (the folder's other files).
_RESERVED_STEMS = frozenset({"index", "manifest", "care_home_summary", "unknown_authorities"})
#: Police-only list of authority values the reference data does not know (never a file name).
UNKNOWN_AUTHORITIES_FILE = "unknown_authorities.csv"


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def split_known_authorities(rows: pd.DataFrame, names: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows whose authority the reference data knows, with its code in ``la_code``, and a
    summary of the rest.

    A share goes only to a local authority in the imported boundaries, recorded by its
    code or by its reference name (case and spacing aside); the file is named from the
    reference name, never from a value in the extract. Each other value is listed once (as
    recorded, with its episodes and children) for the force to correct at source.
    """
    lookup = {_normal(code): code for code in names} | {_normal(name): code for code, name in names.items()}
    codes = rows["local_authority"].astype(str).map(lambda v: lookup.get(_normal(v)))
    known = codes.notna()
    other = rows[~known]
    summary = (
        other.groupby("local_authority", sort=True)
        .agg(episodes=("incident_ref", "size"), children=("person_ref", "nunique"))
        .reset_index()
        .rename(columns={"local_authority": "authority_as_recorded"})
    ) if len(other) else pd.DataFrame(columns=["authority_as_recorded", "episodes", "children"])
    return rows[known].assign(la_code=codes[known]), summary


@dataclass(frozen=True)
class AuthorityShare:
    local_authority: str
    display_name: str
    file_stem: str
    children: int
    episodes: int


def _cover(share: AuthorityShare, month: Month, fields: list[str], settings: Settings, run_date: date) -> Report:
    about = Section(
        id="about",
        title="About this share",
        paragraphs=(
            f"Children reported missing to {settings.force.name} in {month.title} for whom "
            f"{share.display_name} is the responsible local authority or the placing authority.",
            f"The file {share.file_stem}.csv holds {share.episodes} episode(s) of {share.children} child(ren), "
            "one row per episode.",
            "person_ref is a pseudonym: the same child has the same person_ref in every share from this force, "
            "but it is not the force's reference. It cannot be used to identify the child outside this share.",
            "Handle under the information-sharing agreement: store securely, do not forward, delete when no "
            "longer needed for safeguarding.",
        ),
        tables=(
            Table(
                id="fields",
                caption="Fields in the file",
                data=pd.DataFrame({"field": fields}),
            ),
        ),
    )
    return month_note(settings, audience="partner", month=month, section=about, kind="share_cover",
                      title="Children missing from home and care: data share", subtitle=share.display_name,
                      run_date=run_date)


def _index(shares: list[AuthorityShare], unassigned: int, month: Month, settings: Settings, run_date: date,
           *, care_homes: bool, unknown: int = 0) -> Report:
    data = pd.DataFrame(
        {
            "local_authority": [s.display_name for s in shares],
            "code_or_name_as_recorded": [s.local_authority for s in shares],
            "csv": [f"{s.file_stem}.csv" for s in shares],
            "cover": [f"{s.file_stem}.html" for s in shares],
            "children": [s.children for s in shares],
            "episodes": [s.episodes for s in shares],
        }
    )
    notes = (
        f"{unassigned} child episode(s) in the month had neither a responsible nor a placing authority recorded "
        "and are in no share: record the authority so the child is shared.",
        "A child whose responsible and placing authorities differ is in both files.",
    ) + ((f"{unknown} child episode(s) name an authority the reference data does not know and are in no share; "
          f"{UNKNOWN_AUTHORITIES_FILE} (police only) lists each value as recorded: correct it at source.",)
         if unknown else ())
    section = Section(
        id="shares",
        title="Shares by local authority",
        paragraphs=(
            f"One file and cover per authority for {month.title}. This index is for the force's use.",
        ) + (
            ("care_home_summary.html (and .csv) beside these files is the care-home summary for regulator "
             "referral decisions: police only, it names children's homes; it is not part of any share.",)
            if care_homes else ()
        ),
        tables=(Table(id="shares", caption="Files written", data=data, notes=notes,
                      count_columns=("children", "episodes")),),
    )
    return month_note(settings, audience="police", month=month, section=section, kind="share_index",
                      title="Partner data shares: index", subtitle=month.title, run_date=run_date)


def write_shares(con: duckdb.DuckDBPyConnection, month: Month, out_dir: Path, settings: Settings, run_date: date,
                 *, care_homes: bool = True) -> list[Path]:
    """Write every authority's CSV and cover, the care-home summary and the list of unknown
    authorities (police only, not in the manifest), the index and the manifest; the paths.
    The folder is published whole (``profiles.files.publishing``)."""
    return write_folder(out_dir, lambda stage: _write_shares(con, month, stage, settings, run_date,
                                                             care_homes=care_homes))


def _write_shares(con: duckdb.DuckDBPyConnection, month: Month, out_dir: Path, settings: Settings, run_date: date,
                  *, care_homes: bool) -> list[Path]:
    fields = share_fields(settings)
    check_columns(fields, "partner", where="disclosure.share_fields")
    names = la_names(con)
    rows, unknown = split_known_authorities(share_rows(con, month), names)
    renderer = Renderer(settings)
    shares: list[AuthorityShare] = []
    partner_files: list[Path] = []
    used: set[str] = set()
    groups = sorted(rows.groupby("la_code", sort=False), key=lambda kv: (names[kv[0]], kv[0]))
    for code, group in groups:
        # recorded once by code and once by name is one row; in the query's order
        group = group.drop_duplicates("incident_ref").sort_values(["reported_at", "incident_ref"], kind="stable")
        display = names[code]
        stem = slug(display)
        while stem in used or stem in _RESERVED_STEMS:
            stem += "_"
        used.add(stem)
        share = AuthorityShare(
            local_authority=", ".join(sorted(set(group["local_authority"].astype(str)))),
            display_name=display,
            file_stem=stem,
            children=int(group["person_ref"].nunique()),
            episodes=len(group),
        )
        shares.append(share)
        csv_path = out_dir / f"{stem}.csv"
        write_csv(share_frame(group, fields), csv_path)
        html_path = out_dir / f"{stem}.html"
        renderer.write_html(_cover(share, month, fields, settings, run_date), html_path)
        partner_files += [csv_path, html_path]
    check_files(partner_files, sensitive_values(con, month), "partner")
    police_files: list[Path] = []
    if len(unknown):
        police_files.append(write_csv(unknown, out_dir / UNKNOWN_AUTHORITIES_FILE))
    if care_homes:
        from profiles.reports.care_homes import write_care_home_summary

        police_files += write_care_home_summary(con, month, out_dir, settings, run_date)
    index_path = out_dir / "index.html"
    index = _index(shares, unassigned_children(con, month), month, settings, run_date, care_homes=care_homes,
                   unknown=int(unknown["episodes"].sum()) if len(unknown) else 0)
    renderer.write_html(index, index_path)
    manifest = write_manifest(
        out_dir, kind="partner_share", period=month.label, audience="partner",
        marking=marking_for(settings, "partner"), synthetic=settings.force.synthetic,
        run_date=run_date, files=partner_files,
    )
    return partner_files + police_files + [index_path, manifest]


def la_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Local authority names by code from the imported boundaries (empty when none)."""
    from profiles.analysis.places_common import area_names

    return area_names(con, "lad")
