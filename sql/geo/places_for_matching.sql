-- Gazetteer places for the place-name step of the cascade.
-- Grain: one row per place name. Inputs: ref_places. Parameters: none.
select name, name_norm, source, local_type, easting, northing, precision_m,
       coalesce(postcode_district, '') as postcode_district,
       coalesce(district_name, '') as district_name,
       coalesce(county_name, '') as county_name,
       force_area
from ref_places
where easting is not null and name_norm <> ''
order by name_norm, source, place_id
