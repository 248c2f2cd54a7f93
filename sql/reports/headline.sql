-- Report: headline -- the page-1 ("at a glance") figures of one month.
-- Grain: one row (the month given by the parameters).
-- Inputs: episode_facts() (sql/marts/episode_facts.sql), person_window() (sql/marts/persons.sql),
--         open_episodes_at() (sql/marts/open_episodes.sql: the one definition of "open at a moment").
-- Parameters:
--   $period_start, $period_end   the month (half-open, London midnights), by reported_at
--   $repeat_start                first instant of the repeat window that ends with the month's last day
--                                (profiles.analysis.people.repeat_window: window_days London days)
--   $threshold                   reports in the window that make a person a repeat (settings.repeat.threshold)
--   $hours                       the return-interview limit after return (settings.safeguarding.return_interview_hours)
--   $high                        the risk grade counted as high (the last of risk_order())
-- Each figure is the one its chapter's table shows:
--   calls, incidents, individuals, child_incidents   as demand_monthly.sql (child: under 18 at the report)
--   looked_after_child_incidents                     children's reports with looked_after true
--   high_risk_incidents                              reports graded high at first assessment
--   repeat_people                                    people with $threshold or more reports in the
--                                                    repeat window ending on the month's last day
--   open_people, open_incidents                      people (distinct) and episodes still open at
--                                                    $period_end, however long ago reported
--   child_returns, interviews_offered_in_time        children found (not found dead) among the month's
--                                                    reports, and those offered a return home interview
--                                                    within $hours hours of being found
with

month as (
    select *
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
),

counts as (
    select
        count(*)                                                            as incidents,
        count(distinct person_key)                                          as individuals,
        cast(coalesce(sum(calls), 0) as bigint)                             as calls,
        count(*) filter (where is_child)                                    as child_incidents,
        count(*) filter (where is_child and is_looked_after)                as looked_after_child_incidents,
        count(*) filter (where risk_initial = $high)                        as high_risk_incidents,
        count(*) filter (where is_child and found_at is not null
                         and coalesce(outcome, '') <> 'found_dead')         as child_returns,
        count(*) filter (where is_child and found_at is not null
                         and coalesce(outcome, '') <> 'found_dead'
                         and return_interview_offered_at <= found_at + to_hours($hours))
                                                                            as interviews_offered_in_time
    from month
),

repeats as (
    select count(*)                                                         as repeat_people
    from person_window($repeat_start, $period_end)
    where reports_in_window >= $threshold
),

still_open as (
    select
        count(distinct person_key)                                          as open_people,
        count(*)                                                            as open_incidents
    from open_episodes_at($period_end)
)

select *
from counts, repeats, still_open
