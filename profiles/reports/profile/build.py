"""One audience's profile: every section, in order, from measures gathered once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from profiles.disclosure import Audience, check_columns
from profiles.reports.objects import Report
from profiles.reports.profile import appendix, demand, findings, glance, people, places, recommendations
from profiles.reports.profile.context import Context
from profiles.reports.profile_data import ProfileData
from profiles.reports.render import report_for


#: The board pack's order: page 1, the key messages, the analysis chapters, the
#: recommendations, then scope, data quality, methods and attribution at the end.
SECTION_IDS: tuple[str, ...] = (
    "at_a_glance", "key_findings", "demand_trend", "time_pattern", "demographics", "risk", "duration",
    "found_by", "sites", "found_locations", "repeat_individuals", "exploitation",
    "return_interviews", "cost", "interventions", "recommendations", "scope", "data_quality", "methods",
)


def build_profile(data: ProfileData, audience: Audience, run_date: date) -> Report:
    """The problem profile for ``audience`` from measures gathered once."""
    ctx = Context(data, audience, run_date)
    body = {
        "scope": demand.scope(ctx), "demand_trend": demand.demand_trend(ctx), "time_pattern": demand.time_pattern(ctx),
        "demographics": demand.demographics(ctx), "risk": demand.risk(ctx), "duration": demand.duration(ctx),
        "found_by": demand.found_by(ctx), "sites": places.sites(ctx), "found_locations": places.found_locations(ctx),
        "repeat_individuals": people.repeat_individuals(ctx), "exploitation": people.exploitation(ctx),
        "return_interviews": people.return_interviews(ctx), "cost": demand.cost(ctx), "interventions": appendix.interventions(ctx),
        "data_quality": appendix.data_quality(ctx), "methods": appendix.methods(ctx),
    }
    tables = {t.id: t for section in body.values() for t in section.tables}
    body["at_a_glance"] = glance.at_a_glance(ctx, tables)
    body["key_findings"] = findings.key_findings(ctx, findings.findings(ctx, tables))
    body["recommendations"] = recommendations.recommendations(ctx, tables)
    rows = data.settings.reports.body_rows
    sections = tuple(replace(body[s], tables=tuple(t.body_view(rows) for t in body[s].tables)) for s in SECTION_IDS)
    for table in (t for s in sections for t in s.tables):
        check_columns(table.data.columns, audience, where=f"table {table.id}")
    settings = data.settings
    return report_for(
        settings,
        audience=audience,
        kind="problem_profile",
        title="Missing persons problem profile",
        subtitle=f"{data.month.title} · {audience} edition",
        period_label=data.month.title,
        run_date=run_date,
        sections=sections,
        attribution=(),  # in the methods section, the document's last
        contents_after="key_findings",
    )
