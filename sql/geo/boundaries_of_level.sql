-- The most detailed boundary of each area of one level, for maps and area statistics.
-- Grain: one row per area code. Inputs: ref_boundaries.
-- Parameters: $level (pfa|lad|ward|lsoa|msoa), $codes (varchar[] or null for all).
select code, name, geom_wkb
from ref_boundaries
where level = $level
  and ($codes is null or list_contains($codes, code))
qualify row_number() over (partition by code order by detail_rank) = 1
order by code
