-- Episodes whose locations must be (re)geocoded: new, changed since last geocoded, with changed
-- overrides, or geocoded against other reference data / sites register.
-- Grain: one row per episode. Inputs: episodes, episode_geocode_state, geocode_overrides.
-- Parameters: $version (current reference import : sites register version).
with overrides as (
    select incident_id,
           md5(string_agg(role || ':' || easting || ':' || northing, '|' order by role)) as overrides_hash
    from geocode_overrides
    group by incident_id
)
select
    e.incident_id,
    e.record_hash,
    coalesce(o.overrides_hash, '') as overrides_hash,
    e.missing_from_address, e.missing_from_postcode, e.missing_from_easting, e.missing_from_northing,
    e.site_ref,
    e.found_address, e.found_postcode, e.found_easting, e.found_northing
from episodes e
left join episode_geocode_state s using (incident_id)
left join overrides o using (incident_id)
where s.incident_id is null
   or s.record_hash <> e.record_hash
   or s.import_id is distinct from $version
   or s.overrides_hash <> coalesce(o.overrides_hash, '')
order by e.incident_id
