"""Command modules; importing one registers its commands on `pipelines.cli_app.app`."""

from pipelines.commands import ingest  # noqa: F401
from pipelines.commands import delivery  # noqa: F401
from pipelines.commands import reports  # noqa: F401
from pipelines.commands import analysis_people  # noqa: F401
from pipelines.commands import geo  # noqa: F401
from pipelines.commands import analysis_places  # noqa: F401
from pipelines.commands import sample  # noqa: F401
from pipelines.commands import config  # noqa: F401
from pipelines.commands import schedule  # noqa: F401
from pipelines.commands import orchestration  # noqa: F401
from pipelines.commands import database  # noqa: F401
