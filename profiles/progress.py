"""Progress of long work, told to whoever is listening (no terminal code here).

The library reports progress as ``(stage, done, total)``: a stage's name in plain words
("geocoding locations"), how many of its units are done, and how many there are (``None``
when unknown). A stage is finished when a call has ``done == total``. The CLI listens with
a rich bar on a terminal and one line per stage elsewhere (``pipelines/progress_display.py``);
nobody listening (a test, a library user) costs nothing.

The listener is process-wide, not passed down as an argument, because the work runs
inside Prefect flows and tasks whose parameters are data, not callbacks::

    with progress.listening(show):          # the CLI
        run_flow(...)

    with progress.stage("geocoding locations", total=len(keys)) as step:   # the library
        for part in parts:
            ...
            step.advance(len(part))
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator, Protocol


class ProgressListener(Protocol):
    """Called with a stage's name, the units done so far and the units in all (or None)."""

    def __call__(self, stage: str, done: int, total: int | None) -> None: ...


def _nobody(stage: str, done: int, total: int | None) -> None:
    return None


_lock = threading.Lock()
_listener: ProgressListener = _nobody


def report(stage: str, done: int, total: int | None) -> None:
    """Tell the listener (if any) that ``done`` of ``total`` units of ``stage`` are done."""
    _listener(stage, done, total)


@contextmanager
def listening(listener: ProgressListener | None) -> Iterator[None]:
    """Send progress to ``listener`` within the block (``None``: to nobody)."""
    global _listener
    with _lock:
        previous, _listener = _listener, (listener or _nobody)
    try:
        yield
    finally:
        with _lock:
            _listener = previous


class Stage:
    """One stage of work: reports its start, each count, and (``finish``) its end."""

    def __init__(self, name: str, total: int | None) -> None:
        self.name = name
        self.total = total
        self.done = 0
        report(name, 0, total)

    def advance(self, units: int = 1) -> None:
        self.done += units
        report(self.name, self.done, self.total)

    def update(self, done: int) -> None:
        self.done = done
        report(self.name, self.done, self.total)

    def finish(self) -> None:
        """Report the stage as finished (once), whatever count it reached."""
        if self.total is None or self.done != self.total:
            self.total = self.done = max(self.done, self.total or 0)
            report(self.name, self.done, self.total)


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Stage]:
    """A stage of ``total`` units; the listener hears it start at 0 and finish on leaving.

    On an error the stage is not reported finished: the error says what happened.
    """
    step = Stage(name, total)
    yield step
    step.finish()
