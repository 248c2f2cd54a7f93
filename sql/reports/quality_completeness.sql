-- Report: data quality -- how completely each field is recorded.
-- Grain: one row per field.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters: $period_start, $period_end (window on reported_at, half-open, London time).
-- applicable: episodes the field applies to (found-only fields: found episodes; return
-- interviews: children found; placing authority: looked-after episodes);
-- recorded: of those, the ones with a value (ethnicity: an IC code other than IC9 "unknown";
-- a location: any of address, postcode or coordinates).
with

w as (
    select *,
           found_at is not null as is_found
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
),

fields as (
    select 1 as field_order, 'age_at_report' as field, 'all episodes' as applies_to,
           count(*) as applicable, count(age_at_report) as recorded from w
    union all select 2, 'date_of_birth', 'all episodes', count(*), count(date_of_birth) from w
    union all select 3, 'gender (not unknown)', 'all episodes', count(*), count(*) filter (where gender <> 'unknown') from w
    union all select 4, 'ethnicity (not IC9)', 'all episodes', count(*), count(*) filter (where ethnicity is not null and ethnicity <> 'IC9') from w
    union all select 5, 'last_seen_at', 'all episodes', count(*), count(last_seen_at) from w
    union all select 6, 'risk_highest', 'all episodes', count(*), count(risk_highest) from w
    union all select 7, 'missing_from_type', 'all episodes', count(*), count(missing_from_type) from w
    union all select 8, 'missing_from location', 'all episodes', count(*),
        count(*) filter (where coalesce(missing_from_address, missing_from_postcode) is not null
                            or missing_from_easting is not null) from w
    union all select 9, 'calls', 'all episodes', count(*), count(calls) from w
    union all select 10, 'looked_after', 'all episodes', count(*), count(looked_after) from w
    union all select 11, 'flag_cse', 'all episodes', count(*), count(flag_cse) from w
    union all select 12, 'flag_cce', 'all episodes', count(*), count(flag_cce) from w
    union all select 13, 'flag_trafficking', 'all episodes', count(*), count(flag_trafficking) from w
    union all select 14, 'flag_mental_health', 'all episodes', count(*), count(flag_mental_health) from w
    union all select 15, 'flag_suicidal', 'all episodes', count(*), count(flag_suicidal) from w
    union all select 16, 'flag_dementia', 'all episodes', count(*), count(flag_dementia) from w
    union all select 17, 'flag_learning_disability', 'all episodes', count(*), count(flag_learning_disability) from w
    union all select 18, 'found_at', 'all episodes', count(*), count(found_at) from w
    union all select 19, 'found_by', 'found episodes', count(*) filter (where is_found),
        count(found_by) filter (where is_found) from w
    union all select 20, 'outcome', 'found episodes', count(*) filter (where is_found),
        count(outcome) filter (where is_found) from w
    union all select 21, 'found location', 'found episodes', count(*) filter (where is_found),
        count(*) filter (where is_found and (coalesce(found_address, found_postcode) is not null
                                             or found_easting is not null)) from w
    union all select 22, 'responsible_la', 'children', count(*) filter (where is_child),
        count(responsible_la) filter (where is_child) from w
    union all select 23, 'placing_authority', 'looked-after episodes', count(*) filter (where looked_after),
        count(placing_authority) filter (where looked_after) from w
    union all select 24, 'return_interview_offered_at', 'children found', count(*) filter (where is_child and is_found),
        count(return_interview_offered_at) filter (where is_child and is_found) from w
    union all select 25, 'return_interview_done_at', 'children found', count(*) filter (where is_child and is_found),
        count(return_interview_done_at) filter (where is_child and is_found) from w
)

select
    field,
    applies_to,
    applicable,
    recorded,
    case when applicable > 0 then round(100.0 * recorded / applicable, 1) end as pct_recorded
from fields
order by field_order
