-- Partial postcodes (sector "M1 1" or district "M1") -> centroid; a sector not known falls back
-- to its district. Grain: one row per input key.
-- Inputs: registered frame _geo_partials_in (input_key, partial), ref_postcode_partials. Parameters: none.
with wanted as (
    select input_key, partial, split_part(partial, ' ', 1) as district from _geo_partials_in
),
matched as (
    select w.input_key, p.code, p.kind, p.easting, p.northing, p.precision_m,
           case p.kind when 'sector' then 1 else 2 end as pref
    from wanted w
    join ref_postcode_partials p on p.code = w.partial or p.code = w.district
)
select input_key, code, kind, easting, northing, precision_m
from matched
qualify row_number() over (partition by input_key order by pref) = 1
