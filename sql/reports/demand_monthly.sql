-- Report: demand per calendar month (the trend chart and same month last year).
-- Grain: one row per month of the window, months without reports included as 0.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters: $period_start, $period_end (whole months, half-open, London time).
-- incidents = episodes reported in the month; individuals = distinct persons among them;
-- calls = recorded calls (unrecorded = 0); child/adult by age at the report.
with

months as (
    select month from period_months($period_start, $period_end)
),

-- each person's reports in a month, then the month: two plain group-bys are cheaper than
-- count(distinct) at a force's size
person_months as (
    select
        local_month(reported_at) as month,
        person_key,
        count(*) as incidents,
        sum(calls) as calls,
        count(*) filter (where child_adult = 'child') as child_incidents,
        count(*) filter (where child_adult = 'adult') as adult_incidents
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
    group by all
),

counts as (
    select
        month,
        cast(sum(incidents) as bigint) as incidents,
        count(*) as individuals,
        cast(coalesce(sum(calls), 0) as bigint) as calls,
        cast(sum(child_incidents) as bigint) as child_incidents,
        cast(sum(adult_incidents) as bigint) as adult_incidents
    from person_months
    group by all
)

select
    m.month,
    coalesce(c.incidents, 0) as incidents,
    coalesce(c.individuals, 0) as individuals,
    coalesce(c.calls, 0) as calls,
    coalesce(c.child_incidents, 0) as child_incidents,
    coalesce(c.adult_incidents, 0) as adult_incidents
from months m
left join counts c using (month)
order by m.month
