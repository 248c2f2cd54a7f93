-- User-listed sites; a site without coordinates takes its postcode's centroid.
-- Grain: one row per site_ref. Inputs: ref_user_sites, ref_postcodes. Parameters: none.
select
    u.site_ref,
    u.name,
    u.type,
    u.cqc_location_id,
    u.address,
    u.postcode,
    coalesce(u.easting, p.easting) as easting,
    coalesce(u.northing, p.northing) as northing,
    cast(null as varchar) as lad_code,
    'user_list' as source,
    case when u.easting is not null then 25.0 else 100.0 end as precision_m
from ref_user_sites u
left join ref_postcodes p on p.postcode = u.postcode
order by u.source_id, u.source_row
