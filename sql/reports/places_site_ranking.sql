-- Report: sites ranked by incidents (the `misper sites` table, police view).
-- Grain: one row per site with at least one incident in the window.
-- Inputs: site_episodes (sql/marts/sites_episodes.sql), episode_repeats (sql/marts/episode_repeats.sql),
--         sites.
-- Parameters:
--   $period_start, $period_end  the window ranked (half-open, London time)
--   $previous_start             start of the equal-length window before it (it ends at $period_start)
--   $window_days, $threshold    repeat rule: >= $threshold reports within $window_days days
--   $cost_risks, $cost_values   unit cost (GBP) per initial risk grade, as two parallel lists
-- incidents           episodes reported in the window whose go-missing location matched the site
-- individuals         distinct persons among them
-- repeat_individuals  of those persons, the ones with a report in the window that was their
--                     $threshold-th (or later) within $window_days days (earlier reports count,
--                     wherever they went missing from)
-- calls               sum of recorded calls (unrecorded = 0)
-- estimated_cost_gbp  sum over the incidents of the unit cost of their initial risk grade
-- change_vs_previous  incidents minus incidents at the site in the previous window
with

unit_costs as (
    select unnest(cast($cost_risks as varchar[])) as risk, unnest(cast($cost_values as double[])) as unit_cost_gbp
),

-- the people analysis's repeat rule (sql/marts/episode_repeats.sql): persons reaching the
-- threshold on a report inside the window
repeat_persons as (
    select distinct person_key
    from episode_repeats($window_days, $threshold)
    where reported_at >= $period_start and reported_at < $period_end
      and is_repeat
),

current_window as (
    select
        se.site_id,
        count(*) as incidents,
        count(distinct se.person_key) as individuals,
        count(distinct rp.person_key) as repeat_individuals,
        cast(coalesce(sum(se.calls), 0) as bigint) as calls,
        round(coalesce(sum(uc.unit_cost_gbp), 0), 2) as estimated_cost_gbp
    from site_episodes se
    left join repeat_persons rp on rp.person_key = se.person_key
    left join unit_costs uc on uc.risk = se.risk
    where se.reported_at >= $period_start and se.reported_at < $period_end
    group by se.site_id
),

previous_window as (
    select site_id, count(*) as incidents
    from site_episodes
    where reported_at >= $previous_start and reported_at < $period_start
    group by site_id
)

select
    s.site_id,
    s.site_ref,
    s.name,
    s.type,
    s.postcode,
    s.easting,
    s.northing,
    s.lad_code,
    c.incidents,
    c.individuals,
    c.repeat_individuals,
    c.calls,
    c.estimated_cost_gbp,
    c.incidents - coalesce(p.incidents, 0) as change_vs_previous,
    s.sensitive
from current_window c
join sites s using (site_id)
left join previous_window p using (site_id)
order by c.incidents desc, c.individuals desc, c.calls desc, s.site_id
