"""The flows as Prefect flows: the entry points deployments name and workers import.

``pipelines.flows.runs`` defines the flows as misper jobs (pipelines/steps.py), which run
directly when no Prefect server is configured. Importing this module imports Prefect and
builds each job's Prefect flow (the same function inside); a deployment's entry point is
``pipelines.flows.prefect_flows.<flow>``.
"""

from __future__ import annotations

from pipelines.flows import runs

demo = runs.demo.prefect
ingest_extracts = runs.ingest_extracts.prefect
monthly_problem_profile = runs.monthly_problem_profile.prefect
partner_shares = runs.partner_shares.prefect
retention_review = runs.retention_review.prefect
send_reports = runs.send_reports.prefect
ukmpu_annual_return = runs.ukmpu_annual_return.prefect

