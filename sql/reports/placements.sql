-- Report: placements -- looked-after children reported missing, by placement and by who placed them.
-- Grain: one row per (placement_type, placed_by) with incidents.
-- Inputs: placed_children() (sql/marts/placements.sql).
-- Parameters: $period_start, $period_end (the period, half-open, London time); $pfa_code (the force).
select
    placement_type,
    placed_by,
    count(*)                            as incidents,
    count(distinct person_key)          as individuals
from placed_children($period_start, $period_end, $pfa_code)
group by placement_type, placed_by
order by list_position(placement_types(), placement_type),
         list_position(placed_by_codes(), placed_by)
