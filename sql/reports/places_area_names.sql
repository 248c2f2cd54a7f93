-- Report: names of the areas of one boundary level, to show beside codes.
-- Grain: one row per area code. Inputs: ref_boundaries (from `misper reference import`).
-- Parameters: $level (lad | ward | lsoa | msoa | pfa).
select code, any_value(name) as name
from ref_boundaries
where level = $level
  and name is not null
group by code
