"""Report bundles: the folder a renderer writes for one report, period and audience.

The reports step writes, per period and audience, ``<output_dir>/profile/<period>/<audience>/``
holding ``problem_profile.html``, ``problem_profile.pdf``, ``tables/*.csv``, ``summary.html``
(the short HTML summary used as an email body) and ``manifest.json``::

    {"kind": "problem_profile", "period": "2024-03", "audience": "partner",
     "marking": "OFFICIAL", "files": [{"path": "problem_profile.pdf", "sha256": "..."}, ...]}

(``files`` may also be a mapping ``{"problem_profile.pdf": "<sha256>"}``; ``kind`` is checked
when present.) profiles/reports/output.py writes it.
Delivery sends only what the manifest vouches for: the bundle's audience and period
must be the ones asked for, and every file sent must match its SHA-256.

The police folder also holds the police annex (``annex.pdf``, ``annex.xlsx``: every person
list, profiles/reports/profile/annex.py). A police list's email attaches it; a partner or public
bundle that holds or lists an annex file is refused, so an annex never leaves for them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from profiles.config import ConfigError
from profiles.errors import MisperError
from profiles.files import sha256_of
from profiles.reports.output import ANNEX_FILES


class BundleError(MisperError):
    """A report bundle that is missing, inconsistent or altered; nothing is sent from it."""


@dataclass(frozen=True)
class ReportKind:
    """Where a kind of report lives and what goes in the email."""

    name: str
    folder: str      # under settings.output_dir
    document: str    # the attachment (PDF)
    title: str       # used in the subject line
    #: Attached too, for police lists only (and refused in any other audience's bundle).
    police_attachments: tuple[str, ...] = ()


#: Report kinds a distribution list may name in ``reports``.
REPORT_KINDS: dict[str, ReportKind] = {kind.name: kind for kind in (
    ReportKind("problem_profile", folder="profile", document="problem_profile.pdf",
               title="Missing persons problem profile", police_attachments=ANNEX_FILES),
)}

SUMMARY_FILE = "summary.html"
MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class BundleFile:
    name: str     # path relative to the bundle folder
    path: Path
    sha256: str
    bytes: int

    def as_log(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "bytes": self.bytes}


@dataclass(frozen=True)
class ReportBundle:
    """A verified bundle: the files to send, with the marking the report carries."""

    kind: ReportKind
    period: str
    audience: str
    marking: str
    folder: Path
    summary: BundleFile
    document: BundleFile
    #: The police annex (police bundles only; empty for any other audience).
    attachments: tuple[BundleFile, ...] = ()

    @property
    def files(self) -> tuple[BundleFile, ...]:
        return (self.summary, self.document, *self.attachments)


def report_kind(name: str, *, list_name: str) -> ReportKind:
    try:
        return REPORT_KINDS[name]
    except KeyError:
        known = ", ".join(sorted(REPORT_KINDS))
        raise ConfigError(
            f"delivery.lists '{list_name}': unknown report '{name}' (known: {known})"
        ) from None


def bundle_folder(output_dir: Path, kind: ReportKind, period: str, audience: str) -> Path:
    return output_dir / kind.folder / period / audience


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_FILE
    if not folder.is_dir():
        raise BundleError(f"{folder}: no report folder (render the report for this period first)")
    if not path.is_file():
        raise BundleError(f"{path}: manifest not found (the report was not completely written)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise BundleError(f"{path}: expected a JSON object")
    return data


def manifest_hashes(manifest: dict[str, Any], *, where: Path) -> dict[str, str]:
    """``{relative name: sha256}`` from the manifest's ``files`` (list or mapping form)."""
    files = manifest.get("files")
    hashes: dict[str, str] = {}
    if isinstance(files, dict):
        for name, value in files.items():
            sha = value.get("sha256") if isinstance(value, dict) else value
            if isinstance(sha, str):
                hashes[str(name)] = sha.lower()
    elif isinstance(files, list):
        for i, entry in enumerate(files):
            if not isinstance(entry, dict):
                raise BundleError(f"{where}: files[{i}]: expected an object with path and sha256")
            name = entry.get("path") or entry.get("name") or entry.get("file")
            sha = entry.get("sha256")
            if not isinstance(name, str) or not isinstance(sha, str):
                raise BundleError(f"{where}: files[{i}]: needs 'path' and 'sha256'")
            hashes[name] = sha.lower()
    else:
        raise BundleError(f"{where}: field 'files' missing (expected the files with their SHA-256)")
    return {name.replace("\\", "/").removeprefix("./"): sha for name, sha in hashes.items()}


def _verified_file(folder: Path, name: str, hashes: dict[str, str], manifest_path: Path) -> BundleFile:
    path = folder / name
    if not path.is_file():
        raise BundleError(f"{path}: file not found")
    if name not in hashes:
        raise BundleError(f"{manifest_path}: files: '{name}' is not listed")
    actual = sha256_of(path)
    if actual != hashes[name]:
        raise BundleError(
            f"{path}: SHA-256 {actual[:12]}... does not match {MANIFEST_FILE} "
            f"({hashes[name][:12]}...): the file changed after the report was written"
        )
    return BundleFile(name=name, path=path, sha256=actual, bytes=path.stat().st_size)


def load_bundle(output_dir: Path, kind: ReportKind, period: str, audience: str) -> ReportBundle:
    """Find and verify the bundle of ``kind`` for ``period`` and ``audience``.

    Raises BundleError (naming the file and field) when the folder or a file is missing,
    the manifest is for another period or audience, or a file's hash does not match.
    """
    folder = bundle_folder(output_dir, kind, period, audience)
    manifest = read_manifest(folder)
    manifest_path = folder / MANIFEST_FILE
    for field, expected in (("audience", audience), ("period", period)):
        value = manifest.get(field)
        if value != expected:
            raise BundleError(
                f"{manifest_path}: {field} is {value!r}, expected {expected!r}; "
                "a list only ever receives its own audience's files"
            )
    if "kind" in manifest and manifest["kind"] != kind.name:
        raise BundleError(f"{manifest_path}: kind is {manifest['kind']!r}, expected {kind.name!r}")
    marking = manifest.get("marking")
    if not isinstance(marking, str) or not marking.strip():
        raise BundleError(f"{manifest_path}: field 'marking' missing (the protective marking)")
    hashes = manifest_hashes(manifest, where=manifest_path)
    if audience == "police":
        attachments = tuple(_verified_file(folder, name, hashes, manifest_path) for name in kind.police_attachments)
    else:
        attachments = ()
        for name in kind.police_attachments:
            if name in hashes or (folder / name).exists():
                raise BundleError(f"{folder / name}: police-only file in the {audience} folder; "
                                  "nothing is sent from it (the annex goes only to police lists)")
    return ReportBundle(
        kind=kind,
        period=period,
        audience=audience,
        marking=marking.strip(),
        folder=folder,
        summary=_verified_file(folder, SUMMARY_FILE, hashes, manifest_path),
        document=_verified_file(folder, kind.document, hashes, manifest_path),
        attachments=attachments,
    )
