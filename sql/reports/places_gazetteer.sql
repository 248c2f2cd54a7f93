-- Report: gazetteer places with a position, to say where a cluster is in words.
-- Grain: one row per gazetteer entry (ref_places: OS Open Names, GeoNames) with coordinates.
-- Inputs: ref_places (from `misper reference import`).
-- Parameters: none.
select name, local_type, source, easting, northing
from ref_places
where easting is not null
  and northing is not null
order by source, name, easting, northing
