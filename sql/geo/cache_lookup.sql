-- Cached geocoding results for the given input keys.
-- Grain: one row per cached input key. Inputs: registered frame _geo_keys_in (input_key), geocode_cache.
-- Parameters: none.
select c.input_key, c.easting, c.northing, c.lat, c.lon, c.method, c.confidence, c.precision_m,
       c.force_area, c.lad_code, c.ward_code, c.lsoa_code, c.site_id, c.matched_text
from _geo_keys_in k
join geocode_cache c using (input_key)
