-- Attribute go-missing locations to a register site when the recorded type and place leave no
-- doubt: the episode's missing_from_type is the site's type, and the location is at the site's
-- postcode or within $radius_m of it, and exactly one register site of that type qualifies.
-- (The position and method stay as geocoded; only site_id is set.)
-- Grain: episode_locations, role missing_from. Inputs: episode_locations, episodes, sites.
-- Parameters: $radius_m.
with candidates as (
    select l.incident_id, s.site_id
    from episode_locations l
    join episodes e using (incident_id)
    join sites s
      on s.status = 'register'
     and s.type = e.missing_from_type
     and (s.postcode = e.missing_from_postcode
          or (s.easting is not null
              and sqrt(power(s.easting - l.easting, 2) + power(s.northing - l.northing, 2)) <= $radius_m))
    where l.role = 'missing_from'
      and l.method in ('coordinates', 'postcode', 'override')
      and (l.site_id is null or l.site_id like 'CAND-%')
      and e.missing_from_type not in ('home', 'foster_care', 'school', 'other')
),
unique_site as (
    select incident_id, min(site_id) as site_id
    from candidates
    group by incident_id
    having count(distinct site_id) = 1
)
update episode_locations as l set site_id = u.site_id
from unique_site u
where l.incident_id = u.incident_id and l.role = 'missing_from'
