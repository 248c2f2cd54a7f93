"""Command modules; importing one registers its commands on `pipelines.cli_app.app`."""

from pipelines.commands import ingest  # noqa: F401
