-- Report: located points per small area (LSOA or ward), for hot spots over areas.
-- Grain: one row per area code holding at least one point of the role reported in the window.
-- Inputs: located_points() (sql/marts/located_points.sql; lsoa_code / ward_code assigned by the geocoder).
-- Parameters:
--   $role                        'missing_from' | 'found'
--   $level                       'lsoa' | 'ward'
--   $period_start, $period_end   window on episodes.reported_at
--   $max_precision_m             points less precise than this are left out
select
    case $level when 'lsoa' then lsoa_code when 'ward' then ward_code end as code,
    count(*) as incidents
from located_points($role, $period_start, $period_end, $max_precision_m)
where case $level when 'lsoa' then lsoa_code when 'ward' then ward_code end is not null
group by all
order by code
