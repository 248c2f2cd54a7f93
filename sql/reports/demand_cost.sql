-- Report: the cost of demand: incidents by initial risk grade times a unit cost.
-- Grain: one row per risk grade (every grade, 0 when none were reported).
-- Inputs: episode_facts() (sql/marts/episode_facts.sql).
-- Parameters:
--   $period_start, $period_end   window on reported_at (half-open, London time)
--   $cost_risks, $cost_values    unit cost (GBP) per grade, parallel lists (settings.costs.unit_cost_gbp)
--   $hour_risks, $hour_values    officer hours per incident by grade (settings.costs.officer_hours);
--                                empty lists when not configured
with

grades as (
    select unnest(risk_order()) as risk
),

unit_costs as (
    select unnest(cast($cost_risks as varchar[])) as risk, unnest(cast($cost_values as double[])) as unit_cost_gbp
),

unit_hours as (
    select unnest(cast($hour_risks as varchar[])) as risk, unnest(cast($hour_values as double[])) as hours_per_incident
),

counts as (
    select risk_initial as risk, count(*) as incidents
    from episode_facts()
    where reported_at >= $period_start
      and reported_at < $period_end
    group by risk_initial
)

select
    g.risk,
    coalesce(c.incidents, 0) as incidents,
    uc.unit_cost_gbp,
    round(coalesce(c.incidents, 0) * coalesce(uc.unit_cost_gbp, 0), 2) as cost_gbp,
    uh.hours_per_incident as officer_hours_per_incident,
    round(coalesce(c.incidents, 0) * uh.hours_per_incident, 1) as officer_hours
from grades g
left join counts c using (risk)
left join unit_costs uc using (risk)
left join unit_hours uh using (risk)
order by risk_rank(g.risk) desc
