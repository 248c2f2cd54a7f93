"""The Markdown summary each flow run publishes as a Prefect artifact.

A summary says what a run did in the words a coordinator would use: the figures (rows
loaded, locations geocoded, reports in the month), every file written with its SHA-256,
warnings, and who was sent what. Plain Python (no Prefect): the flow builds it from what
its tasks returned, and one task publishes it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from profiles.files import sha256_of


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


@dataclass
class RunSummary:
    """Sections of one run's summary, rendered in the order they were added."""

    title: str
    #: Artifact key: lower-case letters, digits and dashes (Prefect's rule).
    key: str
    parameters: dict[str, object] = field(default_factory=dict)
    figures: list[tuple[str, str]] = field(default_factory=list)
    files: list[tuple[str, Path, str]] = field(default_factory=list)   # (group, path, sha256)
    warnings: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = artifact_key(self.key)

    def figure(self, name: str, value: object) -> None:
        self.figures.append((name, f"{value:,}" if isinstance(value, int) else str(value)))

    def add_files(self, group: str, paths: list[Path]) -> None:
        """Record files written, each with its SHA-256 as it is now on disk."""
        for path in paths:
            self.files.append((group, Path(path), sha256_of(Path(path))))

    def warn(self, text: str) -> None:
        self.warnings.append(text)

    def block(self, markdown: str) -> None:
        """A section another part made (e.g. the delivery run's table)."""
        self.blocks.append(markdown.rstrip() + "\n")

    def markdown(self) -> str:
        lines = [f"# {self.title}", ""]
        if self.parameters:
            lines.append(
                "Parameters: " + ", ".join(f"`{k}` = {_cell(v)}" for k, v in self.parameters.items()) + "."
            )
            lines.append("")
        if self.figures:
            lines += ["## Figures", "", "| figure | value |", "|---|---|"]
            lines += [f"| {_cell(n)} | {_cell(v)} |" for n, v in self.figures]
            lines.append("")
        lines += ["## Warnings", ""]
        lines += [f"- {_cell(w)}" for w in self.warnings] or ["None."]
        lines.append("")
        if self.files:
            lines += [f"## Files written ({len(self.files)})", "", "| part | file | SHA-256 |", "|---|---|---|"]
            lines += [f"| {_cell(g)} | `{_cell(p)}` | `{h}` |" for g, p, h in self.files]
            lines.append("")
        for block in self.blocks:
            lines += [block.replace("\n# ", "\n## ").replace("# ", "## ", 1) if block.startswith("# ") else block]
        return "\n".join(lines).rstrip() + "\n"


def artifact_key(text: str) -> str:
    """``text`` as a Prefect artifact key (lower case, digits, dashes)."""
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", text.lower())).strip("-") or "misper-run"
