-- Report: people_referrals -- who to refer to social care for a period, and why.
-- Grain: one row per person (person_key) with a referral trigger in the period.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql).
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights), by reported_at
--   $window_days, $threshold    the repeat rule (settings.repeat)
--   $referral_grades            risk codes that make a first report significant (default ['high'])
--   $referral_flags             flag codes that make a first report significant (default cse, cce, trafficking)
-- Triggers:
--   repeat_threshold      an episode in the period made the person a repeat (is_repeat) when their
--                         previous report was not one (or they had none): the threshold was crossed.
--   first_report_<x>      the person's first report in the database falls in the period and has the
--                         highest grade <x> (e.g. first_report_high) or the flag <x> (first_report_cse).
-- The referral report is the earliest trigger in the period. reports_in_window is its repeat count;
-- highest_risk, flags and looked_after describe the person's reports in the repeat window ending
-- at it (the same window as reports_in_window).
with repeats as (
    select * from episode_repeats($window_days, $threshold)
),

in_period as (
    select *
    from repeats
    where reported_at >= $period_start
      and reported_at < $period_end
),

-- the reports a repeat window ending in the period can reach: from $window_days days before it
reachable as (
    select *
    from repeats
    where reported_at >= $period_start - to_days($window_days)
      and reported_at < $period_end
),

crossings as (
    select
        person_key, incident_id, reported_at,
        'repeat_threshold'                                                  as reason_code,
        'reported ' || reports_in_window || ' times in ' || $window_days || ' days' as reason,
        0                                                                   as reason_order
    from in_period
    where is_repeat
      and not coalesce(previous_is_repeat, false)
),

first_grades as (
    select
        person_key, incident_id, reported_at,
        'first_report_' || highest_risk                                     as reason_code,
        'first report: ' || replace(highest_risk, '_', ' ') || ' risk'      as reason,
        1                                                                   as reason_order
    from in_period
    where report_number = 1
      and list_contains($referral_grades, highest_risk)
),

first_flags as (
    select
        person_key, incident_id, reported_at,
        'first_report_' || flag                                             as reason_code,
        'first report: ' || upper(replace(flag, '_', ' ')) || ' flag'        as reason,
        2 + list_position(flag_order(), flag)                               as reason_order
    from (select *, unnest(flag_list) as flag from in_period where report_number = 1)
    where list_contains($referral_flags, flag)
),

triggers as (
    select * from crossings
    union all select * from first_grades
    union all select * from first_flags
),

per_person as (
    select
        person_key,
        arg_min(incident_id, (reported_at, incident_id))                    as incident_id,
        list(distinct struct_pack(o := reason_order, c := reason_code, t := reason)) as reasons_struct
    from triggers
    group by person_key
),

referred as (
    select p.*, r.reported_at
    from per_person p
    join in_period r using (incident_id)
),

-- The person's picture over the repeat window ending at the referral report.
recent as (
    select
        f.person_key,
        max_risk(r.highest_risk)                                            as highest_risk,
        list_distinct(flatten(list(r.flag_list)))                           as flags_seen,
        coalesce(bool_or(r.looked_after), false)                            as looked_after
    from referred f
    join reachable r
      on r.person_key = f.person_key
     and r.reported_at <= f.reported_at
     and r.reported_at >= f.reported_at - to_days($window_days)
    group by f.person_key
)

select
    p.person_key,
    array_to_string(list_transform(list_sort(p.reasons_struct), lambda x: x.c), ';') as reason_codes,
    array_to_string(list_transform(list_sort(p.reasons_struct), lambda x: x.t), '; ') as reasons,
    r.incident_id,
    r.reported_at,
    r.reports_in_window,
    w.highest_risk,
    array_to_string(canonical_flags(w.flags_seen), ';')                      as flags,
    w.looked_after,
    r.age_at_report,
    r.is_child,
    r.responsible_la
from per_person p
join in_period r using (incident_id)
join recent w on w.person_key = p.person_key
order by r.reported_at, p.person_key;
