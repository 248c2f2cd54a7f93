"""Entry point of the `misper` command (see pipelines/cli_app.py and pipelines/commands/).

The app is defined in ``cli_app`` and the command modules add to it; this module imports
both, so nothing imports back up the chain (no import inside a function to dodge a cycle).
"""

import sys

from pipelines import commands  # noqa: F401  (registers every command on the app)
from pipelines.cli_app import app, quiet_logs

__all__ = ["app", "main"]


def main() -> None:  # pragma: no cover - thin entry point
    quiet_logs()
    app(prog_name="misper")
    sys.exit(0)
