"""Prefect's environment for misper: set before Prefect is imported, and a quiet console.

Used when Prefect runs a flow (a server is configured, or a deployment's run): no
analytics, and a start timeout that survives a slow CI machine should Prefect start a
temporary server (the test harness does). Prefect's own log lines go to stderr; the CLI
keeps them at WARNING unless ``--verbose``. Without a server, commands run their flows
directly and never import Prefect (pipelines/steps.py).

Nothing here imports Prefect at module level: it must run first.
"""

from __future__ import annotations

import logging
import os
import sys

#: Set (unless the user already set them) before the first ``import prefect``.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}

#: Loggers that report a flow or task run's state (their failures the CLI reports itself).
RUN_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")


def prefect_defaults(*, verbose: bool | None = None) -> None:
    """Set Prefect's environment defaults; ``verbose`` True/False also sets the log level.

    Must run before Prefect is imported (Prefect reads its settings once).
    """
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)
    if verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    elif verbose is not None:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


class CliConsoleFilter(logging.Filter):
    """What of Prefect's console logging an ad hoc command shows.

    A failure leaves the flow as the exception itself, which the CLI prints as one line
    (`profiles.errors.MisperError`) or as one line plus the error log: so Prefect's
    report of the same failure is dropped from the console unless ``verbose``, and a
    traceback is never printed for a MisperError. The run's full log, traceback
    included, still goes to the Prefect server (the UI, `prefect flow-run logs`).
    """

    def __init__(self, *, verbose: bool) -> None:
        super().__init__("misper-cli")
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        from profiles.errors import MisperError

        if not self.verbose and record.levelno >= logging.ERROR and record.name.startswith(RUN_LOGGERS):
            return False
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, MisperError) or not self.verbose:
            # the console copy only: a record is formatted per handler, so clearing the
            # traceback here leaves the API handler's copy alone
            record = _without_traceback(record)
        return True


def _without_traceback(record: logging.LogRecord) -> logging.LogRecord:
    record.exc_info = None
    record.exc_text = None
    record.stack_info = None
    return record


class _ConsoleOnly(logging.Handler):
    """Wraps a console handler so a filter's changes to a record stay on its copy."""

    def __init__(self, inner: logging.Handler, console_filter: CliConsoleFilter) -> None:
        super().__init__(inner.level)
        self.inner = inner
        self.console_filter = console_filter

    def emit(self, record: logging.LogRecord) -> None:
        copy = logging.makeLogRecord(record.__dict__)
        if self.console_filter.filter(copy):
            self._follow_stderr()
            self.inner.handle(copy)

    def _follow_stderr(self) -> None:
        """Write to the stderr of now: Prefect bound its console to the stream of the
        moment it was imported, which a test runner may since have closed."""
        stream = sys.stderr
        if getattr(self.inner, "stream", stream) is not stream:
            self.inner.stream = stream  # not setStream(): it flushes the old, maybe closed, stream
            console = getattr(self.inner, "console", None)
            if console is not None:
                console.file = stream

    def flush(self) -> None:
        self.inner.flush()

    def close(self) -> None:
        self.inner.close()
        super().close()


def quiet_console(*, verbose: bool) -> None:
    """Route Prefect's console handler(s) on the root logger through :class:`CliConsoleFilter`,
    at WARNING unless ``verbose`` (whatever level Prefect was imported with).

    Call after Prefect is imported (it configures logging on import). Idempotent.
    """
    root = logging.getLogger()
    for i, handler in enumerate(list(root.handlers)):
        if type(handler).__name__ == "PrefectConsoleHandler":
            handler = root.handlers[i] = _ConsoleOnly(handler, CliConsoleFilter(verbose=verbose))
        if isinstance(handler, _ConsoleOnly):
            handler.console_filter.verbose = verbose
            # the console only: what goes to the Prefect server follows PREFECT_LOGGING_LEVEL
            handler.setLevel(logging.NOTSET if verbose else logging.WARNING)
