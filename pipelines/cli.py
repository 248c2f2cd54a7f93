"""Entry point of the `misper` command (see pipelines/cli_app.py and pipelines/commands/)."""

from pipelines import commands  # noqa: F401  (registers every command on the app)
from pipelines.cli_app import app, main

__all__ = ["app", "main"]
