-- Boundary features for point-in-polygon, most detailed source first within each level.
-- Grain: one row per feature kept (a coarser source's feature is dropped when a finer source of
-- the same level has its code). Inputs: ref_boundaries. Parameters: none.
with ranked as (
    select level, code, detail_rank, geom_wkb,
           min(detail_rank) over (partition by level, code) as best_rank
    from ref_boundaries
    where level in ('pfa', 'lad', 'ward', 'lsoa')
)
select level, code, detail_rank, geom_wkb
from ranked
where detail_rank = best_rank
order by level, detail_rank, code
