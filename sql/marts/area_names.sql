-- Mart: area_names(level) -- the one name of each area code of a boundary level.
-- Grain: one row per area code (code) of the level that has a name.
-- Inputs: ref_boundaries (sql/schema/11_reference.sql, from `misper reference import`).
-- Parameters (macro argument, bind it as $level when calling): level = lad | ward | lsoa | msoa | pfa.
-- Several sources may name one area: the most detailed source's name wins (detail_rank 1), then
-- the first in name order, so every output names an authority the same way.
create or replace temp macro area_names(level_of) as table
select code, first(name order by detail_rank, name) as name
from ref_boundaries
where level = level_of
  and name is not null
group by code;
