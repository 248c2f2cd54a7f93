-- Register sites with positions, for the site step of the geocoding cascade.
-- Grain: one row per register site with coordinates. Inputs: sites. Parameters: none.
select site_id, site_ref, name, type, address, postcode, easting, northing,
       case when source = 'user_list' then 25.0 else 100.0 end as precision_m
from sites
where status = 'register' and easting is not null and northing is not null
order by site_id
