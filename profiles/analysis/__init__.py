"""Analysis: plain functions over DuckDB that return DataFrames for the reports.

People (repeat missing, referrals, trigger plans, RFG, cross-border, return interviews,
oversight, absences): profiles.analysis.people and profiles.analysis.people_safeguarding.
"""

from profiles.analysis import people, people_safeguarding  # noqa: F401
