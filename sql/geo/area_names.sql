-- The name of each area of one boundary level: the one code -> name resolution (area_names()).
-- Grain: one row per area code (code) with a name.
-- Inputs: area_names() (sql/marts/area_names.sql) over ref_boundaries.
-- Parameters: $level (lad | ward | lsoa | msoa | pfa).
select code, name
from area_names($level)
order by code
