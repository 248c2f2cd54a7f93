"""The flows of misper (defined in runs.py as jobs, pipelines/steps.py); tasks are in
pipelines/tasks.py; their Prefect flows, for deployments, in prefect_flows.py.

Importing this package sets Prefect's environment defaults (environment.py) and does not
import Prefect itself: a flow run without a server never does, and under Prefect the CLI
can still choose the log level first.
"""

from pipelines.flows.environment import prefect_defaults

prefect_defaults()

#: The public names of runs.py, loaded from it on first use (the one list of them).
__all__ = [
    "AUDIENCES",
    "DeliveryFailed",
    "DemoRun",
    "MonthlyRun",
    "demo",
    "ingest_extracts",
    "monthly_problem_profile",
    "partner_shares",
    "retention_review",
    "send_reports",
    "ukmpu_annual_return",
]


def __getattr__(name: str):
    if name in __all__:
        from pipelines.flows import runs

        return getattr(runs, name)
    raise AttributeError(f"module 'pipelines.flows' has no attribute {name!r}")
