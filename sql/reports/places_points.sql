-- Report: the located go-missing or found points of the episodes reported in a window.
-- Grain: one row per episode reported in the window with a precise enough location in the role.
-- Inputs: episodes, episode_locations.
-- Parameters:
--   $role                        'missing_from' | 'found'
--   $period_start, $period_end   window on episodes.reported_at (half-open, London time)
--   $max_precision_m             leave out points less precise than this (centroids of
--                                partial postcodes, place names); unknown precision is kept
select
    l.incident_id,
    e.person_key,
    e.reported_at,
    l.easting,
    l.northing,
    l.method,
    l.precision_m,
    l.site_id,
    l.force_area,
    l.lad_code,
    l.ward_code,
    l.lsoa_code,
    coalesce(l.outside_force, false) as outside_force
from episodes e
join episode_locations l
  on l.incident_id = e.incident_id
 and l.role = $role
where e.reported_at >= $period_start
  and e.reported_at < $period_end
  and l.easting is not null
  and l.northing is not null
  and l.method <> 'unmatched'
  and (l.precision_m is null or l.precision_m <= $max_precision_m)
order by l.incident_id
