-- Mart: located_points(role_of, period_start, period_end, max_precision_m) -- the geocoded points of
-- one role of the episodes reported in a window, precise enough to place.
-- Grain: one row per episode (incident_id) reported in the window with a matched location in the role.
-- Inputs: episodes, episode_locations (sql/schema/10_geo.sql).
-- Parameters (macro arguments, bind them as $role, $period_start, $period_end, $max_precision_m):
--   role_of                      'missing_from' | 'found'
--   period_start, period_end     window on episodes.reported_at (half-open, London time)
--   max_precision_m              leave out points less precise than this (centroids of partial
--                                postcodes, place names); unknown precision is kept
create or replace temp macro located_points(role_of, period_start, period_end, max_precision_m) as table
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
 and l.role = role_of
where e.reported_at >= period_start
  and e.reported_at < period_end
  and l.method <> 'unmatched'
  and (l.precision_m is null or l.precision_m <= max_precision_m);
