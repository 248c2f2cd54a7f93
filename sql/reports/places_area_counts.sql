-- Report: located points per small area (LSOA or ward), for hot spots over areas.
-- Grain: one row per area code holding at least one point of the role reported in the window.
-- Inputs: episodes, episode_locations (lsoa_code / ward_code assigned by the geocoder).
-- Parameters:
--   $role                        'missing_from' | 'found'
--   $level                       'lsoa' | 'ward'
--   $period_start, $period_end   window on episodes.reported_at
--   $max_precision_m             points less precise than this are left out
select
    case $level when 'lsoa' then l.lsoa_code when 'ward' then l.ward_code end as code,
    count(*) as incidents
from episodes e
join episode_locations l
  on l.incident_id = e.incident_id
 and l.role = $role
where e.reported_at >= $period_start
  and e.reported_at < $period_end
  and l.method <> 'unmatched'
  and (l.precision_m is null or l.precision_m <= $max_precision_m)
  and case $level when 'lsoa' then l.lsoa_code when 'ward' then l.ward_code end is not null
group by all
order by code
