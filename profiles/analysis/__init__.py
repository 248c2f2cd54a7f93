"""Analysis: plain functions over DuckDB that return DataFrames for the reports.

People (repeat missing, referrals, trigger plans, RFG, cross-border, return interviews,
oversight, absences): profiles.analysis.people, profiles.analysis.people_safeguarding, and
profiles.analysis.people_profile (all of them for one month, with headline figures).
"""

from profiles.analysis import people, people_profile, people_safeguarding  # noqa: F401
