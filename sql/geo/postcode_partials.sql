-- Centroids of postcode sectors and districts, for partial postcodes.
-- Grain: one row per sector ("M1 1") or district ("M1").
-- Inputs: ref_postcodes (unit centroids), ref_places (GeoNames postal places, for districts
-- that Code-Point does not cover). Parameters: none.
-- precision_m: the 95th percentile distance of the units (places) from the centroid, at least 250 m.
with units as (
    select postcode, easting, northing,
           left(postcode, length(postcode) - 2) as sector,
           split_part(postcode, ' ', 1) as district
    from ref_postcodes
    where easting is not null
),
sectors as (
    select sector as code, 'sector' as kind, avg(easting) as ce, avg(northing) as cn, count(*) as units
    from units group by sector
),
districts as (
    select district as code, 'district' as kind, avg(easting) as ce, avg(northing) as cn, count(*) as units
    from units group by district
),
geonames_districts as (
    select postcode_district as code, 'district' as kind, avg(easting) as ce, avg(northing) as cn,
           count(*) as units
    from ref_places
    where source = 'geonames' and postcode_district <> ''
      and postcode_district not in (select code from districts)
    group by postcode_district
),
spread as (
    select s.code, s.kind, s.ce, s.cn, s.units, 'codepoint' as source,
           quantile_cont(sqrt(power(u.easting - s.ce, 2) + power(u.northing - s.cn, 2)), 0.95) as p95
    from sectors s join units u on u.sector = s.code
    group by all
    union all
    select d.code, d.kind, d.ce, d.cn, d.units, 'codepoint',
           quantile_cont(sqrt(power(u.easting - d.ce, 2) + power(u.northing - d.cn, 2)), 0.95)
    from districts d join units u on u.district = d.code
    group by all
    union all
    select g.code, g.kind, g.ce, g.cn, g.units, 'geonames',
           greatest(3000, quantile_cont(sqrt(power(p.easting - g.ce, 2) + power(p.northing - g.cn, 2)), 0.95))
    from geonames_districts g join ref_places p on p.source = 'geonames' and p.postcode_district = g.code
    group by all
)
select code, kind, ce as easting, cn as northing, greatest(250, coalesce(p95, 0)) as precision_m,
       units, source
from spread
