"""Errors that reach a user as a clear one-line message, never as a traceback."""


class MisperError(Exception):
    """Base class: the message names the file, row and field where there is one."""


class InputError(MisperError):
    """An input file that cannot be read or lacks what it must have; nothing was loaded."""


class CheckFailed(MisperError):
    """An internal consistency check failed; nothing was written."""
