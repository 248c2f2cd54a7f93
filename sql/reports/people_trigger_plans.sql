-- Report: people_trigger_plans -- persons likely to go missing again whose trigger plan is due or needs review.
-- Grain: one row per person (person_key) with at least one qualifying report in the period.
-- Inputs: episodes via episode_repeats() (sql/marts/episode_repeats.sql) and person_window()
--         (sql/marts/persons.sql: the person's reports, risk, flags and looked-after in the period).
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights), by reported_at
--   $window_days, $threshold    the repeat rule (settings.repeat)
--   $lookback_days              a prior report this many days before a report makes it qualify
--                               (settings.repeat.trigger_plan_lookback_days, default 365)
-- A report qualifies when it is a repeat (is_repeat) or the person's previous report is at most
-- $lookback_days days earlier (same inclusive, London-calendar rule as the repeat window).
-- plan_status: 'review' when the person already had a qualifying report in the $lookback_days days
-- before the period (a plan should exist and the new episode calls for its review), else 'new'.
with repeats as (
    select
        *,
        coalesce(previous_reported_at >= reported_at - to_days($lookback_days), false) as prior_within_lookback
    from episode_repeats($window_days, $threshold)
    where reported_at < $period_end
      -- the earliest report any part below reads (before_period); the counts cover all history
      and reported_at >= $period_start - to_days($lookback_days)
),

qualified as (
    select *, is_repeat or prior_within_lookback as qualifies
    from repeats
),

in_period as (
    select * from qualified where reported_at >= $period_start
),

before_period as (
    select distinct person_key
    from qualified
    where qualifies
      and reported_at < $period_start
      and reported_at >= $period_start - to_days($lookback_days)
),

-- what qualifies the person; the rest of their picture in the period is person_window()'s
qualifying as (
    select
        person_key,
        count(*) filter (where qualifies)                               as qualifying_reports,
        arg_min(incident_id, (reported_at, incident_id)) filter (where qualifies) as first_qualifying_incident_id,
        min(reported_at) filter (where qualifies)                       as first_qualifying_at,
        max(reports_in_window)                                          as max_reports_in_window,
        bool_or(is_repeat)                                              as any_repeat,
        bool_or(prior_within_lookback)                                  as any_prior_within_lookback
    from in_period
    group by person_key
    having bool_or(qualifies)
),

per_person as (
    select q.*, w.reports_in_window as reports_in_period, w.last_report_at, w.highest_risk, w.flags,
           w.looked_after, w.any_child
    from qualifying q
    join person_window($period_start, $period_end) w using (person_key)
),

reports_last_year as (
    select person_key, count(*) as reports_in_lookback
    from repeats
    where reported_at >= $period_end - to_days($lookback_days)
    group by person_key
)

select
    p.person_key,
    case when b.person_key is null then 'new' else 'review' end       as plan_status,
    concat_ws(';',
        case when p.any_repeat then 'repeat' end,
        case when p.any_prior_within_lookback then 'prior_episode_within_' || $lookback_days || '_days' end
    )                                                                   as reasons,
    p.first_qualifying_incident_id,
    p.first_qualifying_at,
    p.reports_in_period,
    p.qualifying_reports,
    p.last_report_at,
    p.max_reports_in_window,
    y.reports_in_lookback,
    p.highest_risk,
    p.flags,
    p.looked_after,
    p.any_child
from per_person p
left join before_period b using (person_key)
left join reports_last_year y using (person_key)
order by case when b.person_key is null then 0 else 1 end, p.max_reports_in_window desc,
         p.last_report_at desc, p.person_key;
