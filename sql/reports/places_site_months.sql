-- Report: incidents per site per calendar month, for persistent and emerging sites.
-- Grain: one row per site (with at least one incident in the window) per month of the window,
--        months without incidents included as 0.
-- Inputs: site_episodes (sql/marts/sites_episodes.sql), sites.
-- Parameters: $period_start, $period_end (whole months, half-open, London time).
with

months as (
    select month from period_months($period_start, $period_end)
),

counts as (
    select site_id, local_month(reported_at) as month, count(*) as incidents
    from site_episodes
    where reported_at >= $period_start and reported_at < $period_end
    group by all
),

active_sites as (
    select distinct site_id from counts
)

select
    a.site_id,
    m.month,
    coalesce(c.incidents, 0) as incidents
from active_sites a
cross join months m
left join counts c on c.site_id = a.site_id and c.month = m.month
order by a.site_id, m.month
