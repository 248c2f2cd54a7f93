-- Store fresh geocoding results in the cache (keyed by the normalised input).
-- Grain: one row per input key. Inputs: registered frame _geo_cache_in. Parameters: none.
insert or replace into geocode_cache by name
select input_key, easting, northing, lat, lon, method, confidence, precision_m,
       force_area, lad_code, ward_code, lsoa_code, site_id, matched_text, now() as geocoded_at
from _geo_cache_in
