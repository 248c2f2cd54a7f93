"""Errors that reach a user as a clear one-line message, never as a traceback."""


class MisperError(Exception):
    """Base class: the message names the file, row and field where there is one."""


class InputError(MisperError):
    """An input file that cannot be read or lacks what it must have; nothing was loaded."""


class CheckFailed(MisperError):
    """An internal consistency check failed; nothing was written."""


class InvalidValue(MisperError, ValueError):
    """A value outside what the field allows, named in the field's words (``period``,
    ``months``, ``as_of``), never by a command-line option: a scheduled run shows it as
    ``period: expected YYYY-MM, got '2026-13'``; the CLI words it with its own option
    (``--period: ...``). As osmnx's ``_validate.py``: the library checks, the caller words.
    """

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")
