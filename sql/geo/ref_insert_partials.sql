-- Store partial-postcode centroids. Grain: one row per sector or district.
-- Inputs: registered frame _ref_partials_in. Parameters: none.
insert into ref_postcode_partials by name
select code, kind, easting, northing, lat, lon, precision_m, units, source from _ref_partials_in
