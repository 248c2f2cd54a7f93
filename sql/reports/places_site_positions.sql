-- Report: every site of the register and every candidate site, to name and describe places.
-- Grain: one row per site (sites.site_id); status 'register' | 'candidate'.
-- Inputs: sites.
-- Parameters: none.
select site_id, site_ref, name, type, lad_code, easting, northing, sensitive, status
from sites
order by site_id
