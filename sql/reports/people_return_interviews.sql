-- Report: people_return_interviews -- return home interviews for children, by responsible local authority.
-- Grain: one row per responsible local authority ('unknown' when none recorded), plus a last row
--        'all' for the whole force.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters:
--   $period_start, $period_end  the period (half-open, London midnights), by reported_at
--   $hours                      the limit after return (settings.safeguarding.return_interview_hours, 72)
-- Counted: episodes of children (under 18 at the report) reported in the period and found
-- (found_at recorded), except those found dead. Offered (done) within the limit: an offer
-- (interview) time recorded and no later than found_at + $hours hours.
with returns as (
    select
        coalesce(nullif(trim(responsible_la), ''), 'unknown')          as responsible_la,
        return_interview_offered_at is not null                        as offered,
        return_interview_offered_at <= found_at + to_hours($hours)     as offered_in_time,
        return_interview_done_at is not null                           as done,
        return_interview_done_at <= found_at + to_hours($hours)        as done_in_time
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
      and is_child
      and found_at is not null
      and coalesce(outcome, '') <> 'found_dead'
),

counted as (
    select
        case when grouping(responsible_la) = 1 then 'all' else responsible_la end as responsible_la,
        grouping(responsible_la)                                       as is_total,
        count(*)                                                       as returns,
        count(*) filter (where offered)                                as offered,
        count(*) filter (where offered_in_time)                        as offered_within_limit,
        count(*) filter (where done)                                   as done,
        count(*) filter (where done_in_time)                           as done_within_limit
    from returns
    group by grouping sets ((responsible_la), ())
)

select
    responsible_la,
    returns,
    offered,
    offered_within_limit,
    done,
    done_within_limit,
    round(offered_within_limit / nullif(returns, 0), 3)               as offered_within_limit_rate,
    round(done_within_limit / nullif(returns, 0), 3)                  as done_within_limit_rate
from counted
where returns > 0
order by is_total, responsible_la;
