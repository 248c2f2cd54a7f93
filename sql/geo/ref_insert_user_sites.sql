-- Store user-listed sites. Grain: one row per site_ref.
-- Inputs: registered frame _ref_user_sites_in. Parameters: none.
insert into ref_user_sites by name
select site_ref, name, type, address, postcode, easting, northing, cqc_location_id, source_id, source_row
from _ref_user_sites_in
