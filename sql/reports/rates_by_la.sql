-- Report: rates_by_la -- incidents per 10,000 residents and per 10,000 children, by local authority.
-- Grain: one row per local authority district (lad_code): the force's LADs and any other LAD with incidents.
-- Inputs: episode_facts() (lad_code: the LAD of the go-missing point), ref_population (ONS mid-year
--         estimates, from `misper reference import`), ref_lad_pfa, area_names().
-- Parameters: $period_start, $period_end (the twelve months ending with the period, half-open,
--         London time); $pfa_code (the force).
-- child_population: residents under 18 (is_child(age)); rates are empty without a population.
with pop as (
    select area_code as lad_code,
           sum(population)::bigint                                  as population,
           (sum(population) filter (where is_child(age)))::bigint    as child_population
    from ref_population
    group by area_code
),

counted as (
    select lad_code,
           count(*)                                                 as incidents,
           count(distinct person_key)                               as individuals,
           count(*) filter (where is_child)                         as child_incidents
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
      and lad_code is not null
    group by lad_code
),

lads as (
    select lad_code from ref_lad_pfa where pfa_code = $pfa_code
    union
    select lad_code from counted
)

select
    l.lad_code,
    n.name                                                          as lad_name,
    p.population,
    coalesce(c.incidents, 0)                                        as incidents,
    coalesce(c.individuals, 0)                                      as individuals,
    round(10000.0 * coalesce(c.incidents, 0) / nullif(p.population, 0), 2)        as incidents_per_10k,
    p.child_population,
    coalesce(c.child_incidents, 0)                                  as child_incidents,
    round(10000.0 * coalesce(c.child_incidents, 0) / nullif(p.child_population, 0), 2)
                                                                    as child_incidents_per_10k_children
from lads l
left join pop p using (lad_code)
left join counted c using (lad_code)
left join area_names('lad') n on n.code = l.lad_code
order by l.lad_code
