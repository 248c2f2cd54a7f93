-- Report: from where each person went missing to where they were found.
-- Grain: one row per found episode reported in the window with both points located.
-- Inputs: episode_facts() (sql/marts/episode_facts.sql), episode_locations (roles 'missing_from' and 'found', EPSG:27700).
-- Parameters:
--   $period_start, $period_end   window on episodes.reported_at (half-open, London time)
--   $max_precision_m             both points at least this precise (unknown precision kept)
-- distance_m: straight line in metres; bearing_deg: clockwise from grid north (0-360);
-- direction: 8-point compass of the bearing, 'same_location' when under 1 m apart.
-- Categories (not exclusive): child_12_17 (age 12-17 at the report), adult (18+),
-- dementia, mental_health (flags), looked_after.
with

located as (
    select incident_id, role, easting, northing, site_id
    from episode_locations
    where easting is not null
      and northing is not null
      and method <> 'unmatched'
      and (precision_m is null or precision_m <= $max_precision_m)
),

journeys as (
    select
        e.incident_id,
        e.person_key,
        e.reported_at,
        e.found_at,
        e.age_at_report,
        g.easting as from_easting,
        g.northing as from_northing,
        g.site_id as from_site_id,
        f.easting as found_easting,
        f.northing as found_northing,
        f.site_id as found_site_id,
        sqrt(pow(f.easting - g.easting, 2) + pow(f.northing - g.northing, 2)) as distance_m,
        (degrees(atan2(f.easting - g.easting, f.northing - g.northing)) + 360) % 360 as bearing_deg,
        is_child_12_17(e.age_at_report) as child_12_17,
        e.child_adult = 'adult' as adult,
        coalesce(e.flag_dementia, false) as dementia,
        coalesce(e.flag_mental_health, false) as mental_health,
        coalesce(e.looked_after, false) as looked_after
    from episode_facts() e
    join located g on g.incident_id = e.incident_id and g.role = 'missing_from'
    join located f on f.incident_id = e.incident_id and f.role = 'found'
    where e.reported_at >= $period_start
      and e.reported_at < $period_end
      and e.found_at is not null
)

select
    * exclude (bearing_deg),
    case when distance_m < 1 then null else round(bearing_deg, 1) end as bearing_deg,
    case
        when distance_m < 1 then 'same_location'
        else ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'][cast(floor(((bearing_deg + 22.5) % 360) / 45) as integer) + 1]
    end as direction
from journeys
order by reported_at, incident_id
