-- Repeated go-missing locations that match no register site: candidate sites for review.
-- Grain: one row per location: the postcode unit for a location found by its postcode (many
-- postcodes can share one centroid, e.g. PO boxes at a sorting office), else the point to 10 m.
-- Inputs: episode_locations (role missing_from), episodes, sites.
-- Parameters: $min_incidents, $min_persons, $exclude_types (varchar[]: private homes, never candidates).
with located as (
    select l.incident_id, e.person_key, e.missing_from_type, e.missing_from_address,
           e.missing_from_postcode, l.lad_code, l.ward_code, l.lsoa_code,
           round(l.easting / 10) * 10 as e10, round(l.northing / 10) * 10 as n10,
           case when l.method = 'postcode' and e.missing_from_postcode is not null
                then 'pc:' || e.missing_from_postcode
                else printf('%.0f,%.0f', round(l.easting / 10) * 10, round(l.northing / 10) * 10)
           end as location_key
    from episode_locations l
    join episodes e using (incident_id)
    where l.role = 'missing_from'
      and l.method in ('coordinates', 'postcode', 'override')
      and (l.site_id is null or l.site_id like 'CAND-%')
      and l.easting is not null
      and not list_contains($exclude_types, coalesce(e.missing_from_type, ''))
),
grouped as (
    select
        location_key,
        min(e10) as e10, min(n10) as n10,
        count(*) as incidents,
        count(distinct person_key) as persons,
        mode(missing_from_type) as type,
        mode(missing_from_address) as address,
        mode(missing_from_postcode) as postcode,
        mode(lad_code) as lad_code,
        mode(ward_code) as ward_code,
        mode(lsoa_code) as lsoa_code
    from located
    group by location_key
)
select
    location_key,
    'Unregistered location near ' || coalesce(postcode, printf('%.0f, %.0f', e10, n10)) as name,
    coalesce(type, 'other') as type,
    address, postcode, e10 as easting, n10 as northing, lad_code, ward_code, lsoa_code,
    incidents, persons
from grouped
where incidents >= $min_incidents and persons >= $min_persons
order by location_key
