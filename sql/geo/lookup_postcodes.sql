-- Full postcodes -> Code-Point Open centroid with its precomputed areas.
-- Grain: one row per input key whose postcode has coordinates.
-- Inputs: registered frame _geo_postcodes_in (input_key, postcode), ref_postcodes. Parameters: none.
select i.input_key, p.postcode, p.quality, p.easting, p.northing,
       p.force_area, p.lad_code, p.ward_code, p.lsoa_code
from _geo_postcodes_in i
join ref_postcodes p on p.postcode = i.postcode
where p.easting is not null
