"""How the CLI shows the library's progress (profiles.progress): a rich bar with a count
and an estimate on a terminal, one line per finished stage anywhere else (a log file, a
scheduler, a pipe), so a long run is never silent and a log is never flooded.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from profiles import progress


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s"


class LineDisplay:
    """One line per stage, when it finishes: its name, its count and how long it took."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.started: dict[str, float] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        start = self.started.setdefault(stage, now)
        if total is not None and done >= total:
            del self.started[stage]
            self.console.print(f"{stage}: {done:,} done in {_duration(now - start)}", highlight=False,
                               markup=False)

    def close(self) -> None:
        self.started.clear()


class BarDisplay:
    """A rich bar per stage (count, elapsed, estimate), started on the first report and
    cleared when the command ends."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bars: Progress | None = None
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        if self.bars is None:
            self.bars = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(),
                console=self.console, transient=True,
            )
            self.bars.start()
        if stage not in self.tasks:
            self.tasks[stage] = self.bars.add_task(stage, total=total)
        self.bars.update(self.tasks[stage], completed=done, total=total)

    def close(self) -> None:
        if self.bars is not None:
            self.bars.stop()
        self.bars = None
        self.tasks.clear()


@contextmanager
def showing_progress(console: Console) -> Iterator[None]:
    """Show the library's progress on ``console`` while the block runs."""
    display = BarDisplay(console) if console.is_terminal else LineDisplay(console)
    try:
        with progress.listening(display):
            yield
    finally:
        display.close()
