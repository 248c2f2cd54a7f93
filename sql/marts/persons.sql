-- Mart: person_window(window_start, window_end) -- people as seen over one span of time.
-- Grain: one row per person (person_key) with at least one report in the span.
-- Inputs: episodes (sql/schema/00_core.sql).
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
-- Install with profiles.analysis.people.install_marts(con).
create or replace temp macro person_window(window_start, window_end) as table
with in_window as (
    select *
    from episodes
    where reported_at >= window_start
      and reported_at < window_end
),

per_person as (
    select
        person_key,
        count(*)                                            as reports_in_window,
        min(reported_at)                                    as first_report_at,
        max(reported_at)                                    as last_report_at,
        coalesce(bool_or(looked_after), false)              as looked_after,
        max(greatest(
            list_position(['no_apparent_risk', 'low', 'medium', 'high'], risk),
            list_position(['no_apparent_risk', 'low', 'medium', 'high'], risk_highest)
        ))                                                  as risk_rank,
        coalesce(bool_or(flag_cse), false)                  as any_cse,
        coalesce(bool_or(flag_cce), false)                  as any_cce,
        coalesce(bool_or(flag_trafficking), false)          as any_trafficking,
        coalesce(bool_or(flag_mental_health), false)        as any_mental_health,
        coalesce(bool_or(flag_suicidal), false)             as any_suicidal,
        coalesce(bool_or(flag_dementia), false)             as any_dementia,
        coalesce(bool_or(flag_learning_disability), false)  as any_learning_disability,
        coalesce(bool_or(age_at_report < 18), false)        as any_child,
        arg_max(age_at_report, reported_at)                 as latest_age
    from in_window
    group by person_key
),

flagged as (
    select
        *,
        ['no_apparent_risk', 'low', 'medium', 'high'][risk_rank] as highest_risk,
        list_filter(
            [
                case when any_cse then 'cse' end,
                case when any_cce then 'cce' end,
                case when any_trafficking then 'trafficking' end,
                case when any_mental_health then 'mental_health' end,
                case when any_suicidal then 'suicidal' end,
                case when any_dementia then 'dementia' end,
                case when any_learning_disability then 'learning_disability' end
            ],
            lambda f: f is not null
        )                                                   as flag_list
    from per_person
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
from flagged;
