-- Store Code-Point Open postcodes with WGS84 and areas.
-- Grain: one row per postcode unit. Inputs: registered frame _ref_postcodes_in. Parameters: none.
insert into ref_postcodes by name
select postcode, quality, easting, northing, lat, lon, country_code, cp_lad_code, cp_ward_code,
       force_area, lad_code, ward_code, lsoa_code, source_id
from _ref_postcodes_in
