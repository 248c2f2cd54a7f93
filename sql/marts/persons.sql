-- Mart: person_window(window_start, window_end) -- people as seen over one span of time.
-- Grain: one row per person (person_key) with at least one report in the span.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters (macro arguments, bind them as $window_start, $window_end when calling):
--   window_start  first instant of the span (inclusive, TIMESTAMPTZ)
--   window_end    end of the span (exclusive, TIMESTAMPTZ)
-- Columns:
--   reports_in_window   the person's reports (episodes) with reported_at in the span
--   first_report_at, last_report_at   earliest and latest reported_at in the span
--   looked_after        true if any episode in the span says looked after, else false
--   highest_risk        the highest of risk and risk_highest over the span's episodes
--   flag_list / flags   every vulnerability flag set on any episode in the span (canonical order;
--                       flags is the list joined with ';', '' when none)
--   any_child           true if any report in the span was made while under 18
--   latest_age          age at the latest report in the span
-- Installed on every connection (profiles.db.install_marts).
create or replace temp macro person_window(window_start, window_end) as table
with in_window as (
    select *
    from episode_facts()
    where reported_at >= window_start
      and reported_at < window_end
),

per_person as (
    select
        person_key,
        count(*)                                            as reports_in_window,
        min(reported_at)                                    as first_report_at,
        max(reported_at)                                    as last_report_at,
        bool_or(is_looked_after)                            as looked_after,
        max_risk(highest_risk)                              as highest_risk,
        canonical_flags(flatten(list(flag_list)))           as flag_list,
        coalesce(bool_or(is_child), false)                  as any_child,
        arg_max(age_at_report, reported_at)                 as latest_age
    from in_window
    group by person_key
)

select
    person_key,
    reports_in_window,
    first_report_at,
    last_report_at,
    looked_after,
    highest_risk,
    flag_list,
    array_to_string(flag_list, ';')                         as flags,
    any_child,
    latest_age
from per_person;
