-- Store CQC care homes (LAD repaired, de-duplicated across directory editions).
-- Grain: one row per care home. Inputs: registered frame _ref_care_homes_in. Parameters: none.
insert into ref_care_homes by name
select cqc_location_id, name, service_types, address, postcode, lad_code, lad_name, easting, northing,
       lat, lon, provider, vintage, source_id, source_row
from _ref_care_homes_in
