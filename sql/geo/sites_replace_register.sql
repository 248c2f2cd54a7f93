-- Replace the register rows of the sites table; candidate rows stay unless a register site
-- now has the same id. Grain: one row per site. Inputs: registered frame _sites_in. Parameters: none.
delete from sites where status = 'register' or site_id in (select site_id from _sites_in);
insert into sites by name
select site_id, site_ref, name, type, cqc_location_id, address, postcode, easting, northing, lat, lon,
       lad_code, ward_code, lsoa_code, sensitive, source, status
from _sites_in;
