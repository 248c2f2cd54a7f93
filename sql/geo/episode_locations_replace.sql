-- Replace the geocoded locations of the episodes just processed and record their state.
-- Grain: episode_locations one row per episode per role with a location; episode_geocode_state one
-- row per episode. Inputs: registered frames _geo_locations_in, _geo_state_in. Parameters: none.
delete from episode_locations where incident_id in (select incident_id from _geo_state_in);
insert into episode_locations by name
select incident_id, role, input_key, easting, northing, lat, lon, method, confidence, precision_m,
       force_area, lad_code, ward_code, lsoa_code, site_id, outside_force::boolean as outside_force,
       now() as geocoded_at
from _geo_locations_in;
insert or replace into episode_geocode_state by name
select incident_id, record_hash, import_id, overrides_hash, now() as geocoded_at
from _geo_state_in;
