-- Report: located points per regular grid cell (British National Grid), for hot spots.
-- Grain: one row per grid cell holding at least one located point of the role (any date).
-- Inputs: episodes, episode_locations.
-- Parameters:
--   $role                        'missing_from' | 'found'
--   $cell_m                      cell size in metres; cell (x, y) spans [x*cell_m, (x+1)*cell_m)
--   $period_start, $period_end   `incidents` counts episodes reported in this window
--   $max_precision_m             points less precise than this are left out
-- points_all_time counts every located point, to bound the study area when no force
-- boundary is loaded. Points flagged outside the force area are left out.
with

located as (
    select
        l.easting,
        l.northing,
        (e.reported_at >= $period_start and e.reported_at < $period_end) as in_period
    from episodes e
    join episode_locations l
      on l.incident_id = e.incident_id
     and l.role = $role
    where l.easting is not null
      and l.northing is not null
      and l.method <> 'unmatched'
      and (l.precision_m is null or l.precision_m <= $max_precision_m)
      and not coalesce(l.outside_force, false)
)

select
    cast(floor(easting / $cell_m) as bigint) as cell_x,
    cast(floor(northing / $cell_m) as bigint) as cell_y,
    count(*) filter (where in_period) as incidents,
    count(*) as points_all_time
from located
group by all
order by cell_x, cell_y
