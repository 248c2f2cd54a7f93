"""misper's run log: every flow run, ad hoc or scheduled, with its Markdown summary.

One folder per database, beside it (``data/misper.duckdb`` -> ``data/misper.runs/``), so
that a force's runs sit with its data whether they ran directly (`misper profile`) or under
Prefect (a deployment's run). Each run is one JSON file, ``<started>-<flow>-<id>.json``,
written when the run starts and rewritten when it ends (a temporary file renamed into
place, so a reader never sees half a file); its summaries are Markdown files beside it,
``<same stem>.<key>.md`` -- the text the Prefect artifact of the run carries.

A run whose process was killed stays ``running`` in its file; :func:`read_runs` reports it
as ``killed`` once its process is gone.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from profiles.db import pid_alive
from profiles.errors import MisperError


def folder_for(db_path: Path) -> Path:
    """The run log folder of a database."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".runs")


@dataclass
class RunEntry:
    id: str
    flow: str
    mode: str                      # direct | prefect
    started_at: str
    state: str = "running"         # running | completed | failed (| killed, when read)
    finished_at: str | None = None
    seconds: float | None = None
    error: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)   # artifact key -> file name
    prefect_run_id: str | None = None
    parent_id: str | None = None
    pid: int = 0
    host: str = ""
    folder: Path | None = field(default=None, repr=False)

    @property
    def stem(self) -> str:
        stamp = self.started_at.replace("-", "").replace(":", "").split(".")[0]
        return f"{stamp}-{self.flow}-{self.id[:8]}"

    def summary_text(self, key: str | None = None) -> str:
        """The Markdown summary (``key``, or the last one published)."""
        if not self.summaries or self.folder is None:
            return ""
        name = self.summaries[key] if key else list(self.summaries.values())[-1]
        return (self.folder / name).read_text(encoding="utf-8")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _plain(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    label = getattr(value, "label", None)   # a Month or FinancialYear
    if isinstance(label, str):
        return label
    if isinstance(value, (date, Path)):
        return str(value)
    return repr(value)


def _write(entry: RunEntry) -> None:
    assert entry.folder is not None
    data = asdict(entry)
    data.pop("folder")
    target = entry.folder / f"{entry.stem}.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, target)


def _database_of(parameters: dict[str, Any]) -> Path | None:
    """The database a flow's parameters name (``db``, else the configuration's ``paths.db``)."""
    if parameters.get("db"):
        return Path(parameters["db"])
    from profiles.config import load_settings

    try:
        return load_settings(parameters.get("config")).db_path
    except MisperError:
        return None  # the flow itself reports the bad configuration


def start(flow: str, parameters: dict[str, Any], *, mode: str, prefect_run_id: str | None = None,
          parent: RunEntry | None = None) -> RunEntry:
    """Record that a run started (the entry is kept only if its folder can be written)."""
    entry = RunEntry(
        id=uuid.uuid4().hex, flow=flow, mode=mode, started_at=_now().isoformat(timespec="milliseconds"),
        parameters=_plain(parameters), prefect_run_id=prefect_run_id,
        parent_id=parent.id if parent else None, pid=os.getpid(), host=socket.gethostname(),
    )
    db = _database_of(parameters)
    if db is not None:
        try:
            entry.folder = folder_for(db)
            entry.folder.mkdir(parents=True, exist_ok=True)
            _write(entry)
        except OSError:
            entry.folder = None  # a read-only place: the run goes on unrecorded
    return entry


def attach_summary(entry: RunEntry, key: str, markdown: str) -> None:
    if entry.folder is None:
        return
    name = f"{entry.stem}.{key}.md"
    tmp = entry.folder / (name + ".tmp")
    tmp.write_text(markdown, encoding="utf-8")
    os.replace(tmp, entry.folder / name)
    entry.summaries[key] = name
    _write(entry)


def finish(entry: RunEntry, *, error: BaseException | None = None) -> None:
    if entry.folder is None:
        return
    ended = _now()
    entry.finished_at = ended.isoformat(timespec="milliseconds")
    entry.seconds = round((ended - datetime.fromisoformat(entry.started_at)).total_seconds(), 3)
    if error is None:
        entry.state = "completed"
    else:
        entry.state = "failed"
        entry.error = (str(error) or type(error).__name__).splitlines()[0]
    try:
        _write(entry)
    except OSError:
        pass


def _alive(pid: int, host: str) -> bool:
    return host != socket.gethostname() or pid_alive(pid)  # another host's: cannot tell from here


def read_runs(db_path: Path, *, last: int | None = None) -> list[RunEntry]:
    """The runs recorded for a database, oldest first (the last ``last`` of them)."""
    folder = folder_for(db_path)
    if not folder.is_dir():
        return []
    entries = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        entry = RunEntry(**data, folder=folder)
        if entry.state == "running" and not _alive(entry.pid, entry.host):
            entry.state = "killed"
        entries.append(entry)
    entries.sort(key=lambda e: e.started_at)
    return entries[-last:] if last else entries


def find_run(db_path: Path, run_id: str) -> RunEntry:
    """The run whose id (or the start of it) or file stem is ``run_id``."""
    found = [e for e in read_runs(db_path) if e.id.startswith(run_id) or e.stem == run_id]
    if len(found) != 1:
        raise MisperError(f"run '{run_id}': {'no such run' if not found else 'ambiguous, give more of the id'}"
                          f" in {folder_for(db_path)}")
    return found[0]
