-- Report: data quality -- how go-missing and found locations were geocoded.
-- Grain: one row per (role, method); 'not_geocoded' when an episode has no location row.
-- Inputs: episodes, episode_locations.
-- Parameters: $period_start, $period_end (window on reported_at).
-- Found locations are expected only for found episodes.
with

in_window as (
    select incident_id, found_at
    from episodes
    where reported_at >= $period_start
      and reported_at < $period_end
),

expected as (
    select incident_id, 'missing_from' as role from in_window
    union all
    select incident_id, 'found' as role from in_window where found_at is not null
)

select
    x.role,
    coalesce(l.method, 'not_geocoded') as method,
    count(*) as locations,
    round(count(*) / sum(count(*)) over (partition by x.role), 4) as share,
    round(avg(l.confidence), 3) as mean_confidence,
    round(median(l.precision_m)) as median_precision_m
from expected x
left join episode_locations l using (incident_id, role)
group by x.role, coalesce(l.method, 'not_geocoded')
order by x.role desc, locations desc, method
