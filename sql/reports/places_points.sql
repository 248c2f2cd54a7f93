-- Report: the located go-missing or found points of the episodes reported in a window.
-- Grain: one row per episode (incident_id) reported in the window with a precise enough location in the role.
-- Inputs: located_points() (sql/marts/located_points.sql).
-- Parameters:
--   $role                        'missing_from' | 'found'
--   $period_start, $period_end   window on episodes.reported_at (half-open, London time)
--   $max_precision_m             leave out points less precise than this (centroids of
--                                partial postcodes, place names); unknown precision is kept
select *
from located_points($role, $period_start, $period_end, $max_precision_m)
where easting is not null
  and northing is not null
order by incident_id
