-- Report: the looked-after share of incidents and of individuals.
-- Grain: one row per child_adult group ('all', 'child', 'adult', 'unknown' when ages are unknown).
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters: $period_start, $period_end (window on reported_at, half-open, London time).
-- An incident is looked-after when its looked_after flag is true; a person is looked-after
-- when any of their incidents in the window is (and is counted in each age group they
-- were reported in).
with

in_window as (
    select
        person_key,
        is_looked_after as looked_after,
        child_adult
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
),

persons as (
    select child_adult, person_key, bool_or(looked_after) as looked_after
    from in_window
    group by grouping sets ((child_adult, person_key), (person_key))
),

incident_counts as (
    select coalesce(child_adult, 'all') as child_adult,
           count(*) as incidents,
           count(*) filter (where looked_after) as looked_after_incidents
    from in_window
    group by grouping sets ((child_adult), ())
),

person_counts as (
    select coalesce(child_adult, 'all') as child_adult,
           count(*) as individuals,
           count(*) filter (where looked_after) as looked_after_individuals
    from persons
    group by all
)

select
    i.child_adult,
    i.incidents,
    i.looked_after_incidents,
    round(i.looked_after_incidents / i.incidents, 4) as share_incidents,
    p.individuals,
    p.looked_after_individuals,
    round(p.looked_after_individuals / p.individuals, 4) as share_individuals
from incident_counts i
join person_counts p using (child_adult)
order by list_position(['all', 'child', 'adult', 'unknown'], i.child_adult)
