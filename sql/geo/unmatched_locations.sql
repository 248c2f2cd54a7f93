-- Locations no step of the cascade could place, for an analyst to fix (police-restricted: address text).
-- Grain: one row per role and distinct input as recorded. Inputs: episode_locations, episodes.
-- Parameters: none.
with unmatched as (
    select l.role, l.incident_id, e.reported_at,
           case l.role when 'missing_from' then e.missing_from_address else e.found_address end as address,
           case l.role when 'missing_from' then e.missing_from_postcode else e.found_postcode end as postcode,
           case l.role when 'missing_from' then e.missing_from_easting else e.found_easting end as easting,
           case l.role when 'missing_from' then e.missing_from_northing else e.found_northing end as northing,
           case l.role when 'missing_from' then e.site_ref end as site_ref
    from episode_locations l
    join episodes e using (incident_id)
    where l.method = 'unmatched'
)
select role, address, postcode, easting, northing, site_ref,
       count(*) as incidents,
       min(reported_at) as first_reported_at,
       max(reported_at) as last_reported_at,
       min(incident_id) as example_incident_id
from unmatched
group by role, address, postcode, easting, northing, site_ref
order by incidents desc, role, address, postcode
