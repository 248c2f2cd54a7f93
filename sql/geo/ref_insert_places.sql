-- Store gazetteer places (OS Open Names, GeoNames).
-- Grain: one row per place name (a place with a Welsh/Gaelic alternate has two).
-- Inputs: registered frame _ref_places_in. Parameters: none.
insert into ref_places by name
select place_id, source, name, name_norm, local_type, easting, northing, lat, lon, precision_m,
       postcode_district, district_name, county_name, force_area, lad_code, source_id
from _ref_places_in
